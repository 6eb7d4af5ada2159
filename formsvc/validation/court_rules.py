"""The court objections of spec/objections.md, one function each (see rules.py)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import case as c
from .rules import Context, Finding, rule


@rule("missing_salutation")
def missing_salutation(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A natural person among creditor, co-creditor and debtors without Herr/Frau."""
    for path, party in ctx.parties(case):
        if c.is_person(party) and not party.get("salutation"):
            yield f"{path}/salutation", {}
