"""Background batch jobs: the ``JobRunner`` interface and the embedded local runner.

The service only talks to a :class:`JobRunner` (submit, status, result). The
default :class:`LocalJobRunner` runs inside the service process: a thread takes
jobs from an in-memory queue and drives the shared render pool
(:mod:`.pool`); job state lives in the database (:mod:`.jobs`), the finished
PDF in ``<jobs dir>/<id>.pdf``. A distributed runner (Redis or RabbitMQ queue,
separate worker processes) implements the same methods on the same job table:
:class:`~formsvc.batch.distributed.CeleryJobRunner` (``FORMSVC_BROKER_URL``).

On start-up every job still ``queued`` or ``running`` whose owner process is
gone (same host: the process no longer exists, or it is this very process
started anew; another host: no heartbeat for :data:`STALE_SECONDS`) is marked
``failed`` with the error ``service_restarted``: never forgotten, never left
"running" for ever.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Protocol

from ..config import Settings
from ..errors import BatchRejected, FormsvcError, NotFound
from .core import render_screened, sweep_stale_temp
from .jobs import ACTIVE, JobRecord, JobStore, ensure_finished, now_epoch
from .pool import process_alive
from .screening import Screening

log = logging.getLogger("formsvc.jobs")

HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 600.0
PROGRESS_EVERY_SECONDS = 0.2


class JobRunner(Protocol):
    """What the HTTP layer needs from a job system."""

    def submit(self, screening: Screening, options: Mapping[str, Any], *, duplex: bool) -> str:
        """Queue a screened batch; return the new job's id."""

    def status(self, job_id: str) -> JobRecord:
        """The job's current state; :class:`NotFound` for an unknown id."""

    def result(self, job_id: str) -> Path | IO[bytes]:
        """The finished PDF (a file, or a stream to read once); :class:`JobNotReady` while it runs,
        :class:`ConflictError` if it failed or was cancelled."""

    def cancel(self, job_id: str) -> JobRecord:
        """Cancel a queued or running job (a finished one is left as it is); return its state."""


class _Cancelled(Exception):
    """The job was cancelled while it ran."""


class LocalJobRunner:
    """Runs jobs one after another in a thread of this process, on the shared render pool."""

    def __init__(self, store: JobStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.folder = settings.jobs_dir
        self.retention = settings.job_retention_hours
        self.host = socket.gethostname()
        self.owner = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._queue: queue.Queue[tuple[str, Screening, dict[str, Any], bool]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.recovered = self.recover()
        log.info("batch jobs: embedded runner, results in %s, kept %.0f h, %d render worker(s)",
                 self.folder, self.retention, settings.workers)

    # -- the JobRunner interface ------------------------------------------------------------

    def submit(self, screening: Screening, options: Mapping[str, Any], *, duplex: bool) -> str:
        """Store the job as ``queued`` and hand it to the worker thread.

        Every submit also ends what a sibling process killed since the start left behind (its jobs, their
        ``.partial`` files and letter folders: personal data), not only the next start-up."""
        self.purge_expired()
        self.recover()
        self.folder.mkdir(parents=True, exist_ok=True)
        stored = {k: v for k, v in options.items() if v is not None}
        job_id = self.store.create(cases=screening.total, total=len(screening.accepted),
                                   options={**stored, "duplex": duplex, "skip_invalid": screening.skip_invalid},
                                   skipped=screening.skipped, owner=self.owner)
        self._queue.put((job_id, screening, dict(options), duplex))
        self._ensure_thread()
        return job_id

    def status(self, job_id: str) -> JobRecord:
        """The stored job; a job whose owner has died reads as ``failed``."""
        job = self.store.get(job_id)
        if job is None:
            raise NotFound(f"There is no job {job_id!r} (unknown, or older than the retention period).")
        if job.status in ACTIVE and self._orphaned(job):
            self.store.fail(job.id, _restarted())
            self.partial_path(job.id).unlink(missing_ok=True)
            job = self.store.get(job_id) or job
        return job

    def result(self, job_id: str) -> Path:
        """Path of the finished PDF."""
        ensure_finished(self.status(job_id))
        path = self.result_path(job_id)
        if not path.is_file():
            raise NotFound(f"The print file of job {job_id} is no longer kept.")
        return path

    def cancel(self, job_id: str) -> JobRecord:
        """Mark the job ``cancelled``: a queued one never starts, a running one stops after its
        current run of letters (its half-written PDF is removed)."""
        job = self.status(job_id)
        if job.status in ACTIVE:
            self.store.cancel(job_id)
            log.info("job %s cancelled", job_id)
        return self.status(job_id)

    # -- housekeeping ---------------------------------------------------------------------

    def result_path(self, job_id: str) -> Path:
        """Where the job's PDF is (or will be) stored."""
        return self.folder / f"{job_id}.pdf"

    def partial_path(self, job_id: str) -> Path:
        """The half-written PDF of a job that is running (or was, when its process died)."""
        path = self.result_path(job_id)
        return path.with_name(f".{path.name}.partial")

    def recover(self) -> int:
        """Mark jobs nobody will finish as failed; return how many."""
        count = 0
        for job in self.store.active():
            if self._orphaned(job):
                self.store.fail(job.id, _restarted())
                self.partial_path(job.id).unlink(missing_ok=True)
                count += 1
        if count:
            log.warning("marked %d unfinished job(s) of a previous process as failed", count)
        sweep_stale_temp()
        return count

    def _orphaned(self, job: JobRecord) -> bool:
        if job.owner == self.owner:
            return False
        host, _, rest = job.owner.partition(":")
        pid_text = rest.split(":", 1)[0]
        if host == self.host and pid_text.isdigit():
            pid = int(pid_text)
            if pid == os.getpid() or not process_alive(pid):
                return True
        return now_epoch() - job.heartbeat > STALE_SECONDS

    def purge_expired(self) -> None:
        """Delete jobs (rows and PDFs) finished longer ago than the retention period."""
        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=self.retention)
        for job_id in self.store.finished_before(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ")):
            self.result_path(job_id).unlink(missing_ok=True)
            self.partial_path(job_id).unlink(missing_ok=True)
            self.store.delete(job_id)

    # -- the worker thread ----------------------------------------------------------------

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="formsvc-jobs", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                job_id, screening, options, duplex = self._queue.get(timeout=HEARTBEAT_SECONDS)
            except queue.Empty:
                self.store.heartbeat(self.owner)
                continue
            try:
                self._run(job_id, screening, options, duplex)
            except Exception as exc:  # noqa: BLE001 - the thread must survive a failing store
                log.error("job %s: could not record its outcome (%s)", job_id, type(exc).__name__)

    def _run(self, job_id: str, screening: Screening, options: dict[str, Any], duplex: bool) -> None:
        self.store.mark_running(job_id)
        if self._cancelled(job_id):
            return
        last = [0.0, time.monotonic()]  # last progress write, last heartbeat

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done in (0, total) or now - last[0] >= PROGRESS_EVERY_SECONDS:
                last[0] = now
                if self._cancelled(job_id):
                    raise _Cancelled
                self.store.progress(job_id, done)
            if now - last[1] >= HEARTBEAT_SECONDS:
                last[1] = now
                self.store.heartbeat(self.owner)

        started = time.perf_counter()
        try:
            result = render_screened(screening, options, self.result_path(job_id), duplex=duplex,
                                     settings=self.settings, progress=progress)
        except _Cancelled:
            log.info("job %s stopped: cancelled", job_id)
            return
        except FormsvcError as exc:
            self.store.fail(job_id, _error_of(exc))
            log.info("job %s failed: %s", job_id, exc.code)
            return
        except Exception as exc:  # noqa: BLE001 - recorded as the job's error, never lost
            self.store.fail(job_id, {"code": "internal_error",
                                     "message": "The job failed unexpectedly; the incident was logged."})
            log.error("job %s failed unexpectedly: %s", job_id, type(exc).__name__)
            return
        manifest = result.manifest()
        manifest.pop("skipped", None)  # stored separately, in both languages
        self.store.finish(job_id, len(screening.accepted), manifest, result.skipped)
        log.info("job %s done: letters=%d pages=%d seconds=%.1f", job_id, result.letter_count,
                 result.pages, time.perf_counter() - started)


    def _cancelled(self, job_id: str) -> bool:
        job = self.store.get(job_id)
        return job is None or job.status == "cancelled"


def _restarted() -> dict[str, Any]:
    return {"code": "service_restarted",
            "message": "The service was restarted before this job finished; submit the batch again."}


def _error_of(exc: FormsvcError) -> dict[str, Any]:
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if isinstance(exc, BatchRejected):
        error["cases"] = [{"index": i, "case_id": cid, "codes": [o.code for o in r.errors]}
                          for i, cid, r in exc.rejected]
    return error
