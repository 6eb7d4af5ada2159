"""The database: one SQLAlchemy Core engine per URL, and the shared ``MetaData``.

``engine_for(settings)`` gives the engine for ``Settings.database_url``:

- SQLite (the embedded default, a file in the instance folder): WAL journal,
  ``synchronous=FULL`` (a committed EDA-ID survives a power cut, not only a
  crash), a 30 s busy timeout, foreign keys on. pysqlite's own implicit
  transaction handling is switched off so that SQLAlchemy's ``BEGIN`` is the
  real one; a connection with the execution option ``sqlite_immediate=True``
  begins with ``BEGIN IMMEDIATE`` and so holds the write lock from its first
  statement (the EDA-ID ledger relies on that).
- PostgreSQL (``postgresql://...``, several service instances sharing one
  ledger) through psycopg 3; rows are locked with ``SELECT ... FOR UPDATE``.

Modules define their tables on :data:`metadata` and call :func:`create_tables`.
Engines are cached per process (a forked worker gets its own).
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from .config import Settings
from .errors import ConfigurationError

#: Every formsvc table is defined on this one MetaData.
metadata = MetaData()

SQLITE_BUSY_TIMEOUT_S = 30
_engines: dict[tuple[str, int], Engine] = {}
_lock = threading.Lock()
_create_lock = threading.Lock()


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` use psycopg 3; anything else is kept."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_for(settings_or_url: Settings | str) -> Engine:
    """The (cached) engine for a Settings' ``database_url`` or a URL string."""
    raw = settings_or_url if isinstance(settings_or_url, str) else settings_or_url.database_url
    url = normalise_url(raw)
    key = (url, os.getpid())
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _create(url)
            _engines[key] = engine
        return engine


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001  (SQLAlchemy raises several types for a bad URL)
        raise ConfigurationError(f"FORMSVC_DATABASE_URL is not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    raise ConfigurationError("FORMSVC_DATABASE_URL must be sqlite:///PATH or postgresql://...")


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see "begin" below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_tables(engine: Engine, tables: list[Any] | None = None) -> None:
    """Create missing tables; several processes may race to do it at start-up."""
    for attempt in range(5):
        try:
            with _create_lock, engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
                metadata.create_all(conn, tables=tables, checkfirst=True)
            return
        except DBAPIError:
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))
