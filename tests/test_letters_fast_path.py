"""The warm letter renderer's shortcuts change nothing in the output: XHTML parsing, UA sheet, style memo."""
from __future__ import annotations

import copy
import re
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from formsvc.case import loads
from formsvc.letters import options_from, render_letter
from formsvc.letters.i18n import letters_dir
from formsvc.letters.renderer import renderer

from conftest import valid_sample_paths

RENDERER_MODULE = sys.modules["formsvc.letters.renderer"]


def _pdf(case, **overrides) -> bytes:
    return render_letter(case, options_from(case, overrides)).data


def _forget_styles() -> None:
    memo = renderer().style_memo
    memo.values.clear()
    memo.specified.clear()


@pytest.mark.parametrize("path", valid_sample_paths(), ids=lambda p: p.stem)
def test_template_output_is_well_formed_xml(path):
    """Every sample's letter markup parses as XML, so the fast parser is the one used."""
    case = loads(path.read_bytes())
    for language in ("de", "pl"):
        letter_html = render_letter(case, options_from(case, {"level": 3, "format": "html",
                                                              "language": language})).data.decode()
        assert ElementTree.fromstring(letter_html).tag == "html"


def test_html5_parser_fallback_gives_the_same_pdf(example_case, monkeypatch):
    """When expat refuses the markup the HTML5 parser takes over and the PDF is byte-identical."""
    fast = _pdf(example_case, level=3, tone="firm")

    def refuse(_source):
        raise ElementTree.ParseError("refused for the test")

    monkeypatch.setattr(RENDERER_MODULE.ElementTree, "fromstring", refuse)
    assert _pdf(example_case, level=3, tone="firm") == fast


def test_style_memo_does_not_change_a_letter(example_case):
    """A letter is byte-identical whether rendered first or after letters in other languages and levels."""
    _forget_styles()
    cold = _pdf(example_case, level=2, language="fr")
    other = copy.deepcopy(example_case)
    other["creditor"]["name"] = "Andere Gläubigerin AG"
    for overrides in ({"level": 1, "language": "tr"}, {"level": 3, "tone": "firm"}, {"language": "fr"}):
        _pdf(other, **overrides)
    assert renderer().style_memo.values
    assert _pdf(example_case, level=2, language="fr") == cold


def test_style_memo_does_not_change_a_two_page_letter(example_case):
    """A letter over two pages (page numbers in a margin box) is byte-identical cold and warm."""
    case = copy.deepcopy(example_case)
    case["debtors"] = [{"type": "company", "name": "Beispiel Handel GmbH & Co. KG",
                        "address": {"street": "Industriestraße 7", "postal_code": "50667", "city": "Köln"},
                        "representatives": [{"role": "Geschäftsführer", "salutation": "herr",
                                             "first_name": "Karl", "last_name": "Kaufmann"}]}]
    case["claims"] = [dict(case["claims"][0], document_no=f"RE-2025-{n}", amount=f"{n}00.00",
                           description="Rechnung über Bauleistungen gemäß Auftrag und Nachtrag " * 3)
                      for n in (101, 102, 103)]
    case["costs"] = {"dunning": "5.00", "information": "8.00", "return_debit": "3.00", "collection": "70.20",
                     "lawyer_out_of_court": "159.94", "postage": "1.80",
                     "other": {"label": "Kontoführung", "amount": "2.00"},
                     "other_expenses": {"label": "Meldeamtsauskunft", "amount": "10.00"}}
    case["letter"].update(flat_fee=True, fee="5.00")
    _forget_styles()
    cold = render_letter(case, options_from(case, {"level": 3, "tone": "firm"}))
    assert cold.page_count == 2
    _pdf(example_case, language="en")
    assert _pdf(case, level=3, tone="firm") == cold.data


def test_user_agent_sheet_covers_every_template_element(example_case):
    """Each element the letter uses has a rule in the minimal UA sheet (or is inline by default)."""
    ua = (letters_dir() / "ua.css").read_text(encoding="utf-8")
    covered = set(re.findall(r"(?<![\w.#:-])([a-z][a-z0-9]*)(?=[\s,{:])", re.sub(r"/\*.*?\*/", "", ua, flags=re.S)))
    letter_html = render_letter(example_case, options_from(example_case, {"format": "html"})).data.decode()
    used = set(re.findall(r"<([a-z][a-z0-9]*)", letter_html))
    assert used - covered == set()
