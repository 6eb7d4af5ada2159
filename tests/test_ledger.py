"""The EDA-ID ledger on SQLite and on the real PostgreSQL server: unique IDs under concurrency and kill -9.

PostgreSQL tests use FORMSVC_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test),
each in its own freshly created schema that is dropped afterwards.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import SPEC, load_case
from formsvc.config import Settings
from formsvc.eda import ledger as ledger_module
from formsvc.eda.export import export
from formsvc.eda.ledger import Ledger
from formsvc.errors import CaseRejected, DuplicateSubmission, EdaIdRangeExhausted
from tests.support import postgres_schema

TEMPLATE = load_case(SPEC / "case-example.json")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A fresh, empty ledger database: an SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        return
    with postgres_schema("formsvc_test") as url:
        yield url


def make_settings(url: str, tmp_path: Path, **extra) -> Settings:
    """Settings on the test database with the given EDA range."""
    return Settings.from_mapping({"DATABASE_URL": url, "EDA_PREFIX": "ABC", **extra}, tmp_path)


def run_export(settings: Settings, out_dir: Path, case_ids: list[str], *, resubmit: bool = False):
    """Export copies of the spec example with the given case ids."""
    cases = [{**TEMPLATE, "case_id": cid} for cid in case_ids]
    return export(lambda: cases, case_ids, settings=settings, out_dir=out_dir, ledger=Ledger.for_settings(settings),
                  resubmit=resubmit)


def issued_ids(settings: Settings) -> list[int]:
    """Every EDA-ID in the ledger, in order of reservation."""
    return [entry["eda_id"] for entry in Ledger.for_settings(settings).entries(with_case_ids=False)]


def test_ids_are_issued_in_order_with_file_names(database_url, tmp_path) -> None:
    """IDs start at the configured minimum; file names are prefix + three digits; the ledger holds hash and cases."""
    settings = make_settings(database_url, tmp_path, EDA_ID_MIN=21, EDA_ID_MAX=30)
    first = run_export(settings, tmp_path / "out", ["A-1", "A-2"])
    second = run_export(settings, tmp_path / "out", ["B-1"])
    assert first.path.name == "ABC021.EDA" and second.path.name == "ABC022.EDA"
    entries = Ledger.for_settings(settings).entries()
    assert [(e["eda_id"], e["status"], e["case_ids"]) for e in entries] == [
        (21, "written", ["A-1", "A-2"]), (22, "written", ["B-1"])]
    import hashlib
    assert entries[0]["sha256"] == hashlib.sha256(first.path.read_bytes()).hexdigest()


def test_exhausted_range_answers_conflict_and_writes_nothing(database_url, tmp_path) -> None:
    """When every ID of the range is used: EdaIdRangeExhausted, no file, no new ledger entry."""
    settings = make_settings(database_url, tmp_path, EDA_ID_MIN=5, EDA_ID_MAX=6)
    run_export(settings, tmp_path / "out", ["C-1"])
    run_export(settings, tmp_path / "out", ["C-2"])
    with pytest.raises(EdaIdRangeExhausted):
        run_export(settings, tmp_path / "out", ["C-3"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ABC005.EDA", "ABC006.EDA"]
    assert issued_ids(settings) == [5, 6]


def test_duplicate_case_refused_unless_resubmit(database_url, tmp_path) -> None:
    """A case id already exported is refused (no ID taken) unless resubmit is asked for."""
    settings = make_settings(database_url, tmp_path)
    run_export(settings, tmp_path / "out", ["D-1"])
    with pytest.raises(DuplicateSubmission, match="D-1"):
        run_export(settings, tmp_path / "out", ["D-2", "D-1"])
    assert issued_ids(settings) == [1]
    again = run_export(settings, tmp_path / "out", ["D-1"], resubmit=True)
    assert again.reservation.eda_id == 2
    with pytest.raises(DuplicateSubmission, match="more than once"):
        run_export(settings, tmp_path / "out", ["D-9", "D-9"], resubmit=True)


def test_failed_export_keeps_its_id_and_leaves_no_file(database_url, tmp_path) -> None:
    """An export that fails after reserving is recorded as failed; its ID is never issued again."""
    settings = make_settings(database_url, tmp_path)
    bad = {**TEMPLATE, "case_id": "E-1", "reference": "R" * 40}  # not validated: the writer refuses it
    with pytest.raises(CaseRejected):
        export(lambda: [bad], ["E-1"], settings=settings, out_dir=tmp_path / "out",
               ledger=Ledger.for_settings(settings))
    assert list((tmp_path / "out").iterdir()) == []
    entry = Ledger.for_settings(settings).entries()[0]
    assert (entry["eda_id"], entry["status"]) == (1, "failed")
    assert run_export(settings, tmp_path / "out", ["E-1"]).reservation.eda_id == 2  # failed cases were not sent


def test_fifty_concurrent_threads_get_distinct_ids(database_url, tmp_path) -> None:
    """50 exports in parallel threads against one ledger: 50 different IDs, 50 files."""
    settings = make_settings(database_url, tmp_path)
    barrier = threading.Barrier(50)
    results, errors = [], []

    def work(n: int) -> None:
        barrier.wait()
        try:
            results.append(run_export(settings, tmp_path / "out", [f"T-{n}"]).reservation.eda_id)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, 51))
    assert len(list((tmp_path / "out").glob("ABC*.EDA"))) == 50


def _process_export(url: str, folder: str, n: int, barrier) -> None:
    barrier.wait()
    settings = make_settings(url, Path(folder))
    run_export(settings, Path(folder) / "out", [f"P-{n}"])


def test_fifty_concurrent_processes_get_distinct_ids(database_url, tmp_path) -> None:
    """50 exports in separate processes against one ledger: every ID unique, every process succeeds."""
    Ledger.for_settings(make_settings(database_url, tmp_path))  # tables exist before the race
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(50)
    procs = [context.Process(target=_process_export, args=(database_url, str(tmp_path), n, barrier))
             for n in range(50)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 50
    ids = issued_ids(make_settings(database_url, tmp_path))
    assert sorted(ids) == list(range(1, 51))
    assert len(list((tmp_path / "out").glob("ABC*.EDA"))) == 50


KILLED_EXPORT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from formsvc.case import loads
    from formsvc.config import Settings
    from formsvc.eda.export import export
    from formsvc.eda.ledger import Ledger
    url, folder, template = sys.argv[1], Path(sys.argv[2]), loads(Path(sys.argv[3]).read_bytes())
    settings = Settings.from_mapping({"DATABASE_URL": url}, folder)
    ids = [f"K-{i}" for i in range(50_000)]
    def cases():
        for cid in ids:
            yield {**template, "case_id": cid}
    export(cases, ids, settings=settings, out_dir=folder / "out", ledger=Ledger.for_settings(settings))
""")


def test_kill_minus_nine_mid_export_never_reuses_the_id(database_url, tmp_path) -> None:
    """A process killed with SIGKILL while writing leaves its ID used; the next export takes a new one."""
    settings = make_settings(database_url, tmp_path)
    run_export(settings, tmp_path / "out", ["before"])
    proc = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, database_url, str(tmp_path),
                             str(SPEC / "case-example.json")], cwd=ROOT)
    deadline = time.monotonic() + 120
    partial = []
    while time.monotonic() < deadline and proc.poll() is None:
        partial = [p for p in (tmp_path / "out").glob(".*.part") if p.stat().st_size > 100_000]
        if partial:
            break
        time.sleep(0.05)
    assert partial, "the export never started writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert not (tmp_path / "out" / "ABC002.EDA").exists()  # never a half-written file under the final name
    entries = Ledger.for_settings(settings).entries(with_case_ids=False)
    assert [(e["eda_id"], e["status"]) for e in entries] == [(1, "written"), (2, "reserved")]
    # a restarted service: the dead writer's reservation ends failed at once (not after an hour), so its
    # cases are not refused as duplicate_submission, and its .part file (personal data) is deleted
    after = run_export(settings, tmp_path / "out", ["after", "K-0", "K-49999"])
    assert after.reservation.eda_id == 3
    assert issued_ids(settings) == [1, 2, 3]
    second = Ledger.for_settings(settings).entries(with_case_ids=False)[1]
    assert (second["status"], second["error"]) == ("failed", "interrupted: the writing process ended")
    assert list((tmp_path / "out").glob(".*.part")) == []


def test_stale_reservation_is_marked_failed_but_keeps_its_id(database_url, tmp_path, monkeypatch) -> None:
    """A reservation left behind by a crash becomes failed ("interrupted") later; its ID is never reused."""
    settings = make_settings(database_url, tmp_path)
    ledger = Ledger.for_settings(settings)
    ledger.reserve(["S-1"], settings)  # reserved, never finished: a crashed process
    monkeypatch.setattr(ledger_module, "STALE_AFTER", dt.timedelta(0))
    time.sleep(0.01)
    assert run_export(settings, tmp_path / "out", ["S-1"]).reservation.eda_id == 2
    first = ledger.entries()[0]
    assert (first["eda_id"], first["status"]) == (1, "failed") and "interrupted" in first["error"]


def test_a_ledger_from_before_the_owner_column_is_upgraded(database_url, tmp_path, monkeypatch) -> None:
    """A ledger database written by an earlier version (no owner column) gets the column and keeps working."""
    settings = make_settings(database_url, tmp_path)
    run_export(settings, tmp_path / "out", ["old-1"])
    engine = Ledger.for_settings(settings).engine
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE eda_exports DROP COLUMN owner"))
    monkeypatch.setattr(ledger_module, "_READY", set())  # a new process on the old database
    assert run_export(settings, tmp_path / "out", ["new-1"]).reservation.eda_id == 2
    assert [e["status"] for e in Ledger.for_settings(settings).entries()] == ["written", "written"]
