"""The service starts with no configuration and validates the contract's example."""


def test_example_case_is_valid(client, example_case):
    """The spec's example case passes court validation over HTTP."""
    response = client.post("/v1/validate", json=example_case)
    assert response.status_code == 200
    assert response.get_json() == {"valid": True, "warnings": []}


def test_missing_salutation_is_rejected(client, example_case):
    """Removing the debtor's Anrede gives 422 with the exact code and path."""
    del example_case["debtors"][0]["salutation"]
    response = client.post("/v1/validate", json=example_case)
    assert response.status_code == 422
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert [(e["code"], e["path"]) for e in body["errors"]] == [("missing_salutation", "/debtors/0/salutation")]
