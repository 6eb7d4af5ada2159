"""Letter languages: gettext catalogs and Babel formatting of dates and money.

Catalogs live in ``templates/letters/locale/<lang>/LC_MESSAGES/messages.po``
(source) and are compiled to ``messages.mo`` by :func:`formsvc.letters.assets.prepare`.
When a ``.mo`` is missing or older than its ``.po`` (a fresh checkout), the
``.po`` is compiled in memory instead, so the service never runs with stale texts.
"""
from __future__ import annotations

import datetime as dt
import gettext
import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from jinja2 import pass_context

from .. import resources

#: Letter language -> the Babel locale used for dates and amounts.
LOCALES = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR", "it": "it_IT", "es": "es_ES",
           "nl": "nl_NL", "pl": "pl_PL", "tr": "tr_TR"}
DOMAIN = "messages"
#: Dates in running text and the information block, as business letters of each country write
#: them: German numerically (DIN 5008 allows both; the information block keeps 05.01.2026), the
#: others with the full month name ("5 January 2026", "5 janvier 2026", "5 de enero de 2026",
#: Polish without "r.", which would double the full stop at a sentence's end), never the locale's
#: abbreviations ("5 janv. 2026").
DATE_PATTERNS = {"de": "dd.MM.yyyy", "en": "d MMMM yyyy", "fr": "d MMMM yyyy", "it": "d MMMM yyyy",
                 "es": "d 'de' MMMM 'de' yyyy", "nl": "d MMMM yyyy", "pl": "d MMMM yyyy",
                 "tr": "d MMMM yyyy"}
#: Dates in the columns of the itemised table, where a month name would not fit: numeric, with the
#: separator of each country (05/01/2026, 05-01-2026, 05.01.2026), always with a four-digit year.
NUMERIC_PATTERNS = {"de": "dd.MM.yyyy", "en": "dd/MM/yyyy", "fr": "dd/MM/yyyy", "it": "dd/MM/yyyy",
                    "es": "dd/MM/yyyy", "nl": "dd-MM-yyyy", "pl": "dd.MM.yyyy", "tr": "dd.MM.yyyy"}
#: The first day of a month is an ordinal in French ("1er janvier") and Italian ("1º gennaio").
FIRST_OF_MONTH = {"fr": "1er", "it": "1º"}


#: Grammatical voices a message may have besides its plain form (gettext contexts of the same msgid,
#: looked up in the order :func:`voice` gives, before the plain message): ``"company"`` when the letter
#: is addressed to a firm (Italian "Vi"/"Vostro", Spanish "ustedes"), ``"I"`` when a private creditor
#: (a person, alone) writes in its own name, ``"I, company"`` both. A language carries a voice's
#: entry only where its grammar differs from the plain message.
VOICES = ("I, company", "I", "company")


def voice(*, private_creditor: bool, company_addressee: bool) -> tuple[str, ...]:
    """The contexts to look a message up in, first match wins, before its plain form."""
    if private_creditor and company_addressee:
        return ("I, company", "I", "company")
    if private_creditor:
        return ("I",)
    return ("company",) if company_addressee else ()


def voiced_callables(t: gettext.GNUTranslations) -> dict[str, object]:
    """``gettext`` and ``ngettext`` for the Jinja environment that read the template's ``voice``
    (:func:`voice`) and use the first voice the catalog translates, else the plain message."""

    @pass_context
    def voiced_gettext(context: Any, message: str) -> str:
        for name in context.get("voice") or ():
            found = t.pgettext(name, message)
            if found != message:
                return found
        return t.gettext(message)

    @pass_context
    def voiced_ngettext(context: Any, singular: str, plural: str, n: int) -> str:
        untranslated = singular if n == 1 else plural
        for name in context.get("voice") or ():
            found = t.npgettext(name, singular, plural, n)
            if found != untranslated:
                return found
        return t.ngettext(singular, plural, n)

    return {"gettext": voiced_gettext, "ngettext": voiced_ngettext,
            "pgettext": t.pgettext, "npgettext": t.npgettext}


def letters_dir() -> Path:
    """``templates/letters``: the layout, its stylesheet, babel.cfg and the catalogs."""
    return resources.templates_dir() / "letters"


def locale_dir() -> Path:
    """Root of the gettext catalogs."""
    return letters_dir() / "locale"


def po_path(language: str) -> Path:
    """The source catalog of ``language``."""
    return locale_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(po_file: Path) -> bytes:
    """Compile a ``.po`` file to ``.mo`` bytes with Babel."""
    with open(po_file, "rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalog of ``language`` (read once per process)."""
    po = po_path(language)
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        data = mo.read_bytes()
    else:
        data = compile_po(po)
    return gettext.GNUTranslations(io.BytesIO(data))


@lru_cache(maxsize=None)
def locale(language: str) -> Locale:
    """The Babel locale of a letter language."""
    return Locale.parse(LOCALES[language])


def money(amount: Decimal, language: str) -> str:
    """An EUR amount the way the letter's country writes it (``10.000,00 €``, ``€10,000.00``)."""
    return format_currency(amount, "EUR", locale=locale(language))


def number(value: Decimal, language: str) -> str:
    """A rate as the locale writes it, without trailing zeros (``5``, ``6,27``, ``0,05``)."""
    return format_decimal(value, format="#,##0.####", locale=locale(language))


def date(value: dt.date | None, language: str, *, numeric: bool = False) -> str:
    """A date as the letter's country writes it in running text (``05.01.2026``, ``5 January 2026``,
    ``1er janvier 2026``) or, with ``numeric``, in a table column (``05/01/2026``); ``""`` for none."""
    if not value:
        return ""
    if numeric:
        return format_date(value, format=NUMERIC_PATTERNS[language], locale=locale(language))
    text = format_date(value, format=DATE_PATTERNS[language], locale=locale(language))
    if value.day == 1 and language in FIRST_OF_MONTH:
        text = FIRST_OF_MONTH[language] + text[1:]
    return text
