"""One EDA export end to end: validate, reserve the EDA-ID, write the file safely, record it.

The order guarantees the ledger's promises: every case is validated with
profile ``eda`` first (a rejected case consumes no ID); the ID is reserved in
the ledger before the file exists; the file is written to a temporary name,
fsynced, and linked to its final name only when complete (never a half-written
``ABC021.EDA``); then the ledger records its SHA-256. If anything fails after
the reservation, the export is recorded as failed and its ID stays used.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import case as c
from ..config import Settings
from ..courts import with_dunning_court
from ..errors import ConflictError
from ..validation import Report, validate
from ..validation.report import Objection
from .ledger import Ledger, Reservation
from .writer import EdaSummary, write_eda


@dataclass(frozen=True)
class ExportResult:
    """A finished export: where the file is and what it holds."""

    path: Path
    reservation: Reservation
    summary: EdaSummary


def check_case(case: Any, settings: Settings, *, prefix: str = "") -> Report:
    """Validate one case for the EDA file; paths get ``prefix`` (e.g. ``/cases/3``)."""
    report = validate(case, "eda", settings=settings)
    if not prefix:
        return report
    moved = Report()
    for o in report.objections:
        moved.add(Objection(o.code, prefix + o.path, o.level, o.message_de, o.message_en))
    return moved


def export(cases: Callable[[], Iterable[dict[str, Any]]], case_ids: list[str], *, settings: Settings,
           out_dir: Path, ledger: Ledger, resubmit: bool = False, created: dt.date | None = None) -> ExportResult:
    """Reserve an EDA-ID and write ``cases()`` (already validated) to ``out_dir/<prefix><ID>.EDA``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    reservation = ledger.reserve(case_ids, settings, resubmit=resubmit)
    final = out_dir / reservation.file_name
    temp = out_dir / f".{reservation.file_name}.{reservation.export_id}.part"
    try:
        with open(temp, "xb") as out:
            filled = (with_dunning_court(case) for case in cases())  # dunning_court_filled_in: the court goes in
            summary = write_eda(filled, out, eda_id=reservation.eda_id, created=created or c.today(),
                                settings=settings)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, final)
        except FileExistsError:
            raise ConflictError(f"{final.name} already exists in {out_dir}; the ledger never issues an ID twice, so "
                                "this folder holds files of another ledger. Use a separate folder.") from None
        temp.unlink()
        _fsync_dir(out_dir)
        ledger.finish(reservation, sha256=summary.sha256, size=summary.bytes)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        ledger.fail(reservation, f"{type(exc).__name__}: {getattr(exc, 'message', '') or exc}")
        raise
    return ExportResult(final, reservation, summary)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
