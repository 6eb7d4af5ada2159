"""Edges of the contract 1.1 interest and cost rules (formsvc/validation/interest_cost_rules.py).

Due today vs tomorrow, interest start on and after the due date, the base-rate change on
2025-07-01, the 5/9-point bands, every row of the RVG fee table that was read in its source,
the fee table's step boundaries and versions, and the collection cap exactly at its limit.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from formsvc import resources
from formsvc.validation import validate
from formsvc.validation.interest_cost_rules import cost_tables

from conftest import SAMPLES, load_case

VALID = SAMPLES / "valid"
NEW_CODES = {"claim_not_yet_due", "counter_performance_outstanding", "interest_start_in_future",
             "base_rate_points_with_mode", "interest_before_due_date", "b2b_rate_not_applicable",
             "fixed_rate_implausible", "collection_and_lawyer_costs", "collection_costs_above_cap",
             "dunning_fee_implausible"}


def sample(stem: str) -> dict[str, Any]:
    """A valid sample by its number prefix, e.g. "01"."""
    return load_case(next(VALID.glob(f"{stem}_*.json")))


def found(case: Any, profile: str = "court", **kwargs: Any) -> set[tuple[str, str]]:
    """The (code, path) pairs of this module's codes that validation reports."""
    return {pair for pair in validate(case, profile, **kwargs).codes() if pair[0] in NEW_CODES}


def consumer_case() -> dict[str, Any]:
    """Sample 01: company creditor, consumer debtor, 1,486.40 EUR with 200.00 paid, applied 2026-01-20."""
    return sample("01")


def business_case() -> dict[str, Any]:
    """Sample 10: company against company, business rent (no. 17), 9 points, applied 2026-01-20."""
    return sample("10")


# --- due date, counter-performance -----------------------------------------------------------------

@pytest.mark.parametrize(("due", "expected"), [("2026-01-19", False), ("2026-01-20", False), ("2026-01-21", True)])
def test_claim_due_on_the_application_day_is_due(due: str, expected: bool) -> None:
    """Due on the application day: fine; due the day after: not yet due (court only)."""
    case = consumer_case()
    case["claims"][0]["due_date"] = due
    case["claims"][0]["interest"].pop("from")
    pair = ("claim_not_yet_due", "/claims/0/due_date")
    assert (pair in found(case)) is expected
    assert pair not in found(case, "letter")


def test_claim_not_yet_due_defaults_to_today() -> None:
    """Without application_date the reference day is today (Europe/Berlin), here passed in."""
    case = consumer_case()
    del case["application_date"]
    case["claims"][0]["due_date"] = "2026-03-02"
    case["claims"][0]["interest"].pop("from")
    assert ("claim_not_yet_due", "/claims/0/due_date") in found(case, today=dt.date(2026, 3, 1))
    assert ("claim_not_yet_due", "/claims/0/due_date") not in found(case, today=dt.date(2026, 3, 2))


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("none", False), ("rendered", False),
                                                  ("outstanding", True)])
def test_counter_performance(value: str | None, expected: bool) -> None:
    """Only an outstanding counter-performance blocks the Mahnverfahren (§ 688 Abs. 2 Nr. 2 ZPO)."""
    case = consumer_case()
    if value is not None:
        case["counter_performance"] = value
    assert (("counter_performance_outstanding", "/counter_performance") in found(case)) is expected


# --- interest start ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "expected"), [("2026-01-20", False), ("2026-01-21", True)])
def test_interest_start_on_the_application_day(start: str, expected: bool) -> None:
    """Interest may start on the application day, not after it."""
    case = consumer_case()
    case["claims"][0]["interest"]["from"] = start
    assert (("interest_start_in_future", "/claims/0/interest/from") in found(case)) is expected


@pytest.mark.parametrize(("start", "expected"), [("2025-10-27", True), ("2025-10-28", True), ("2025-10-29", False)])
def test_interest_from_the_day_after_the_due_date(start: str, expected: bool) -> None:
    """Due 2025-10-28: interest from 10-29 is fine, from 10-28 or earlier is warned for letters too."""
    case = consumer_case()
    case["claims"][0]["interest"]["from"] = start
    pair = ("interest_before_due_date", "/claims/0/interest/from")
    assert (pair in found(case, "letter")) is expected
    assert (pair in found(case, "court")) is expected


def test_interest_before_due_date_needs_both_dates() -> None:
    """No due date or no interest start: nothing to compare."""
    case = consumer_case()
    case["claims"][0]["interest"]["from"] = "2025-10-01"
    del case["claims"][0]["due_date"]
    assert not found(case, "letter")


@pytest.mark.parametrize(("above", "mode", "expected"), [(True, 1, False), (True, None, False), (True, 2, True),
                                                          (True, 3, True), (False, 2, False), (None, 3, False)])
def test_base_rate_points_need_the_yearly_mode(above: bool | None, mode: int | None, expected: bool) -> None:
    """Points above the base rate only with mode 1 (or no mode, the default)."""
    case = business_case()
    interest = case["claims"][0]["interest"]
    interest.update({"above_base_rate": above, "mode": mode, "rate": "5" if above else "0.5"})
    assert (("base_rate_points_with_mode", "/claims/0/interest/mode") in found(case)) is expected


# --- § 288 Abs. 2 BGB -------------------------------------------------------------------------------

def _damages(case: dict[str, Any]) -> dict[str, Any]:
    claim = case["claims"][0]
    claim.update({"catalog_no": 28, "contract_type": "Mietvertrag"})
    claim.pop("object", None)
    return case


@pytest.mark.parametrize(("points", "expected"), [("5", set()), ("5.01", {"b2b_rate_not_applicable"}),
                                                  ("9", {"b2b_rate_not_applicable"}), ("9.01", set())])
def test_b2b_points_band_for_damages(points: str, expected: set[str]) -> None:
    """Damages between companies: 5 points fine, above 5 up to 9 warned; above 9 is interest_rate_too_high alone."""
    case = _damages(business_case())
    case["claims"][0]["interest"]["rate"] = points
    report = validate(case, "court")
    assert {code for code, _ in found(case)} == expected
    assert ("interest_rate_too_high" in {o.code for o in report.errors}) is (points == "9.01")


def test_b2b_payment_claim_between_companies_is_fine() -> None:
    """Business rent (no. 17) between companies at 9 points: § 288 Abs. 2 BGB applies."""
    assert not found(business_case())


def test_b2b_consumer_creditor() -> None:
    """A person creditor is a consumer by the contract's defaults: 9 points against a company is warned."""
    case = load_case(SAMPLES / "invalid" / "co_creditor_not_person.json")
    case["co_creditor"] = None
    case["claims"][0]["interest"]["rate"] = "9"
    report = validate(case, "court")
    assert ("b2b_rate_not_applicable", "/claims/0/interest/rate") in set(report.codes())
    text = next(o for o in report.warnings if o.code == "b2b_rate_not_applicable").message_de
    assert "Verbraucher" in text and "5 Prozentpunkte" in text


def test_b2b_consumer_debtor_is_reported_once() -> None:
    """A consumer debtor is consumer_interest_above_statutory's case, not reported twice."""
    case = _damages(consumer_case())
    case["claims"][0]["interest"]["rate"] = "9"
    codes = set(validate(case, "court").codes())
    assert ("consumer_interest_above_statutory", "/claims/0/interest/rate") in codes
    assert ("b2b_rate_not_applicable", "/claims/0/interest/rate") not in codes


def test_b2b_other_claim_is_not_judged() -> None:
    """A claim without catalogue number cannot be classified: no warning."""
    case = business_case()
    claim = case["claims"][0]
    claim.update({"catalog_no": None, "other_claim": "Vertragsstrafe aus Rahmenvertrag vom 01.03.2025"})
    claim.pop("object", None)
    assert not found(case)


def test_non_payment_list_is_data_with_a_source() -> None:
    """The catalogue-independent list lives in validation_rules.json with a source per the brief."""
    raw = resources.data("validation_rules.json")["interest_and_costs"]["non_payment_claims"]
    assert raw["source"] and {e["no"] for e in raw["catalog_nos"]} == set(cost_tables().non_payment_nos) >= {28}


# --- fixed rate against a consumer ------------------------------------------------------------------

@pytest.mark.parametrize(("start", "rate", "expected"), [
    ("2025-06-30", "7.27", False),   # base rate 2.27 until 2025-06-30: limit 7.27
    ("2025-06-30", "7.28", True),
    ("2025-07-01", "7.27", True),    # base rate 1.27 from 2025-07-01: limit 6.27
    ("2025-07-01", "6.27", False),
    ("2025-07-01", "6.28", True),
])
def test_fixed_rate_at_the_base_rate_boundary(start: str, rate: str, expected: bool) -> None:
    """The limit is the base rate on the interest start plus 5 points; exactly the limit is fine."""
    case = consumer_case()
    claim = case["claims"][0]
    claim.update({"date": "2025-06-01", "due_date": "2025-06-15"})
    claim["interest"] = {"rate": rate, "above_base_rate": False, "mode": 1, "from": start}
    pair = ("fixed_rate_implausible", "/claims/0/interest/rate")
    assert (pair in found(case, "letter")) is expected


def test_fixed_rate_message_names_the_base_rate() -> None:
    """The message gives base rate and limit in German and English number format."""
    case = load_case(SAMPLES / "invalid" / "fixed_rate_implausible.json")
    warning = validate(case, "letter").warnings[0]
    assert "1,27 %" in warning.message_de and "6,27 %" in warning.message_de
    assert "1.27 %" in warning.message_en and "6.27 %" in warning.message_en


@pytest.mark.parametrize("change", ["company_debtor", "monthly", "above_base_rate"])
def test_fixed_rate_only_yearly_against_consumers(change: str) -> None:
    """Not judged: a non-consumer debtor, a monthly/daily rate, points above the base rate."""
    case = consumer_case()
    case["claims"][0]["interest"] = {"rate": "12", "above_base_rate": False, "mode": 1, "from": "2025-10-29"}
    if change == "company_debtor":
        case["debtors"][0]["is_consumer"] = False
    elif change == "monthly":
        case["claims"][0]["interest"]["mode"] = 2
    else:
        case["claims"][0]["interest"].update({"above_base_rate": True, "rate": "5"})
    assert not {p for p in found(case, "letter") if p[0] == "fixed_rate_implausible"}


def test_fixed_rate_without_start_uses_the_application_date() -> None:
    """No interest start (from service): compared with the base rate on the application date."""
    case = consumer_case()
    case["claims"][0]["interest"] = {"rate": "6.28", "above_base_rate": False, "mode": 1}
    assert ("fixed_rate_implausible", "/claims/0/interest/rate") in found(case, "letter")
    case["claims"][0]["interest"]["rate"] = "6.27"
    assert not found(case, "letter")


# --- the RVG fee table ------------------------------------------------------------------------------

VERSIONS = resources.data("rvg_fees.json")["versions"]


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v["valid_from"])
def test_fee_steps_reproduce_every_row_read(version: dict[str, Any]) -> None:
    """Each Anlage 2 row read in the source comes out of the § 13 Abs. 1 steps."""
    table = cost_tables().fee_table(dt.date.fromisoformat(version["valid_from"]))
    assert len(version["checkpoints"]) >= 35 and version["source"] and version["verified"]
    for value, fee in version["checkpoints"].items():
        assert table.fee(Decimal(value)) == Decimal(fee), value


@pytest.mark.parametrize(("value", "fee"), [
    ("0.01", "51.50"), ("500.00", "51.50"), ("500.01", "93.00"), ("2000.00", "176.00"), ("2000.01", "235.50"),
    ("10000.00", "652.00"), ("10000.01", "707.00"), ("25000.01", "1013.00"), ("200000.01", "2492.00"),
    ("500000.00", "3752.00"), ("500000.01", "3927.00"), ("550000.00", "3927.00"), ("550000.01", "4102.00"),
])
def test_fee_table_2025_step_boundaries(value: str, fee: str) -> None:
    """Every started step adds the band's increase: one cent over a row is the next row."""
    assert cost_tables().fee_table(dt.date(2025, 6, 1)).fee(Decimal(value)) == Decimal(fee)


@pytest.mark.parametrize(("day", "first_fee"), [(dt.date(2019, 5, 1), "49.00"), (dt.date(2025, 5, 31), "49.00"),
                                                (dt.date(2025, 6, 1), "51.50"), (dt.date(2026, 1, 20), "51.50")])
def test_fee_table_by_application_date(day: dt.date, first_fee: str) -> None:
    """The KostBRÄG 2025 table from 2025-06-01, the 2021 table before (and for older days)."""
    assert cost_tables().fee_table(day).fee(Decimal("100")) == Decimal(first_fee)


@pytest.mark.parametrize(("value", "day", "fee"), [
    ("50.00", dt.date(2025, 6, 1), "30.50"), ("50.01", dt.date(2025, 6, 1), "51.50"),
    ("50.00", dt.date(2025, 5, 31), "30.00"), ("50.00", dt.date(2021, 9, 30), "49.00"),
])
def test_undisputed_small_claims(value: str, day: dt.date, fee: str) -> None:
    """§ 13 Abs. 2 RVG: collecting an undisputed claim of at most 50 EUR (from 2021-10-01)."""
    assert cost_tables().fee_table(day).collection_fee(Decimal(value), day) == Decimal(fee)


# --- collection costs -------------------------------------------------------------------------------

def _collection(case: dict[str, Any], amount: str) -> dict[str, Any]:
    case["costs"] = {"dunning": "5.00", "collection": amount}
    return case


@pytest.mark.parametrize(("amount", "expected"), [("141.05", False), ("141.06", True)])
def test_collection_cap_exactly_at_the_limit(amount: str, expected: bool) -> None:
    """Open 1,286.40 EUR: 0.9 x 134.50 = 121.05 + 20.00 (20 % capped) = 141.05 EUR is allowed, a cent more is not."""
    case = _collection(consumer_case(), amount)
    assert (("collection_costs_above_cap", "/costs/collection") in found(case)) is expected
    assert not found(case, "letter")


@pytest.mark.parametrize(("application_date", "cap"), [
    ("2025-06-01", "141.05"),   # KostBRÄG 2025 table, 0.9
    ("2025-05-31", "134.30"),   # 2021 table: 0.9 x 127.00 = 114.30 + 20.00
    ("2021-10-01", "134.30"),
    ("2021-09-30", "185.10"),   # before VV 2300 Anm. Abs. 2: 1.3 x 127.00 = 165.10 + 20.00
])
def test_collection_cap_by_application_date(application_date: str, cap: str) -> None:
    """Fee table and rate follow the application date."""
    limit = Decimal(cap)
    for amount, expected in ((limit, False), (limit + Decimal("0.01"), True)):
        case = _collection(consumer_case(), str(amount))
        case["application_date"] = application_date
        for claim in case["claims"]:  # keep the claim in the past of that day
            claim.update({"date": "2021-06-01", "due_date": "2021-06-15"})
            claim["interest"]["from"] = "2021-06-16"
        assert (("collection_costs_above_cap", "/costs/collection") in found(case)) is expected, amount


def test_collection_cap_counts_only_what_is_open() -> None:
    """The value is amount - paid; given as payments, their sum."""
    case = _collection(consumer_case(), "141.05")
    claim = case["claims"][0]
    del claim["paid"]  # 1,486.40 open: still within 1,500 -> the same cap
    assert not found(case)
    claim["amount"] = "1500.01"  # into the next step: 0.9 x 176.00 = 158.40 + 20.00
    case["costs"]["collection"] = "178.40"
    assert not found(case)
    case["costs"]["collection"] = "178.41"
    assert found(case) == {("collection_costs_above_cap", "/costs/collection")}
    claim["payments"] = [{"date": "2025-11-10", "amount": "100.00"}, {"date": "2025-12-10", "amount": "100.01"}]
    case["costs"]["collection"] = "141.06"  # 1,300.00 open again
    assert found(case) == {("collection_costs_above_cap", "/costs/collection")}


def test_collection_cap_with_vat_when_no_input_tax_deduction() -> None:
    """VAT belongs to the cap only when the creditor cannot deduct it: 141.05 x 1.19 = 167.85."""
    case = _collection(consumer_case(), "167.85")
    assert found(case) == {("collection_costs_above_cap", "/costs/collection")}
    case["attorney"] = {"kind": 3, "name": "Rechtsbeistand Hannelore Öhlmann",
                        "address": {"street": "Jungfernstieg 1", "postal_code": "20354", "city": "Hamburg"},
                        "no_input_tax_deduction": True}
    assert not found(case)
    case["costs"]["collection"] = "167.86"
    warning = next(o for o in validate(case, "court").warnings if o.code == "collection_costs_above_cap")
    assert "167,85 EUR" in warning.message_de and "zuzüglich Umsatzsteuer" in warning.message_de
    assert "EUR 167.85" in warning.message_en and "1.286,40 EUR" in warning.message_de


def test_collection_cap_small_claim() -> None:
    """At most 50 EUR open: 0.9 x 30.50 = 27.45 + 5.49 = 32.94 EUR."""
    case = consumer_case()
    claim = case["claims"][0]
    claim.update({"amount": "50.00", "paid": "0.00"})
    case["courts"]["trial"]["type"] = 1
    for amount, expected in (("32.94", False), ("32.95", True)):
        case["costs"] = {"collection": amount}
        assert (("collection_costs_above_cap", "/costs/collection") in found(case)) is expected


@pytest.mark.parametrize(("collection", "lawyer", "expected"), [
    ("55.62", "0.00", False), ("55.62", None, False), (None, "194.85", False), ("0", "194.85", False),
    ("55.62", "194.85", True),
])
def test_collection_and_lawyer_costs(collection: str | None, lawyer: str | None, expected: bool) -> None:
    """Only two positive amounts are a double charge (§ 13f RDG)."""
    case = consumer_case()
    case["costs"] = {k: v for k, v in (("collection", collection), ("lawyer_out_of_court", lawyer)) if v is not None}
    assert (("collection_and_lawyer_costs", "/costs/collection") in found(case)) is expected


# --- reminder costs ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "expected"), [("2.50", False), ("10.00", False), ("10.01", True)])
def test_dunning_fee_threshold(amount: str, expected: bool) -> None:
    """Up to 10.00 EUR of reminder costs are not questioned; a cent more is."""
    case = consumer_case()
    case["costs"]["dunning"] = amount
    assert (("dunning_fee_implausible", "/costs/dunning") in found(case)) is expected


def test_thresholds_are_data_with_sources() -> None:
    """The caps come from validation_rules.json, each with a source."""
    section = resources.data("validation_rules.json")["interest_and_costs"]
    for key in ("collection_costs", "dunning_costs", "non_payment_claims"):
        assert section[key]["source"]
    assert cost_tables().dunning_threshold == Decimal(section["dunning_costs"]["threshold"])


def test_new_rules_never_crash_on_wrong_types() -> None:
    """Mistyped parts are the schema's business; the rules skip them."""
    case = consumer_case()
    case["costs"] = {"collection": "abc", "dunning": True, "lawyer_out_of_court": []}
    case["claims"][0]["interest"] = {"rate": None, "above_base_rate": "yes", "mode": "2", "from": 5}
    case["claims"][0]["due_date"] = 20260101
    case["counter_performance"] = ["outstanding"]
    case["claims"][0]["payments"] = "none"
    assert not found(case)
