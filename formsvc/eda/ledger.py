"""The EDA-ID ledger: every export, its ID, file, hash and cases; nothing is ever deleted.

An ID is reserved *before* its file is generated, in one transaction that
holds the sender's counter row locked (``BEGIN IMMEDIATE`` on SQLite,
``SELECT ... FOR UPDATE`` on PostgreSQL): read the last ID, take the next one
of ``eda_id_min..eda_id_max``, refuse case ids that are already in the ledger,
store the export as ``reserved`` with its case ids, commit. Only then is the
file written; afterwards the export becomes ``written`` (with SHA-256) or
``failed``. An ID once reserved is never issued again - not after a crash, not
after a restart - so gaps are possible and duplicates are not.

A reservation left ``reserved`` by a killed process is marked ``failed``
("interrupted") once it is older than :data:`STALE_AFTER`; its ID stays used.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (Boolean, Column, Engine, ForeignKey, Index, Integer, String, Table, UniqueConstraint,
                        func, insert, inspect, select, text, update)
from sqlalchemy.exc import IntegrityError

from .. import db
from ..config import Settings
from ..errors import DuplicateSubmission, EdaIdRangeExhausted, TooManyExports
from .writer import file_name

RESERVED, WRITTEN, FAILED = "reserved", "written", "failed"
STALE_AFTER = dt.timedelta(hours=1)
_IN_CHUNK = 900

counters = Table(
    "eda_counters", db.metadata,
    Column("sender_id", String(8), primary_key=True),
    Column("last_id", Integer, nullable=False),
)
exports = Table(
    "eda_exports", db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(8), nullable=False),
    Column("eda_id", Integer, nullable=False),
    Column("file_name", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("case_count", Integer, nullable=False),
    Column("resubmission", Boolean, nullable=False, default=False),
    Column("sha256", String(64)),
    Column("bytes", Integer),
    Column("error", String(200)),
    # who writes a reserved export: "host:pid:start" (see owner_token); a dead owner's reservation is failed
    Column("owner", String(120)),
    UniqueConstraint("sender_id", "eda_id", name="uq_eda_exports_sender_id_eda_id"),
)
export_cases = Table(
    "eda_export_cases", db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("export_id", Integer, ForeignKey("eda_exports.id"), nullable=False),
    Column("case_id", String(35), nullable=False),
    Index("ix_eda_export_cases_case_id", "case_id"),
)
TABLES = [counters, exports, export_cases]
_READY: set[str] = set()  # database URLs whose tables exist (in this process)


def now_utc() -> str:
    """Current UTC time as sortable ISO text (``2026-01-20T09:15:02.123456Z``)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Reservation:
    """An EDA-ID taken for one export."""

    export_id: int
    eda_id: int
    file_name: str


class Ledger:
    """The ledger on one database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        key = engine.url.render_as_string(hide_password=False)
        if key not in _READY:
            db.create_tables(engine, TABLES)
            _add_owner_column(engine)
            _READY.add(key)

    @classmethod
    def for_settings(cls, settings: Settings) -> "Ledger":
        """The ledger on ``settings.database_url``."""
        return cls(db.engine_for(settings))

    def reserve(self, case_ids: Sequence[str], settings: Settings, *, resubmit: bool = False) -> Reservation:
        """Take the next EDA-ID for an export of ``case_ids``, or raise (409) without taking one."""
        duplicates_in_batch = _repeated(case_ids)
        if duplicates_in_batch:
            raise DuplicateSubmission(f"case id(s) {_shorten(duplicates_in_batch)} appear more than once in this "
                                      "export; send each case once.", case_ids=duplicates_in_batch[:100])
        sender = settings.eda_sender_id
        self._ensure_counter(sender)
        with self._write() as conn:
            last = conn.execute(select(counters.c.last_id).where(counters.c.sender_id == sender)
                                .with_for_update()).scalar_one()
            highest = conn.execute(select(func.max(exports.c.eda_id)).where(exports.c.sender_id == sender)).scalar()
            eda_id = max(last + 1, settings.eda_id_min, (highest if highest is not None else -1) + 1)
            limit = settings.eda_exports_per_hour
            if limit:
                hour_ago = _iso(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
                recent = conn.execute(select(func.count()).select_from(exports).where(
                    exports.c.sender_id == sender, exports.c.created_at >= hour_ago)).scalar_one()
                if recent >= limit:
                    raise TooManyExports(
                        f"{recent} EDA-IDs were issued in the last hour, the limit FORMSVC_EDA_EXPORTS_PER_HOUR is "
                        f"{limit}: no ID was taken. The court's range is finite; send again later or raise the "
                        "limit if this volume is intended.")
            if eda_id > settings.eda_id_max:
                raise EdaIdRangeExhausted(
                    f"every EDA-ID from {settings.eda_id_min:03d} to {settings.eda_id_max:03d} has been used; ask the "
                    "dunning court for a new range and set FORMSVC_EDA_ID_MIN/_MAX.")
            now = now_utc()
            conn.execute(update(exports).where(exports.c.status == RESERVED,
                                               exports.c.created_at < _iso(dt.datetime.now(dt.timezone.utc) - STALE_AFTER))
                         .values(status=FAILED, finished_at=now, error="interrupted: no result within the time limit"))
            _fail_dead_owners(conn, now)
            if not resubmit:
                already = self._submitted(conn, case_ids)
                if already:
                    raise DuplicateSubmission(
                        f"case id(s) {_shorten(sorted(already))} were already exported to the court; send them again "
                        "only on purpose, with resubmit=true.", case_ids=sorted(already)[:100])
            conn.execute(update(counters).where(counters.c.sender_id == sender).values(last_id=eda_id))
            name = file_name(settings.eda_prefix, eda_id)
            export_id = conn.execute(insert(exports).values(
                sender_id=sender, eda_id=eda_id, file_name=name, status=RESERVED, created_at=now,
                case_count=len(case_ids), resubmission=resubmit, owner=owner_token())).inserted_primary_key[0]
            _insert_case_ids(conn, int(export_id), case_ids)
        return Reservation(int(export_id), eda_id, name)

    def remaining(self, settings: Settings) -> int:
        """How many EDA-IDs of the configured range are still free for this sender."""
        with self.engine.connect() as conn:
            last = conn.execute(select(counters.c.last_id).where(counters.c.sender_id == settings.eda_sender_id)
                                ).scalar()
            highest = conn.execute(select(func.max(exports.c.eda_id))
                                   .where(exports.c.sender_id == settings.eda_sender_id)).scalar()
        used_up_to = max(last or 0, highest or 0, settings.eda_id_min - 1)
        return max(settings.eda_id_max - used_up_to, 0)

    def unfinished(self, export_ids: Sequence[int]) -> set[int]:
        """Those of ``export_ids`` whose export is still reserved (being written by a live process)."""
        if not export_ids:
            return set()
        with self.engine.connect() as conn:
            rows = conn.execute(select(exports.c.id).where(exports.c.id.in_(list(export_ids)),
                                                           exports.c.status == RESERVED))
            return {int(row[0]) for row in rows}

    def finish(self, reservation: Reservation, *, sha256: str, size: int) -> None:
        """Mark an export as written, with the SHA-256 and size of its file."""
        with self._write() as conn:
            conn.execute(update(exports).where(exports.c.id == reservation.export_id)
                         .values(status=WRITTEN, sha256=sha256, bytes=size, finished_at=now_utc()))

    def fail(self, reservation: Reservation, reason: str) -> None:
        """Mark an export as failed; its ID stays used."""
        with self._write() as conn:
            conn.execute(update(exports).where(exports.c.id == reservation.export_id)
                         .values(status=FAILED, error=reason[:200], finished_at=now_utc()))

    def entries(self, *, with_case_ids: bool = True) -> list[dict[str, Any]]:
        """Every export, oldest first, as JSON-ready dicts."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(exports).order_by(exports.c.id)).mappings().all()
            ids: dict[int, list[str]] = {}
            if with_case_ids:
                for export_id, case_id in conn.execute(select(export_cases.c.export_id, export_cases.c.case_id)
                                                       .order_by(export_cases.c.id)):
                    ids.setdefault(export_id, []).append(case_id)
        out = []
        for row in rows:
            entry = {key: row[key] for key in ("eda_id", "file_name", "status", "sender_id", "created_at",
                                               "finished_at", "sha256", "bytes", "case_count", "resubmission", "error")}
            if with_case_ids:
                entry["case_ids"] = ids.get(row["id"], [])
            out.append(entry)
        return out

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """A write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE,
        so a concurrent writer waits for the busy timeout instead of failing on a stale snapshot)."""
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            yield conn

    def _ensure_counter(self, sender: str) -> None:
        with self.engine.connect() as conn:
            if conn.execute(select(counters.c.last_id).where(counters.c.sender_id == sender)).first() is not None:
                return
        try:
            with self._write() as conn:
                conn.execute(insert(counters).values(sender_id=sender, last_id=-1))
        except IntegrityError:
            pass  # another process created it first

    @staticmethod
    def _submitted(conn: Any, case_ids: Sequence[str]) -> set[str]:
        """The case ids of ``case_ids`` that are in a reserved or written export."""
        found: set[str] = set()
        join = (f"SELECT c.case_id FROM {export_cases.name} c JOIN {exports.name} e ON e.id = c.export_id "
                f"WHERE e.status IN ('{RESERVED}', '{WRITTEN}') AND ")
        if conn.dialect.name == "postgresql":  # one array parameter per 10,000 ids
            for start in range(0, len(case_ids), 10000):
                rows = conn.exec_driver_sql(join + "c.case_id = ANY(%s)", (list(case_ids[start:start + 10000]),))
                found.update(row[0] for row in rows)
            return found
        mark = _placeholder(conn)
        for start in range(0, len(case_ids), _IN_CHUNK):
            chunk = list(case_ids[start:start + _IN_CHUNK])
            sql = (f"SELECT c.case_id FROM {export_cases.name} c JOIN {exports.name} e ON e.id = c.export_id "
                   f"WHERE e.status IN ('{RESERVED}', '{WRITTEN}') AND c.case_id IN ({', '.join([mark] * len(chunk))})")
            found.update(row[0] for row in conn.exec_driver_sql(sql, tuple(chunk)))
        return found


HOST = socket.gethostname()[:60]


def _start_ticks(pid: int) -> str | None:
    """The start time of process ``pid`` in clock ticks since boot (``/proc``), ``None`` when it does not run."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22: starttime (fields after the command name)


def owner_token() -> str:
    """``host:pid:start`` of this process: tells a live writer from a dead one whose pid was reused."""
    pid = os.getpid()
    return f"{HOST}:{pid}:{_start_ticks(pid) or '?'}"


def _owner_alive(token: str) -> bool:
    """False only when ``token`` names a process on this host that no longer runs (pid gone or reused)."""
    parts = token.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != HOST or not parts[1].isdigit() or parts[2] == "?":
        return True  # another host (or an unknown shape): only the time limit decides
    return _start_ticks(int(parts[1])) == parts[2]


#: Public name for other owners of long-running work (the dunning run record uses the same tokens).
owner_alive = _owner_alive


def _fail_dead_owners(conn: Any, now: str) -> None:
    """Reservations whose writing process on this host has died (kill -9, crash) end as failed at once."""
    rows = conn.execute(select(exports.c.id, exports.c.owner).where(exports.c.status == RESERVED,
                                                                    exports.c.owner.is_not(None))).all()
    dead = [row.id for row in rows if not _owner_alive(row.owner)]
    if dead:
        conn.execute(update(exports).where(exports.c.id.in_(dead), exports.c.status == RESERVED)
                     .values(status=FAILED, finished_at=now, error="interrupted: the writing process ended"))


def _add_owner_column(engine: Engine) -> None:
    """Ledgers created before the ``owner`` column get it (their old reservations keep the time limit)."""
    names = {col["name"] for col in inspect(engine).get_columns("eda_exports")}
    if "owner" not in names:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE eda_exports ADD COLUMN owner VARCHAR(120)"))


def _insert_case_ids(conn: Any, export_id: int, case_ids: Sequence[str]) -> None:
    """Bulk insert straight to the driver: 100,000 ids take about a second, not a minute."""
    table = export_cases.name
    for start in range(0, len(case_ids), 10000):
        chunk = list(case_ids[start:start + 10000])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"INSERT INTO {table} (export_id, case_id) SELECT %s, unnest(%s::text[])",
                                 (export_id, chunk))
        else:
            mark = _placeholder(conn)
            conn.exec_driver_sql(f"INSERT INTO {table} (export_id, case_id) VALUES ({mark}, {mark})",
                                 [(export_id, cid) for cid in chunk])


def _placeholder(conn: Any) -> str:
    """The driver's positional parameter mark: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _repeated(values: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        (repeated if value in seen else seen).add(value)
    return sorted(repeated)


def _shorten(ids: list[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
