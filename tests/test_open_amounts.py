"""Only what is open, everywhere: the letter, the application and the EDA file claim the same figures.

Each valid sample is rendered three times — the letter as HTML (its itemised
table read back with lxml), the application as PDF (its AcroForm fields read back
with pypdf) and the EDA file (parsed back with the layout) — and the open amount
and interest start of every claim are compared figure by figure with each other
and with the claim account. The claim account itself is checked against figures
worked out by hand (§ 367 BGB, § 497 Abs. 3 BGB).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from formsvc import formatting as fmt
from formsvc.claim_account import account
from formsvc.config import Settings
from formsvc.eda.parser import parse_eda
from formsvc.eda.writer import write_eda
from formsvc.letters import i18n, options_from, render_letter
from formsvc.mahnantrag import render as render_application
from formsvc.validation import validate
from tests.conftest import SPEC, load_case, valid_sample_paths

CASE_PATHS = [SPEC / "case-example.json", *valid_sample_paths()]
SETTINGS = Settings.from_mapping({"EDA_SENDER_ID": "12345678", "EDA_PREFIX": "ABC"}, "instance")
PAYMENTS_SAMPLE = next(p for p in valid_sample_paths() if p.name.startswith("16_"))


def letter_open_column(case: dict[str, Any]) -> list[str]:
    """The "Open" cells of the letter's claim table, as printed (HTML preview)."""
    letter = render_letter(case, options_from(case, {"format": "html"}))
    tree = lxml_html.fromstring(letter.data)
    rows = tree.xpath('//table[@class="items"]/tbody/tr[not(@class)]')
    return [row.xpath("./td")[-1].text_content().strip() for row in rows]


def application_fields(case: dict[str, Any]) -> dict[str, str]:
    """The application's text fields as a PDF reader sees them."""
    reader = PdfReader(io.BytesIO(render_application(case).data))
    return {name: str(field.get("/V") or "") for name, field in reader.get_fields().items()}


def eda_application(case: dict[str, Any]) -> dict[str, Any]:
    """The one application of an EDA file written for ``case``, parsed back."""
    out = io.BytesIO()
    write_eda(iter([case]), out, eda_id=1, created=dt.date(2026, 1, 20), settings=SETTINGS)
    return parse_eda(out.getvalue())["applications"][0]


@pytest.mark.parametrize("path", CASE_PATHS, ids=lambda p: p.stem)
def test_letter_application_and_eda_claim_the_same_open_amounts(path: Path) -> None:
    """Per claim: letter "open" = hfN_betrag = EDA amount = amount − what the payments credited to it."""
    case = load_case(path)
    language = options_from(case).language
    booked = [account(claim) for claim in case["claims"]]
    fields = application_fields(case)
    eda = eda_application(case)
    assert letter_open_column(case) == [i18n.money(b.open, language) for b in booked]
    assert [fields[f"hf{n}_betrag"] for n in range(1, len(booked) + 1)] == [fmt.amount_de(b.open) for b in booked]
    assert [record["amount"] for record in eda["main_claim"]] == [b.open for b in booked]
    interest = {record["claim_no"]: record for record in eda.get("main_claim_interest") or []}
    for n, claim in enumerate(case["claims"], start=1):
        if claim.get("interest"):
            assert fields[f"hf{n}_zins_ab"] == fmt.date_de(interest[n]["from"])
    total_open = sum((b.open for b in booked), Decimal("0.00"))
    assert eda["main_claim"] and sum(r["amount"] for r in eda["main_claim"]) == total_open


def test_sample_01_claims_the_open_1286_40_not_the_invoiced_1486_40() -> None:
    """The lawyer's finding: 200 EUR of 1,486.40 EUR paid; every document claims 1,286.40 EUR."""
    case = load_case(next(p for p in valid_sample_paths() if p.name.startswith("01_")))
    assert letter_open_column(case) == ["1.286,40\u00a0€"]
    assert application_fields(case)["hf1_betrag"] == "1.286,40"
    assert eda_application(case)["main_claim"][0]["amount"] == Decimal("1286.40")


def test_dated_payments_settle_interest_first_and_move_the_interest_start() -> None:
    """§ 367 BGB by hand: 2,380.00 at 5 points above the base rate (1.27 % from 2025-07-01) from 2025-08-01.

    500.00 on 2025-09-15: 46 days of interest, 2,380.00 × 6.27 % × 46 / 365 = 18.81 → 481.19 to principal,
    1,898.81 open. 400.00 on 2025-11-14: 60 days on 1,898.81 = 19.57 → 380.43 to principal, 1,518.38 open.
    The form's interest then runs from 2025-11-15.
    """
    case = load_case(PAYMENTS_SAMPLE)
    booked = account(case["claims"][0])
    assert [(a.to_interest, a.to_principal) for a in booked.allocations] == [
        (Decimal("18.81"), Decimal("481.19")), (Decimal("19.57"), Decimal("380.43"))]
    assert booked.open == Decimal("1518.38") and booked.earlier_interest == 0
    fields = application_fields(case)
    assert (fields["hf1_betrag"], fields["hf1_zins_ab"], fields["hf1_zinssatz"]) == ("1.518,38", "15.11.2025", "5")
    letter = render_letter(case, options_from(case, {"format": "html"}))
    text = lxml_html.fromstring(letter.data).text_content().replace("\u00a0", " ")
    assert "900,00 €: 38,38 € auf die bis zum Zahlungstag aufgelaufenen Zinsen, 861,62 € auf die Hauptforderung" \
        in " ".join(text.split())


def test_consumer_loan_payments_go_to_principal_first() -> None:
    """§ 497 Abs. 3 BGB: a consumer credit's payment settles the principal first; the interest it leaves open."""
    claim = {"amount": "5000.00", "consumer_credit": {"contract_date": "2024-03-01", "effective_rate": "7.9"},
             "interest": {"rate": "5", "above_base_rate": True, "from": "2025-07-01"},
             "payments": [{"date": "2025-09-29", "amount": "1000.00"}]}
    booked = account(claim)
    assert booked.order == "principal_first"
    assert booked.open == Decimal("4000.00")
    assert booked.allocations[0].to_interest == 0
    assert booked.running_from is None  # the line runs on 4,000.00 from the original start
    # 91 days (2025-07-01..2025-09-29) at 6.27 %: on 5,000.00 = 78.16, on 4,000.00 = 62.53; the rest stays open
    assert booked.earlier_interest == Decimal("15.63")


def test_payments_before_interest_start_only_reduce_the_principal() -> None:
    """A payment before interest began settles no interest and leaves the interest start alone."""
    claim = {"amount": "1000.00", "due_date": "2025-05-31", "interest": {"rate": "5", "from": "2025-06-01"},
             "payments": [{"date": "2025-05-20", "amount": "250.00"}]}
    booked = account(claim)
    assert (booked.open, booked.to_interest, booked.running_from) == (Decimal("750.00"), 0, None)


def test_a_payment_smaller_than_the_interest_leaves_earlier_interest_and_a_warning() -> None:
    """The form cannot carry interest accrued before the last payment: the validator warns, nothing is doubled."""
    case = load_case(PAYMENTS_SAMPLE)
    case["claims"][0]["payments"] = [{"date": "2025-09-15", "amount": "10.00"}]
    booked = account(case["claims"][0])
    assert (booked.open, booked.earlier_interest) == (Decimal("2380.00"), Decimal("8.81"))
    assert booked.running_from == dt.date(2025, 9, 16)
    report = validate(case, "court")
    assert report.codes() == [("earlier_interest_not_claimed", "/claims/0/interest/from")]
    assert "8,81 EUR" in report.warnings[0].message_de and "16.09.2025" in report.warnings[0].message_de
    assert application_fields(case)["hf1_zins_ab"] == "16.09.2025"


def test_interest_principal_is_capped_at_the_open_amount() -> None:
    """An abweichender zu verzinsender Betrag above what is open is dropped; below it, it stays."""
    case = load_case(PAYMENTS_SAMPLE)
    case["claims"][0]["interest"]["principal"] = "2000.00"
    assert application_fields(case)["hf1_zins_betrag"] == ""
    case = copy.deepcopy(case)
    case["claims"][0]["interest"]["principal"] = "1000.00"
    assert application_fields(case)["hf1_zins_betrag"] == "1.000,00"


def test_interest_that_ended_before_the_payment_leaves_no_interest_line() -> None:
    """Interest ``until`` before the day after the last payment: the form claims no running interest."""
    case = load_case(PAYMENTS_SAMPLE)
    case["claims"][0]["interest"]["until"] = "2025-10-31"
    fields = application_fields(case)
    assert (fields["hf1_zinssatz"], fields["hf1_zins_ab"], fields["hf1_zins_bis"]) == ("", "", "")
    assert "main_claim_interest" not in eda_application(case) or not eda_application(case)["main_claim_interest"]


def test_the_trial_court_is_chosen_by_what_is_open() -> None:
    """10,500 invoiced, 1,000 paid: the application claims 9,500, so the Amtsgericht (limit 10,000) hears it."""
    case = load_case(PAYMENTS_SAMPLE)
    case["claims"][0].update(amount="10500.00", payments=None, paid="1000.00")
    case["courts"]["trial"]["type"] = 1
    assert validate(case, "court").errors == []
    case["courts"]["trial"]["type"] = 2
    assert [(o.code, o.path) for o in validate(case, "court").errors] == [("trial_court_mismatch", "/courts/trial/type")]
    case["claims"][0]["paid"] = None
    assert validate(case, "court").errors == []  # 10,500 open: now the Landgericht is right
