"""Background batch jobs: queued → running → done with progress, results, restarts."""
from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from formsvc import create_app
from formsvc.batch.demo import demo_cases
from formsvc.blueprints import start_services
from formsvc.errors import ConfigurationError

COUNT = 12


def make_app(folder: Path):
    """An app whose database and job files live in ``folder``, started as a server starts it
    (``create_app`` itself does no work: recovery and sweeps run when serving starts)."""
    app = create_app({"TESTING": True, "WORKERS": 2, "INSTANCE_PATH": str(folder),
                      "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"})
    start_services(app)
    return app


def store_of(app):
    """The app's job store."""
    return app.extensions["formsvc"]["jobs"].store


def owner_of(app) -> str:
    """The owner tag of the app's embedded runner."""
    return app.extensions["formsvc"]["jobs"].owner


def poll_until_finished(client, location: str, timeout: float = 240) -> list[dict]:
    """Every status answer until the job is done or failed."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(location).get_json()
        seen.append(body)
        if body["status"] in ("done", "failed"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job did not finish within {timeout} s: {seen[-1]}")


def test_job_runs_to_done_with_progress_and_gives_the_same_pdf_as_the_batch(tmp_path):
    """POST /v1/jobs/letters: 202 + Location, done climbs 0 → total, the result equals the synchronous PDF."""
    app = make_app(tmp_path)
    client = app.test_client()
    cases = demo_cases(COUNT)
    submitted = client.post("/v1/jobs/letters?duplex=true", json=cases)
    assert submitted.status_code == 202
    location = submitted.headers["Location"]
    assert location == f"/v1/jobs/{submitted.get_json()['id']}"
    assert submitted.get_json()["status"] in ("queued", "running") and submitted.get_json()["total"] == COUNT
    seen = poll_until_finished(client, location)
    final = seen[-1]
    assert final["status"] == "done", final
    assert final["done"] == final["total"] == COUNT and final["errors"] == [] and final["skipped"] == []
    done_values = [submitted.get_json()["done"]] + [s["done"] for s in seen]
    assert done_values == sorted(done_values) and done_values[0] < COUNT
    order = {"queued": 0, "running": 1, "done": 2}
    assert [order[s["status"]] for s in seen] == sorted(order[s["status"]] for s in seen)
    assert "running" in {s["status"] for s in seen}

    result = client.get(final["result"])
    assert result.status_code == 200 and result.mimetype == "application/pdf"
    assert result.headers["Formsvc-Letters"] == str(COUNT) and result.headers["Formsvc-Pages"] == str(final["pages"])
    direct = client.post("/v1/batch/letters?duplex=true", json=cases)
    assert result.data == direct.data

    manifest = client.get(final["result"] + "?manifest=json").get_json()
    assert [e["case_id"] for e in manifest["first_pages"]] == [c["case_id"] for c in cases]


def test_job_with_bad_cases_is_refused_at_once_and_none_is_created(tmp_path):
    """A batch that would fail gives 422 on POST (every bad case listed); no job row appears."""
    app = make_app(tmp_path)
    cases = demo_cases(3)
    del cases[1]["claims"]
    response = app.test_client().post("/v1/jobs/letters", json=cases)
    assert response.status_code == 422
    assert [(c["index"], c["case_id"]) for c in response.get_json()["cases"]] == [(1, "BATCH-000002")]
    assert store_of(app).active() == []


def test_job_with_skip_invalid_lists_what_it_skipped(tmp_path):
    """skip_invalid on a job: the status lists the skipped case with its codes from the start."""
    app = make_app(tmp_path)
    client = app.test_client()
    cases = demo_cases(3)
    cases[0]["claims"][0]["amount"] = "viel"
    submitted = client.post("/v1/jobs/letters?skip_invalid=1", json=cases)
    assert submitted.status_code == 202
    assert [(s["index"], s["codes"]) for s in submitted.get_json()["skipped"]] == [(0, ["schema_violation"])]
    final = poll_until_finished(client, submitted.headers["Location"])[-1]
    assert final["status"] == "done" and final["letters"] == 2 and final["total"] == 2
    assert final["skipped"][0]["case_id"] == "BATCH-000001"


def test_result_of_an_unfinished_job_is_409_and_an_unknown_job_404(tmp_path):
    """job_not_ready while queued; not_found for an id nobody issued."""
    app = make_app(tmp_path)
    client = app.test_client()
    job_id = store_of(app).create(cases=1, total=1, options={}, skipped=[], owner=owner_of(app))
    response = client.get(f"/v1/jobs/{job_id}/result")
    assert response.status_code == 409 and response.get_json()["type"].endswith("job_not_ready")
    assert client.get(f"/v1/jobs/{job_id}").get_json()["status"] == "queued"
    assert client.get("/v1/jobs/0123456789abcdef0123456789abcdef").status_code == 404
    assert client.get("/v1/jobs/../../etc/passwd/result").status_code == 404


def test_restart_marks_the_running_job_failed_not_lost(tmp_path):
    """A job left running by the previous app reads as failed (service_restarted) after a restart."""
    before = make_app(tmp_path)
    store = store_of(before)
    job_id = store.create(cases=5, total=5, options={}, skipped=[], owner=owner_of(before))
    store.mark_running(job_id)
    store.progress(job_id, 2)
    partial = before.extensions["formsvc"]["jobs"].partial_path(job_id)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.7 half a print file")

    after = make_app(tmp_path)  # the service starts again on the same database
    assert not partial.exists(), "the half-written PDF (personal data) must not stay behind"
    client = after.test_client()
    body = client.get(f"/v1/jobs/{job_id}").get_json()
    assert body["status"] == "failed" and body["done"] == 2
    assert body["errors"][0]["code"] == "service_restarted"
    result = client.get(f"/v1/jobs/{job_id}/result")
    assert result.status_code == 409 and "restarted" in result.get_json()["detail"]


@pytest.mark.parametrize("status", ["queued", "running"])
def test_jobs_of_a_dead_process_are_failed_at_start_up(tmp_path, status):
    """Jobs owned by a process that no longer exists are failed when the service starts."""
    app = make_app(tmp_path)
    gone = subprocess.Popen(["true"])
    gone.wait()
    owner = owner_of(app).split(":")[0] + f":{gone.pid}:deadbeef"
    job_id = store_of(app).create(cases=1, total=1, options={}, skipped=[], owner=owner)
    if status == "running":
        store_of(app).mark_running(job_id)
    again = make_app(tmp_path)
    assert again.extensions["formsvc"]["jobs"].recovered == 1
    assert store_of(again).get(job_id).status == "failed"


def test_letter_folders_of_a_killed_batch_are_swept_at_start_up(tmp_path):
    """Temporary letter PDFs left by a killed process (personal data) are removed on start-up."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = Path(tempfile.gettempdir()) / f"formsvc-batch-{gone.pid}-test"
    stale.mkdir()
    (stale / "0000001.pdf").write_bytes(b"%PDF-1.7")
    make_app(tmp_path)
    assert not stale.exists()


def test_a_live_foreign_job_is_left_alone(tmp_path):
    """A running job of another live process (a sibling gunicorn worker) is not failed at start-up."""
    app = make_app(tmp_path)
    sibling = subprocess.Popen(["sleep", "30"])
    try:
        owner = owner_of(app).split(":")[0] + f":{sibling.pid}:cafe"
        job_id = store_of(app).create(cases=1, total=1, options={}, skipped=[], owner=owner)
        store_of(app).mark_running(job_id)
        again = make_app(tmp_path)
        assert again.test_client().get(f"/v1/jobs/{job_id}").get_json()["status"] == "running"
    finally:
        sibling.kill()
        sibling.wait()
    assert again.extensions["formsvc"]["jobs"].recovered == 0


def test_finished_jobs_and_their_pdfs_expire_after_the_retention_period(tmp_path):
    """A job finished longer ago than FORMSVC_JOB_RETENTION_HOURS is deleted with its PDF (personal data)."""
    app = make_app(tmp_path)
    runner = app.extensions["formsvc"]["jobs"]
    store = store_of(app)
    job_id = store.create(cases=1, total=1, options={}, skipped=[], owner=owner_of(app))
    store.finish(job_id, 1, {"letters": 1, "pages": 1, "cases": 1, "duplex": False, "first_pages": []}, [])
    pdf = runner.result_path(job_id)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.7 printed")
    client = app.test_client()
    assert client.get(f"/v1/jobs/{job_id}").get_json()["status"] == "done"
    with store.engine.begin() as conn:
        conn.execute(update(store.table).values(finished_at="2000-01-01T00:00:00.000000Z"))
    runner.purge_expired()
    assert client.get(f"/v1/jobs/{job_id}").status_code == 404 and not pdf.exists()


def test_a_bad_retention_setting_stops_the_start(tmp_path):
    """FORMSVC_JOB_RETENTION_HOURS must be a positive number: anything else is refused at start-up."""
    with pytest.raises(ConfigurationError, match="JOB_RETENTION_HOURS"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                    "JOB_RETENTION_HOURS": "soon"})


def test_cancel_a_running_and_a_queued_job(tmp_path):
    """DELETE /v1/jobs/<id>: the queued job never starts, the running one stops; both read as
    cancelled, their results answer 409 and no print file is left; a later job still runs."""
    app = make_app(tmp_path)
    client = app.test_client()
    runner = app.extensions["formsvc"]["jobs"]
    first = client.post("/v1/jobs/letters", json=demo_cases(60)).headers["Location"]
    second = client.post("/v1/jobs/letters", json=demo_cases(5)).headers["Location"]
    queued = client.delete(second)
    assert queued.status_code == 200 and queued.get_json()["status"] == "cancelled"
    running = client.delete(first)
    assert running.status_code == 200 and running.get_json()["status"] == "cancelled"
    third = client.post("/v1/jobs/letters", json=demo_cases(2)).headers["Location"]
    assert poll_until_finished(client, third)[-1]["status"] == "done"  # the runner went on past both
    for location in (first, second):
        body = client.get(location).get_json()
        assert body["status"] == "cancelled" and body["done"] < body["total"]
        assert client.get(f"{location}/result").status_code == 409
        job_id = location.rsplit("/", 1)[1]
        assert not runner.result_path(job_id).exists() and not runner.partial_path(job_id).exists()
    assert client.get(second).get_json()["started_at"] is None
    assert client.delete("/v1/jobs/0123456789abcdef0123456789abcdef").status_code == 404


def test_what_a_killed_sibling_left_is_removed_at_the_next_submit(tmp_path):
    """A worker killed mid-job (kill -9): the next submit in a live process fails its job and deletes its
    half-written print file and letter folder (personal data) at once, not at the next restart."""
    app = make_app(tmp_path)
    gone = subprocess.Popen(["true"])
    gone.wait()
    owner = owner_of(app).split(":")[0] + f":{gone.pid}:deadbeef"
    job_id = store_of(app).create(cases=1, total=1, options={}, skipped=[], owner=owner)
    store_of(app).mark_running(job_id)
    runner = app.extensions["formsvc"]["jobs"]
    partial = runner.partial_path(job_id)
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.7 half")
    stale = Path(tempfile.gettempdir()) / f"formsvc-batch-{gone.pid}-sibling"
    stale.mkdir()
    (stale / "0000001.pdf").write_bytes(b"%PDF-1.7")
    client = app.test_client()
    cases = "\n".join(__import__("json").dumps(c) for c in demo_cases(2))
    response = client.post("/v1/jobs/letters", data=cases, content_type="application/x-ndjson")
    assert response.status_code == 202
    assert store_of(app).get(job_id).status == "failed"
    assert not partial.exists() and not stale.exists()
    poll_until_finished(client, response.headers["Location"])
