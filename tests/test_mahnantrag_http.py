"""The Mahnbescheid application over HTTP and on the command line."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader

from tests.conftest import SPEC

EXAMPLE = SPEC / "case-example.json"


def test_post_returns_an_editable_pdf_named_by_case_id(client, example_case):
    """POST /v1/render/mahnantrag answers a PDF with filled fields and a file name from the case id only."""
    response = client.post("/v1/render/mahnantrag", json=example_case)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="mahnantrag-2026-000042.pdf"'
    assert json.loads(response.headers["Formsvc-Warnings"]) == []
    fields = PdfReader(io.BytesIO(response.data)).get_fields()
    assert fields["hf1_betrag"]["/V"] == "10.000,00"


def test_flatten_true_burns_the_values_in(client, example_case):
    """?flatten=true gives a PDF without form fields whose text holds the values."""
    response = client.post("/v1/render/mahnantrag?flatten=true", json=example_case)
    reader = PdfReader(io.BytesIO(response.data))
    assert response.status_code == 200 and not reader.get_fields()
    assert "Zahlmann" in reader.pages[0].extract_text()


def test_html_format(client, example_case):
    """?format=html answers the HTML preview with the filled inputs."""
    response = client.post("/v1/render/mahnantrag?format=html", json=example_case)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'value="Muster Bau GmbH"' in response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].endswith('filename="mahnantrag-2026-000042.html"')


def test_court_objection_is_422_without_pdf(client, example_case):
    """A case without a dunning court the tables can decide is rejected with 422 problem+json; no PDF."""
    del example_case["courts"]["dunning"]
    example_case["creditor"]["address"]["postal_code"] = "22145"  # Hamburg / Schleswig-Holstein: not decided
    response = client.post("/v1/render/mahnantrag", json=example_case)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert ("missing_dunning_court", "/courts/dunning") in [(e["code"], e["path"]) for e in body["errors"]]
    assert not response.data.startswith(b"%PDF")


def test_warnings_travel_in_a_header(client, example_case):
    """A case with a warning is rendered and the warning code is listed in Formsvc-Warnings."""
    example_case["debtors"][0]["representatives"] = [
        {"role": "Mutter", "first_name": "Ina", "last_name": "Zahlmann",
         "address": {"street": "Eulenweg 4", "postal_code": "22145", "city": "Hamburg"}},
        {"role": "Vater", "first_name": "Udo", "last_name": "Zahlmann",
         "address": {"street": "Eulenweg 4", "postal_code": "22145", "city": "Hamburg"}}]
    response = client.post("/v1/render/mahnantrag", json=example_case)
    assert response.status_code == 200
    assert "representative_not_on_form" in json.loads(response.headers["Formsvc-Warnings"])


def test_bad_query_parameter_is_400(client, example_case):
    """An unknown format or flatten value is a clear 400, not a 500."""
    assert client.post("/v1/render/mahnantrag?format=docx", json=example_case).status_code == 400
    response = client.post("/v1/render/mahnantrag?flatten=maybe", json=example_case)
    assert response.status_code == 400 and "flatten" in response.get_json()["detail"]


def test_endpoint_is_in_openapi(client):
    """The endpoint is described in /openapi.json with its query parameters."""
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/v1/render/mahnantrag"]["post"]
    declared = {p["name"]: (p["in"], p["schema"]["type"], p["schema"].get("default")) for p in operation["parameters"]}
    assert declared == {"format": ("query", "string", "pdf"), "flatten": ("query", "string", "false")}
    schemas = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert schemas["format"]["enum"] == ["pdf", "html"]
    assert {"true", "false"} <= set(schemas["flatten"]["enum"])  # every word the parser takes is declared


def test_cli_writes_the_pdf(runner, tmp_path):
    """`formsvc render mahnantrag CASE -o out.pdf` writes a filled PDF and exits 0."""
    out = tmp_path / "antrag.pdf"
    result = runner.invoke(args=["render", "mahnantrag", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert PdfReader(str(out)).get_fields()["ag1_nachname"]["/V"] == "Zahlmann"


def test_cli_flatten_and_html(runner, tmp_path):
    """--flatten writes a PDF without fields; --format html writes the HTML preview."""
    flat, html = tmp_path / "flat.pdf", tmp_path / "antrag.html"
    assert runner.invoke(args=["render", "mahnantrag", str(EXAMPLE), "-o", str(flat), "--flatten"]).exit_code == 0
    assert not PdfReader(str(flat)).get_fields()
    assert runner.invoke(args=["render", "mahnantrag", str(EXAMPLE), "-o", str(html), "--format", "html"]).exit_code == 0
    assert 'name="hf1_betrag"' in html.read_text(encoding="utf-8")


def test_cli_rejected_case_exits_1_and_writes_nothing(runner, tmp_path):
    """A rejected case prints the objection, exits 1 and leaves no output file."""
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del case["courts"]["dunning"]
    case["creditor"]["address"]["postal_code"] = "22145"  # the court tables cannot fill the court in
    work = tmp_path / "work"
    work.mkdir()
    source, out = work / "case.json", work / "antrag.pdf"
    source.write_text(json.dumps(case), encoding="utf-8")
    result = runner.invoke(args=["render", "mahnantrag", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert "missing_dunning_court" in result.output
    assert not out.exists() and list(work.iterdir()) == [source]
