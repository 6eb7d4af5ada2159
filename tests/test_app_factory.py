"""The factory does no work: no database, no table, no recovery, no thread, no folder.

Tables are created when the ledger or the job store is first used; job recovery
and sweeps run when a server starts serving (``formsvc.blueprints.start_services``).
"""
from __future__ import annotations

import threading
from pathlib import Path

from formsvc import create_app
from formsvc.blueprints import start_services


def _config(folder: Path) -> dict:
    return {"TESTING": True, "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'db' / 'formsvc.sqlite3'}"}


def test_create_app_touches_no_database_and_starts_no_thread(tmp_path) -> None:
    """Creating the app (as every CLI command does) leaves the disk as it was and starts nothing."""
    threads = set(threading.enumerate())
    app = create_app(_config(tmp_path))
    assert list(tmp_path.iterdir()) == [], "create_app wrote to the instance or database folder"
    assert set(threading.enumerate()) == threads, "create_app started a thread"
    assert "jobs" not in app.extensions["formsvc"], "create_app built the job runner"
    assert app.test_client().get("/healthz").status_code == 200
    assert not (tmp_path / "db").exists(), "a request that needs no database opened one"


def test_a_cli_command_that_needs_no_database_opens_none(tmp_path) -> None:
    """``formsvc validate`` creates no table and no database file."""
    app = create_app(_config(tmp_path))
    case = Path(__file__).resolve().parent.parent / "samples" / "valid"
    first = sorted(case.glob("*.json"))[0]
    result = app.test_cli_runner().invoke(args=["validate", str(first)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "db").exists()


def test_the_ledger_creates_its_tables_on_first_use(tmp_path) -> None:
    """The first ledger request creates the database; the answer is the empty ledger."""
    app = create_app(_config(tmp_path))
    assert app.test_client().get("/v1/eda/ledger").get_json() == []
    assert (tmp_path / "db" / "formsvc.sqlite3").is_file()


def test_starting_the_services_builds_the_job_runner_once(tmp_path) -> None:
    """A server start builds the runner (recovery done); a second start reuses it."""
    app = create_app(_config(tmp_path))
    start_services(app)
    runner = app.extensions["formsvc"]["jobs"]
    assert runner.recovered == 0
    start_services(app)
    assert app.extensions["formsvc"]["jobs"] is runner
