"""The dunning run (Mahnaktivitätenlauf): produce exactly a proposal the caller has seen, once.

``run_proposal(proposal_id, cases, date, settings, out_dir)``:

1. If a run of ``proposal_id`` is already recorded, it is resumed (items already
   ``produced`` are never produced again) or, when complete, returned as it is:
   the same proposal twice produces nothing twice. The run's id *is* the proposal id.
2. Otherwise the proposal is recomputed from the same cases and date (with the
   letters of earlier runs merged into each case's history, :func:`merge_run_history`)
   and refused with a 409 naming both ids when its id differs: a changed input
   cannot slip in.
3. Every case with a letter or court action gets an item in state ``planned``
   (one transaction) *before* anything is rendered.
4. The letters: one print-ready PDF (``letters.pdf``) through the batch renderer,
   each letter with the level, tone, fee and deadline of its action; a consolidated
   letter holds the claims of all of its debtor's cases. The file is written to a
   temporary name and moved into place whole; then all letter items become
   ``produced`` with the file's SHA-256 in one transaction. A run killed between
   the move and that transaction finds the complete file on resume and records it
   (it is never rendered a second time).
5. The court cases: each checked with profile ``eda``; faulty ones become
   ``faulty`` with their objection codes and paths; checked ones get their
   application (``applications/<case_id>.pdf``, written atomically, state
   ``application``), then one EDA file through the ledger (:func:`formsvc.eda.export.export`),
   after which they are ``produced`` with the EDA-ID. A run killed after the
   ledger wrote the file adopts that export on resume (the ledger refuses the
   case ids a second time); one killed before gets a new EDA-ID (the ledger ends
   the dead reservation; an ID is never reused).

One producer per run: the run row names its owner (``host:pid:start``, as the EDA
ledger does) and a per-run lock guards the threads of one process; a live other
producer is a 409, a dead one's run is taken over, a run that failed with an error
gives up its claim. :func:`start_run` (check and claim) and :meth:`StartedRun.produce`
are the two halves of :func:`run_proposal`, so that HTTP can answer ``202`` between them.

The record holds no personal data beyond case ids (like the EDA ledger): levels,
dates, file names, hashes, EDA-IDs and objection codes. Flask-free.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, inspect, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import db
from ..config import Settings
from ..errors import ConflictError, DuplicateSubmission
from .proposal import Proposal, propose

#: (done, total, stage) after each step; stage is "letters", "applications" or "eda".
Progress = Callable[[int, int, str], None]

PLANNED, APPLICATION, PRODUCED, FAULTY = "planned", "application", "produced", "faulty"
RUNNING, DONE = "running", "done"
LETTERS_FILE = "letters.pdf"
APPLICATIONS_FOLDER = "applications"
MARKER = ".formsvc-dunning-run"

runs = Table(
    "dunning_runs", db.metadata,
    Column("id", String(64), primary_key=True),  # the proposal id
    Column("date", String(10), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("letters_file", String(200)),
    Column("letters_sha256", String(64)),
    Column("eda_file", String(64)),
    Column("eda_id", Integer),
    Column("eda_sha256", String(64)),
    # who produces a running run: "host:pid:start" (formsvc.eda.ledger.owner_token); a live other owner is a 409
    Column("owner", String(120)),
    # progress of the stage being produced: letters, applications, eda
    Column("stage", String(16)),
    Column("done", Integer),
    Column("total", Integer),
)
run_items = Table(
    "dunning_run_items", db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("dunning_runs.id"), nullable=False),
    Column("case_index", Integer, nullable=False),
    Column("case_id", String(35)),
    Column("action", String(8), nullable=False),  # letter or court
    Column("state", String(16), nullable=False),
    Column("level", Integer),
    Column("letter", Integer),  # the letter's number in the print file (consolidated cases share one)
    Column("date", String(10), nullable=False),
    Column("document", String(200)),
    Column("sha256", String(64)),
    Column("eda_id", Integer),
    Column("objections", Text),  # JSON list of {code, path}: never messages (they may quote the case)
    UniqueConstraint("run_id", "case_index", name="uq_dunning_run_items_run_case"),
)
TABLES = [runs, run_items]
_READY: set[str] = set()
_LOCKS: dict[str, threading.Lock] = {}  # per run id: two threads of one process never produce one run
_LOCKS_GUARD = threading.Lock()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _engine(settings: Settings) -> Any:
    engine = db.engine_for(settings)
    key = engine.url.render_as_string(hide_password=False)
    if key not in _READY:
        db.create_tables(engine, TABLES)
        _READY.add(key)
    return engine


@contextmanager
def _write(engine: Any) -> Iterator[Any]:
    with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        yield conn


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary name, fsync, and move it into place (never a half file)."""
    temp = path.with_name(f".{path.name}.partial")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def safe_name(case_id: str | None, index: int) -> str:
    """A file name from a case id only (never personal data)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", case_id) if case_id else f"case-{index}"


# --- history: the next proposal sees what a run sent --------------------------------------------------------

def sent_letters(settings: Settings, case_ids: Sequence[str], *, except_run: str | None = None
                 ) -> dict[str, list[dict[str, Any]]]:
    """Per case id of ``case_ids``, the letters runs produced (``[{level, date}]``, oldest first), leaving out
    those of run ``except_run``; reads only (no table is created), one query per 900 case ids."""
    engine = db.engine_for(settings)
    wanted = sorted({case_id for case_id in case_ids if case_id})
    if not wanted or not inspect(engine).has_table(run_items.name):
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 900):
            query = (select(run_items.c.case_id, run_items.c.level, run_items.c.date)
                     .where(run_items.c.action == "letter", run_items.c.state == PRODUCED,
                            run_items.c.case_id.in_(wanted[start:start + 900])).order_by(run_items.c.id))
            if except_run is not None:
                query = query.where(run_items.c.run_id != except_run)
            for case_id, level, day in conn.execute(query):
                out.setdefault(case_id, []).append({"level": level, "date": day})
    return out


def _case_ids(cases: Sequence[Any]) -> list[str]:
    return [c["case_id"] for c in cases if isinstance(c, dict) and isinstance(c.get("case_id"), str)]


def merge_run_history(cases: Sequence[Any], settings: Settings) -> list[Any]:
    """``cases`` with the letters earlier runs produced added to ``dunning.history`` (copies; cases without such
    letters are passed through unchanged, so without runs the proposal id is that of the cases as sent)."""
    return _merge(cases, sent_letters(settings, _case_ids(cases)))


# --- the record ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunRecord:
    """A run as recorded: its status, files and one item per case that had something to produce."""

    id: str
    date: str
    status: str
    created_at: str
    finished_at: str | None
    letters_file: str | None
    letters_sha256: str | None
    eda_file: str | None
    eda_id: int | None
    eda_sha256: str | None
    items: tuple[dict[str, Any], ...]
    progress: dict[str, Any] | None = None

    def as_dict(self, base: str | None = None) -> dict[str, Any]:
        """The JSON form; with ``base`` (e.g. ``/v1/dunning/runs/<id>``) the download paths."""
        out: dict[str, Any] = {
            "id": self.id, "date": self.date, "status": self.status, "created_at": self.created_at,
            "finished_at": self.finished_at, "letters_sha256": self.letters_sha256,
            "eda_file": self.eda_file, "eda_id": self.eda_id, "eda_sha256": self.eda_sha256,
            "progress": self.progress, "items": [dict(item) for item in self.items],
            "summary": {state: sum(1 for i in self.items if i["state"] == state)
                        for state in (PLANNED, APPLICATION, PRODUCED, FAULTY)},
        }
        if base is not None:
            downloads: dict[str, Any] = {}
            if self.letters_file:
                downloads["letters"] = f"{base}/letters.pdf"
            applications = {i["case_id"]: f"{base}/applications/{i['case_id']}.pdf" for i in self.items
                            if i["action"] == "court" and i["state"] in (APPLICATION, PRODUCED) and i["case_id"]}
            if applications:
                downloads["applications"] = applications
            if self.eda_file:
                downloads["eda"] = f"{base}/eda"
            out["downloads"] = downloads
        return out


def load_run(run_id: str, settings: Settings) -> RunRecord | None:
    """The record of run ``run_id``, or ``None``."""
    engine = _engine(settings)
    with engine.connect() as conn:
        row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        if row is None:
            return None
        items = conn.execute(select(run_items).where(run_items.c.run_id == run_id)
                             .order_by(run_items.c.case_index)).mappings().all()
    out_items = []
    for item in items:
        entry = {key: item[key] for key in ("case_index", "case_id", "action", "state", "level", "letter", "date",
                                            "document", "sha256", "eda_id")}
        entry["objections"] = json.loads(item["objections"]) if item["objections"] else []
        out_items.append(entry)
    return RunRecord(row["id"], row["date"], row["status"], row["created_at"], row["finished_at"],
                     row["letters_file"], row["letters_sha256"], row["eda_file"], row["eda_id"], row["eda_sha256"],
                     tuple(out_items),
                     {"stage": row["stage"], "done": row["done"], "total": row["total"]} if row["stage"] else None)


# --- the run ------------------------------------------------------------------------------------------------

def _claim_folder(out_dir: Path, run_id: str) -> None:
    """Mark ``out_dir`` as this run's folder; refuse a folder of another run (its files would be mixed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    marker = out_dir / MARKER
    if marker.exists():
        other = marker.read_text(encoding="utf-8").strip()
        if other != run_id:
            raise ConflictError(f"The folder {out_dir} holds the files of dunning run {other}; write run {run_id} "
                                "into a folder of its own.")
        return
    _write_atomically(marker, run_id.encode("ascii"))


def run_proposal(proposal_id: str, cases: Sequence[Any], date: dt.date, settings: Settings, out_dir: Path, *,
                 progress: Progress | None = None) -> RunRecord:
    """Produce exactly the proposal ``proposal_id`` of ``cases`` on ``date`` into ``out_dir``, once (see module).

    Raises :class:`ConflictError` (409) when the cases and date give another proposal, when ``out_dir`` belongs
    to another run, or when another live process is producing this run right now."""
    started = start_run(proposal_id, cases, date, settings, out_dir)
    return started if isinstance(started, RunRecord) else started.produce(progress)


class StartedRun:
    """A run checked and claimed by this process (recorded, items ``planned``), not produced yet.

    :meth:`produce` may be called in another thread (``POST /v1/dunning/runs`` with ``Prefer: respond-async``);
    until it returns, no other call of this process or a live other one produces the same run."""

    def __init__(self, engine: Any, proposal: Proposal, cases: list[Any], settings: Settings, out_dir: Path,
                 lock: threading.Lock) -> None:
        self.engine, self.proposal, self.cases = engine, proposal, cases
        self.settings, self.out_dir, self._lock = settings, out_dir, lock

    @property
    def id(self) -> str:
        """The run's id (the proposal id)."""
        return self.proposal.id

    def produce(self, progress: Progress | None = None) -> RunRecord:
        """Produce what is not produced yet, mark the run done, and return its record."""
        engine, proposal = self.engine, self.proposal
        recorded = _recording(engine, proposal.id, progress)
        try:
            _produce_letters(engine, proposal, self.cases, self.settings, self.out_dir, recorded)
            _produce_court(engine, proposal, self.cases, self.settings, self.out_dir, recorded)
            with _write(engine) as conn:
                conn.execute(update(runs).where(runs.c.id == proposal.id).values(status=DONE, finished_at=_now()))
        except BaseException:
            _release(engine, proposal.id)  # a failed run may be resumed at once, by any process
            raise
        finally:
            self._lock.release()
        record = load_run(proposal.id, self.settings)
        assert record is not None
        return record


def start_run(proposal_id: str, cases: Sequence[Any], date: dt.date, settings: Settings,
              out_dir: Path) -> RunRecord | StartedRun:
    """Check the proposal and claim the run: the record when it is done already, else a :class:`StartedRun`
    (recorded, items ``planned``) to :meth:`~StartedRun.produce`. Raises as :func:`run_proposal` does."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(proposal_id, threading.Lock())
    if not lock.acquire(blocking=False):
        raise ConflictError(f"Dunning run {proposal_id} is being produced by another process right now; ask for "
                            "its record later.")
    try:
        started = _start(proposal_id, list(cases), date, settings, out_dir, lock)
    except BaseException:
        lock.release()
        raise
    if isinstance(started, RunRecord):
        lock.release()
    return started


def _start(proposal_id: str, cases: list[Any], date: dt.date, settings: Settings, out_dir: Path,
           lock: threading.Lock) -> RunRecord | StartedRun:
    engine = _engine(settings)
    existing = load_run(proposal_id, settings)
    if existing is not None and existing.status == DONE:
        return existing
    if existing is not None and existing.date != date.isoformat():
        raise ConflictError(f"Dunning run {proposal_id} is for {existing.date}, not {date.isoformat()}.")
    # A resumed run recomputes from the history as it was before the run (its own letters left out).
    proposal = propose(_history_without(cases, settings, proposal_id), date, settings)
    if proposal.id != proposal_id:
        raise ConflictError(f"The cases and date give proposal {proposal.id}, not the proposal {proposal_id} that was "
                            "named: the input changed since the proposal was made. Ask for a new proposal, check it, "
                            "and run that one.")
    _claim_folder(out_dir, proposal_id)
    if not _claim(engine, proposal):
        record = load_run(proposal_id, settings)
        assert record is not None
        return record  # finished by another process in the meantime
    return StartedRun(engine, proposal, cases, settings, out_dir, lock)


def _recording(engine: Any, run_id: str, progress: Progress | None) -> Progress:
    """``progress`` that also records the stage and its counts in the run row (at most every 0.2 s, and at the
    end of each stage), for ``GET /v1/dunning/runs/<id>``."""
    last = [0.0]

    def report(done: int, total: int, stage: str) -> None:
        if progress:
            progress(done, total, stage)
        now = time.monotonic()
        if done >= total or now - last[0] >= 0.2:
            last[0] = now
            with _write(engine) as conn:
                conn.execute(update(runs).where(runs.c.id == run_id).values(stage=stage, done=done, total=total))

    return report


def _history_without(cases: Sequence[Any], settings: Settings, run_id: str) -> list[Any]:
    """:func:`merge_run_history` without the letters of run ``run_id`` itself (so that a resumed run
    recomputes the proposal it started from)."""
    return _merge(cases, sent_letters(settings, _case_ids(cases), except_run=run_id))


def _merge(cases: Sequence[Any], sent: dict[str, list[dict[str, Any]]]) -> list[Any]:
    """``cases`` with the letters of ``sent`` (per case id) added to their ``dunning.history`` (copies)."""
    out: list[Any] = []
    for case in cases:
        case_id = case.get("case_id") if isinstance(case, dict) else None
        letters = sent.get(case_id) if isinstance(case_id, str) else None
        if not letters:
            out.append(case)
            continue
        merged = copy.deepcopy(case)
        dunning = merged.get("dunning") if isinstance(merged.get("dunning"), dict) else {}
        history = list(dunning.get("history") or [])
        for entry in letters:
            if not any(isinstance(h, dict) and h.get("level") == entry["level"] and h.get("date") == entry["date"]
                       for h in history):
                history.append(dict(entry))
        merged["dunning"] = {**dunning, "history": history}
        out.append(merged)
    return out


def _claim(engine: Any, proposal: Proposal) -> bool:
    """Take the run for this process: record it with every item ``planned`` (one transaction, before anything
    is rendered), or take over a run whose owner died; ``False`` when it is done; 409 when a live process has it."""
    from ..eda.ledger import owner_alive, owner_token

    mine = owner_token()
    try:
        with _write(engine) as conn:
            row = conn.execute(select(runs.c.status, runs.c.owner).where(runs.c.id == proposal.id)
                               .with_for_update()).first()
            if row is None:
                _plan(conn, proposal, mine)
                return True
            if row.status == DONE:
                return False
            if row.owner and row.owner != mine and owner_alive(row.owner):
                raise ConflictError(f"Dunning run {proposal.id} is being produced by another process right now; "
                                    "ask for its record later.")
            conn.execute(update(runs).where(runs.c.id == proposal.id).values(owner=mine))
            return True
    except IntegrityError:
        raise ConflictError(f"Dunning run {proposal.id} was started by another process a moment ago; ask for its "
                            "record later.") from None


def _release(engine: Any, run_id: str) -> None:
    """Give up this process's claim on a running run (it failed; the items keep their states)."""
    try:
        with _write(engine) as conn:
            conn.execute(update(runs).where(runs.c.id == run_id, runs.c.status == RUNNING).values(owner=None))
    except Exception:  # noqa: BLE001  (the first error matters; a dead owner is taken over anyway)
        pass


def _plan(conn: Any, proposal: Proposal, owner: str) -> None:
    """Record the run and every item to produce as ``planned``."""
    day = proposal.date.isoformat()
    rows = []
    for action in proposal.actions:
        if action.action not in ("letter", "court"):
            continue
        rows.append({"run_id": proposal.id, "case_index": action.index, "case_id": action.case_id,
                     "action": action.action, "state": PLANNED, "date": day,
                     "level": action.details.get("level") if action.action == "letter" else None,
                     "letter": action.details.get("letter") if action.action == "letter" else None})
    conn.execute(insert(runs).values(id=proposal.id, date=day, status=RUNNING, created_at=_now(), owner=owner))
    if rows:
        conn.execute(insert(run_items), rows)


def _items(engine: Any, run_id: str, action: str) -> dict[int, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(run_items).where(run_items.c.run_id == run_id, run_items.c.action == action)
                            .order_by(run_items.c.case_index)).mappings().all()
    return {row["case_index"]: dict(row) for row in rows}


def letter_case(proposal: Proposal, number: int, cases: Sequence[Any]) -> dict[str, Any]:
    """The case one letter of the proposal is rendered from: its (first) case with the letter options of its
    action (level, tone, fee, deadline, date); a consolidated letter holds the claims of all its cases."""
    letter = proposal.letters[number - 1]
    first = copy.deepcopy(cases[letter.cases[0]])
    if letter.consolidated:
        claims: list[Any] = []
        for index in letter.cases:
            claims.extend(copy.deepcopy(cases[index].get("claims") or []))
        first["claims"] = claims
    first["letter"] = {**(first.get("letter") or {}), "level": letter.level, "tone": letter.tone,
                       "fee": f"{letter.fee:.2f}", "deadline_days": (letter.deadline - proposal.date).days,
                       "date": proposal.date.isoformat()}
    return first


def _produce_letters(engine: Any, proposal: Proposal, cases: Sequence[Any], settings: Settings, out_dir: Path,
                     progress: Progress | None) -> None:
    from ..batch.core import render_screened
    from ..batch.screening import screen

    items = _items(engine, proposal.id, "letter")
    total = len(proposal.letters)
    if not items or all(i["state"] == PRODUCED for i in items.values()):
        if progress and total:
            progress(total, total, "letters")
        return
    target = out_dir / LETTERS_FILE
    if not target.exists():  # else: written whole before a crash, not yet recorded; never rendered again
        letter_cases = [letter_case(proposal, n, cases) for n in range(1, total + 1)]
        screening = screen(letter_cases, {}, skip_invalid=False, settings=settings)
        render_screened(screening, {}, target, settings=settings,
                        progress=(lambda done, all_: progress(done, all_, "letters")) if progress else None)
    sha = _sha256(target)
    with _write(engine) as conn:
        conn.execute(update(run_items).where(run_items.c.run_id == proposal.id, run_items.c.action == "letter",
                                             run_items.c.state == PLANNED)
                     .values(state=PRODUCED, document=LETTERS_FILE, sha256=sha))
        conn.execute(update(runs).where(runs.c.id == proposal.id).values(letters_file=LETTERS_FILE,
                                                                         letters_sha256=sha))
    if progress:
        progress(total, total, "letters")


def _produce_court(engine: Any, proposal: Proposal, cases: Sequence[Any], settings: Settings, out_dir: Path,
                   progress: Progress | None) -> None:
    from ..eda.export import check_case, export
    from ..eda.ledger import Ledger
    from ..mahnantrag import render

    items = _items(engine, proposal.id, "court")
    if not items:
        return
    total, done = len(items) + 1, 0
    folder = out_dir / APPLICATIONS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    filed = _filed_elsewhere(engine, proposal.id, [str(i["case_id"]) for i in items.values() if i["case_id"]])
    for index, item in items.items():
        if item["state"] == PLANNED:
            case = cases[index]
            report = check_case(case, settings)
            if item["case_id"] in filed:  # an earlier run filed it: the court has it, never twice
                values = {"state": FAULTY, "objections": json.dumps([{"code": "already_filed", "path": "/case_id"}])}
            elif not report.ok:
                objections = json.dumps([{"code": o.code, "path": o.path} for o in report.errors])
                values: dict[str, Any] = {"state": FAULTY, "objections": objections}
            else:
                name = f"{safe_name(item['case_id'], index)}.pdf"
                _write_atomically(folder / name, render(case, settings=settings).data)
                values = {"state": APPLICATION, "document": f"{APPLICATIONS_FOLDER}/{name}",
                          "sha256": _sha256(folder / name)}
            with _write(engine) as conn:
                conn.execute(update(run_items).where(run_items.c.id == item["id"]).values(**values))
        done += 1
        if progress:
            progress(done, total, "applications")
    items = _items(engine, proposal.id, "court")
    checked = [i for i in items.values() if i["state"] == APPLICATION]
    if checked:
        case_ids = [str(i["case_id"]) for i in checked]
        ledger = Ledger.for_settings(settings)
        try:
            result = export(lambda: [cases[i["case_index"]] for i in checked], case_ids, settings=settings,
                            out_dir=out_dir, ledger=ledger, created=proposal.date)
            eda_file, eda_id, eda_sha = result.reservation.file_name, result.reservation.eda_id, result.summary.sha256
        except DuplicateSubmission:
            adopted = _adopt_export(ledger, case_ids, out_dir)
            if adopted is None:
                raise
            eda_file, eda_id, eda_sha = adopted
        with _write(engine) as conn:
            conn.execute(update(run_items).where(run_items.c.run_id == proposal.id, run_items.c.action == "court",
                                                 run_items.c.state == APPLICATION)
                         .values(state=PRODUCED, eda_id=eda_id))
            conn.execute(update(runs).where(runs.c.id == proposal.id)
                         .values(eda_file=eda_file, eda_id=eda_id, eda_sha256=eda_sha))
    if progress:
        progress(total, total, "eda")


def _filed_elsewhere(engine: Any, run_id: str, case_ids: list[str]) -> set[str]:
    """Those of ``case_ids`` that another run already filed with the court (``produced`` court items)."""
    if not case_ids:
        return set()
    with engine.connect() as conn:
        rows = conn.execute(select(run_items.c.case_id).where(
            run_items.c.action == "court", run_items.c.state == PRODUCED, run_items.c.run_id != run_id,
            run_items.c.case_id.in_(case_ids)))
        return {row[0] for row in rows}


def _adopt_export(ledger: Any, case_ids: list[str], out_dir: Path) -> tuple[str, int, str] | None:
    """The written export of exactly ``case_ids`` whose file is in ``out_dir`` (a run killed after the ledger
    recorded it, before the run did), else ``None``."""
    wanted = sorted(case_ids)
    for entry in reversed(ledger.entries()):
        if entry["status"] == "written" and sorted(entry["case_ids"]) == wanted \
                and (out_dir / entry["file_name"]).exists() and _sha256(out_dir / entry["file_name"]) == entry["sha256"]:
            return entry["file_name"], int(entry["eda_id"]), str(entry["sha256"])
    return None


def run_folder(settings: Settings, run_id: str) -> Path:
    """Where the service keeps a run's files: ``<instance>/dunning-runs/<id>``."""
    return Path(settings.instance_path) / "dunning-runs" / run_id


__all__ = ["run_proposal", "start_run", "StartedRun", "load_run", "merge_run_history", "sent_letters", "RunRecord", "letter_case", "run_folder"]
