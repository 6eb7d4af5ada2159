"""Validation throughput: cases/s of ``validate(case, "court")`` on one core over the valid samples.

Target (quality.md): >= 2,000 cases/s on one core. The baseline in the same run
is jsonschema's full validator on the same cases (what every case cost before
the compiled schema check), so the speed-up is comparable on a noisy machine.
Also measured: the ``eda`` profile and an invalid case with nine objections
(the slow path: full jsonschema error collection plus every message).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from formsvc.case import loads
from formsvc.validation import schema, validate

from .common import Result, cases_per_second, on_one_core

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2000.0


def _cases() -> list[Any]:
    return [loads(p.read_bytes()) for p in sorted((ROOT / "samples" / "valid").glob("*.json"))]


def run(quick: bool = False) -> list[Result]:
    """Measure and compare, pinned to one core (the other benchmarks get all cores back afterwards)."""
    return on_one_core(lambda: _measure(quick))


def _measure(quick: bool) -> list[Result]:
    cases = _cases()
    seconds = 1.5 if quick else 6.0
    court = cases_per_second(lambda batch: [validate(case, "court") for case in batch], cases, seconds)
    eda = cases_per_second(lambda batch: [validate(case, "eda") for case in batch], cases, seconds)
    full_schema = cases_per_second(lambda batch: [list(schema.validator().iter_errors(case)) for case in batch],
                                   cases, seconds)
    invalid = [loads((ROOT / "samples" / "invalid" / "combined-many_court_objections.json").read_bytes())]
    rejected = cases_per_second(lambda batch: [validate(case, "court") for case in batch], invalid, seconds / 2)
    details = {"samples": len(cases), "jsonschema_only_cases_per_s": round(full_schema, 1),
               "speedup_vs_jsonschema_only": round(court / full_schema, 2)}
    return [
        Result("validation: court profile, valid samples", court, "cases/s", f">= {TARGET:.0f} cases/s (1 core)",
               court >= TARGET, details),
        Result("validation: eda profile, valid samples", eda, "cases/s", "reported (layout checks)", True, {}),
        Result("validation: baseline jsonschema only", full_schema, "cases/s", "baseline, same run", True, {}),
        Result("validation: rejected case, 9 objections", rejected, "cases/s", "reported (slow path)", True, {}),
    ]
