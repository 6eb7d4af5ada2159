"""GET /metrics: Prometheus text format, parsed back with the official client's parser.

In the app (one process) and under `formsvc serve` with two gunicorn workers, where
every scrape must add up the requests of both workers, whichever answers it.
"""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from formsvc import create_app
from formsvc.config import Settings
from formsvc.eda.ledger import Ledger
from tests.conftest import SPEC, load_case
from tests.test_http_framing import server  # noqa: F401  (a real `formsvc serve` with two workers)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of a Prometheus exposition."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_metrics_count_requests_and_read_the_eda_range(tmp_path: Path, example_case: dict[str, Any]) -> None:
    """Requests by endpoint and status, render time by family, EDA-IDs left, jobs by status."""
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, "EDA_ID_MAX": 50,
                      "EDA_SENDER_ID": "12345678", "API_KEYS": "k"})
    client = app.test_client()
    auth = {"Authorization": "Bearer k"}
    before = samples(client.get("/metrics").get_data(as_text=True))  # counters are per process: earlier tests count
    assert client.post("/v1/validate", json=example_case, headers=auth).status_code == 200
    del example_case["debtors"][0]["salutation"]
    assert client.post("/v1/validate", json=example_case, headers=auth).status_code == 422
    assert client.post("/v1/render/mahnantrag?format=html", json=load_case(SPEC / "case-example.json"),
                       headers=auth).status_code == 200
    run = Settings.from_mapping({"DATABASE_URL": url, "EDA_ID_MAX": 50, "EDA_SENDER_ID": "12345678"}, tmp_path)
    Ledger.for_settings(run).reserve(["M-1"], run)
    response = client.get("/metrics")  # no key needed, like /healthz
    assert response.status_code == 200 and response.mimetype == "text/plain"
    found = samples(response.get_data(as_text=True))
    for key in [("formsvc_requests_total", (("endpoint", "validate.validate"), ("status", "200"))),
                ("formsvc_requests_total", (("endpoint", "validate.validate"), ("status", "422"))),
                ("formsvc_render_seconds_count", (("family", "mahnantrag"),))]:
        assert found[key] - before.get(key, 0) == 1, key
    assert found[("formsvc_eda_ids_remaining", (("sender", "12345678"),))] == 49
    assert found[("formsvc_eda_id_range_size", (("sender", "12345678"),))] == 50
    assert found[("formsvc_jobs", (("status", "queued"),))] == 0
    assert "Zahlmann" not in response.get_data(as_text=True)  # labels are endpoint names, never case data


def test_metrics_add_up_every_gunicorn_worker(server: int) -> None:  # noqa: F811
    """Twenty requests spread over two workers: every scrape reports at least all twenty."""
    body = json.dumps(load_case(SPEC / "case-example.json"), default=str).encode()
    for _ in range(20):
        request = urllib.request.Request(f"http://127.0.0.1:{server}/v1/validate?for=letter", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 200
    for _ in range(4):  # whichever worker answers the scrape
        with urllib.request.urlopen(f"http://127.0.0.1:{server}/metrics", timeout=20) as response:
            found = samples(response.read().decode())
        key = ("formsvc_requests_total", (("endpoint", "validate.validate"), ("status", "200")))
        assert found[key] >= 20
