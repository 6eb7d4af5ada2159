"""The EDA preview used by the preview page: the real file's records, but no ID and no ledger entry."""
from __future__ import annotations

from formsvc.eda.parser import parse_eda


def test_preview_consumes_no_id_and_stores_nothing(client, example_case, app):
    """preview=true answers a parseable file with EDA-ID 000; the ledger stays empty and the next real file gets the first ID."""
    response = client.post("/v1/render/eda?preview=true", json=example_case)
    assert response.status_code == 200
    assert response.headers["X-EDA-ID"] == "000"
    assert 'filename="VORSCHAU-ABC000.EDA"' in response.headers["Content-Disposition"]
    parsed = parse_eda(response.data)
    assert len(parsed["applications"]) == 1
    assert client.get("/v1/eda/ledger").get_json() == []
    real = client.post("/v1/render/eda", json=example_case)
    assert real.status_code == 200
    assert real.headers["X-EDA-ID"] == "001"


def test_preview_of_a_rejected_case_is_422(client, example_case):
    """A preview validates like a real export: objections answer 422."""
    del example_case["debtors"][0]["salutation"]
    response = client.post("/v1/render/eda?preview=true", json=example_case)
    assert response.status_code == 422
    assert [e["code"] for e in response.get_json()["errors"]] == ["missing_salutation"]
