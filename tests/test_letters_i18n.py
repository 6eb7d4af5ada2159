"""The gettext catalogs: every locale translates every message of the letter template."""
from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from formsvc.letters import assets
from formsvc.letters.i18n import LOCALES, VOICES, letters_dir, po_path

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: Salutations may leave the name out (French "Monsieur,", Polish "Szanowny Panie,") or use another form.
NAME_FORMS = {"name", "last_name", "full_name"}


def template_msgids() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message extracted from the template the same way pybabel does (babel.cfg);
    the context tells apart messages with the same English text (``pgettext``: the representative's gender)."""
    found = extract_from_file("jinja2", str(letters_dir() / "letter.html"),
                              options={"extensions": "jinja2.ext.i18n", "trimmed": "true"})
    return {(context, message if isinstance(message, str) else tuple(m for m in message if m))
            for _, message, _, context in found}


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_catalog_has_every_template_message(language):
    """Each locale's messages.po has exactly the template's msgids, all translated, none fuzzy."""
    with open(po_path(language), "rb") as handle:
        catalog = read_po(handle)
    ids = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}
    expected = template_msgids()
    assert expected - ids == set(), f"{language} lacks messages"
    # besides the template's messages a catalog may carry a grammatical voice of a plain message
    # (context "company", "I", "I, company": i18n.voice), where that language's grammar differs
    voiced = {(name, message) for name in VOICES for context, message in expected if context is None}
    assert ids - expected - voiced == set(), f"{language} has stale messages"
    plural_forms = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        # a plural message (ngettext) has a string for each of the language's plural forms
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.id, str) else tuple(message.string)
        if len(ids) > 1:
            assert len(strings) == plural_forms, f"{language}: plural forms of {ids[0]!r}"
        assert not message.fuzzy, f"{language}: fuzzy {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert string.strip(), f"{language}: untranslated {ids[0]!r}"
            got = set(PLACEHOLDER.findall(string))
            if wanted <= NAME_FORMS:
                assert got <= NAME_FORMS
            else:
                assert wanted == got, f"{language}: placeholders of {ids[0]!r}"


def test_prepare_compiles_catalogs_and_fonts(tmp_path, monkeypatch):
    """assets.prepare() is idempotent: .mo files and subset fonts exist afterwards and are reused."""
    monkeypatch.setenv("FORMSVC_CACHE_DIR", str(tmp_path))
    assets.prepare()
    fonts = assets.font_files()
    for path in fonts.values():
        assert path.is_file() and path.stat().st_size < 100_000  # reduced, not the 500 kB system font
    stamp = {p: p.stat().st_mtime_ns for p in fonts.values()}
    assets.prepare()
    assert {p: p.stat().st_mtime_ns for p in assets.font_files().values()} == stamp
    for language in LOCALES:
        assert po_path(language).with_suffix(".mo").is_file()
