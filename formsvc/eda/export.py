"""One EDA export end to end: validate, reserve the EDA-ID, write the file safely, record it.

The HTTP view and the ``formsvc eda`` command call the same three steps:
:func:`check_cases` (every case validated with profile ``eda``; one
:class:`~formsvc.errors.CaseRejected` listing every objection of every bad
case, each path under the case's JSON Pointer prefix such as ``/cases/3``),
then :func:`export` or, for reading only, :func:`preview`.

The order guarantees the ledger's promises: every case is validated with
profile ``eda`` first (a rejected case consumes no ID); the ID is reserved in
the ledger before the file exists; the file is written to a temporary name,
fsynced, and linked to its final name only when complete (never a half-written
``ABC021.EDA``); then the ledger records its SHA-256. If anything fails after
the reservation, the export is recorded as failed and its ID stays used.
"""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import case as c
from ..config import Settings
from ..errors import CaseRejected, ConflictError, StorageUnavailable
from ..validation import Report, validate
from ..validation.report import Objection
from .ledger import Ledger, Reservation
from .writer import EdaSummary, file_name, write_eda

#: The EDA-ID a preview carries; never issued by the ledger for a real file.
PREVIEW_ID = 0


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


def check_cases(cases: Iterable[Any], settings: Settings, *, pointer: str = "/{}") -> list[str]:
    """Validate every case for the EDA file and return their case ids, in order.

    ``pointer`` places case ``i``'s objections: ``"/{}"`` gives ``/3/reference``,
    ``"/cases/{}"`` gives ``/cases/3/reference``, ``""`` leaves a single case's paths
    as they are. Raises :class:`CaseRejected` listing every objection of every
    rejected case (nothing is written, no EDA-ID is taken). ``cases`` is consumed
    once, so it may be a stream; no case at all gives ``[]`` (the caller says why
    that is wrong in its own terms).
    """
    report = Report()
    case_ids: list[str] = []
    for index, case in enumerate(cases):
        checked = check_case(case, settings, prefix=pointer.format(index) if pointer else "")
        for objection in checked.objections:
            report.add(objection)
        if checked.ok and isinstance(case, dict):
            case_ids.append(str(case["case_id"]))
    if not report.ok:
        raise CaseRejected(report)
    return case_ids


@dataclass(frozen=True)
class Preview:
    """The file as it would be written, with EDA-ID 000, for reading only."""

    data: bytes
    file_name: str
    summary: EdaSummary


def preview(cases: Iterable[dict[str, Any]], *, settings: Settings, created: dt.date | None = None) -> Preview:
    """Write ``cases`` (already validated) with EDA-ID 000 into memory, without touching the ledger."""
    buffer = io.BytesIO()
    summary = write_eda(cases, buffer, eda_id=PREVIEW_ID, created=created or c.today(), settings=settings)
    return Preview(buffer.getvalue(), f"VORSCHAU-{file_name(settings.eda_prefix, PREVIEW_ID)}", summary)


def export(cases: Callable[[], Iterable[dict[str, Any]]], case_ids: list[str], *, settings: Settings,
           out_dir: Path, ledger: Ledger, resubmit: bool = False, created: dt.date | None = None) -> ExportResult:
    """Reserve an EDA-ID and write ``cases()`` (already validated) to ``out_dir/<prefix><ID>.EDA``."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno not in STORAGE_ERRNOS:
            raise
        raise StorageUnavailable(f"The EDA folder {out_dir} cannot be created: {os.strerror(exc.errno)}. No EDA-ID "
                                 "was taken; make the instance folder writable and send the cases again.") from None
    reservation = ledger.reserve(case_ids, settings, resubmit=resubmit)  # also ends dead writers' reservations
    _remove_orphaned_parts(out_dir, ledger, keep=reservation.export_id)
    final = out_dir / reservation.file_name
    temp = out_dir / f".{reservation.file_name}.{reservation.export_id}.part"
    try:
        with open(temp, "xb") as out:
            summary = write_eda(cases(), out, eda_id=reservation.eda_id, created=created or c.today(),
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
        # the ledger first: whatever the clean-up does, the reservation ends as failed, never stays
        # reserved (a reserved row would refuse its cases as duplicate_submission)
        ledger.fail(reservation, f"{type(exc).__name__}: {getattr(exc, 'message', '') or _errno_text(exc)}")
        _remove_quietly(temp)
        if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
            raise StorageUnavailable(
                f"The EDA file {reservation.file_name} could not be written to {out_dir}: "
                f"{os.strerror(exc.errno)}. Nothing was filed; the export is recorded as failed and its EDA-ID "
                f"{reservation.eda_id:03d} stays used (gaps are allowed). Free space or make the folder writable, "
                "then send the same cases again: they are not blocked.") from None
        raise
    return ExportResult(final, reservation, summary)


#: errno values that mean "the storage cannot take the file", answered 507 with the folder named.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _errno_text(exc: BaseException) -> str:
    """An OSError's errno text (never its file name), else the exception's text."""
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    return str(exc)


def _remove_orphaned_parts(out_dir: Path, ledger: Ledger, *, keep: int) -> None:
    """Delete ``.part`` files (names, addresses) left by exports that no longer run: killed, crashed, failed."""
    parts = {}
    for path in out_dir.glob(".*.part"):
        export_id = path.name.rsplit(".", 2)[-2]
        if export_id.isdigit() and int(export_id) != keep:
            parts[int(export_id)] = path
    running = ledger.unfinished(list(parts))
    for export_id, path in parts.items():
        if export_id not in running:
            _remove_quietly(path)


def _remove_quietly(path: Path) -> None:
    """Delete a temporary file; a failure to delete (read-only folder) must not hide the first error."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
