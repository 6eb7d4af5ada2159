"""Helpers several test modules share: a fresh PostgreSQL schema, the records the service logs, a real server."""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("FORMSVC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """The URL of a new schema on the PostgreSQL server (dropped afterwards); fails, naming what to start."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable ({type(exc).__name__}: {exc}). Start it "
                    "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point "
                    "FORMSVC_TEST_POSTGRES_URL at one; these tests are part of the suite.")
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def logged() -> Iterator[list[logging.LogRecord]]:
    """Every record the ``formsvc`` loggers emit inside the block."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    logger = logging.getLogger("formsvc")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@contextmanager
def serving(folder: Path, workers: int = 2, **settings: str) -> Iterator[int]:
    """`formsvc serve` of this checkout on a free loopback port, its instance in ``folder``; yields the port.

    ``settings`` are ``FORMSVC_*`` values without the prefix. The command is this checkout's own
    ``[project.scripts]`` entry point run by this interpreter, so a shared virtualenv's ``formsvc``
    script of another checkout cannot stand in for it. Stopped (and waited for) afterwards.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMSVC_")}
    env.update(FORMSVC_INSTANCE_PATH=str(folder), FORMSVC_DATABASE_URL=f"sqlite:///{folder / 'serve.sqlite3'}",
               PYTHONPATH=str(ROOT), **{f"FORMSVC_{key}": value for key, value in settings.items()})
    target = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["formsvc"]
    module, _, func = target.partition(":")
    code = f"import sys; sys.argv[0] = 'formsvc'; from {module} import {func} as main; sys.exit(main())"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "service did not start"
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
