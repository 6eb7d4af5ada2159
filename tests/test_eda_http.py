"""POST /v1/render/eda, GET /v1/eda/ledger and the `formsvc eda` command line."""
from __future__ import annotations

import json
from pathlib import Path

from formsvc import create_app
from formsvc.eda.parser import parse_eda


def make_client(tmp_path: Path, **config):
    """A client for an app whose ledger and EDA folder live in ``tmp_path``."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **config})
    app.instance_path = str(tmp_path)
    return app, app.test_client()


def test_single_case_gives_named_attachment(client, example_case) -> None:
    """One case answers the EDA file as an attachment named ABC001.EDA with its ID in a header."""
    response = client.post("/v1/render/eda", json=example_case)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"] == 'attachment; filename=ABC001.EDA'
    assert response.headers["X-EDA-ID"] == "001"
    parsed = parse_eda(response.get_data())
    assert parsed["applications"][0]["application"]["case_id"] == example_case["case_id"]


def test_batch_is_one_file_and_stays_in_instance_folder(tmp_path, example_case) -> None:
    """{"cases": [...]} gives one file with every application; the same bytes are kept in <instance>/eda/."""
    app, client = make_client(tmp_path, EDA_PREFIX="XYZ", EDA_ID_MIN=21)
    cases = [{**example_case, "case_id": f"B-{i}"} for i in range(3)]
    response = client.post("/v1/render/eda", json={"cases": cases})
    assert response.status_code == 200
    assert "XYZ021.EDA" in response.headers["Content-Disposition"]
    assert len(parse_eda(response.get_data())["applications"]) == 3
    kept = Path(app.instance_path) / "eda" / "XYZ021.EDA"
    assert kept.read_bytes() == response.get_data()


def test_rejected_batch_lists_every_problem_and_takes_no_id(tmp_path, example_case) -> None:
    """Bad cases answer 422 with paths under /cases/<index>, no file and no EDA-ID consumed."""
    app, client = make_client(tmp_path)
    bad_long = {**example_case, "case_id": "bad-1", "reference": "R" * 36}
    bad_char = json.loads(json.dumps(example_case))
    bad_char["case_id"] = "bad-2"
    bad_char["claims"][0]["description"] = "Rechnung €"
    response = client.post("/v1/render/eda", json={"cases": [example_case, bad_long, bad_char]})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    paths = {(e["code"], e["path"]) for e in response.get_json()["errors"]}
    assert paths == {("field_too_long", "/cases/1/reference"), ("unsupported_character", "/cases/2/claims/0/description")}
    assert client.get("/v1/eda/ledger").get_json() == []
    assert not (Path(app.instance_path) / "eda").exists() or not list((Path(app.instance_path) / "eda").iterdir())
    assert client.post("/v1/render/eda", json=example_case).headers["X-EDA-ID"] == "001"


def test_duplicate_submission_409_and_resubmit(client, example_case) -> None:
    """The same case twice answers 409 duplicate_submission; ?resubmit=true is allowed and takes the next ID."""
    assert client.post("/v1/render/eda", json=example_case).status_code == 200
    again = client.post("/v1/render/eda", json=example_case)
    assert again.status_code == 409
    body = again.get_json()
    assert body["type"].endswith("duplicate_submission") and body["case_ids"] == [example_case["case_id"]]
    resubmitted = client.post("/v1/render/eda?resubmit=true", json=example_case)
    assert resubmitted.status_code == 200 and resubmitted.headers["X-EDA-ID"] == "002"
    ledger = client.get("/v1/eda/ledger").get_json()
    assert [(e["eda_id"], e["file_name"], e["status"], e["resubmission"]) for e in ledger] == [
        (1, "ABC001.EDA", "written", False), (2, "ABC002.EDA", "written", True)]
    assert len(ledger[0]["sha256"]) == 64 and ledger[0]["case_ids"] == [example_case["case_id"]]


def test_exhausted_range_409_and_no_file(tmp_path, example_case) -> None:
    """With the range used up the answer is 409 eda_id_range_exhausted and no file is written."""
    app, client = make_client(tmp_path, EDA_ID_MIN=998, EDA_ID_MAX=998)
    assert client.post("/v1/render/eda", json={**example_case, "case_id": "R-1"}).status_code == 200
    response = client.post("/v1/render/eda", json={**example_case, "case_id": "R-2"})
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("eda_id_range_exhausted")
    assert [p.name for p in (Path(app.instance_path) / "eda").iterdir()] == ["ABC998.EDA"]


def test_bad_requests_are_4xx_never_500(client, example_case) -> None:
    """Malformed JSON, an empty batch and extra keys next to "cases" are clear 400s."""
    assert client.post("/v1/render/eda", data="{", content_type="application/json").status_code == 400
    assert client.post("/v1/render/eda", json={"cases": []}).status_code == 400
    assert client.post("/v1/render/eda", json={"cases": [example_case], "x": 1}).status_code == 400
    assert client.post("/v1/render/eda", data="x", content_type="text/plain").status_code == 415
    assert client.post("/v1/render/eda", json={"cases": [42]}).status_code == 422


def test_openapi_declares_both_endpoints(client) -> None:
    """/openapi.json describes the render endpoint (with resubmit) and the ledger."""
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "409" in paths["/v1/render/eda"]["post"]["responses"]
    parameters = paths["/v1/render/eda"]["post"]["parameters"]
    assert [(p["name"], p["in"], p["schema"]["type"], p["schema"]["default"]) for p in parameters] == [
        ("resubmit", "query", "boolean", False), ("preview", "query", "boolean", False)]
    assert "get" in paths["/v1/eda/ledger"]


def test_cli_writes_from_jsonl_and_refuses_duplicates(runner, tmp_path, example_case) -> None:
    """`formsvc eda CASES.jsonl -o OUT` writes OUT/ABC001.EDA; a second run exits 2, --resubmit works."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps({**example_case, "case_id": f"L-{i}"}) for i in range(5)) + "\n")
    result = runner.invoke(args=["eda", str(cases), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(parse_eda((tmp_path / "out" / "ABC001.EDA").read_bytes())["applications"]) == 5
    result = runner.invoke(args=["eda", str(cases), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "duplicate_submission" in result.output
    result = runner.invoke(args=["eda", "-o", str(tmp_path / "out"), "--resubmit", str(cases)])
    assert result.exit_code == 0 and (tmp_path / "out" / "ABC002.EDA").exists()


def test_cli_rejected_case_exits_1_with_every_objection(runner, tmp_path, example_case) -> None:
    """A rejected case prints `code path message` per objection, exits 1 and writes nothing."""
    bad = {**example_case, "case_id": "bad", "reference": "€" * 36}
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(example_case) + "\n" + json.dumps(bad) + "\n")
    result = runner.invoke(args=["eda", str(cases), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "field_too_long /1/reference" in result.output and "unsupported_character /1/reference" in result.output
    assert not (tmp_path / "out").exists()
