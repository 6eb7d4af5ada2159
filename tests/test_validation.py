"""The rule table: messages, profiles and the boundaries of the rules a lawyer would check by hand."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from formsvc.catalog import load as load_catalog
from formsvc.config import Settings
from formsvc.errors import BadParameter, CaseRejected, ConfigurationError
from formsvc.validation import ensure_valid, validate
from formsvc.validation.messages import table

from conftest import SAMPLES, load_case

VALID = SAMPLES / "valid"


def sample(stem: str) -> dict[str, Any]:
    """A valid sample by its number prefix, e.g. "07"."""
    return load_case(next(VALID.glob(f"{stem}_*.json")))


def codes(case: Any, profile: str = "court", **kwargs: Any) -> set[tuple[str, str]]:
    """The (code, path) pairs validation reports."""
    return set(validate(case, profile, **kwargs).codes())


# --- the objection table -------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(table()))
def test_every_code_has_german_and_english_messages(code: str) -> None:
    """Each code has a level, a profile and real (non-TODO) German and English texts that name the place."""
    entry = table()[code]
    assert entry["level"] in ("error", "warning") and entry["profile"] in ("letter", "court", "eda")
    for language in ("de", "en"):
        text = entry[language]
        assert "TODO" not in text and text.startswith("{where}: ") and len(text) > 60
    assert entry["de"] != entry["en"]


def test_unknown_profile_is_a_usage_error(example_case: dict[str, Any]) -> None:
    """validate() names the allowed profiles when given an unknown one."""
    with pytest.raises(BadParameter, match="letter, court, eda"):
        validate(example_case, "mahnbescheid")


def test_ensure_valid_raises_with_every_objection(example_case: dict[str, Any]) -> None:
    """ensure_valid raises CaseRejected carrying the full report; a clean case returns its warnings."""
    assert ensure_valid(example_case).ok
    del example_case["debtors"][0]["salutation"]
    del example_case["courts"]
    with pytest.raises(CaseRejected) as caught:
        ensure_valid(example_case)
    # from contract 1.1 the absent dunning court is filled in from the court tables: a warning, not an error
    assert set(caught.value.report.codes()) == {("missing_salutation", "/debtors/0/salutation"),
                                                ("dunning_court_filled_in", "/courts/dunning"),
                                                ("missing_trial_court", "/courts/trial")}


def test_profiles_nest(example_case: dict[str, Any]) -> None:
    """Court-only rules are silent for letters; letter rules apply to court and eda too."""
    example_case["debtors"][0]["address"]["street"] = "Postfach 10 11 12"
    example_case["claims"][0]["paid"] = "20000.00"
    assert codes(example_case, "letter") == {("invalid_amount", "/claims/0/paid")}
    both = {("invalid_amount", "/claims/0/paid"), ("po_box_address", "/debtors/0/address/street")}
    assert codes(example_case, "court") == both
    assert codes(example_case, "eda") == both


def test_rules_never_see_non_objects() -> None:
    """A case that is not an object gives one schema objection and nothing else."""
    for case in (None, [], "case", 42):
        report = validate(case)
        assert [o.code for o in report.objections] == ["schema_violation"]


# --- the trial court ------------------------------------------------------------------------------

@pytest.mark.parametrize("application_date, amount, court_type, objection", [
    ("2025-12-31", "5000.00", 1, False), ("2025-12-31", "5000.01", 1, True), ("2025-12-31", "5000.01", 2, False),
    ("2026-01-01", "5000.01", 1, False), ("2026-01-01", "10000.00", 1, False), ("2026-01-01", "10000.01", 1, True),
    ("2026-01-01", "10000.01", 2, False), ("2026-01-01", "9999.99", 2, True), ("2026-01-01", "50000.00", 4, True),
])
def test_amtsgericht_value_limit_by_application_date(example_case: dict[str, Any], application_date: str,
                                                      amount: str, court_type: int, objection: bool) -> None:
    """5,000 EUR before 2026, 10,000 EUR from 2026-01-01; family court (4) is not value-bound, but a craftsman's
    invoice is no family matter (the KfH and the family court: tests/test_rules_parties.py)."""
    example_case.update(application_date=application_date)
    example_case["claims"][0]["amount"] = amount
    example_case["courts"]["trial"]["type"] = court_type
    assert (("trial_court_mismatch", "/courts/trial/type") in codes(example_case)) is objection


def test_value_limit_sums_all_main_claims() -> None:
    """Three claims of 8,420 + 2,960.50 + 1,500 EUR exceed the limit together: the Landgericht is right."""
    case = sample("07")
    assert codes(case) == set()
    case["courts"]["trial"]["type"] = 1
    message = validate(case).errors[0].message_de
    assert "12.880,50 EUR" in message and "10.000,00 EUR" in message


def test_residential_rent_goes_to_the_amtsgericht_whatever_the_value() -> None:
    """Rent (no. 19/20) over 10,000 EUR stays at the Amtsgericht; the Landgericht is refused."""
    case = sample("05")
    assert sum(float(c["amount"]) for c in case["claims"]) > 10000
    assert codes(case) == set()
    case["courts"]["trial"]["type"] = 2
    assert codes(case) == {("trial_court_mismatch", "/courts/trial/type")}


def test_sozialgericht_only_for_care_insurance(example_case: dict[str, Any]) -> None:
    """Type 5 for a craftsman's invoice is refused like type 1 for a no. 95 claim."""
    example_case["courts"]["trial"]["type"] = 5
    assert codes(example_case) == {("trial_court_mismatch", "/courts/trial/type")}


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("due, application_date, warned", [
    ("2022-12-31", "2025-12-31", False), ("2022-12-31", "2026-01-01", True), ("2023-01-01", "2026-12-31", False),
])
def test_limitation_runs_three_years_from_the_end_of_the_year(example_case: dict[str, Any], due: str,
                                                              application_date: str, warned: bool) -> None:
    """§§ 195, 199 BGB: a claim due in 2022 is time-barred from 2026-01-01 (a warning, not an error)."""
    claim = example_case["claims"][0]
    claim.update(date="2022-06-01", due_date=due)
    claim["interest"]["from"] = "2023-01-02"
    example_case.update(application_date=application_date)
    report = validate(example_case, "letter")
    assert report.ok
    assert ((("statute_of_limitations", "/claims/0/due_date")) in set(report.codes())) is warned


def test_limitation_uses_the_claim_date_without_due_date(example_case: dict[str, Any]) -> None:
    """Without a due date the claim's own date starts the clock."""
    claim = example_case["claims"][0]
    claim.update(date="2021-03-01")
    del claim["due_date"], claim["interest"]
    assert codes(example_case, "letter") == {("statute_of_limitations", "/claims/0/date")}


def test_without_application_date_today_is_the_reference(example_case: dict[str, Any]) -> None:
    """A claim dated after 'today' is in the future when the case names no application date."""
    import datetime as dt

    del example_case["application_date"]
    example_case["claims"][0].update(date="2025-10-01")
    assert codes(example_case, today=dt.date(2025, 9, 30)) >= {("claim_date_in_future", "/claims/0/date")}
    assert ("claim_date_in_future", "/claims/0/date") not in codes(example_case, today=dt.date(2025, 10, 1))


@pytest.mark.parametrize("birth_date, minor", [("2008-01-20", False), ("2008-01-21", True), ("2008-02-29", True)])
def test_minor_debtor_needs_a_representative(example_case: dict[str, Any], birth_date: str, minor: bool) -> None:
    """A debtor turns 18 on the 18th birthday; before that the parents must be named."""
    example_case["debtors"][0]["birth_date"] = birth_date
    expected = {("minor_without_representative", "/debtors/0/representatives")} if minor else set()
    assert codes(example_case) == expected


# --- parties and addresses -----------------------------------------------------------------------

@pytest.mark.parametrize("street, po_box", [
    ("Postfach 10 20 30", True), ("postfach 1234", True), ("P.O. Box 77", True), ("PO Box 12", True),
    ("Postf. 4711", True), ("PF 1234", True), ("Packstation 105", True), ("Postlagernd", True),
    ("Postfachweg 3", False), ("Pfarrgasse 2", False), ("Boxhagener Straße 12", False), ("Postplatz 1", False),
])
def test_po_box_streets(example_case: dict[str, Any], street: str, po_box: bool) -> None:
    """Postfach, P.O. Box, Packstation are refused for a debtor; real street names are not."""
    example_case["debtors"][0]["address"]["street"] = street
    assert (("po_box_address", "/debtors/0/address/street") in codes(example_case)) is po_box


def test_incomplete_and_missing_addresses(example_case: dict[str, Any]) -> None:
    """No address is one objection at the address; a partial one names each missing field."""
    del example_case["debtors"][0]["address"]
    example_case["creditor"]["address"] = {"street": "Hafenstraße 12", "postal_code": " ", "city": None}
    assert codes(example_case, "letter") == {("incomplete_address", "/debtors/0/address"),
                                            ("incomplete_address", "/creditor/address/postal_code"),
                                            ("incomplete_address", "/creditor/address/city")}


def test_foreign_postal_codes_are_not_german(example_case: dict[str, Any]) -> None:
    """'1090' is refused in Germany and accepted in Austria."""
    example_case["debtors"][0]["address"].update(postal_code="1090", city="Wien")
    assert codes(example_case, "letter") == {("invalid_postal_code", "/debtors/0/address/postal_code")}
    example_case["debtors"][0]["address"]["country"] = "AT"
    assert codes(example_case, "letter") == set()


def test_company_representative_and_names(example_case: dict[str, Any]) -> None:
    """A company debtor needs a name and a legal representative with first and last name."""
    example_case["debtors"][0] = {"type": "company", "name": " ",
                                  "address": {"street": "Kanalstraße 1", "postal_code": "22085", "city": "Hamburg"}}
    example_case["creditor"]["representatives"][0]["first_name"] = ""
    assert codes(example_case) == {("missing_name", "/debtors/0/name"),
                                   ("missing_representative", "/debtors/0/representatives"),
                                   ("missing_name", "/creditor/representatives/0/first_name")}


# --- money ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, refused", [
    ("Gerichtskosten", True), ("Gerichtsgebühren Mahnverfahren", True), ("gerichts-gebuehr", True),
    ("Kosten Mahnbescheid", True), ("Verfahrensgebühr RA", True), ("Gebühr nach VV 3305", True),
    ("Fahrtkosten", False), ("Kontoführungsgebühr", False), ("Auskunft Einwohnermeldeamt", False),
])
def test_court_cost_labels(example_case: dict[str, Any], label: str, refused: bool) -> None:
    """Labels naming the court's or the procedure's own fees are refused, ordinary costs are not."""
    example_case["costs"]["other_expenses"] = {"label": label, "amount": "12.00"}
    assert (("court_costs_not_allowed", "/costs/other_expenses/label") in codes(example_case)) is refused


def test_cost_label_and_amount_go_together(example_case: dict[str, Any]) -> None:
    """A label without amount and an amount without label are both reported; zero counts as no amount."""
    example_case["costs"]["other"] = {"label": "Fahrtkosten", "amount": "0.00"}
    example_case["costs"]["other_expenses"] = {"label": None, "amount": "3.50"}
    assert codes(example_case) == {("cost_label_required", "/costs/other/amount"),
                                   ("cost_label_required", "/costs/other_expenses/label")}


@pytest.mark.parametrize("rate, excluded", [("13.62", False), ("13.621", True)])
def test_consumer_credit_rate_limit_uses_the_base_rate_at_contract_date(rate: str, excluded: bool) -> None:
    """Base rate 1.62 % on 2023-05-15: 13.62 % is the last rate the Mahnverfahren allows."""
    case = sample("09")
    case["claims"][0]["consumer_credit"]["effective_rate"] = rate
    assert (("consumer_credit_rate_excluded", "/claims/0/consumer_credit/effective_rate") in codes(case)) is excluded


def test_consumer_credit_details_only_against_consumers() -> None:
    """A loan claim against a company needs no consumer credit details."""
    case = sample("09")
    del case["claims"][0]["consumer_credit"]
    assert codes(case) == {("consumer_credit_details_required", "/claims/0/consumer_credit")}
    case["debtors"][0]["is_consumer"] = False
    assert codes(case) == set()


def test_interest_points_for_consumers_and_companies(example_case: dict[str, Any]) -> None:
    """9 points: a warning against a consumer, fine against a company; 9.5 points: an error for both."""
    example_case["claims"][0]["interest"]["rate"] = "9"
    report = validate(example_case)
    assert report.ok and report.codes() == [("consumer_interest_above_statutory", "/claims/0/interest/rate")]
    example_case["debtors"][0]["is_consumer"] = False
    assert codes(example_case) == set()
    example_case["claims"][0]["interest"]["rate"] = "9.5"
    assert codes(example_case) == {("interest_rate_too_high", "/claims/0/interest/rate")}
    example_case["claims"][0]["interest"]["above_base_rate"] = False
    assert codes(example_case) == set()


def test_bank_accounts_of_creditor_and_attorney(example_case: dict[str, Any]) -> None:
    """IBANs with spaces are fine; a wrong checksum or a malformed BIC is named at its field."""
    example_case["creditor"]["bank_account"].update(iban="DE89 3704 0044 0532 0130 00", bic="COBADEF")
    example_case["attorney"] = {"kind": 4, "name": "Frau Petra Beistand",
                                "address": {"street": "Jungfernstieg 1", "postal_code": "20354", "city": "Hamburg"},
                                "bank_account": {"iban": "DE89370400440532013001"}}
    assert codes(example_case, "letter") == {("invalid_bank_account", "/creditor/bank_account/bic"),
                                            ("invalid_bank_account", "/attorney/bank_account/iban")}


# --- the catalogue -------------------------------------------------------------------------------

def test_shipped_catalogue_holds_only_confirmed_numbers() -> None:
    """The catalogue has the numbers domain.md and seed 002 confirm, each with label and source."""
    catalog = load_catalog()
    assert set(catalog.entries) == {*range(1, 18), 19, 20, 24, 28, 70, 77, 83, 90, 95}
    assert all(e.label and e.source for e in catalog.entries.values())
    assert {no for no, e in catalog.entries.items() if e.trial_court == "any_value_amtsgericht"} == {19, 20, 90}
    assert {no for no, e in catalog.entries.items() if e.trial_court == "sozialgericht"} == {95}
    assert {no for no, e in catalog.entries.items() if "object_location" in e.requires} == {17, 19, 20, 90}
    assert catalog.get(28).requires == {"contract_type"} and catalog.get(70).requires == {"period"}


def test_a_deployment_catalogue_replaces_the_shipped_one(example_case: dict[str, Any], tmp_path: Path) -> None:
    """FORMSVC_CATALOG_PATH: numbers and requirements come from the configured file."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"source": "court list 2026", "entries": [
        {"no": 8, "label": "Handwerkerleistung", "requires": ["period"], "source": "court"},
        {"no": 58, "label": "Sonstiges", "source": "court"}]}), encoding="utf-8")
    settings = Settings.from_mapping({"CATALOG_PATH": str(path)}, tmp_path)
    assert codes(example_case, settings=settings) == {("period_required", "/claims/0/period_end")}
    example_case["claims"][0]["catalog_no"] = 11
    assert ("unknown_catalog_no", "/claims/0/catalog_no") in codes(example_case, settings=settings)


def test_a_broken_catalogue_file_is_a_configuration_error(tmp_path: Path) -> None:
    """A replacement catalogue with an unknown requirement is refused with the entry named."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"entries": [{"no": 8, "label": "Handwerk", "requires": ["objekt"]}]}), encoding="utf-8")
    settings = Settings.from_mapping({"CATALOG_PATH": str(path)}, tmp_path)
    with pytest.raises(ConfigurationError, match="no. 8"):
        load_catalog(settings)
