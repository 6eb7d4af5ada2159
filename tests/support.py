"""Helpers several test modules share: a fresh PostgreSQL schema, the records the service logs."""
from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

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
