"""POST /v1/validate and the problem+json answers for every kind of bad request."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from formsvc import create_app

from conftest import SAMPLES, load_case, manifest

PROBLEM = "application/problem+json"


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["type"] == f"urn:formsvc:problem:{code}" and body["title"]
    return body


def test_example_case_is_valid(client: Any, example_case: dict[str, Any]) -> None:
    """The contract's example passes: 200 with no warnings."""
    response = client.post("/v1/validate", json=example_case)
    assert response.status_code == 200
    assert response.get_json() == {"valid": True, "warnings": []}


def test_missing_salutation_is_422_with_code_and_path(client: Any, example_case: dict[str, Any]) -> None:
    """Without the debtor's Anrede: 422 problem with missing_salutation at /debtors/0/salutation, in German."""
    del example_case["debtors"][0]["salutation"]
    body = _problem(client.post("/v1/validate", json=example_case), 422, "court-objections")
    assert body["detail"] == "1 objection"
    assert [(e["code"], e["path"]) for e in body["errors"]] == [("missing_salutation", "/debtors/0/salutation")]
    assert body["errors"][0]["message"].startswith("1. Antragsgegner: Anrede fehlt")
    assert body["warnings"] == []


def test_english_messages_on_request(client: Any, example_case: dict[str, Any]) -> None:
    """Accept-Language: en gives English messages with the same codes."""
    del example_case["debtors"][0]["salutation"]
    response = client.post("/v1/validate", json=example_case, headers={"Accept-Language": "en-GB,en;q=0.9"})
    body = _problem(response, 422, "court-objections")
    assert body["errors"][0]["message"].startswith("debtor 1: salutation is missing")


def test_every_problem_at_once(client: Any) -> None:
    """A case with nine defects lists all nine in one answer."""
    name = "combined-many_court_objections.json"
    expected = {tuple(pair) for pair in manifest()["invalid"][name]["expect"]}
    body = _problem(client.post("/v1/validate", data=(SAMPLES / "invalid" / name).read_bytes(),
                                content_type="application/json"), 422, "court-objections")
    assert {(e["code"], e["path"]) for e in body["errors"]} == expected
    assert body["detail"] == f"{len(expected)} objections"


def test_warnings_do_not_block(client: Any) -> None:
    """A case with only a warning is valid; the warning is listed with code, path and message."""
    case = load_case(SAMPLES / "invalid" / "statute_of_limitations.json")
    response = client.post("/v1/validate?for=letter", data=json.dumps(case, default=str),
                           content_type="application/json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["valid"] is True
    assert [(w["code"], w["path"]) for w in body["warnings"]] == [("statute_of_limitations", "/claims/0/due_date")]
    assert "verjährt" in body["warnings"][0]["message"]


def test_profile_query_parameter(client: Any, example_case: dict[str, Any]) -> None:
    """for=letter ignores court-only rules; an unknown profile is a 400 naming the allowed values."""
    del example_case["courts"]
    assert client.post("/v1/validate?for=letter", json=example_case).status_code == 200
    _problem(client.post("/v1/validate", json=example_case), 422, "court-objections")
    body = _problem(client.post("/v1/validate?for=antrag", json=example_case), 400, "bad_parameter")
    assert "court" in body["detail"] and "letter" in body["detail"]


@pytest.mark.parametrize("body", [b"{", b"", b"{'case_id': 1}", b'{"a": NaN}', b"\xff\xfe"])
def test_malformed_json_is_400(client: Any, body: bytes) -> None:
    """A body that is not JSON is a 400 problem saying so."""
    response = client.post("/v1/validate", data=body, content_type="application/json")
    assert "JSON" in _problem(response, 400, "malformed_json")["detail"]


def test_json_that_is_not_a_case_is_422(client: Any) -> None:
    """Valid JSON of the wrong shape (a list) is a schema objection, not a crash."""
    body = _problem(client.post("/v1/validate", json=[1, 2]), 422, "court-objections")
    assert [e["code"] for e in body["errors"]] == ["schema_violation"]


def test_wrong_content_type_is_415(client: Any, example_case: dict[str, Any]) -> None:
    """A case sent as text/plain or a form is refused with 415."""
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = client.post("/v1/validate", data=json.dumps(example_case), content_type=content_type)
        assert "application/json" in _problem(response, 415, "unsupported_media_type")["detail"]


def test_body_over_the_limit_is_413(tmp_path: Path, example_case: dict[str, Any]) -> None:
    """A case larger than FORMSVC_MAX_CASE_BYTES is refused before it is parsed."""
    app = create_app({"TESTING": True, "MAX_CASE_BYTES": 2048,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'formsvc.sqlite3'}"})
    example_case["reference"] = "x" * 3000
    response = app.test_client().post("/v1/validate", json=example_case)
    assert "2048" in _problem(response, 413, "payload_too_large")["detail"]


@pytest.fixture
def keyed_client(tmp_path: Path) -> Any:
    """A client of an app that requires the API key 'secret'."""
    app = create_app({"TESTING": True, "API_KEYS": "secret",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'formsvc.sqlite3'}"})
    return app.test_client()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "secret"},
                                     {"Authorization": "Bearer "}])
def test_missing_or_wrong_key_is_401(keyed_client: Any, example_case: dict[str, Any], headers: dict[str, str]) -> None:
    """Without the right bearer key the validator answers 401 and looks at nothing."""
    response = keyed_client.post("/v1/validate", json=example_case, headers=headers)
    assert "Bearer" in _problem(response, 401, "unauthorized")["detail"]


def test_right_key_and_public_health(keyed_client: Any, example_case: dict[str, Any]) -> None:
    """The right key passes; /healthz needs none."""
    response = keyed_client.post("/v1/validate", json=example_case, headers={"Authorization": "Bearer secret"})
    assert response.status_code == 200
    health = keyed_client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"


def test_catalog_endpoint(client: Any) -> None:
    """GET /v1/catalog lists the entries with their requirements, trial court, flags and source."""
    response = client.get("/v1/catalog")
    assert response.status_code == 200
    entries = {e["no"]: e for e in response.get_json()["entries"]}
    assert entries[19]["requires"] == ["object_location", "period"]  # rent for months needs its period (1.1)
    assert set(entries[19]["flags"]) == {"needs_period"} and set(entries[2]["flags"]) == {"medical"}
    assert entries[19]["trial_court"] == "any_value_amtsgericht"
    assert entries[95]["trial_court"] == "sozialgericht"
    assert entries[28]["label"].startswith("Schadenersatz") and all(e["source"] for e in entries.values())


_FUZZ_APP = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
_VALIDATE = schemathesis.openapi.from_wsgi("/openapi.json", _FUZZ_APP)["/v1/validate"]["POST"]


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=_VALIDATE.as_strategy())
def test_validate_endpoint_never_fails_on_generated_cases(case: Any) -> None:
    """Cases generated from the service's own OpenAPI description get 200/400/422 problems, never a 500."""
    response = case.call()
    assert response.status_code in (200, 400, 415, 422), response.text[:500]
    if response.status_code != 200:
        content_type = {k.lower(): v for k, v in response.headers.items()}["content-type"]
        assert (content_type[0] if isinstance(content_type, list) else content_type).startswith(PROBLEM)
