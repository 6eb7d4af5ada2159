"""Default interest and the letter statement, checked against values computed by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from formsvc.letters.amounts import statement
from formsvc.interest import accrued

D = Decimal


def claim(**interest):
    """A 1,000 EUR claim due 2024-12-01 with the given interest spec."""
    return {"amount": "1000.00", "paid": "0", "due_date": "2024-12-01", "document_no": "R-1", "interest": interest}


def test_five_points_over_three_base_rate_periods():
    """2024-12-02..2025-07-15 at base+5: 30 d × 8.37 % + 181 d × 7.27 % + 15 d × 6.27 % on 1,000 EUR = 45.51 EUR."""
    # 1000*(0.0837*30 + 0.0727*181 + 0.0627*15)/365 = 45.50745...
    result = accrued(claim(rate="5", above_base_rate=True), dt.date(2025, 7, 15))
    assert [(p.start, p.end, p.days, p.rate) for p in result.periods] == [
        (dt.date(2024, 12, 2), dt.date(2024, 12, 31), 30, D("8.37")),
        (dt.date(2025, 1, 1), dt.date(2025, 6, 30), 181, D("7.27")),
        (dt.date(2025, 7, 1), dt.date(2025, 7, 15), 15, D("6.27")),
    ]
    assert result.amount == D("45.51")


def test_nine_points_for_business_debtors():
    """The same period at base+9 (§ 288 Abs. 2 BGB) gives 70.27 EUR."""
    # 1000*(0.1237*30 + 0.1127*181 + 0.1027*15)/365 = 70.27452...
    assert accrued(claim(rate="9", above_base_rate=True), dt.date(2025, 7, 15)).amount == D("70.27")


def test_interest_from_overrides_due_date_and_until_stops_it():
    """``from`` replaces the day after the due date; ``until`` ends the period before the letter date."""
    result = accrued(claim(rate="5", above_base_rate=True, **{"from": "2025-01-01", "until": "2025-01-31"}),
                     dt.date(2025, 7, 15))
    assert (result.start, result.end) == (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    # 1000 * 0.0727 * 31 / 365 = 6.17452...
    assert result.amount == D("6.17")


def test_monthly_rate_mode_2():
    """1 % per month on 1,000 EUR for January 2025 (31 days): 1000 × 12 % × 31/365 = 10.19 EUR."""
    result = accrued(claim(rate="1", mode=2, **{"from": "2025-01-01", "until": "2025-01-31"}), dt.date(2025, 7, 1))
    assert result.amount == D("10.19")


def test_daily_rate_mode_3():
    """0.05 % per day on 1,000 EUR for 10 days is exactly 5.00 EUR."""
    result = accrued(claim(rate="0.05", mode=3, **{"from": "2025-03-01"}), dt.date(2025, 3, 10))
    assert result.amount == D("5.00")


def test_fixed_yearly_rate_and_principal():
    """8 % p.a. on a principal of 500 EUR for 365 days is 40.00 EUR."""
    result = accrued(claim(rate="8", principal="500", **{"from": "2025-01-01"}), dt.date(2025, 12, 31))
    assert (result.principal, result.amount) == (D("500"), D("40.00"))


def test_rounding_is_half_up_per_claim():
    """182.50 EUR at 1 % for one day is 0.005 EUR exactly, which rounds half-up to 0.01 EUR."""
    spec = {"rate": "1", "from": "2025-03-01"}
    result = accrued({"amount": "182.50", "interest": spec}, dt.date(2025, 3, 1))
    assert result.amount == D("0.01")


def test_part_payments_reduce_the_principal():
    """Interest runs on the open amount (amount − paid) when no principal is given."""
    spec = {"rate": "10", "from": "2025-01-01"}
    result = accrued({"amount": "1500.00", "paid": "500.00", "interest": spec}, dt.date(2025, 12, 31))
    assert (result.principal, result.amount) == (D("1000.00"), D("100.00"))


def test_base_rate_past_the_table_is_assumed():
    """Days after the table's end use the latest rate and are flagged (warning base_rate_assumed)."""
    result = accrued(claim(rate="5", above_base_rate=True, **{"from": "2026-06-01"}), dt.date(2026, 8, 1))
    assert result.assumed_from == dt.date(2026, 7, 1)
    assert [(p.days, p.rate, p.assumed) for p in result.periods] == [(30, D("6.27"), False), (32, D("6.27"), True)]


def test_no_interest_without_interest_spec():
    """A claim without ``interest`` accrues nothing: formsvc never adds statutory interest on its own."""
    assert accrued({"amount": "100.00", "due_date": "2024-01-01"}, dt.date(2025, 1, 1)) is None


def test_statement_totals_fees_and_flat_fee():
    """Open claims + interest + costs + letter fee + 40 EUR flat fee (business debtor, level 2, asked for)."""
    case = {
        "claims": [{"amount": "1000.00", "paid": "100.00", "document_no": "A"},
                   {"amount": "250.50", "document_no": "B"}],
        "costs": {"dunning": "5.00", "other": {"label": "Auskunft Meldeamt", "amount": "12.00"}},
        "debtors": [{"type": "company", "name": "X GmbH"}],
    }
    result = statement(case, letter_date=dt.date(2025, 1, 1), level=2, fee=D("2.50"), flat_fee=True)
    assert [(c.kind, c.amount) for c in result.costs] == [
        ("dunning", D("5.00")), ("other", D("12.00")), ("letter_fee", D("2.50")), ("flat_fee", D("40.00"))]
    assert result.total == D("900.00") + D("250.50") + D("5.00") + D("12.00") + D("2.50") + D("40.00")
    level1 = statement(case, letter_date=dt.date(2025, 1, 1), level=1, fee=D("0"), flat_fee=True)
    assert "flat_fee" not in [c.kind for c in level1.costs]
    consumer = {**case, "debtors": [{"type": "person", "is_consumer": True}]}
    assert "flat_fee" not in [c.kind for c in statement(consumer, letter_date=dt.date(2025, 1, 1), level=3,
                                                         fee=D("0"), flat_fee=True).costs]
