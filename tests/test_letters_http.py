"""The letter endpoint and the ``formsvc render letter`` command."""
from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from formsvc.letters.options import LANGUAGES, PDF_VARIANTS


def test_post_letter_gives_pdf_with_safe_filename(client, example_case):
    """PDF by default, a filename from case id and level only, and an empty warning list."""
    response = client.post("/v1/render/letter", json=example_case)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="letter-2026-000042-level1.pdf"'
    assert json.loads(response.headers["Formsvc-Warnings"]) == []
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Zahlungserinnerung" in text


def test_query_parameters_win_over_the_case(client, example_case):
    """tone/level/language in the query override case.letter and case.language."""
    response = client.post("/v1/render/letter?tone=firm&level=3&language=en", json=example_case)
    assert response.status_code == 200
    assert "level3" in response.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Final notice before legal action" in text
    assert "This is our final demand." in text


def test_html_preview(client, example_case):
    """format=html answers text/html with the letter and a restrictive CSP."""
    response = client.post("/v1/render/letter?format=html&language=fr", json=example_case)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Monsieur," in response.get_data(as_text=True)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_rejected_case_gives_422_and_no_document(client, example_case):
    """A person without salutation is a 422 problem naming code and path."""
    del example_case["debtors"][0]["salutation"]
    response = client.post("/v1/render/letter", json=example_case)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert ("missing_salutation", "/debtors/0/salutation") in [(e["code"], e["path"]) for e in errors]


def test_bad_query_parameter_is_400(client, example_case):
    """An unknown tone is a 400 problem that names the parameter."""
    response = client.post("/v1/render/letter?tone=rude", json=example_case)
    assert response.status_code == 400
    assert "tone" in response.get_json()["detail"]


def test_base_rate_assumed_warning_header(client, example_case):
    """Interest past the base-rate table's end is computed and flagged in Formsvc-Warnings."""
    example_case["letter"]["date"] = "2026-09-01"
    response = client.post("/v1/render/letter", json=example_case)
    assert response.status_code == 200
    assert json.loads(response.headers["Formsvc-Warnings"]) == ["base_rate_assumed"]


def test_openapi_declares_the_endpoint(client):
    """/openapi.json documents POST /v1/render/letter with its query parameters."""
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/v1/render/letter"]["post"]
    declared = {p["name"]: (p["in"], p["schema"]["type"], p["schema"].get("enum")) for p in operation["parameters"]}
    assert declared == {
        "tone": ("query", "string", ["friendly", "firm"]),
        "level": ("query", "integer", [1, 2, 3]),
        "language": ("query", "string", list(LANGUAGES)),
        "format": ("query", "string", ["pdf", "html"]),
        "pdf_variant": ("query", "string", list(PDF_VARIANTS)),
    }


@pytest.mark.parametrize("path", ["/v1/render/letter", "/v1/batch/letters", "/v1/jobs/letters"])
def test_integer_query_parameters_are_read_as_integers(client, example_case, path):
    """What the description declares an integer (level) is accepted as one and refused otherwise, naming
    the parameter."""
    spec = client.get("/openapi.json").get_json()
    level = next(p for p in spec["paths"][path]["post"]["parameters"] if p["name"] == "level")
    assert level["schema"]["type"] == "integer" and level["schema"]["enum"] == [1, 2, 3]
    bad = client.post(f"{path}?level=two", json=example_case if path.endswith("/letter") else [example_case])
    assert bad.status_code == 400 and "'level'" in bad.get_json()["detail"]


def test_cli_renders_letter(runner, tmp_path, example_case):
    """`formsvc render letter CASE -o out.pdf --level 2` writes a PDF and exits 0."""
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(example_case), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=["render", "letter", str(case_file), "-o", str(out), "--level", "2",
                                 "--language", "nl"])
    assert result.exit_code == 0, result.output
    assert "Aanmaning" in PdfReader(str(out)).pages[0].extract_text()


def test_cli_rejected_case_exits_1_without_file(runner, tmp_path, example_case):
    """A rejected case prints the objection, exits 1 and leaves no file behind."""
    del example_case["debtors"][0]["salutation"]
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(example_case), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=["render", "letter", str(case_file), "-o", str(out)])
    assert result.exit_code == 1
    assert "missing_salutation /debtors/0/salutation" in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".out", "out"))]  # no temp file either
