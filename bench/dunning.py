"""Dunning proposal throughput: cases/s of ``propose(cases, date)`` on one core over the valid samples.

Target (quality.md): >= 2,000 cases/s on one core (the proposal renders nothing).
The samples are proposed as one run per pass, on a day when each of them is due
for a letter, with consolidation, the claim accounts, validation (``letter``
profile) and the proposal's id included. The baseline in the same run is the
``letter`` validation alone on the same cases: the share of the proposal's time
that is validation, so the ratio stays comparable on a noisy machine. A second
row proposes the same cases after a last letter, so each goes through the court
step and its ``court`` validation as well.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from formsvc.case import loads
from formsvc.dunning.proposal import propose
from formsvc.validation import validate

from .common import Result, cases_per_second, on_one_core

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2000.0
DAY = dt.date(2026, 3, 2)


def _cases() -> list[Any]:
    return [loads(p.read_bytes()) for p in sorted((ROOT / "samples" / "valid").glob("*.json"))]


def _court_cases(cases: list[Any]) -> list[Any]:
    """The same cases after a letzte Mahnung long enough ago for the court step."""
    out = copy.deepcopy(cases)
    for case in out:
        case["dunning"] = {"history": [{"level": 3, "date": "2026-01-15"}]}
    return out


def run(quick: bool = False) -> list[Result]:
    """Measure pinned to one core (the other benchmarks get all cores back afterwards)."""
    return on_one_core(lambda: _measure(quick))


def _measure(quick: bool) -> list[Result]:
    cases = _cases()
    seconds = 1.5 if quick else 6.0
    proposal = propose(cases, DAY)
    actions = proposal.summary()
    letters = cases_per_second(lambda batch: propose(batch, DAY), cases, seconds)
    court_cases = _court_cases(cases)
    court_summary = propose(court_cases, DAY).summary()
    court = cases_per_second(lambda batch: propose(batch, DAY), court_cases, seconds)
    baseline = cases_per_second(lambda batch: [validate(case, "letter", today=DAY) for case in batch], cases, seconds)
    details = {"samples": len(cases), "date": DAY.isoformat(), "actions": actions,
               "letter_validation_only_cases_per_s": round(baseline, 1),
               "proposal_rate_over_validation_rate": round(letters / baseline, 2)}
    return [
        Result("dunning: proposal, valid samples", letters, "cases/s", f">= {TARGET:.0f} cases/s (1 core)",
               letters >= TARGET, details),
        Result("dunning: proposal, court step for every case", court, "cases/s", "reported (letter + court validation)",
               True, {"actions": court_summary}),
        Result("dunning: baseline letter validation only", baseline, "cases/s", "baseline, same run", True, {}),
    ]
