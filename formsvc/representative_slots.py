"""The Mahnbescheid form's representative slots: which representative of a case fills which slot.

The form has one representative slot per debtor, one for the creditor and one
"second representative" slot shared by the creditor's second representative
and the co-creditor's representative (the co-creditor's takes it). Naming one
of several legal representatives is enough for service (§ 170 Abs. 3 ZPO); the
others are listed in the application's summary block and reported as the
warning ``representative_not_on_form``, never dropped silently.

The form mapper (:mod:`formsvc.mahnantrag.mapper`) and the validator
(:mod:`formsvc.validation.court_rules`) both read the table here, so neither
imports the other.
"""
from __future__ import annotations

from typing import Any

from . import case as c

#: slot -> candidates in order of precedence: (party pointer, index of its representative).
SLOTS: dict[str, tuple[tuple[str, int], ...]] = {
    "creditor_representative": (("creditor", 0),),
    "second_representative": (("co_creditor", 0), ("creditor", 1)),
    "debtor1_representative": (("debtors/0", 0),),
    "debtor2_representative": (("debtors/1", 0),),
}
#: party pointer -> how the form names the party.
ORDINAL_PARTY = {"creditor": "1. Antragsteller", "co_creditor": "2. Antragsteller",
                 "debtors/0": "1. Antragsgegner", "debtors/1": "2. Antragsgegner"}


def party(case: dict[str, Any], pointer: str) -> Any:
    """The party at ``pointer`` (``creditor``, ``debtors/1``, ...), or ``None``."""
    return c.get(case, *[int(p) if p.isdigit() else p for p in pointer.split("/")])


def representative(party_: Any, index: int) -> Any:
    """The party's ``index``-th representative, or ``None``."""
    reps = c.get(party_, "representatives")
    return c.get(reps, index) if isinstance(reps, list) else None


def placed_representatives(case: dict[str, Any]) -> dict[str, Any]:
    """slot -> the representative that fills it (the first candidate that is given), or ``None``."""
    placed: dict[str, Any] = {}
    for slot, candidates in SLOTS.items():
        found: Any = None
        for pointer, index in candidates:
            found = representative(party(case, pointer), index)
            if found:
                break
        placed[slot] = found
    return placed


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def representatives_not_on_form(case: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON Pointer, "Name (Stellung) – Partei") of representatives the form has no slot for."""
    placed = {id(v) for v in placed_representatives(case).values() if v is not None}
    extra = []
    for key, label in ORDINAL_PARTY.items():
        reps = c.get(party(case, key), "representatives")
        for j, rep in enumerate(reps if isinstance(reps, list) else []):
            if isinstance(rep, dict) and id(rep) not in placed:
                name = " ".join(_text(rep.get(k)) for k in ("first_name", "last_name") if _text(rep.get(k)))
                role = _text(rep.get("role"))
                extra.append((f"/{key}/representatives/{j}", f"{name}{f' ({role})' if role else ''} – {label}"))
    return extra
