"""The job table: batch-print jobs persisted next to the EDA ledger.

One row per job: status (``queued`` → ``running`` → ``done`` | ``failed`` | ``cancelled``),
progress (``done`` of ``total`` letters), what was skipped, the manifest of the
finished print file and the error of a failed one. ``owner`` names the process
(``host:pid:token``) that runs the job, so a restarted service can tell jobs
that nobody will ever finish and mark them ``failed`` instead of forgetting them.
Rows hold no personal data beyond ``case_id`` (the cases themselves are never stored).
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, select, update

from ..db import create_tables
from ..errors import ConflictError, JobNotReady
from ..validation import Objection, Report
from .screening import SkippedCase

ACTIVE = ("queued", "running")
STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


def define_table(metadata: MetaData) -> Table:
    """The ``batch_jobs`` table on ``metadata`` (defined once per MetaData)."""
    if "batch_jobs" in metadata.tables:
        return metadata.tables["batch_jobs"]
    return Table(
        "batch_jobs", metadata,
        Column("id", String(32), primary_key=True),
        Column("status", String(16), nullable=False, index=True),
        Column("cases", Integer, nullable=False),
        Column("total", Integer, nullable=False),
        Column("done", Integer, nullable=False, default=0),
        Column("options", Text, nullable=False),
        Column("skipped", Text, nullable=False),
        Column("manifest", Text),
        Column("error", Text),
        Column("owner", String(200), nullable=False),
        Column("created_at", String(32), nullable=False),
        Column("started_at", String(32)),
        Column("finished_at", String(32)),
        Column("heartbeat", Float, nullable=False),
    )


def utc_now() -> str:
    """Now as an ISO 8601 UTC timestamp (sorts as text)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_epoch() -> float:
    """Now in seconds since the epoch (for heartbeats)."""
    return dt.datetime.now(dt.timezone.utc).timestamp()


def skipped_to_json(skipped: list[SkippedCase]) -> str:
    """Skipped cases with both message languages, for storage."""
    return json.dumps([{"index": s.index, "case_id": s.case_id,
                        "objections": [[o.code, o.path, o.level, o.message_de, o.message_en]
                                       for o in s.report.objections]} for s in skipped], ensure_ascii=False)


def skipped_from_json(text: str | None) -> list[SkippedCase]:
    """The inverse of :func:`skipped_to_json`."""
    out = []
    for item in json.loads(text or "[]"):
        report = Report([Objection(*o) for o in item["objections"]])
        out.append(SkippedCase(item["index"], item["case_id"], report))
    return out


@dataclass(frozen=True)
class JobRecord:
    """One job as stored."""

    id: str
    status: str
    cases: int
    total: int
    done: int
    options: dict[str, Any]
    skipped: list[SkippedCase]
    manifest: dict[str, Any] | None
    error: dict[str, Any] | None
    owner: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    heartbeat: float

    @classmethod
    def from_row(cls, row: Any) -> "JobRecord":
        """Build from a database row."""
        m = row._mapping
        return cls(m["id"], m["status"], m["cases"], m["total"], m["done"], json.loads(m["options"]),
                   skipped_from_json(m["skipped"]), json.loads(m["manifest"]) if m["manifest"] else None,
                   json.loads(m["error"]) if m["error"] else None, m["owner"], m["created_at"],
                   m["started_at"], m["finished_at"], m["heartbeat"])


class JobStore:
    """Reads and writes job rows; every method is one short transaction."""

    def __init__(self, engine: Engine, metadata: MetaData) -> None:
        self.engine = engine
        self.table = define_table(metadata)
        create_tables(engine, [self.table])

    def create(self, *, cases: int, total: int, options: dict[str, Any], skipped: list[SkippedCase],
               owner: str) -> str:
        """Insert a queued job and return its id."""
        job_id = uuid.uuid4().hex
        with self.engine.begin() as conn:
            conn.execute(self.table.insert().values(
                id=job_id, status="queued", cases=cases, total=total, done=0,
                options=json.dumps(options), skipped=skipped_to_json(skipped), owner=owner,
                created_at=utc_now(), heartbeat=now_epoch()))
        return job_id

    def get(self, job_id: str) -> JobRecord | None:
        """The job, or ``None`` when there is no such id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(self.table).where(self.table.c.id == job_id)).first()
        return JobRecord.from_row(row) if row is not None else None

    def _update(self, job_id: str, **values: Any) -> None:
        """Change an unfinished job (a finished one is never changed again)."""
        with self.engine.begin() as conn:
            conn.execute(update(self.table).where(self.table.c.id == job_id,
                                                  self.table.c.status.in_(ACTIVE)).values(**values))

    def mark_running(self, job_id: str) -> None:
        """The runner picked the job up."""
        self._update(job_id, status="running", started_at=utc_now(), heartbeat=now_epoch())

    def progress(self, job_id: str, done: int) -> None:
        """``done`` letters are in the print file."""
        self._update(job_id, done=done, heartbeat=now_epoch())

    def finish(self, job_id: str, done: int, manifest: dict[str, Any], skipped: list[SkippedCase]) -> None:
        """The print file is complete."""
        self._update(job_id, status="done", done=done, manifest=json.dumps(manifest, ensure_ascii=False),
                     skipped=skipped_to_json(skipped), finished_at=utc_now(), heartbeat=now_epoch())

    def fail(self, job_id: str, error: dict[str, Any]) -> None:
        """The job cannot finish; ``error`` says why (code, message, ...)."""
        self._update(job_id, status="failed", error=json.dumps(error, ensure_ascii=False),
                     finished_at=utc_now(), heartbeat=now_epoch())

    def cancel(self, job_id: str) -> bool:
        """Mark a queued or running job ``cancelled``; false when it had already finished."""
        with self.engine.begin() as conn:
            changed = conn.execute(update(self.table).where(self.table.c.id == job_id,
                                                            self.table.c.status.in_(ACTIVE)).values(
                status="cancelled", finished_at=utc_now(), heartbeat=now_epoch())).rowcount
        return bool(changed)

    def heartbeat(self, owner: str) -> None:
        """Touch every active job of ``owner`` (shows the owner is alive)."""
        with self.engine.begin() as conn:
            conn.execute(update(self.table).where(self.table.c.owner == owner,
                                                  self.table.c.status.in_(ACTIVE)).values(heartbeat=now_epoch()))

    def active(self) -> list[JobRecord]:
        """Every queued or running job."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.table).where(self.table.c.status.in_(ACTIVE))).all()
        return [JobRecord.from_row(r) for r in rows]

    def finished_before(self, moment: str) -> list[str]:
        """Ids of jobs that finished before ``moment`` (ISO UTC)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.table.c.id).where(self.table.c.status.in_(FINISHED),
                                                              self.table.c.finished_at < moment)).all()
        return [r[0] for r in rows]

    def delete(self, job_id: str) -> None:
        """Remove a job row."""
        with self.engine.begin() as conn:
            conn.execute(self.table.delete().where(self.table.c.id == job_id))



def ensure_finished(job: JobRecord) -> None:
    """Raise unless ``job`` is done: 409 ``job_not_ready`` while it runs, 409 when it failed or was cancelled."""
    if job.status in ACTIVE:
        raise JobNotReady(f"Job {job.id} is {job.status} ({job.done} of {job.total} letters); "
                          f"poll /v1/jobs/{job.id} until its status is 'done'.")
    if job.status == "failed":
        error = job.error or {}
        raise ConflictError(f"Job {job.id} failed: {error.get('message', 'unknown error')}", job_error=error)
    if job.status == "cancelled":
        raise ConflictError(f"Job {job.id} was cancelled; it has no print file.")
