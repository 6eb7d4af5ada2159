"""Validate every case of a batch before anything is rendered.

A batch is screened whole: each case is checked against the ``letter`` profile
and its letter options are resolved. By default any bad case rejects the batch
with :class:`~formsvc.errors.BatchRejected`, listing every bad case by index
and ``case_id``; with ``skip_invalid`` the bad cases are set aside and listed
as skipped. Nothing is dropped silently.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import BadParameter, BatchRejected
from ..validation import Objection, Report, validate
from ..validation.messages import make


@dataclass(frozen=True)
class SkippedCase:
    """A case left out of the print file, with why."""

    index: int
    case_id: str | None
    report: Report

    @property
    def codes(self) -> list[str]:
        """The objection codes that blocked it."""
        return [o.code for o in self.report.errors]

    def as_dict(self, language: str = "de") -> dict[str, Any]:
        """JSON form: index, case_id, codes and every objection (paths below ``/<index>``)."""
        return {"index": self.index, "case_id": self.case_id, "codes": self.codes,
                "errors": [o.as_dict(language, prefix=f"/{self.index}") for o in self.report.errors]}


@dataclass
class Screening:
    """The outcome of screening: the cases to render (with their index) and the skipped ones."""

    accepted: list[tuple[int, Any]] = field(default_factory=list)
    skipped: list[SkippedCase] = field(default_factory=list)
    total: int = 0
    skip_invalid: bool = False


def case_id_of(case: Any) -> str | None:
    """The case's ``case_id`` when it has one (as a string), else ``None``."""
    value = case.get("case_id") if isinstance(case, dict) else None
    return value if isinstance(value, str) else None


def check_overrides(overrides: Mapping[str, Any]) -> None:
    """Refuse bad letter options (tone, level, language ...) before touching any case."""
    from ..letters.options import options_from

    options_from({}, overrides)


def option_objection(message: str) -> Objection:
    """A case whose own ``letter`` settings cannot be honoured, as the objection ``bad_letter_option``
    at ``/letter`` (``message`` says which setting and why)."""
    return make("bad_letter_option", "/letter", detail=message.rstrip("."))


def screen_case(case: Any, overrides: Mapping[str, Any], settings: Settings | None) -> Report:
    """Validate one case for a letter and resolve its options; return the report."""
    from ..letters.options import options_from

    report = validate(case, "letter", settings=settings)
    if report.ok:
        try:
            options_from(case, overrides)
        except BadParameter as exc:
            report.add(option_objection(exc.message))
    return report


def screen(cases: Sequence[Any], overrides: Mapping[str, Any], *, skip_invalid: bool,
           settings: Settings | None = None) -> Screening:
    """Check every case; raise :class:`BatchRejected` unless ``skip_invalid`` (then list them)."""
    if not cases:
        raise BadParameter("The batch holds no cases: send at least one case.")
    check_overrides(overrides)
    result = Screening(total=len(cases), skip_invalid=skip_invalid)
    rejected: list[tuple[int, str | None, Report]] = []
    for index, case in enumerate(cases):
        report = screen_case(case, overrides, settings)
        if report.ok:
            result.accepted.append((index, case))
        else:
            rejected.append((index, case_id_of(case), report))
    if rejected and (not skip_invalid or not result.accepted):
        # Rejected whole: by default, and also when skipping would leave nothing to print.
        raise BatchRejected(rejected)
    result.skipped = [SkippedCase(index, case_id, report) for index, case_id, report in rejected]
    return result
