"""The rule table: one small function per court objection.

A rule is registered with ``@rule(code)``; its level and profile come from
``formsvc/data/objections.json``. It receives the case (a dict, possibly with
wrongly typed parts: the schema reports those, rules must just not crash on
them) and a :class:`Context`, and yields ``(path, params)`` for each finding.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .. import case as c
from ..catalog import Catalog
from ..catalog import load as load_catalog
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
    memo: dict[str, Any] = field(default_factory=dict)  # work shared by the rules of one run (one case)

    def application_date(self, case: dict[str, Any]) -> dt.date:
        """The case's ``application_date``, else today (the reference day for "future" and "old")."""
        return c.date(case.get("application_date")) or self.today

    @cached_property
    def catalog(self) -> Catalog:
        """The Hauptforderungskatalog the deployment configured."""
        return load_catalog(self.settings)

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

    def representatives(self, case: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
        """(path, representative, party) for every representative that is an object."""
        for path, party in self.parties(case):
            reps = party.get("representatives")
            if isinstance(reps, list):
                for i, rep in enumerate(reps):
                    if isinstance(rep, dict):
                        yield f"{path}/representatives/{i}", rep, party

    def claims(self, case: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, claim) for every claim that is an object."""
        claims = case.get("claims")
        if isinstance(claims, list):
            for i, claim in enumerate(claims):
                if isinstance(claim, dict):
                    yield f"/claims/{i}", claim


def run(case: dict[str, Any], profiles: tuple[str, ...], *, settings: Settings | None = None,
        today: dt.date | None = None, requested: str | None = None) -> Iterator[Objection]:
    """Apply every rule whose profile is in ``profiles``.

    ``requested`` is the profile validation was asked for (default: the last,
    widest of ``profiles``). A code whose table entry lists it under
    ``not_in_profiles`` is skipped: e.g. ``machine_readable_filing_required``
    is a ``court`` warning about the PDF that the ``eda`` profile leaves out.
    """
    ctx = Context(settings=settings, today=today or c.today())
    entries = table()
    asked = requested or (profiles[-1] if profiles else "")
    for code, func in RULES.items():
        entry = entries[code]
        if entry["profile"] not in profiles or asked in entry.get("not_in_profiles", ()):
            continue
        for path, params in func(case, ctx):
            yield make(code, path, **params)
