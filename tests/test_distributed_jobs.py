"""The distributed job runner against the real RabbitMQ and PostgreSQL on loopback.

Each test gets its own PostgreSQL schema and its own Celery queue (both named
with a random token, deleted at the end), starts ``formsvc worker``
subprocesses on them and drives jobs through the HTTP app (``create_app``
with ``BROKER_URL`` and ``DATABASE_URL``). The broker is
FORMSVC_TEST_BROKER_URL (default amqp://guest:guest@127.0.0.1:5672//), the
database FORMSVC_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test).
Unreachable servers fail the tests with what to start; they are not skipped.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families
from pypdf import PdfReader
from sqlalchemy import select

from formsvc import create_app
from formsvc.batch import render_batch, screen
from formsvc.batch.demo import demo_cases, sample_cases
from formsvc.batch.distributed import merge_job, run_share
from formsvc.batch.shared import SharedJobStore, define_tables, exact_json
from formsvc.case import dumps, loads
from formsvc.config import Settings
from formsvc.db import engine_for, metadata
from tests.support import postgres_schema

ROOT = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("FORMSVC_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
LETTERS = 30
SHARE_SIZE = 3
JOB_TIMEOUT = 180.0

@pytest.fixture
def database_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server, dropped afterwards."""
    with postgres_schema("formsvc_dist") as url:
        yield url
        engine_for(url).dispose()


@pytest.fixture
def queue() -> Iterator[str]:
    """A Celery queue name of this test alone; the queue and its exchange are deleted afterwards."""
    name = f"formsvc-test-{uuid.uuid4().hex[:12]}"
    try:
        with Connection(BROKER_URL, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"RabbitMQ at {BROKER_URL} is unreachable ({type(exc).__name__}: {exc}). Start it "
                    "(rabbitmq-server -detached) or point FORMSVC_TEST_BROKER_URL at one; these tests are part "
                    "of the suite.")
    yield name
    with Connection(BROKER_URL, connect_timeout=5) as conn:
        channel = conn.channel()
        channel.queue_delete(name)
        channel.exchange_delete(name)
        channel.close()


def queue_state(name: str) -> tuple[int, int] | None:
    """(ready messages, consumers) of the queue, or ``None`` while it does not exist."""
    with Connection(BROKER_URL, connect_timeout=5) as conn:
        channel = conn.channel()
        try:
            _, messages, consumers = channel.queue_declare(name, passive=True)
        except Exception:  # noqa: BLE001 - not declared yet (the channel is closed by the broker)
            return None
        channel.close()
        return messages, consumers


class Workers:
    """``formsvc worker`` subprocesses on one queue and database, each in its own process group."""

    def __init__(self, tmp_path: Path, database_url: str, queue: str) -> None:
        self.tmp_path, self.database_url, self.queue = tmp_path, database_url, queue
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.token = uuid.uuid4().hex[:6]

    def node(self, name: str) -> str:
        """The Celery node name of worker ``name``."""
        return f"{name}-{self.token}@test"

    def start(self, *names: str) -> None:
        """Start the workers and wait until each consumes from the queue."""
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FORMSVC_BROKER_URL": BROKER_URL,
               "FORMSVC_DATABASE_URL": self.database_url, "FORMSVC_JOB_QUEUE": self.queue,
               "FORMSVC_INSTANCE_PATH": str(self.tmp_path / "worker"), "FORMSVC_WORKERS": "1",
               "FORMSVC_LOG_LEVEL": "INFO"}
        for name in names:
            log = open(self.tmp_path / f"worker-{name}.log", "wb")
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-c", "from formsvc.commands.main import main; main()", "worker",
                 "--concurrency", "1", "--name", self.node(name)],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise AssertionError(f"worker {name} ended ({proc.returncode}):\n{self.log(name)}")
            state = queue_state(self.queue)
            if state is not None and state[1] >= len(self.procs):
                return
            time.sleep(0.1)
        raise AssertionError("workers did not start consuming within 60 s:\n" +
                             "\n".join(self.log(n) for n in self.procs))

    def log(self, name: str) -> str:
        """What worker ``name`` printed."""
        return (self.tmp_path / f"worker-{name}.log").read_text(errors="replace")[-4000:]

    def kill(self, name: str) -> None:
        """``kill -9`` of the worker and its pool processes."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for any left after 20 s."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()


@pytest.fixture
def workers(tmp_path: Path, database_url: str, queue: str) -> Iterator[Workers]:
    """Worker subprocesses, stopped at the end of the test."""
    pool = Workers(tmp_path, database_url, queue)
    yield pool
    pool.stop()


def web_app(tmp_path: Path, database_url: str, queue: str, name: str = "web", broker_url: str = BROKER_URL,
            share_size: int = SHARE_SIZE):
    """A web instance on the distributed runner (its own instance folder, the shared database)."""
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / name), "WORKERS": 1,
                       "DATABASE_URL": database_url, "BROKER_URL": broker_url, "JOB_QUEUE": queue,
                       "JOB_SHARE_SIZE": share_size})


def poll(client, location: str, until: tuple[str, ...] = ("done", "failed", "cancelled"),
         timeout: float = JOB_TIMEOUT) -> dict:
    """The job's status once it is one of ``until``."""
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        body = client.get(location).get_json()
        if body["status"] in until:
            return body
        time.sleep(0.1)
    raise AssertionError(f"job not {until} within {timeout} s: {body}")


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def local_result(tmp_path: Path, cases: list) -> bytes:
    """The embedded runner's print file for the same cases (the synchronous batch, the same core)."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "local"), "WORKERS": 1,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}"})
    response = app.test_client().post("/v1/batch/letters?duplex=true", json=cases)
    assert response.status_code == 200
    return response.data


def share_rows(database_url: str, job_id: str) -> list:
    """The job's share rows, in order."""
    _, shares, _, _ = define_tables(metadata)
    with engine_for(database_url).connect() as conn:
        return conn.execute(select(shares).where(shares.c.job_id == job_id).order_by(shares.c.share_no)).all()


def leftover_rows(database_url: str, job_id: str) -> int:
    """Cases and share PDFs still stored for the job (personal data)."""
    cases, _, parts, _ = define_tables(metadata)
    with engine_for(database_url).connect() as conn:
        return sum(conn.execute(select(t.c.job_id).where(t.c.job_id == job_id)).all().__len__() for t in (cases, parts))


@pytest.mark.postgres
def test_two_workers_render_one_job_with_the_pages_of_the_local_runner(tmp_path, database_url, queue, workers):
    """Two workers share one job; the merged file has exactly the local runner's pages; a second web
    instance, started after the submission, polls and downloads it; the cases and share PDFs are gone
    once the job is done."""
    workers.start("a", "b")
    cases = demo_cases(LETTERS)
    web = web_app(tmp_path, database_url, queue).test_client()
    submitted = web.post("/v1/jobs/letters?duplex=true", json=cases)
    assert submitted.status_code == 202, submitted.get_json()
    location = submitted.headers["Location"]
    other = web_app(tmp_path, database_url, queue, name="web2").test_client()  # another instance, started later
    final = poll(other, location)
    assert final["status"] == "done", final
    assert final["done"] == final["total"] == LETTERS and final["letters"] == LETTERS

    result = other.get(final["result"])
    assert result.status_code == 200 and result.mimetype == "application/pdf"
    local = local_result(tmp_path, cases)
    assert len(PdfReader(io.BytesIO(result.data)).pages) == final["pages"] == len(PdfReader(io.BytesIO(local)).pages)
    assert page_texts(result.data) == page_texts(local)
    manifest = web.get(final["result"] + "?manifest=json").get_json()
    assert [e["index"] for e in manifest["first_pages"]] == list(range(LETTERS))
    assert [e["case_id"] for e in manifest["first_pages"]] == [c["case_id"] for c in cases]

    shares = share_rows(database_url, final["id"])
    assert len(shares) == LETTERS // SHARE_SIZE and all(s.status == "done" for s in shares)
    metrics = {(f.name, tuple(sorted(x.labels.items()))): x.value
               for f in text_string_to_metric_families(web.get("/metrics").get_data(as_text=True)) for x in f.samples}
    assert metrics[("formsvc_job_shares", (("status", "done"),))] == len(shares)
    assert metrics[("formsvc_job_shares", (("status", "running"),))] == 0
    assert metrics[("formsvc_job_queue_consumers", ())] == 2 and metrics[("formsvc_job_queue_messages", ())] == 0
    assert metrics[("formsvc_jobs", (("status", "done"),))] == 1
    nodes = {s.worker.rsplit(":", 1)[0] for s in shares}
    assert nodes == {workers.node("a"), workers.node("b")}, nodes
    assert leftover_rows(database_url, final["id"]) == 0


@pytest.mark.postgres
def test_kill_minus_nine_of_a_worker_mid_share_costs_a_retry_not_the_job(tmp_path, database_url, queue, workers):
    """A worker killed with SIGKILL while it renders a share: the share is delivered again to the
    other worker and the job finishes with every letter exactly once, in order."""
    workers.start("a", "b")
    cases = demo_cases(LETTERS)
    web = web_app(tmp_path, database_url, queue, share_size=6).test_client()  # shares of ~1 s: time to hit one
    submitted = web.post("/v1/jobs/letters?duplex=true", json=cases)
    assert submitted.status_code == 202
    job_id = submitted.get_json()["id"]

    def just_started_on_a() -> list[int]:
        """Shares a began less than 0.3 s ago: a share takes about a second, so a is surely in the middle."""
        now = dt.datetime.now(dt.timezone.utc)
        return [s.share_no for s in share_rows(database_url, job_id)
                if s.status == "running" and s.worker.startswith(workers.node("a") + ":")
                and (now - dt.datetime.strptime(s.started_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=dt.timezone.utc)).total_seconds() < 0.3]

    deadline = time.monotonic() + 60
    while not (interrupted := just_started_on_a()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert interrupted, "worker a never ran a share:\n" + workers.log("a")
    workers.kill("a")
    assert not any(f"job {job_id} share {n} done" in workers.log("a") for n in interrupted)

    final = poll(web, submitted.headers["Location"])
    assert final["status"] == "done", final
    assert final["done"] == final["total"] == LETTERS
    result = web.get(final["result"])
    assert page_texts(result.data) == page_texts(local_result(tmp_path, cases))
    manifest = web.get(final["result"] + "?manifest=json").get_json()
    assert [e["index"] for e in manifest["first_pages"]] == list(range(LETTERS))
    for share_no in interrupted:
        again = share_rows(database_url, job_id)[share_no]
        assert again.attempts >= 2 and again.worker.startswith(workers.node("b") + ":"), again


@pytest.mark.postgres
def test_cancel_stops_the_job_and_no_more_shares_are_rendered(tmp_path, database_url, queue, workers):
    """DELETE /v1/jobs/<id> while it runs: status cancelled, no share starts afterwards, the cases are
    deleted, the result answers 409."""
    workers.start("a")
    web = web_app(tmp_path, database_url, queue).test_client()
    submitted = web.post("/v1/jobs/letters", json=demo_cases(LETTERS))
    location = submitted.headers["Location"]
    job_id = submitted.get_json()["id"]
    deadline = time.monotonic() + 60
    while web.get(location).get_json()["done"] < SHARE_SIZE and time.monotonic() < deadline:
        time.sleep(0.02)
    cancelled = web.delete(location)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    started = sum(1 for s in share_rows(database_url, job_id) if s.attempts)
    done_then = cancelled.get_json()["done"]
    assert started < LETTERS // SHARE_SIZE

    deadline = time.monotonic() + 30
    while (state := queue_state(queue)) is not None and state[0] and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    shares = share_rows(database_url, job_id)
    assert sum(1 for s in shares if s.attempts) <= started + 1  # at most the one being handed out then
    assert sum(1 for s in shares if not s.attempts) >= 1
    body = web.get(location).get_json()
    assert body["status"] == "cancelled" and body["done"] == done_then
    assert leftover_rows(database_url, job_id) == 0
    result = web.get(f"{location}/result")
    assert result.status_code == 409 and "cancelled" in result.get_json()["detail"]
    assert web.delete(location).get_json()["status"] == "cancelled"  # again: no change, no error


@pytest.mark.postgres
def test_an_unreachable_broker_answers_503_and_readyz_names_it(tmp_path, database_url, queue):
    """No broker at the URL: POST /v1/jobs/letters is 503 broker_unavailable (the job is recorded
    failed, its cases deleted) and /readyz names the broker."""
    app = web_app(tmp_path, database_url, queue, broker_url="amqp://guest:guest@127.0.0.1:1//")
    client = app.test_client()
    response = client.post("/v1/jobs/letters", json=demo_cases(2))
    assert response.status_code == 503 and response.get_json()["type"].endswith("broker_unavailable")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["broker"].startswith("unreachable")
    good = web_app(tmp_path, database_url, queue, name="ok").test_client().get("/readyz")
    assert good.status_code == 200 and good.get_json()["checks"]["broker"] == "ok"


def start_serve(tmp_path: Path, name: str, database_url: str, queue: str) -> tuple[subprocess.Popen[bytes], int]:
    """A real ``formsvc serve`` (gunicorn, one worker) on the distributed runner; its port once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMSVC_")}
    env.update(PYTHONPATH=str(ROOT), FORMSVC_INSTANCE_PATH=str(tmp_path / name), FORMSVC_DATABASE_URL=database_url,
               FORMSVC_BROKER_URL=BROKER_URL, FORMSVC_JOB_QUEUE=queue, FORMSVC_JOB_SHARE_SIZE=str(SHARE_SIZE))
    log = open(tmp_path / f"{name}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", "from formsvc.commands.main import main; main()", "serve",
                             "--port", str(port), "--workers", "1"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("formsvc serve did not start:\n" +
                                     (tmp_path / f"{name}.log").read_text(errors="replace")[-3000:]) from None
            time.sleep(0.3)


def http_json(method: str, url: str, body: bytes | None = None) -> tuple[int, dict]:
    """Status and JSON answer of one request."""
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.postgres
def test_a_web_service_killed_mid_job_loses_nothing(tmp_path, database_url, queue, workers):
    """``formsvc serve`` takes a job and is killed with SIGKILL while the job runs; a new ``formsvc
    serve`` answers for it to the end and serves the whole print file."""
    workers.start("a")
    first, port = start_serve(tmp_path, "serve1", database_url, queue)
    cases = demo_cases(LETTERS)
    try:
        status, body = http_json("POST", f"http://127.0.0.1:{port}/v1/jobs/letters?duplex=true",
                                 exact_json(cases).encode())
        assert status == 202, body
        deadline = time.monotonic() + 60
        while http_json("GET", f"http://127.0.0.1:{port}/v1/jobs/{body['id']}")[1]["done"] == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    second, port = start_serve(tmp_path, "serve2", database_url, queue)
    try:
        deadline = time.monotonic() + JOB_TIMEOUT
        while (job := http_json("GET", f"http://127.0.0.1:{port}/v1/jobs/{body['id']}")[1])["status"] != "done":
            assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{job['result']}", timeout=60) as response:
            pdf = response.read()
        assert page_texts(pdf) == page_texts(local_result(tmp_path, cases))
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)


def test_cases_are_stored_with_their_exact_decimals():
    """A case read back from the job's case table is the submitted case, decimals as written."""
    for case in sample_cases():
        assert dumps(loads(exact_json(case))) == dumps(case)


def test_a_share_delivered_twice_is_counted_once_and_the_merge_is_idempotent(tmp_path):
    """In one process, without a broker: shares run twice replace their own result (done never
    exceeds the letters), the last share asks for the merge, a second merge changes nothing, and the
    print file has the pages of the synchronous batch; cases and share PDFs are deleted."""
    settings = Settings.from_mapping({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "WORKERS": 1,
                                      "BROKER_URL": BROKER_URL}, tmp_path)
    store = SharedJobStore(engine_for(settings), metadata)
    cases = demo_cases(7)
    screening = screen(cases, {}, skip_invalid=False, settings=settings)
    job_id = store.jobs.create(cases=7, total=7, options={"duplex": True, "skip_invalid": False}, skipped=[],
                               owner="test")
    assert store.add_work(job_id, screening.accepted, SHARE_SIZE) == 3
    for share_no in (0, 1, 1, 0):
        assert run_share(store, settings, job_id, share_no, "test:1") is None  # share 2 is still open
    assert store.jobs.get(job_id).done == 6
    assert run_share(store, settings, job_id, 2, "test:1") == 7
    assert run_share(store, settings, job_id, 2, "test:2") == 7  # delivered again before its ack
    assert store.jobs.get(job_id).done == 7
    merge_job(store, job_id)
    merge_job(store, job_id)
    job = store.jobs.get(job_id)
    assert job.status == "done" and job.done == 7 and job.manifest["letters"] == 7
    assert [s.attempts for s in store.all_shares(job_id)] == [2, 2, 2]
    printed = b"".join(store.result_slices(job_id))
    direct = io.BytesIO()
    render_batch(cases, {}, direct, duplex=True, settings=settings)
    assert page_texts(printed) == page_texts(direct.getvalue())
    assert leftover_rows(settings.database_url, job_id) == 0
    assert run_share(store, settings, job_id, 0, "test:3") is None  # a late copy of a finished job: skipped


def test_a_share_the_database_failed_goes_back_to_the_queue(tmp_path, monkeypatch):
    """The database fails under a share or a merge: the task rejects its message with requeue (the
    share is idempotent) instead of being acknowledged as failed and lost."""
    from celery.exceptions import Reject
    from sqlalchemy.exc import OperationalError

    from formsvc.batch import distributed

    settings = Settings.from_mapping({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "WORKERS": 1,
                                      "BROKER_URL": BROKER_URL}, tmp_path)
    store = SharedJobStore(engine_for(settings), metadata)
    app = distributed.celery_app(settings, store)
    monkeypatch.setattr(distributed, "REQUEUE_PAUSE", 0.0)

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(store, "start_share", down)
    monkeypatch.setattr(store.jobs, "get", down)
    with pytest.raises(Reject) as share:
        app.tasks[distributed.SHARE_TASK](uuid.uuid4().hex, 0)
    with pytest.raises(Reject) as merge:
        app.tasks[distributed.MERGE_TASK](uuid.uuid4().hex)
    assert share.value.requeue and merge.value.requeue
