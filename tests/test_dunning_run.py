"""The dunning run: exactly the named proposal, once — letters as one print file, the court step through the
ledger, a run record the next proposal sees, a 409 for a changed input, and kill -9 then resume without
producing anything twice."""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pypdf
import pytest

from formsvc.config import Settings
from formsvc.dunning.proposal import propose
from formsvc.dunning.run import load_run, merge_run_history, run_proposal, run_items, runs
from formsvc.eda.ledger import Ledger
from formsvc.eda.parser import parse_eda
from formsvc.errors import ConflictError

from conftest import SAMPLES, load_case

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = SAMPLES / "valid" / "01_company_vs_consumer_craftsman_invoice.json"
RUN_DAY = dt.date(2026, 2, 16)  # sample 01's claim is due 2025-10-28: 111 days past due
TITLES = {2: "Mahnung – ", 3: "Letzte Mahnung"}


def _case(case_id: str, history: list[tuple[int, str]], last_name: str) -> dict[str, Any]:
    case = load_case(SAMPLE)
    case["case_id"] = case_id
    case["claims"][0]["document_no"] = f"RE-{case_id}"
    case["debtors"][0]["last_name"] = last_name  # one debtor per case: no consolidation between them
    case["dunning"] = {"history": [{"level": level, "date": day} for level, day in history]}
    return case


def _cases(court: int = 2) -> list[dict[str, Any]]:
    """Two letter cases (level 2 and level 3 due on RUN_DAY) and ``court`` court cases."""
    cases = [_case("2026-000501", [], "Erste"), _case("2026-000502", [(2, "2026-01-10")], "Zweite")]
    cases += [_case(f"2026-0006{i:02d}", [(3, "2026-01-10")], f"Gericht{i}") for i in range(court)]
    return cases


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with the database and instance folder in ``tmp_path``."""
    return Settings.from_mapping({"DATABASE_URL": f"sqlite:///{tmp_path / 'formsvc.sqlite3'}"}, tmp_path)


def _page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]


def _state(settings: Settings) -> tuple[Any, ...]:
    database = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as conn:
        return tuple(tuple(conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall())
                     for t in ("dunning_runs", "dunning_run_items", "eda_exports", "eda_export_cases"))


def test_a_run_produces_exactly_the_proposal(settings: Settings, tmp_path: Path) -> None:
    cases = _cases()
    proposal = propose(cases, RUN_DAY, settings)
    assert [a.action for a in proposal.actions] == ["letter", "letter", "court", "court"]
    record = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    assert record.id == proposal.id and record.status == "done"
    # the letters: one print file, one letter per case, each at its action's level with its deadline
    texts = _page_texts(tmp_path / "out" / "letters.pdf")
    letters = [t for t in texts if "RE-2026-0005" in t]
    assert len(letters) == 2
    for text, action in zip(letters, proposal.actions[:2]):
        assert TITLES[action.details["level"]] in text and action.case_id in text.replace("RE-", "")
        assert action.details["deadline"].strftime("%d.%m.%Y") in text
        assert "Mahngebühr für dieses Schreiben 2,50\xa0€" in text
    items = {i["case_id"]: i for i in record.items}
    assert [items["2026-000501"]["level"], items["2026-000502"]["level"]] == [2, 3]
    # the court step: one EDA file under the ledger's ID, one application per court case
    eda = parse_eda((tmp_path / "out" / record.eda_file).read_bytes())
    assert eda["header"]["eda_id"] == record.eda_id
    assert len(eda["applications"]) == 2
    entries = Ledger.for_settings(settings).entries()
    assert [(e["eda_id"], e["status"], sorted(e["case_ids"])) for e in entries] == \
        [(record.eda_id, "written", ["2026-000600", "2026-000601"])]
    for case_id in ("2026-000600", "2026-000601"):
        assert items[case_id]["state"] == "produced" and items[case_id]["eda_id"] == record.eda_id
        assert (tmp_path / "out" / items[case_id]["document"]).read_bytes().startswith(b"%PDF")
    # the record: case ids, levels, dates, hashes; no names
    dumped = json.dumps(record.as_dict())
    assert "Wößner" not in dumped and "Erste" not in dumped and "Mühlenkamp" not in dumped


def test_a_changed_case_is_refused_with_both_ids(settings: Settings, tmp_path: Path) -> None:
    cases = _cases()
    proposal = propose(cases, RUN_DAY, settings)
    changed = copy.deepcopy(cases)
    changed[0]["claims"][0]["paid"] = "300.00"
    with pytest.raises(ConflictError) as raised:
        run_proposal(proposal.id, changed, RUN_DAY, settings, tmp_path / "out")
    assert raised.value.status == 409
    assert proposal.id in raised.value.message and propose(changed, RUN_DAY, settings).id in raised.value.message
    with pytest.raises(ConflictError):
        run_proposal(proposal.id, cases, RUN_DAY + dt.timedelta(days=1), settings, tmp_path / "out")
    assert load_run(proposal.id, settings) is None
    assert Ledger.for_settings(settings).entries() == []
    assert not (tmp_path / "out" / "letters.pdf").exists()


def test_the_same_proposal_twice_produces_nothing_twice(settings: Settings, tmp_path: Path) -> None:
    cases = _cases()
    proposal = propose(cases, RUN_DAY, settings)
    first = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*")}
    state = _state(settings)
    second = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    assert second == first
    assert _state(settings) == state
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*")} == files


def test_the_next_proposal_sees_the_run(settings: Settings, tmp_path: Path) -> None:
    cases = _cases()
    proposal = propose(cases, RUN_DAY, settings)
    run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    week = propose(merge_run_history(cases, settings), RUN_DAY + dt.timedelta(days=7), settings)
    assert [(a.action, a.reason) for a in week.actions[:2]] == [("none", "rhythm"), ("none", "rhythm")]
    assert week.actions[0].details["next_possible"] == RUN_DAY + dt.timedelta(days=14)
    later = propose(merge_run_history(cases, settings), RUN_DAY + dt.timedelta(days=14), settings)
    assert later.actions[0].action == "letter" and later.actions[0].details["level"] == 3  # moves on
    assert later.actions[1].reason == "rhythm"  # the last level: court after its deadline and 14 days
    # the same proposal again on the same day is the run already made: returned, never produced again
    assert run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out").status == "done"


def test_the_court_step_never_reuses_an_eda_id(settings: Settings, tmp_path: Path) -> None:
    first_cases = _cases(court=1)
    first = run_proposal(propose(first_cases, RUN_DAY, settings).id, first_cases, RUN_DAY, settings,
                         tmp_path / "one")
    other = [_case("2026-000700", [(3, "2026-01-10")], "Andere")]
    day = RUN_DAY + dt.timedelta(days=1)
    second = run_proposal(propose(other, day, settings).id, other, day, settings, tmp_path / "two")
    assert first.eda_id is not None and second.eda_id is not None and second.eda_id > first.eda_id
    ids = [e["eda_id"] for e in Ledger.for_settings(settings).entries()]
    assert len(ids) == len(set(ids)) == 2


def test_another_runs_folder_is_refused(settings: Settings, tmp_path: Path) -> None:
    cases = _cases(court=0)
    run_proposal(propose(cases, RUN_DAY, settings).id, cases, RUN_DAY, settings, tmp_path / "out")
    other = cases[:1]
    with pytest.raises(ConflictError, match="folder"):
        run_proposal(propose(merge_run_history(other, settings), RUN_DAY, settings).id, other, RUN_DAY, settings,
                     tmp_path / "out")


def _reopen(settings: Settings, run_id: str, action: str, state: str) -> None:
    """Put a finished run back to where a crash after writing, before recording, would leave it."""
    from formsvc import db

    with db.engine_for(settings).begin() as conn:
        conn.execute(run_items.update().where(run_items.c.run_id == run_id, run_items.c.action == action)
                     .values(state=state))
        conn.execute(runs.update().where(runs.c.id == run_id).values(status="running"))


def test_a_crash_after_the_print_file_never_prints_it_again(settings: Settings, tmp_path: Path) -> None:
    cases = _cases(court=0)
    proposal = propose(cases, RUN_DAY, settings)
    first = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    letters = tmp_path / "out" / "letters.pdf"
    written = letters.stat().st_mtime_ns
    _reopen(settings, proposal.id, "letter", "planned")
    again = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    assert letters.stat().st_mtime_ns == written
    assert [i["sha256"] for i in again.items] == [i["sha256"] for i in first.items]
    assert all(i["state"] == "produced" for i in again.items)


def test_a_crash_after_the_ledger_wrote_adopts_the_export(settings: Settings, tmp_path: Path) -> None:
    cases = _cases(court=2)[2:]
    proposal = propose(cases, RUN_DAY, settings)
    first = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    _reopen(settings, proposal.id, "court", "application")
    again = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    assert again.eda_id == first.eda_id and again.eda_file == first.eda_file
    assert [e["status"] for e in Ledger.for_settings(settings).entries()] == ["written"]


def test_faulty_court_cases_are_listed_with_their_objections(settings: Settings, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from formsvc.eda import export as eda_export
    from formsvc.validation import Report
    from formsvc.validation.report import Objection

    real = eda_export.check_case

    def check(case: Any, settings_: Settings, *, prefix: str = "") -> Report:
        if case.get("case_id") == "2026-000601":
            report = Report()
            report.add(Objection("eda_field_too_long", "/debtors/0/last_name", "error", "zu lang", "too long"))
            return report
        return real(case, settings_, prefix=prefix)

    monkeypatch.setattr(eda_export, "check_case", check)
    cases = _cases(court=2)[2:]
    record = run_proposal(propose(cases, RUN_DAY, settings).id, cases, RUN_DAY, settings, tmp_path / "out")
    items = {i["case_id"]: i for i in record.items}
    assert items["2026-000601"]["state"] == "faulty"
    assert items["2026-000601"]["objections"] == [{"code": "eda_field_too_long", "path": "/debtors/0/last_name"}]
    assert items["2026-000600"]["state"] == "produced"
    assert len(parse_eda((tmp_path / "out" / record.eda_file).read_bytes())["applications"]) == 1
    assert Ledger.for_settings(settings).entries()[0]["case_ids"] == ["2026-000600"]


# --- HTTP -----------------------------------------------------------------------------------------------------

def test_http_runs_and_shows_the_record(client: Any) -> None:
    cases = _cases()
    proposal = client.post(f"/v1/dunning/proposals?date={RUN_DAY}", json=cases).get_json()
    body = {"proposal_id": proposal["id"], "date": RUN_DAY.isoformat(), "cases": cases}
    created = client.post("/v1/dunning/runs", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.headers["Location"] == f"/v1/dunning/runs/{proposal['id']}"
    record = client.get(created.headers["Location"]).get_json()
    assert record["status"] == "done" and len(record["items"]) == 4
    downloads = record["downloads"]
    assert client.get(downloads["letters"]).data.startswith(b"%PDF")
    assert client.get(downloads["applications"]["2026-000600"]).data.startswith(b"%PDF")
    assert parse_eda(client.get(downloads["eda"]).data)["header"]["eda_id"] == record["eda_id"]
    again = client.post("/v1/dunning/runs", json=body)
    assert again.status_code == 200 and again.get_json()["items"] == record["items"]
    # the next proposal sees the run: the letter cases wait by rhythm
    later = client.post(f"/v1/dunning/proposals?date={RUN_DAY + dt.timedelta(days=7)}", json=cases).get_json()
    assert [a["reason"] for a in later["actions"][:2]] == ["rhythm", "rhythm"]


def test_http_refuses_a_changed_input_and_unknown_runs(client: Any) -> None:
    cases = _cases(court=0)
    proposal = client.post(f"/v1/dunning/proposals?date={RUN_DAY}", json=cases).get_json()
    cases[0]["claims"][0]["amount"] = "1500.00"
    refused = client.post("/v1/dunning/runs", json={"proposal_id": proposal["id"], "date": RUN_DAY.isoformat(),
                                                     "cases": cases})
    assert refused.status_code == 409 and proposal["id"] in refused.get_json()["detail"]
    assert client.get(f"/v1/dunning/runs/{proposal['id']}").status_code == 404
    assert client.post("/v1/dunning/runs", json={"proposal_id": "x", "date": "2026-02-16", "cases": []}
                       ).status_code == 400
    assert client.post("/v1/dunning/runs", json=[]).status_code == 400


# --- CLI: kill -9 in the middle, then the same command again ---------------------------------------------------

def _counts(database: Path, run_id: str) -> dict[str, int]:
    try:
        with sqlite3.connect(database, timeout=5) as conn:
            rows = conn.execute("SELECT state, COUNT(*) FROM dunning_run_items WHERE run_id = ? GROUP BY state",
                                (run_id,)).fetchall()
    except sqlite3.OperationalError:
        return {}
    return dict(rows)


def test_cli_killed_in_the_middle_then_resumed_produces_nothing_twice(tmp_path: Path) -> None:
    court = 16
    cases = _cases(court=court)
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases), encoding="utf-8")
    database = tmp_path / "formsvc.sqlite3"
    settings = Settings.from_mapping({"DATABASE_URL": f"sqlite:///{database}"}, tmp_path)
    proposal = propose(cases, RUN_DAY, settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FORMSVC_DATABASE_URL": f"sqlite:///{database}",
           "FORMSVC_INSTANCE_PATH": str(tmp_path)}
    command = [sys.executable, "-c", "from formsvc.commands.main import main; main()", "dunning", "run", str(path),
               "--proposal", proposal.id, "--date", RUN_DAY.isoformat(), "-o", str(tmp_path / "out")]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            counts = _counts(database, proposal.id)
            if counts.get("application", 0) >= 2:
                break
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    middle = _counts(database, proposal.id)
    assert middle.get("planned", 0) > 0, middle  # killed in the middle of the applications
    assert middle["produced"] == 2  # the letters were recorded
    letters_before = (tmp_path / "out" / "letters.pdf").stat().st_mtime_ns
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "applications" in done.stderr  # the progress bar
    record = load_run(proposal.id, settings)
    assert record is not None and record.status == "done"
    assert len(record.items) == 2 + court and len({i["case_index"] for i in record.items}) == 2 + court
    assert all(i["state"] == "produced" for i in record.items)
    letters = tmp_path / "out" / "letters.pdf"
    assert letters.stat().st_mtime_ns == letters_before  # not printed again
    assert len([t for t in _page_texts(letters) if "RE-2026-0005" in t]) == 2
    assert len(list((tmp_path / "out" / "applications").glob("*.pdf"))) == court
    written = [e for e in Ledger.for_settings(settings).entries() if e["status"] == "written"]
    assert len(written) == 1 and len(written[0]["case_ids"]) == court
    assert len(parse_eda((tmp_path / "out" / record.eda_file).read_bytes())["applications"]) == court
    # the same command a third time: nothing produced, the same record
    third = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert third.returncode == 0 and load_run(proposal.id, settings) == record


def test_a_court_case_filed_by_an_earlier_run_is_not_filed_again(settings: Settings, tmp_path: Path) -> None:
    cases = _cases(court=1)[2:]
    first = run_proposal(propose(cases, RUN_DAY, settings).id, cases, RUN_DAY, settings, tmp_path / "one")
    day = RUN_DAY + dt.timedelta(days=1)
    second = run_proposal(propose(merge_run_history(cases, settings), day, settings).id, cases, day, settings,
                          tmp_path / "two")
    assert second.status == "done" and second.eda_id is None
    assert second.items[0]["state"] == "faulty"
    assert second.items[0]["objections"] == [{"code": "already_filed", "path": "/case_id"}]
    assert [e["eda_id"] for e in Ledger.for_settings(settings).entries()] == [first.eda_id]


def test_a_run_a_live_process_produces_is_refused(settings: Settings, tmp_path: Path) -> None:
    """Two processes never produce one run: a running run owned by a live other process is a 409; once that
    owner is dead, the run is taken over and finished."""
    from formsvc.eda.ledger import HOST, _start_ticks

    cases = _cases(court=0)
    proposal = propose(cases, RUN_DAY, settings)
    run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    _reopen(settings, proposal.id, "letter", "planned")
    from formsvc import db

    parent = os.getppid()
    with db.engine_for(settings).begin() as conn:
        conn.execute(runs.update().values(owner=f"{HOST}:{parent}:{_start_ticks(parent)}"))
    with pytest.raises(ConflictError, match="another process"):
        run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    with db.engine_for(settings).begin() as conn:
        conn.execute(runs.update().values(owner=f"{HOST}:{parent}:0"))  # that process is gone (start differs)
    assert run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out").status == "done"


def test_a_consolidated_letter_holds_the_claims_of_all_its_cases(settings: Settings, tmp_path: Path) -> None:
    """Two cases of one debtor and creditor: one letter at the higher level, with both invoices."""
    cases = [_case("2026-000801", [], "Dieselbe"), _case("2026-000802", [(2, "2026-01-10")], "Dieselbe")]
    proposal = propose(cases, RUN_DAY, settings)
    assert len(proposal.letters) == 1 and proposal.letters[0].consolidated and proposal.letters[0].level == 3
    record = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    text = "\n".join(_page_texts(tmp_path / "out" / "letters.pdf"))
    assert text.count("Letzte Mahnung – Rechnungsnr. RE-2026-000801, RE-2026-000802") == 1  # one letter
    assert text.count("Mahnung – ") == 1
    assert [(i["level"], i["letter"], i["state"]) for i in record.items] == [(3, 1, "produced"), (3, 1, "produced")]


def test_a_failed_run_can_be_resumed_at_once(settings: Settings, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An error in the middle (here: the EDA file cannot be written) leaves the run resumable by anyone: the
    applications already written are kept, the EDA file comes with the next call, under a new EDA-ID."""
    from formsvc.dunning import run as run_module
    from formsvc.eda import export as eda_export
    from formsvc.errors import StorageUnavailable

    real = eda_export.export

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise StorageUnavailable("disk full")

    cases = _cases(court=2)[2:]
    proposal = propose(cases, RUN_DAY, settings)
    monkeypatch.setattr(eda_export, "export", broken)
    with pytest.raises(StorageUnavailable):
        run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    record = load_run(proposal.id, settings)
    assert record is not None and record.status == "running"
    assert [i["state"] for i in record.items] == ["application", "application"]
    from formsvc import db

    with db.engine_for(settings).connect() as conn:
        assert conn.execute(run_module.runs.select()).mappings().one()["owner"] is None
    monkeypatch.setattr(eda_export, "export", real)
    done = run_proposal(proposal.id, cases, RUN_DAY, settings, tmp_path / "out")
    assert done.status == "done" and [i["state"] for i in done.items] == ["produced", "produced"]
    assert [i["sha256"] for i in done.items] == [i["sha256"] for i in record.items]


def test_http_respond_async_answers_202_and_the_record_shows_progress(client: Any) -> None:
    cases = _cases(court=3)
    proposal = client.post(f"/v1/dunning/proposals?date={RUN_DAY}", json=cases).get_json()
    body = {"proposal_id": proposal["id"], "date": RUN_DAY.isoformat(), "cases": cases}
    accepted = client.post("/v1/dunning/runs", json=body, headers={"Prefer": "respond-async"})
    assert accepted.status_code == 202, accepted.get_data(as_text=True)
    assert accepted.headers["Location"] == f"/v1/dunning/runs/{proposal['id']}"
    assert accepted.get_json()["status"] == "running" and len(accepted.get_json()["items"]) == 5
    deadline = time.monotonic() + 60
    record = accepted.get_json()
    while record["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.05)
        record = client.get(accepted.headers["Location"]).get_json()
    assert record["status"] == "done"
    assert record["progress"] == {"stage": "eda", "done": 4, "total": 4}
    assert record["summary"]["produced"] == 5
    again = client.post("/v1/dunning/runs", json=body, headers={"Prefer": "respond-async"})
    assert again.status_code == 200 and again.get_json()["items"] == record["items"]
