"""Shared state of distributed jobs: the cases, the shares, their PDFs and the result, in the database.

A distributed job (:mod:`.distributed`) keeps everything every node needs in
the service database (PostgreSQL when several machines share it), next to the
``batch_jobs`` row of :mod:`.jobs`:

- ``batch_job_cases``: each accepted case of a queued job (exact JSON, decimals
  kept) with its input index and share number: personal data, deleted as soon
  as the job ends (done, failed or cancelled);
- ``batch_job_shares``: one row per share (a run of consecutive letters):
  status, attempts, the worker that rendered it, each letter's page count and
  the cases the renderer refused (case ids and objection codes, no names);
- ``batch_job_parts``: the share's PDFs (runs of at most
  :data:`~.pool.MAX_CHUNK` letters each, fonts embedded once per run):
  personal data, deleted when the job ends;
- ``batch_job_results``: the merged print file in slices of
  :data:`RESULT_SLICE` bytes, so it is written and downloaded as a stream;
  deleted with the job row after ``FORMSVC_JOB_RETENTION_HOURS``.

A share's outcome is stored under ``(job id, share no)`` in one transaction
that also locks the job row: a share delivered twice replaces its parts and its
row, and the job's ``done`` is the sum over its finished shares, so nothing is
counted twice. That transaction also tells whether the last share is in.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (Column, Engine, Integer, LargeBinary, MetaData, String, Table, Text, delete, func,
                        select, update)

from ..case import ExponentNumber, loads
from ..db import create_tables
from .jobs import ACTIVE, JobStore, now_epoch, utc_now

#: Bytes per row of a merged print file (written and read one slice at a time).
RESULT_SLICE = 1024 * 1024
#: A share delivered more often than this (each time its worker died) fails the job.
MAX_ATTEMPTS = 3


def exact_json(value: Any) -> str:
    """JSON text of a parsed case with its decimals written exactly as numbers (``12.50`` stays
    ``12.50``), so :func:`formsvc.case.loads` gives back the very same values."""
    out: list[str] = []

    def emit(item: Any) -> None:
        if isinstance(item, bool) or item is None or isinstance(item, (str, int)):
            out.append(json.dumps(item, ensure_ascii=False))
        elif isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError("a case holds no NaN or infinity")
            out.append(format(item, "f"))
        elif isinstance(item, (ExponentNumber, float)):
            out.append(repr(float(item)))
        elif isinstance(item, dict):
            out.append("{")
            for n, (key, val) in enumerate(item.items()):
                out.append(("," if n else "") + json.dumps(str(key), ensure_ascii=False) + ":")
                emit(val)
            out.append("}")
        elif isinstance(item, (list, tuple)):
            out.append("[")
            for n, val in enumerate(item):
                if n:
                    out.append(",")
                emit(val)
            out.append("]")
        else:
            raise TypeError(f"not part of a JSON case: {type(item).__name__}")

    emit(value)
    return "".join(out)


def define_tables(metadata: MetaData) -> tuple[Table, Table, Table, Table]:
    """The four tables of distributed jobs on ``metadata`` (defined once per MetaData)."""
    if "batch_job_cases" in metadata.tables:
        return (metadata.tables["batch_job_cases"], metadata.tables["batch_job_shares"],
                metadata.tables["batch_job_parts"], metadata.tables["batch_job_results"])
    cases = Table(
        "batch_job_cases", metadata,
        Column("job_id", String(32), primary_key=True),
        Column("idx", Integer, primary_key=True),  # the case's index in the submitted batch
        Column("share_no", Integer, nullable=False),
        Column("body", Text, nullable=False),
    )
    shares = Table(
        "batch_job_shares", metadata,
        Column("job_id", String(32), primary_key=True),
        Column("share_no", Integer, primary_key=True),
        Column("status", String(16), nullable=False),  # pending | running | done
        Column("cases", Integer, nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("worker", String(200)),
        Column("letters", Text),  # JSON: [[index, case_id, pages, blank_after, [warning codes]], ...]
        Column("refused", Text),  # JSON of the refused cases as :func:`.jobs.skipped_to_json` writes them
        Column("started_at", String(32)),
        Column("finished_at", String(32)),
    )
    parts = Table(
        "batch_job_parts", metadata,
        Column("job_id", String(32), primary_key=True),
        Column("share_no", Integer, primary_key=True),
        Column("part_no", Integer, primary_key=True),
        Column("pdf", LargeBinary, nullable=False),
    )
    results = Table(
        "batch_job_results", metadata,
        Column("job_id", String(32), primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("data", LargeBinary, nullable=False),
    )
    return cases, shares, parts, results


@dataclass(frozen=True)
class ShareRecord:
    """One share as stored."""

    job_id: str
    share_no: int
    status: str
    cases: int
    attempts: int
    worker: str | None
    letters: list[list[Any]]
    refused: str


@dataclass(frozen=True)
class ShareOutcome:
    """What storing a share's result found: whether it was taken and whether it was the last one."""

    stored: bool
    last: bool


class SharedJobStore:
    """The job rows (:class:`~.jobs.JobStore`) plus the cases, shares, parts and results of
    distributed jobs; every method is one short transaction."""

    def __init__(self, engine: Engine, metadata: MetaData) -> None:
        self.jobs = JobStore(engine, metadata)
        self.engine = engine
        self.cases, self.shares, self.parts, self.results = define_tables(metadata)
        create_tables(engine, [self.cases, self.shares, self.parts, self.results])

    # -- submitting -----------------------------------------------------------------------

    def add_work(self, job_id: str, accepted: Sequence[tuple[int, Any]], share_size: int) -> int:
        """Store the accepted cases in shares of ``share_size``; return how many shares."""
        count = 0
        with self.engine.begin() as conn:
            for start in range(0, len(accepted), share_size):
                run = accepted[start:start + share_size]
                conn.execute(self.cases.insert(), [{"job_id": job_id, "idx": index, "share_no": count,
                                                    "body": exact_json(case)} for index, case in run])
                conn.execute(self.shares.insert().values(job_id=job_id, share_no=count, status="pending",
                                                         cases=len(run), attempts=0))
                count += 1
        return count

    # -- a worker's share ------------------------------------------------------------------

    def _lock_job(self, conn: Any, job_id: str) -> Any:
        """The job row, locked until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite's
        ``BEGIN IMMEDIATE`` already holds the write lock)."""
        table = self.jobs.table
        return conn.execute(select(table.c.status).where(table.c.id == job_id).with_for_update()).first()

    def lock_active(self, conn: Any, job_id: str) -> bool:
        """Lock the job row on ``conn`` (an open transaction); true when the job is still active."""
        job = self._lock_job(conn, job_id)
        return job is not None and job.status in ACTIVE

    def start_share(self, job_id: str, share_no: int, worker: str) -> int | None:
        """Mark the share running on ``worker`` and the job running; return the attempt number, or
        ``None`` when the job is no longer active (cancelled, failed, gone)."""
        table = self.jobs.table
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            job = self._lock_job(conn, job_id)
            if job is None or job.status not in ACTIVE:
                return None
            row = conn.execute(select(self.shares.c.attempts, self.shares.c.status).where(
                self.shares.c.job_id == job_id, self.shares.c.share_no == share_no)).first()
            if row is None:
                return None
            attempts = row.attempts + 1
            conn.execute(update(self.shares).where(self.shares.c.job_id == job_id,
                                                   self.shares.c.share_no == share_no).values(
                attempts=attempts, worker=worker, started_at=utc_now(),
                status="running" if row.status != "done" else "done"))
            if job.status == "queued":
                conn.execute(update(table).where(table.c.id == job_id, table.c.status == "queued").values(
                    status="running", started_at=utc_now(), heartbeat=now_epoch()))
            else:
                conn.execute(update(table).where(table.c.id == job_id).values(heartbeat=now_epoch()))
        return attempts

    def share_cases(self, job_id: str, share_no: int) -> list[tuple[int, Any]]:
        """The share's cases with their indexes, in input order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.cases.c.idx, self.cases.c.body).where(
                self.cases.c.job_id == job_id, self.cases.c.share_no == share_no).order_by(self.cases.c.idx)).all()
        return [(row.idx, loads(row.body)) for row in rows]

    def finish_share(self, job_id: str, share_no: int, pdfs: Sequence[bytes], letters: list[list[Any]],
                     refused: str) -> ShareOutcome:
        """Store the share's PDFs and letters under (job, share), replacing an earlier delivery's,
        and set the job's ``done`` to the letters of all finished shares. Nothing is stored for a job
        that is no longer active."""
        table = self.jobs.table
        key = (self.shares.c.job_id == job_id, self.shares.c.share_no == share_no)
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            job = self._lock_job(conn, job_id)
            if job is None or job.status not in ACTIVE:
                return ShareOutcome(False, False)
            conn.execute(delete(self.parts).where(self.parts.c.job_id == job_id, self.parts.c.share_no == share_no))
            if pdfs:
                conn.execute(self.parts.insert(), [{"job_id": job_id, "share_no": share_no, "part_no": n, "pdf": pdf}
                                                   for n, pdf in enumerate(pdfs)])
            conn.execute(update(self.shares).where(*key).values(
                status="done", letters=json.dumps(letters, ensure_ascii=False), refused=refused,
                finished_at=utc_now()))
            done, open_shares = conn.execute(select(
                func.coalesce(func.sum(self.shares.c.cases).filter(self.shares.c.status == "done"), 0),
                func.count().filter(self.shares.c.status != "done")).where(self.shares.c.job_id == job_id)).one()
            conn.execute(update(table).where(table.c.id == job_id).values(done=int(done), heartbeat=now_epoch()))
        return ShareOutcome(True, open_shares == 0)

    # -- merging --------------------------------------------------------------------------

    def all_shares(self, job_id: str) -> list[ShareRecord]:
        """Every share of the job, in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.shares).where(self.shares.c.job_id == job_id)
                                .order_by(self.shares.c.share_no)).all()
        return [ShareRecord(r.job_id, r.share_no, r.status, r.cases, r.attempts, r.worker,
                            json.loads(r.letters or "[]"), r.refused or "[]") for r in rows]

    def part_keys(self, job_id: str) -> list[tuple[int, int]]:
        """(share no, part no) of every stored PDF of the job, in print order."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.parts.c.share_no, self.parts.c.part_no).where(
                self.parts.c.job_id == job_id).order_by(self.parts.c.share_no, self.parts.c.part_no)).all()
        return [(r.share_no, r.part_no) for r in rows]

    def part(self, job_id: str, share_no: int, part_no: int) -> bytes:
        """One stored PDF."""
        with self.engine.connect() as conn:
            return bytes(conn.execute(select(self.parts.c.pdf).where(
                self.parts.c.job_id == job_id, self.parts.c.share_no == share_no,
                self.parts.c.part_no == part_no)).scalar_one())

    def result_writer(self, conn: Any, job_id: str) -> "ResultWriter":
        """A binary stream writing the job's print file in slices on ``conn`` (an open transaction)."""
        conn.execute(delete(self.results).where(self.results.c.job_id == job_id))
        return ResultWriter(conn, self.results, job_id)

    def finish_job(self, conn: Any, job_id: str, done: int, manifest: dict[str, Any], skipped_json: str) -> bool:
        """Within the merge's transaction: mark the job done and drop its cases and parts."""
        table = self.jobs.table
        changed = conn.execute(update(table).where(table.c.id == job_id, table.c.status.in_(ACTIVE)).values(
            status="done", done=done, manifest=json.dumps(manifest, ensure_ascii=False), skipped=skipped_json,
            finished_at=utc_now(), heartbeat=now_epoch())).rowcount
        self._drop_work(conn, job_id)
        return bool(changed)

    def _drop_work(self, conn: Any, job_id: str) -> None:
        conn.execute(delete(self.cases).where(self.cases.c.job_id == job_id))
        conn.execute(delete(self.parts).where(self.parts.c.job_id == job_id))

    def drop_work(self, job_id: str) -> None:
        """Delete the cases and share PDFs of a job that ended (they hold personal data)."""
        with self.engine.begin() as conn:
            self._drop_work(conn, job_id)

    def delete_job(self, job_id: str) -> None:
        """Remove everything of an expired job: shares, result slices, cases, parts (the row itself
        is removed by :meth:`JobStore.delete`)."""
        with self.engine.begin() as conn:
            self._drop_work(conn, job_id)
            conn.execute(delete(self.shares).where(self.shares.c.job_id == job_id))
            conn.execute(delete(self.results).where(self.results.c.job_id == job_id))

    def share_counts(self) -> dict[str, int]:
        """Shares of every job still kept, by status (``pending``, ``running``, ``done``)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.shares.c.status, func.count()).group_by(self.shares.c.status)).all()
        return {status: count for status, count in rows}

    def pending_shares(self, job_id: str) -> int:
        """Shares of the job that no worker has started yet (their messages wait on the broker)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).where(self.shares.c.job_id == job_id,
                                                           self.shares.c.status == "pending")).scalar_one()

    def has_result(self, job_id: str) -> bool:
        """True when the merged print file is stored."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).where(self.results.c.job_id == job_id)).scalar_one() > 0

    def open_result(self, job_id: str) -> "ResultReader":
        """The merged print file as a binary stream, read one slice at a time."""
        return ResultReader(self, job_id)

    def result_slices(self, job_id: str) -> Iterator[bytes]:
        """The print file's slices in order, each fetched on its own."""
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).where(self.results.c.job_id == job_id)).scalar_one()
        for seq in range(count):
            with self.engine.connect() as conn:
                data = conn.execute(select(self.results.c.data).where(
                    self.results.c.job_id == job_id, self.results.c.seq == seq)).scalar_one()
            yield bytes(data)


class ResultWriter(io.RawIOBase):
    """A write-only binary stream that inserts a row every :data:`RESULT_SLICE` bytes."""

    def __init__(self, conn: Any, table: Table, job_id: str) -> None:
        super().__init__()
        self._conn, self._table, self._job_id = conn, table, job_id
        self._buffer = bytearray()
        self._seq = 0
        self.size = 0

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data: Any) -> int:
        """Buffer ``data``; full slices go to the database."""
        view = bytes(data)
        self._buffer += view
        self.size += len(view)
        while len(self._buffer) >= RESULT_SLICE:
            self._flush(RESULT_SLICE)
        return len(view)

    def _flush(self, size: int) -> None:
        chunk, self._buffer = bytes(self._buffer[:size]), self._buffer[size:]
        self._conn.execute(self._table.insert().values(job_id=self._job_id, seq=self._seq, data=chunk))
        self._seq += 1

    def finish(self) -> None:
        """Write what is left in the buffer."""
        if self._buffer:
            self._flush(len(self._buffer))


class ResultReader(io.RawIOBase):
    """A read-only binary stream over the slices of a stored print file (memory: one slice)."""

    def __init__(self, store: SharedJobStore, job_id: str) -> None:
        super().__init__()
        self._slices = store.result_slices(job_id)
        self._pending = b""
        self._at = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the current slice, fetching the next one when it is used up."""
        while self._at >= len(self._pending):
            try:
                self._pending, self._at = next(self._slices), 0
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending) - self._at)
        buffer[:size] = self._pending[self._at:self._at + size]
        self._at += size
        return size
