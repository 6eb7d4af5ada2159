"""Batch and job endpoints fuzzed from the service's own OpenAPI description: never a 500."""
from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from formsvc import create_app

PROBLEM = "application/problem+json"
_APP = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "WORKERS": 1})
_SCHEMA = schemathesis.openapi.from_wsgi("/openapi.json", _APP)
_BATCH = _SCHEMA["/v1/batch/letters"]["POST"]
_STATUS = _SCHEMA["/v1/jobs/{job_id}"]["GET"]
_RESULT = _SCHEMA["/v1/jobs/{job_id}/result"]["GET"]


def _content_type(response: Any) -> str:
    value = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
    return value[0] if isinstance(value, list) else value


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=_BATCH.as_strategy())
def test_batch_endpoint_answers_generated_requests_without_500(case: Any) -> None:
    """Generated batches and query strings get a PDF/manifest or a 4xx problem, never a 500."""
    response = case.call()
    assert response.status_code in (200, 400, 413, 415, 422), response.text[:500]
    if response.status_code != 200:
        assert _content_type(response).startswith(PROBLEM)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(status=_STATUS.as_strategy(), result=_RESULT.as_strategy())
def test_job_endpoints_answer_generated_ids_with_404_problems(status: Any, result: Any) -> None:
    """Made-up job ids (any string) are 404 problems (or 400 for a bad manifest value), never a 500."""
    for case in (status, result):
        response = case.call()
        assert response.status_code in (400, 404), response.text[:500]
        assert _content_type(response).startswith(PROBLEM)
