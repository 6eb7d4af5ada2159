"""Render endpoints fuzzed from the service's own OpenAPI description: never a 500, never a half answer."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from formsvc import create_app

PROBLEM = "application/problem+json"
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

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
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
