"""``formsvc worker [--concurrency N] [--name NAME]``: a render worker of the distributed job runner.

Starts a Celery worker on ``FORMSVC_JOB_QUEUE`` at ``FORMSVC_BROKER_URL``
with the reliability settings of :func:`formsvc.batch.distributed.celery_app`
(late acknowledgement, requeue when a worker process is lost, one reserved
share per process). Each worker process renders one share at a time with the
same renderer as the service; job state and PDFs go to ``FORMSVC_DATABASE_URL``.
Run as many as wanted, on any machine that reaches the broker and the database.
"""
from __future__ import annotations

import socket
import uuid

import click
from flask.cli import with_appcontext

from ..errors import ConfigurationError
from ..startup import broker_check
from .common import app_settings, fail


@click.command("worker")
@click.option("--concurrency", "-c", default=None, type=int,
              help="Worker processes, each rendering one share at a time (default: FORMSVC_WORKERS, CPU cores).")
@click.option("--name", "-n", default=None,
              help="Node name (default formsvc-<random>@<host>); must be unique among the workers.")
@click.option("--loglevel", "-l", default=None, help="Celery's log level (default: FORMSVC_LOG_LEVEL).")
@with_appcontext
def worker_command(concurrency: int | None, name: str | None, loglevel: str | None) -> None:
    """Render shares of batch jobs from the broker's queue until stopped (SIGTERM: finish the share, then stop)."""
    from celery.signals import worker_process_init

    from ..batch.distributed import celery_app, warm_worker_process
    from ..startup import check_storage

    settings = app_settings()
    if not settings.broker_url:
        raise click.UsageError("FORMSVC_BROKER_URL is not set: a worker needs the broker, e.g. "
                               "FORMSVC_BROKER_URL=amqp://guest:guest@127.0.0.1:5672//")
    try:
        check_storage(settings)
    except ConfigurationError as exc:
        fail(exc)
    broker = broker_check(settings.broker_url)
    if broker != "ok":
        fail(ConfigurationError(f"the broker of FORMSVC_BROKER_URL is {broker}; start RabbitMQ or fix the URL"))
    described = settings.describe()
    click.echo(f"formsvc worker on queue {settings.job_queue} at {described['broker_url']}, "
               f"database {described['database_url']}", err=True)
    node = name or f"formsvc-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    argv = ["worker", "--queues", settings.job_queue, "--hostname", node,
            "--concurrency", str(concurrency or settings.workers), "--prefetch-multiplier", "1",
            "--loglevel", (loglevel or settings.log_level).upper(),
            "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker_process_init.connect(warm_worker_process, weak=False)
    celery_app(settings).worker_main(argv=argv)
