"""Objection messages: the table ``formsvc/data/objections.json`` plus place names.

Each code has a level, a profile and a German and an English text that says
what is wrong and how to fix it. Texts may use ``{where}`` (the part of the
case, derived from the JSON Pointer, e.g. "1. Antragsgegner") and any
parameter the rule passes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import resources
from .report import Objection

#: JSON Pointer segment patterns -> (German, English) names of that part of the case.
_PLACES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^/creditor"), "1. Antragsteller", "creditor"),
    (re.compile(r"^/co_creditor"), "2. Antragsteller", "second applicant"),
    (re.compile(r"^/debtors/(\d+)"), "{n}. Antragsgegner", "debtor {n}"),
    (re.compile(r"^/debtors$"), "Antragsgegner", "debtors"),
    (re.compile(r"^/claims/(\d+)"), "{n}. Hauptforderung", "main claim {n}"),
    (re.compile(r"^/claims$"), "Hauptforderungen", "main claims"),
    (re.compile(r"^/application_date$"), "Antragsdatum", "application date"),
    (re.compile(r"^/costs"), "Nebenforderungen", "costs"),
    (re.compile(r"^/assignment"), "Abtretung", "assignment"),
    (re.compile(r"^/attorney"), "Prozessbevollmächtigter", "attorney"),
    (re.compile(r"^/courts/dunning"), "Mahngericht", "dunning court"),
    (re.compile(r"^/courts/trial"), "Gericht des streitigen Verfahrens", "trial court"),
    (re.compile(r"^/courts"), "Gerichte", "courts"),
    (re.compile(r"^/jointly_liable"), "Antragsgegner", "debtors"),
    (re.compile(r"^/reference"), "Geschäftszeichen", "reference"),
    (re.compile(r"^/letter"), "Mahnschreiben", "letter"),
    (re.compile(r"^/dunning"), "Mahnlauf", "dunning run"),
]
_REPRESENTATIVE = re.compile(r"/representatives/(\d+)")


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    """The objection table: code -> {level, profile, de, en}."""
    return resources.data("objections.json")["objections"]


def place(path: str) -> tuple[str, str]:
    """German and English name of the part of the case a JSON Pointer points at."""
    de, en = "Fall", "case"
    for pattern, name_de, name_en in _PLACES:
        match = pattern.match(path)
        if match:
            n = int(match.group(1)) + 1 if match.groups() else 0
            de, en = name_de.format(n=n), name_en.format(n=n)
            break
    rep = _REPRESENTATIVE.search(path)
    if rep:
        n = int(rep.group(1)) + 1
        de, en = f"{de}, {n}. gesetzlicher Vertreter", f"{en}, representative {n}"
    return de, en


def make(code: str, path: str, **params: Any) -> Objection:
    """Build the objection ``code`` at ``path`` with its level and both texts."""
    entry = table()[code]
    where_de, where_en = place(path)
    de = entry["de"].format(where=where_de, **params)
    en = entry["en"].format(where=where_en, **params)
    return Objection(code, path, entry["level"], de, en)
