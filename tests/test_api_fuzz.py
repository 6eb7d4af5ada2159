"""Render endpoints fuzzed from the service's own OpenAPI description: never a 500, never a half answer."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from formsvc import create_app

PROBLEM = "application/problem+json"
#: FORMSVC_FUZZ_EXAMPLES=300 for a deeper run than CI's.
FUZZ_EXAMPLES = int(os.environ.get("FORMSVC_FUZZ_EXAMPLES", "25"))
_DIR = Path(tempfile.mkdtemp(prefix="formsvc-fuzz-"))
_APP = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{_DIR / 'fuzz.sqlite3'}", "INSTANCE_PATH": str(_DIR)})
_SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", _APP)
DOCUMENT_TYPES = ("application/pdf", "text/html", "application/octet-stream")


def _content_type(response: Any) -> str:
    value = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize("path", ["/v1/render/letter", "/v1/render/mahnantrag", "/v1/render/eda"])
def test_render_endpoints_answer_generated_requests_without_500(path: str) -> None:
    """Generated cases and query strings get a document or a 4xx problem, never a 500."""
    operation = _SCHEMA[path]["POST"]

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, response.text[:500]
        if response.status_code == 200:
            assert _content_type(response).startswith(DOCUMENT_TYPES)
        else:
            assert _content_type(response).startswith(PROBLEM)

    check()


def test_openapi_describes_every_route() -> None:
    """Every URL rule of the app (but static files) appears in /openapi.json, with its methods."""
    document = _APP.test_client().get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for rule in _APP.url_map.iter_rules():
        if rule.endpoint.endswith("static"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        path = "".join(part.split(":")[-1] if "{" in part else part for part in path.split("{"))
        assert any(p.replace("{", "").replace("}", "") == path.replace("{", "").replace("}", "")
                   for p in document["paths"]), rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            spec_path = next(p for p in document["paths"]
                             if p.replace("{", "").replace("}", "") == path.replace("{", "").replace("}", ""))
            assert method.lower() in document["paths"][spec_path], (rule.rule, method)


@pytest.mark.parametrize("path", ["/v1/render/letter", "/v1/render/mahnantrag", "/v1/render/eda?preview=true"])
def test_absurdly_large_numbers_are_objections_not_crashes(client, example_case, path: str) -> None:
    """A 31-digit fee or amount (found by the fuzzer) is a 422 schema violation naming the field, not a 500."""
    example_case["letter"]["fee"] = 10**30
    example_case["claims"][0]["amount"] = 10**30
    response = client.post(path, json=example_case)
    assert response.status_code == 422
    assert {("schema_violation", "/letter/fee"), ("schema_violation", "/claims/0/amount")} <= {
        (e["code"], e["path"]) for e in response.get_json()["errors"]}


@pytest.mark.parametrize("path", ["/v1/render/letter", "/v1/render/mahnantrag", "/v1/render/eda?preview=true"])
def test_dates_at_the_end_of_the_calendar_are_objections_not_crashes(client, example_case, path: str) -> None:
    """Dates in year 9999 (found by the fuzzer: date arithmetic overflowed) are 422 schema violations."""
    example_case["letter"]["date"] = "9999-12-31"
    example_case["debtors"][0]["birth_date"] = "9990-01-01"
    example_case["application_date"] = "0001-01-01"
    response = client.post(path, json=example_case)
    assert response.status_code == 422
    assert {("schema_violation", "/letter/date"), ("schema_violation", "/debtors/0/birth_date"),
            ("schema_violation", "/application_date")} <= {(e["code"], e["path"]) for e in response.get_json()["errors"]}
