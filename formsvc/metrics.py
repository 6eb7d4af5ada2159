"""Prometheus metrics with the official client: requests, render times, jobs and the EDA-ID range.

* ``formsvc_requests_total{endpoint,status}`` and ``formsvc_request_seconds{endpoint}``
  count and time every request (labels are endpoint names, never URLs or case data);
* ``formsvc_render_seconds{family}`` times the document endpoints by family
  (letter, mahnantrag, eda, batch);
* ``formsvc_eda_ids_remaining{sender}`` / ``formsvc_eda_id_range_size`` and
  ``formsvc_jobs{status}`` are read from the database at scrape time, so every
  instance sharing a ledger reports the same figures;
* with the distributed runner (``FORMSVC_BROKER_URL``), ``formsvc_job_shares{status}``
  (pending, running = in flight, done) from the database, and
  ``formsvc_job_queue_messages`` / ``formsvc_job_queue_consumers`` (shares waiting on
  the broker, live ``formsvc worker`` nodes) from the broker, also at scrape time.

Under gunicorn each worker is a process: ``formsvc serve`` sets
``PROMETHEUS_MULTIPROC_DIR`` (a fresh folder in the instance folder) before any
worker imports the client, and the scrape aggregates every worker's files
(the client's multiprocess mode). ``prometheus_client`` is imported lazily, so
that setting it in ``serve`` comes first.
"""
from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: blueprint of an endpoint -> the document family its render time is filed under
FAMILIES = {"letters": "letter", "mahnantrag": "mahnantrag", "eda": "eda", "batch": "batch"}


def prepare_multiprocess(instance_path: Path) -> Path:
    """Point the client at a fresh per-run folder (call before workers start; old files are stale)."""
    folder = instance_path / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def worker_exited(pid: int) -> None:
    """gunicorn ``child_exit`` hook: drop the live gauges of a worker that ended."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


@lru_cache(maxsize=1)
def _instruments() -> dict[str, Any]:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry()
    return {
        "registry": registry,
        "requests": Counter("formsvc_requests_total", "HTTP requests by endpoint and status",
                            ["endpoint", "status"], registry=registry),
        "seconds": Histogram("formsvc_request_seconds", "HTTP request time by endpoint", ["endpoint"],
                             registry=registry),
        "render": Histogram("formsvc_render_seconds", "Document request time by family", ["family"],
                            buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120), registry=registry),
    }


def observe_request(endpoint: str | None, status: int, seconds: float) -> None:
    """Count one answered request."""
    name = endpoint or "unknown"
    metrics = _instruments()
    metrics["requests"].labels(endpoint=name, status=str(status)).inc()
    metrics["seconds"].labels(endpoint=name).observe(seconds)
    family = FAMILIES.get(name.split(".", 1)[0])
    if family and status < 400 and name.split(".", 1)[-1] != "ledger":
        metrics["render"].labels(family=family).observe(seconds)


class _StateCollector:
    """Gauges read from the database at scrape time: EDA-IDs left, jobs by status."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Any:
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy import func, select
        from sqlalchemy.exc import SQLAlchemyError

        from . import db
        from .batch.jobs import STATUSES, define_table
        from .eda.ledger import Ledger

        settings = self.settings
        remaining = GaugeMetricFamily("formsvc_eda_ids_remaining", "EDA-IDs of the court's range still free",
                                      labels=["sender"])
        size = GaugeMetricFamily("formsvc_eda_id_range_size", "EDA-IDs in the configured range",
                                 labels=["sender"])
        jobs = GaugeMetricFamily("formsvc_jobs", "Batch jobs by status", labels=["status"])
        try:
            remaining.add_metric([settings.eda_sender_id], Ledger.for_settings(settings).remaining(settings))
            size.add_metric([settings.eda_sender_id], settings.eda_id_max - settings.eda_id_min + 1)
            table = define_table(db.metadata)
            engine = db.engine_for(settings)
            db.create_tables(engine, [table])
            with engine.connect() as conn:
                counts = dict(conn.execute(select(table.c.status, func.count()).group_by(table.c.status)).all())
            for status in STATUSES:
                jobs.add_metric([status], counts.get(status, 0))
        except SQLAlchemyError:
            return  # /readyz names the database; a scrape does not fail on it
        yield from (remaining, size, jobs)
        if settings.broker_url:
            yield from _distributed_state(settings)


def _distributed_state(settings: Settings) -> Any:
    """Shares by status (database) and the job queue's depth and consumers (broker)."""
    from prometheus_client.core import GaugeMetricFamily
    from sqlalchemy.exc import SQLAlchemyError

    from . import db
    from .batch.distributed import queue_figures
    from .batch.shared import SharedJobStore

    shares = GaugeMetricFamily("formsvc_job_shares", "Shares of distributed jobs by status (running: in flight)",
                               labels=["status"])
    try:
        counts = SharedJobStore(db.engine_for(settings), db.metadata).share_counts()
    except SQLAlchemyError:
        return
    for status in ("pending", "running", "done"):
        shares.add_metric([status], counts.get(status, 0))
    yield shares
    figures = queue_figures(settings)
    if figures is not None:
        messages, consumers = figures
        yield GaugeMetricFamily("formsvc_job_queue_messages", "Shares waiting on the broker", value=messages)
        yield GaugeMetricFamily("formsvc_job_queue_consumers", "formsvc worker nodes consuming the job queue",
                                value=consumers)


def exposition(settings: Settings) -> tuple[bytes, str]:
    """The metrics in Prometheus text format, with every worker's values under gunicorn."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    own = _instruments()["registry"]
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        own = CollectorRegistry()
        multiprocess.MultiProcessCollector(own)
    state = CollectorRegistry()
    state.register(_StateCollector(settings))
    return generate_latest(own) + generate_latest(state), CONTENT_TYPE_LATEST
