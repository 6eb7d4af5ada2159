"""A full or read-only disk during an EDA export: a clear 507, the ID recorded as failed, the cases not blocked.

Hardening issue, findings 7 and 9: with a read-only `eda/` folder an export answered
500 and its ID stayed `reserved`, so the same cases were then refused as
`duplicate_submission`; a full disk gave a generic 500. The disks here are real:
small tmpfs mounts (the suite runs as root, as CI does), filled or remounted
read-only.
"""
from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from formsvc import create_app
from formsvc.config import Settings
from formsvc.eda.export import export
from formsvc.eda.ledger import Ledger
from formsvc.errors import StorageUnavailable
from tests.conftest import SPEC, load_case


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 KiB tmpfs mounted at a fresh folder (unmounted afterwards)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    assert done.returncode == 0, f"these tests mount a tmpfs and need root (as CI has): {done.stderr}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def read_only(mount: Path) -> None:
    """Remount ``mount`` read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)


def cases(count: int) -> list[dict[str, Any]]:
    """``count`` copies of the spec example with distinct case ids (about 2.5 KB of EDA file each)."""
    base = load_case(SPEC / "case-example.json")
    out = []
    for i in range(count):
        case = copy.deepcopy(base)
        case["case_id"] = f"DISK-{i:04d}"
        out.append(case)
    return out


def settings(tmp_path: Path) -> Settings:
    return Settings.from_mapping({"DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
                                  "EDA_SENDER_ID": "12345678"}, tmp_path)


def run_export(batch: list[dict[str, Any]], out_dir: Path, run: Settings) -> Any:
    return export(lambda: iter(batch), [c["case_id"] for c in batch], settings=run, out_dir=out_dir,
                  ledger=Ledger.for_settings(run))


def test_full_disk_is_storage_unavailable_and_the_cases_stay_free(small_disk: Path, tmp_path: Path) -> None:
    """ENOSPC: 507-class error naming the file, ledger entry failed, no .part left, the retry elsewhere works."""
    run, batch = settings(tmp_path), cases(40)  # ~100 KB: cannot fit in 16 KiB
    with pytest.raises(StorageUnavailable) as caught:
        run_export(batch, small_disk / "eda", run)
    assert "No space left on device" in caught.value.message and "ABC001.EDA" in caught.value.message
    assert list((small_disk / "eda").iterdir()) == []  # no half-written file, no .part with personal data
    entries = Ledger.for_settings(run).entries()
    assert [(e["eda_id"], e["status"]) for e in entries] == [(1, "failed")]
    result = run_export(batch, tmp_path / "eda", run)  # not refused as duplicate_submission
    assert result.reservation.eda_id == 2 and result.path.is_file()


def test_read_only_folder_is_storage_unavailable_and_recorded_failed(small_disk: Path, tmp_path: Path) -> None:
    """EROFS: the reservation ends failed (it stayed reserved before), and the same cases export afterwards."""
    (small_disk / "eda").mkdir()
    read_only(small_disk)
    run, batch = settings(tmp_path), cases(1)
    with pytest.raises(StorageUnavailable) as caught:
        run_export(batch, small_disk / "eda", run)
    assert "Read-only file system" in caught.value.message
    assert [e["status"] for e in Ledger.for_settings(run).entries()] == ["failed"]
    assert run_export(batch, tmp_path / "eda", run).path.name == "ABC002.EDA"


def test_read_only_instance_over_http_is_a_507_problem(small_disk: Path, tmp_path: Path) -> None:
    """The HTTP answer is a problem naming what to do, never a 500; the ledger lists the failed export."""
    read_only(small_disk)
    app = create_app({"INSTANCE_PATH": str(small_disk), "DATABASE_URL": f"sqlite:///{tmp_path / 'l.sqlite3'}",
                      "EDA_SENDER_ID": "12345678"})
    client = app.test_client()
    response = client.post("/v1/render/eda", data=json.dumps(cases(1)[0], default=str),
                           content_type="application/json")
    assert response.status_code == 507
    problem = response.get_json()
    assert problem["type"].endswith("storage_unavailable") and "Read-only file system" in problem["detail"]


def test_serve_on_a_read_only_instance_folder_says_so_in_one_line(small_disk: Path, tmp_path: Path) -> None:
    """Finding 9: start-up failed with a 129-line traceback; now one line naming the folder, exit 2."""
    import os
    import sys

    read_only(small_disk)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMSVC_")}
    env["FORMSVC_INSTANCE_PATH"] = str(small_disk)
    done = subprocess.run([str(Path(sys.executable).with_name("formsvc")), "serve", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(small_disk) in lines[0] and "Read-only file system" in lines[0] and "FORMSVC_INSTANCE_PATH" in lines[0]


def test_readyz_names_the_database_and_warns_when_the_eda_range_runs_low(tmp_path: Path) -> None:
    """/readyz: 200 with the database ok; below 10 % of the EDA-ID range left, the warning eda_id_range_low."""
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, "EDA_ID_MIN": 1, "EDA_ID_MAX": 20,
                      "EDA_SENDER_ID": "12345678", "API_KEYS": "k"})
    client = app.test_client()
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"database": "ok"}, "warnings": []}
    run = Settings.from_mapping({"DATABASE_URL": url, "EDA_ID_MAX": 20, "EDA_SENDER_ID": "12345678"}, tmp_path)
    ledger = Ledger.for_settings(run)
    for i in range(18):  # 2 of 20 left: 10 %, still fine; one more and it warns
        ledger.reserve([f"R-{i}"], run)
    assert client.get("/readyz").get_json()["warnings"] == []
    ledger.reserve(["R-18"], run)
    (warning,) = client.get("/readyz").get_json()["warnings"]
    assert (warning["code"], warning["remaining"], warning["range_size"]) == ("eda_id_range_low", 1, 20)


def test_readyz_is_503_naming_an_unreachable_database(tmp_path: Path) -> None:
    """A PostgreSQL URL nobody listens on: 503 naming the database check, not a 500."""
    app = create_app({"INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("unreachable (")


def test_exports_per_hour_limit_refuses_without_taking_an_id(tmp_path: Path) -> None:
    """FORMSVC_EDA_EXPORTS_PER_HOUR=2: the third export within the hour is 429 and takes no EDA-ID."""
    from formsvc.errors import TooManyExports

    run = Settings.from_mapping({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "EDA_EXPORTS_PER_HOUR": 2,
                                 "EDA_SENDER_ID": "12345678"}, tmp_path)
    batch = cases(3)
    for case in batch[:2]:
        run_export([case], tmp_path / "eda", run)
    with pytest.raises(TooManyExports) as caught:
        run_export([batch[2]], tmp_path / "eda", run)
    assert caught.value.status == 429 and "FORMSVC_EDA_EXPORTS_PER_HOUR" in caught.value.message
    assert [e["eda_id"] for e in Ledger.for_settings(run).entries()] == [1, 2]
