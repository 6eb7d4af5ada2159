"""The distributed job runner: shares of a job rendered by ``formsvc worker`` processes through Celery.

With ``FORMSVC_BROKER_URL`` set (RabbitMQ), :class:`CeleryJobRunner` replaces
the embedded runner behind the same :class:`~.runner.JobRunner` interface:

1. ``submit`` stores the job row, its accepted cases and its shares (runs of
   ``FORMSVC_JOB_SHARE_SIZE`` consecutive letters) in the database
   (:mod:`.shared`), then sends one Celery task per share, ``(job id, share
   no)`` only, to the queue ``FORMSVC_JOB_QUEUE`` (durable, persistent
   messages, publisher confirms);
2. a worker renders the share's cases (runs of at most
   :data:`~.pool.MAX_CHUNK` letters, one PDF each) and stores the PDFs under
   ``(job id, share no)``: a share delivered again replaces its PDFs, and the
   job's ``done`` is the sum over finished shares, so nothing is counted twice;
3. the worker that stores the last share sends the merge task, which streams
   every PDF, in page order, into the job's print file (stored in slices in the
   database) and marks the job ``done`` in the same transaction, deleting the
   cases and share PDFs (personal data).

Delivery is at least once: tasks are acknowledged after they ran
(``acks_late``), requeued when the worker process is lost
(``task_reject_on_worker_lost``), each worker process reserves one task at a
time (prefetch multiplier 1), and every share gets time limits from
``FORMSVC_RENDER_TIMEOUT`` times its letters. A share started more than
:data:`~.shared.MAX_ATTEMPTS` times fails the job instead of looping. A job
whose worker was killed by the hard time limit (Celery acknowledges such a
task) is failed by :meth:`CeleryJobRunner.status` once every share was handed
out and nothing has happened to it for longer than a share may take
(:func:`stale_after`); shares still waiting on the broker keep a job alive.

``DELETE /v1/jobs/<id>`` marks the job ``cancelled`` and deletes its cases;
workers skip the shares of a job that is no longer active, and a share in
flight stops at its next run of letters.
"""
from __future__ import annotations

import io
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from celery import Celery
from celery.exceptions import Reject, SoftTimeLimitExceeded
from kombu import Exchange, Queue
from sqlalchemy.exc import SQLAlchemyError

from ..config import Settings
from ..errors import BatchRejected, BrokerUnavailable, FormsvcError, NotFound
from ..render.pdfstream import StreamingPdfWriter
from .core import TEMP_PREFIX, BatchResult, LetterEntry
from .jobs import ACTIVE, JobRecord, ensure_finished, now_epoch, skipped_from_json, skipped_to_json
from .pool import MAX_CHUNK, render_chunk_to_file
from .screening import Screening, SkippedCase, case_id_of
from .shared import MAX_ATTEMPTS, ResultReader, SharedJobStore

log = logging.getLogger("formsvc.jobs")

SHARE_TASK = "formsvc.render_share"
MERGE_TASK = "formsvc.merge_job"
#: Seconds beyond the soft limit before a share's worker process is killed (the hard limit).
HARD_LIMIT_MARGIN = 60
#: A share never gets a hard limit above this: RabbitMQ closes a channel whose message is
#: unacknowledged for its consumer_timeout (30 minutes by default), and redelivers it.
MAX_SHARE_SECONDS = 1500
LETTER_OPTIONS = ("tone", "level", "language")
#: Seconds a worker waits before it puts back a task that the database or the broker made fail.
REQUEUE_PAUSE = 5.0


def share_limits(settings: Settings, letters: int) -> tuple[int, int]:
    """(soft, hard) time limit in seconds for a share of ``letters`` letters."""
    soft = min(MAX_SHARE_SECONDS - HARD_LIMIT_MARGIN, max(30, settings.render_timeout * letters))
    return soft, soft + HARD_LIMIT_MARGIN


def merge_limits(letters: int) -> tuple[int, int]:
    """(soft, hard) time limit in seconds for merging a print file of ``letters`` letters."""
    soft = min(MAX_SHARE_SECONDS - HARD_LIMIT_MARGIN, 120 + letters // 10)
    return soft, soft + HARD_LIMIT_MARGIN


def stale_after(settings: Settings) -> float:
    """Seconds without any share starting or finishing after which a running job is taken as lost."""
    return float(share_limits(settings, settings.job_share_size)[1] + 300)


def warm_worker_process(**_: Any) -> None:
    """Celery's ``worker_process_init``: build the warm letter renderer before the first share."""
    from ..gcpolicy import settle_after_warmup
    from ..letters import renderer

    try:
        renderer()
    except Exception:  # noqa: BLE001 - warming is an optimisation; the first letter reports real problems
        pass
    settle_after_warmup()


def celery_app(settings: Settings, store: SharedJobStore | None = None) -> Celery:
    """The Celery app of formsvc's queue: reliability settings and the two tasks.

    The web service only sends tasks with it; ``formsvc worker`` runs it.
    ``store`` (created lazily in each worker process otherwise) is where tasks
    read and write the job state.
    """
    if not settings.broker_url:
        raise FormsvcError("FORMSVC_BROKER_URL is not set: there is no distributed runner to start.")
    queue = settings.job_queue
    app = Celery("formsvc", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,  # acknowledged after the share ran, never before
        task_reject_on_worker_lost=True,  # a killed worker process: the share goes back to the queue
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,  # each worker process reserves one share at a time
        worker_cancel_long_running_tasks_on_connection_loss=True,  # the broker redelivers them anyway
        task_ignore_result=True,  # no result backend: state lives in the database
        task_serializer="json", accept_content=["json"],
        task_default_queue=queue, task_default_exchange=queue, task_default_routing_key=queue,
        task_queues=(Queue(queue, Exchange(queue, type="direct", durable=True), routing_key=queue, durable=True),),
        task_default_delivery_mode="persistent",
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        worker_enable_remote_control=False,  # no pidbox queues left behind on the broker
        worker_send_task_events=False,
        worker_hijack_root_logger=False,
    )
    stores: dict[int, SharedJobStore] = {}
    # shared=False below: Celery's default would hand these tasks, with this app's settings and
    # store, to every Celery app created later in the process (and keep theirs out).

    def store_here() -> SharedJobStore:
        """The job store of this process (a forked worker process opens its own engine)."""
        if store is not None:
            return store
        pid = os.getpid()
        if pid not in stores:
            from ..db import engine_for, metadata

            stores[pid] = SharedJobStore(engine_for(settings), metadata)
        return stores[pid]

    @app.task(name=SHARE_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, shared=False)
    def render_share_task(self: Any, job_id: str, share_no: int) -> None:
        """Render one share; the last one in sends the merge. When the database or the broker fails
        meanwhile, the share goes back to the queue (a share is idempotent) rather than being lost."""
        worker = f"{self.request.hostname or 'worker'}:{os.getpid()}"
        try:
            letters = run_share(store_here(), settings, job_id, share_no, worker)
        except SQLAlchemyError as exc:
            _requeue(f"job {job_id} share {share_no}: the database failed", exc)
        if letters is not None:
            soft, hard = merge_limits(letters)
            try:
                app.send_task(MERGE_TASK, args=[job_id], queue=queue, soft_time_limit=soft, time_limit=hard)
            except Exception as exc:  # noqa: BLE001 - kombu raises several types for a broker that is gone
                _requeue(f"job {job_id}: the merge could not be queued", exc)

    @app.task(name=MERGE_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, shared=False)
    def merge_task(self: Any, job_id: str) -> None:
        """Merge the shares into the print file (back to the queue when the database fails)."""
        try:
            merge_job(store_here(), job_id)
        except SQLAlchemyError as exc:
            _requeue(f"job {job_id}: the database failed while merging", exc)

    return app


def _requeue(what: str, exc: Exception) -> NoReturn:
    """Put the task's message back on the queue after a pause (no tight loop while a server is down)."""
    log.warning("%s (%s); the task goes back to the queue in %.0f s", what, type(exc).__name__, REQUEUE_PAUSE)
    time.sleep(REQUEUE_PAUSE)
    raise Reject(type(exc).__name__, requeue=True)


# -- what a worker does -------------------------------------------------------------------------


class _Stopped(Exception):
    """The job stopped being active while its share was rendered."""


def run_share(store: SharedJobStore, settings: Settings, job_id: str, share_no: int, worker: str) -> int | None:
    """Render share ``share_no`` of the job and store it; return the job's letter count when this
    was the last share still open (the caller sends the merge), else ``None``."""
    attempt = store.start_share(job_id, share_no, worker)
    if attempt is None:
        log.info("job %s share %d skipped: the job is no longer active", job_id, share_no)
        return None
    if attempt > MAX_ATTEMPTS:
        _fail(store, job_id, {"code": "share_failed",
                              "message": f"Share {share_no} of the job was started {MAX_ATTEMPTS} times and its "
                                         "worker was lost each time; the job was stopped."})
        return None
    job = store.jobs.get(job_id)
    if job is None:
        return None
    options = job.options
    overrides = {key: options.get(key) for key in LETTER_OPTIONS}
    duplex = bool(options.get("duplex"))
    cases = store.share_cases(job_id, share_no)
    pdfs: list[bytes] = []
    letters: list[list[Any]] = []
    refused: list[SkippedCase] = []
    try:
        with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-", ignore_cleanup_errors=True) as folder:
            for start in range(0, len(cases), MAX_CHUNK):
                if start and _inactive(store, job_id):
                    raise _Stopped
                chunk = cases[start:start + MAX_CHUNK]
                printed = render_chunk_to_file(chunk, overrides, folder, settings, duplex)
                by_index = dict(chunk)
                refused += [SkippedCase(r.index, case_id_of(by_index[r.index]), r.report) for r in printed.refused]
                letters += [[p.index, case_id_of(by_index[p.index]), p.pages, p.blank_after, list(p.warnings)]
                            for p in printed.letters]
                if printed.path is not None:
                    path = Path(printed.path)
                    pdfs.append(path.read_bytes())
                    path.unlink(missing_ok=True)
    except _Stopped:
        log.info("job %s share %d stopped: the job is no longer active", job_id, share_no)
        return None
    except SoftTimeLimitExceeded:
        _fail(store, job_id, {"code": "render_timeout",
                              "message": f"Share {share_no} ({len(cases)} letters) took longer than "
                                         f"{settings.render_timeout} s per letter; the job was stopped."})
        return None
    except FormsvcError as exc:
        _fail(store, job_id, {"code": exc.code, "message": exc.message})
        return None
    except SQLAlchemyError:
        raise  # the database, not the share: the task puts the share back on the queue
    except Exception as exc:  # noqa: BLE001 - recorded as the job's error, never lost
        log.error("job %s share %d failed unexpectedly: %s", job_id, share_no, type(exc).__name__)
        _fail(store, job_id, {"code": "internal_error",
                              "message": "The job failed unexpectedly; the incident was logged."})
        return None
    outcome = store.finish_share(job_id, share_no, pdfs, letters, skipped_to_json(refused))
    log.info("job %s share %d done on %s: letters=%d attempt=%d", job_id, share_no, worker, len(letters), attempt)
    return job.total if outcome.stored and outcome.last else None


def _inactive(store: SharedJobStore, job_id: str) -> bool:
    job = store.jobs.get(job_id)
    return job is None or job.status not in ACTIVE


def _fail(store: SharedJobStore, job_id: str, error: dict[str, Any]) -> None:
    """Fail the job and delete its cases and PDFs."""
    store.jobs.fail(job_id, error)
    store.drop_work(job_id)
    log.info("job %s failed: %s", job_id, error["code"])


def merge_job(store: SharedJobStore, job_id: str) -> None:
    """Merge every share's PDFs into the print file, in page order, and finish the job (idempotent:
    a merge delivered twice writes the same file again, or finds the job done and does nothing)."""
    job = store.jobs.get(job_id)
    if job is None or job.status not in ACTIVE:
        return
    shares = store.all_shares(job_id)
    if not shares or any(s.status != "done" for s in shares):
        return  # a stray duplicate: the last share's own merge follows
    skipped = list(job.skipped)
    refused = [case for share in shares for case in skipped_from_json(share.refused)]
    if refused and not job.options.get("skip_invalid"):
        error = BatchRejected([(s.index, s.case_id, s.report) for s in refused])
        _fail(store, job_id, _rejected(error))
        return
    skipped = sorted(skipped + refused, key=lambda s: s.index)
    printed = [letter for share in shares for letter in share.letters]
    if not printed:
        _fail(store, job_id, _rejected(BatchRejected([(s.index, s.case_id, s.report) for s in skipped])))
        return
    result = BatchResult(skipped=skipped, total=job.cases, duplex=bool(job.options.get("duplex")))
    try:
        with store.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            if not store.lock_active(conn, job_id):
                return  # cancelled or failed meanwhile
            out = store.result_writer(conn, job_id)
            writer = StreamingPdfWriter(out)
            for share_no, part_no in store.part_keys(job_id):
                writer.append_pdf(io.BytesIO(store.part(job_id, share_no, part_no)))
            first_page = 1
            for index, case_id, pages, blank_after, warnings in printed:
                result.letters.append(LetterEntry(index, case_id, first_page, pages, blank_after, tuple(warnings)))
                first_page += pages + blank_after
            if first_page - 1 != writer.page_count:
                raise RuntimeError(f"print file has {writer.page_count} pages, its letters {first_page - 1}")
            writer.close(title=f"formsvc batch: {result.letter_count} letters")
            out.finish()
            result.pages = writer.page_count
            manifest = result.manifest()
            manifest.pop("skipped", None)  # stored separately, in both languages
            store.finish_job(conn, job_id, sum(s.cases for s in shares), manifest, skipped_to_json(skipped))
    except SoftTimeLimitExceeded:
        _fail(store, job_id, {"code": "render_timeout", "message": "Merging the print file took too long."})
        return
    except SQLAlchemyError:
        raise  # the database, not the merge: the task puts it back on the queue
    except Exception as exc:  # noqa: BLE001 - recorded as the job's error, never lost
        log.error("job %s: merging failed unexpectedly: %s", job_id, type(exc).__name__)
        _fail(store, job_id, {"code": "internal_error",
                              "message": "The job failed unexpectedly; the incident was logged."})
        return
    log.info("job %s merged: letters=%d pages=%d shares=%d", job_id, result.letter_count, result.pages, len(shares))


def _rejected(exc: BatchRejected) -> dict[str, Any]:
    return {"code": exc.code, "message": exc.message,
            "cases": [{"index": i, "case_id": cid, "codes": [o.code for o in r.errors]} for i, cid, r in exc.rejected]}


# -- the web side -------------------------------------------------------------------------------


class CeleryJobRunner:
    """Jobs as shares on the broker, state and results in the shared database."""

    def __init__(self, store: SharedJobStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.retention = settings.job_retention_hours
        self.owner = f"celery:{settings.job_queue}"
        self.app = celery_app(settings, store)
        self.recovered = 0
        log.info("batch jobs: distributed runner on queue %s, %d letters per share, results in the database, "
                 "kept %.0f h", settings.job_queue, settings.job_share_size, self.retention)

    def submit(self, screening: Screening, options: Mapping[str, Any], *, duplex: bool) -> str:
        """Store the job, its cases and shares, then send every share to the queue."""
        self.purge_expired()
        stored = {k: v for k, v in options.items() if v is not None}
        jobs = self.store.jobs
        job_id = jobs.create(cases=screening.total, total=len(screening.accepted),
                             options={**stored, "duplex": duplex, "skip_invalid": screening.skip_invalid},
                             skipped=screening.skipped, owner=self.owner)
        size = self.settings.job_share_size
        shares = self.store.add_work(job_id, screening.accepted, size)
        try:
            with self.app.producer_or_acquire() as producer:
                for share_no in range(shares):
                    letters = min(size, len(screening.accepted) - share_no * size)
                    soft, hard = share_limits(self.settings, letters)
                    self.app.send_task(SHARE_TASK, args=[job_id, share_no], queue=self.settings.job_queue,
                                       producer=producer, soft_time_limit=soft, time_limit=hard, retry=True,
                                       retry_policy={"max_retries": 2, "interval_start": 0.2,
                                                     "interval_step": 0.5})
        except Exception as exc:  # noqa: BLE001 - kombu raises several types for a broker that is gone
            _fail(self.store, job_id, {"code": "broker_unavailable",
                                       "message": "The job could not be queued: the message broker did not answer."})
            raise BrokerUnavailable(f"The job queue at {_host_of(self.settings.broker_url)} does not answer "
                                    f"({type(exc).__name__}); no job was queued. Try again later.") from None
        return job_id

    def status(self, job_id: str) -> JobRecord:
        """The stored job. A running job whose every share was handed out, and to which nothing has
        happened for :func:`stale_after` seconds (a worker killed by the hard time limit, whose task
        Celery acknowledges), reads as failed (``worker_lost``)."""
        job = self.store.jobs.get(job_id)
        if job is None:
            raise NotFound(f"There is no job {job_id!r} (unknown, or older than the retention period).")
        if (job.status == "running" and now_epoch() - job.heartbeat > stale_after(self.settings)
                and not self.store.pending_shares(job_id)):
            _fail(self.store, job.id, {"code": "worker_lost",
                                       "message": "No worker has reported on this job for too long; submit the "
                                                  "batch again."})
            job = self.store.jobs.get(job_id) or job
        return job

    def result(self, job_id: str) -> ResultReader:
        """The finished print file as a stream from the database."""
        ensure_finished(self.status(job_id))
        if not self.store.has_result(job_id):
            raise NotFound(f"The print file of job {job_id} is no longer kept.")
        return self.store.open_result(job_id)

    def cancel(self, job_id: str) -> JobRecord:
        """Cancel a queued or running job: workers skip its shares; its cases are deleted."""
        job = self.status(job_id)
        if job.status in ACTIVE:
            self.store.jobs.cancel(job_id)
            self.store.drop_work(job_id)
            log.info("job %s cancelled", job_id)
        return self.status(job_id)

    def purge_expired(self) -> None:
        """Delete jobs (rows, shares, print files) finished longer ago than the retention period."""
        import datetime as dt

        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=self.retention)
        for job_id in self.store.jobs.finished_before(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ")):
            self.store.delete_job(job_id)
            self.store.jobs.delete(job_id)


def queue_figures(settings: Settings) -> tuple[int, int] | None:
    """(messages waiting, consumers) of the job queue, or ``None`` when the broker does not answer
    or the queue is not declared yet. Each running ``formsvc worker`` is one consumer."""
    from kombu import Connection

    try:
        with Connection(settings.broker_url, connect_timeout=2) as conn:
            channel = conn.channel()
            _, messages, consumers = channel.queue_declare(settings.job_queue, passive=True)
            channel.close()
            return int(messages), int(consumers)
    except Exception:  # noqa: BLE001 - a scrape never fails on the broker; /readyz names it
        return None


def _host_of(url: str | None) -> str:
    """The broker's host and port, without user or password."""
    rest = (url or "").split("://", 1)[-1]
    return rest.rsplit("@", 1)[-1].split("/", 1)[0]
