"""The keys consolidation groups letters by: who the debtor is, and who the creditor is.

Cases arrive one per claim bundle from an upstream system that may have no
customer number in common with formsvc, so the debtor is recognised from the
party data of the case itself (documented in docs/dunning.md):

* a **person**: ``first_name``, ``last_name`` and ``birth_date`` (when given) plus
  the address (``street``, ``postal_code``, ``city``, ``country``, default DE);
* a **company**: ``name`` plus the address.

Every text is compared after Unicode NFKC, case folding and collapsing white
space, so ``"Mühlenkamp  17"`` and ``"mühlenkamp 17"`` are the same street;
nothing else is guessed (no abbreviation ``Str.`` = ``Straße``), so two spellings
give two letters rather than one letter to the wrong person. A case with two
debtors is keyed by both (in either order). A birth date given in one case and
missing in another also keeps them apart, on the same safe side.

The creditor is keyed the same way (its own case data), so that one letter never
speaks for two creditors. Keys are SHA-256 digests: a proposal and a run record
carry them without carrying the personal data they were made from.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

_SPACE = re.compile(r"\s+")


def _norm(value: Any) -> str:
    """A party text for comparison: NFKC, case-folded, single spaces, trimmed ("" when not text)."""
    if not isinstance(value, str):
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def _address(party: dict[str, Any]) -> list[str]:
    address = party.get("address") if isinstance(party.get("address"), dict) else {}
    return [_norm(address.get("street")), _norm(address.get("postal_code")), _norm(address.get("city")),
            _norm(address.get("country") or "DE")]


def party_identity(party: Any) -> list[str]:
    """What identifies one party: its kind, name (and birth date for a person) and address."""
    if not isinstance(party, dict):
        return ["?"]
    if party.get("type") == "company":
        return ["company", _norm(party.get("name")), *_address(party)]
    return ["person", _norm(party.get("first_name")), _norm(party.get("last_name")),
            _norm(party.get("birth_date")), *_address(party)]


def _digest(parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()[:24]


def debtor_key(case: dict[str, Any]) -> str:
    """The key of the case's debtor or debtors (order does not matter)."""
    debtors = case.get("debtors") if isinstance(case.get("debtors"), list) else []
    return _digest(sorted(party_identity(d) for d in debtors))


def creditor_key(case: dict[str, Any]) -> str:
    """The key of the case's creditor (and second creditor, when there is one)."""
    return _digest([party_identity(case.get("creditor")),
                    party_identity(case.get("co_creditor")) if case.get("co_creditor") else None])
