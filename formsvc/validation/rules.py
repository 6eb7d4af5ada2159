"""The rule table: one small function per court objection.

A rule is registered with ``@rule(code)``; its level and profile come from
``formsvc/data/objections.json``. It receives the case (a dict, possibly with
wrongly typed parts: the schema reports those, rules must just not crash on
them) and a :class:`Context`, and yields ``(path, params)`` for each finding.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import case as c
from ..config import Settings
from .messages import make, table
from .report import Objection

Finding = tuple[str, dict[str, Any]]
Rule = Callable[[dict[str, Any], "Context"], Iterator[Finding]]

RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    """Register ``func`` as the check for objection ``code``."""

    def register(func: Rule) -> Rule:
        if code not in table():
            raise KeyError(f"objection code {code!r} is missing from objections.json")
        RULES[code] = func
        return func

    return register


@dataclass
class Context:
    """What rules may consult besides the case."""

    settings: Settings | None
    today: dt.date

    def parties(self, case: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, party) for creditor, co-creditor and every debtor that is an object."""
        if isinstance(case.get("creditor"), dict):
            yield "/creditor", case["creditor"]
        if isinstance(case.get("co_creditor"), dict):
            yield "/co_creditor", case["co_creditor"]
        debtors = case.get("debtors")
        if isinstance(debtors, list):
            for i, debtor in enumerate(debtors):
                if isinstance(debtor, dict):
                    yield f"/debtors/{i}", debtor


def run(case: dict[str, Any], profiles: tuple[str, ...], *, settings: Settings | None = None,
        today: dt.date | None = None) -> Iterator[Objection]:
    """Apply every rule whose profile is in ``profiles``."""
    from . import court_rules  # noqa: F401  (registers the rules)

    ctx = Context(settings=settings, today=today or c.today())
    entries = table()
    for code, func in RULES.items():
        if entries[code]["profile"] not in profiles:
            continue
        for path, params in func(case, ctx):
            yield make(code, path, **params)
