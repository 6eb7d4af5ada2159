"""The court-objection validator: JSON Schema first, then the rule table.

``validate(case, profile)`` returns a :class:`Report` with every objection at
once; ``ensure_valid`` raises :class:`~formsvc.errors.CaseRejected` when the
report has errors. Profiles nest: ``letter`` ⊂ ``court`` ⊂ ``eda``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..config import Settings
from ..errors import BadParameter, CaseRejected
from .report import Level, Objection, Report

PROFILES: dict[str, tuple[str, ...]] = {
    "letter": ("letter",),
    "court": ("letter", "court"),
    "eda": ("letter", "court", "eda"),
}

__all__ = ["Objection", "Report", "Level", "PROFILES", "validate", "ensure_valid"]


def validate(
    case: Any,
    profile: str = "court",
    *,
    settings: Settings | None = None,
    today: dt.date | None = None,
) -> Report:
    """Check ``case`` against the schema and every rule of ``profile``."""
    if profile not in PROFILES:
        raise BadParameter(f"unknown validation profile {profile!r}: use one of {', '.join(PROFILES)}")
    # late: keeps the package import light; importing the rule modules registers their rules
    from . import (claim_rules, court_rules, dunning_court, dunning_rules, filing_rules,  # noqa: F401
                   interest_cost_rules, letter_rules, party_rules, rules, schema, text_rules, trial_court)
    from ..eda import checks as _eda_checks  # noqa: F401  (layout-driven eda rules, registered last)

    report = Report()
    for objection in schema.check(case):
        report.add(objection)
    if isinstance(case, dict):
        for objection in rules.run(case, PROFILES[profile], settings=settings, today=today,
                                    requested=profile):
            report.add(objection)
    return report


def ensure_valid(case: Any, profile: str = "court", **kwargs: Any) -> Report:
    """Validate and raise :class:`CaseRejected` when anything blocks; return the report."""
    report = validate(case, profile, **kwargs)
    if not report.ok:
        raise CaseRejected(report)
    return report
