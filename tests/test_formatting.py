"""German form value formatting: dates, amounts, rates, codes, checkboxes."""
import datetime as dt
from decimal import Decimal

import pytest

from formsvc import formatting as fmt


@pytest.mark.parametrize("value, expected", [
    (dt.date(2026, 1, 20), "20.01.2026"),
    ("2025-12-02", "02.12.2025"),
    ("0999-03-04", "04.03.0999"),
    (None, ""),
    ("", ""),
])
def test_dates_are_tt_mm_jjjj(value, expected):
    """Dates print as TT.MM.JJJJ; an absent date leaves the field empty."""
    assert fmt.date_de(value) == expected


@pytest.mark.parametrize("value, expected", [
    (Decimal("10000.00"), "10.000,00"),
    ("10000", "10.000,00"),
    (Decimal("0.5"), "0,50"),
    ("0.50", "0,50"),
    ("1234567.89", "1.234.567,89"),
    ("999.99", "999,99"),
    (Decimal("0"), "0,00"),
    (7, "7,00"),
    (None, ""),
    ("nan", ""),
    ("abc", ""),
])
def test_amounts_are_german_without_currency(value, expected):
    """Amounts have a thousands dot and a decimal comma, two places, no currency; absent is empty, never 0,00."""
    assert fmt.amount_de(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("5", "5"), ("5.0", "5"), ("5.5", "5,5"), ("5.50", "5,5"), ("5.125", "5,125"),
    (Decimal("9"), "9"), ("0", "0"), ("12.000", "12"), (None, ""),
])
def test_rates_have_decimal_comma_and_no_trailing_zeros(value, expected):
    """Rates print like the paper form: 5, 5,5, 5,125 — no % and no trailing zeros."""
    assert fmt.rate_de(value) == expected


def test_codes_are_digits():
    """Catalogue numbers and court types are plain digits; absent stays empty."""
    assert fmt.code(8) == "8"
    assert fmt.code(Decimal("28")) == "28"
    assert fmt.code(None) == ""


def test_checkbox_is_on_only_for_true():
    """A checkbox is on for true and off for false, null or absent; its PDF states are Yes/Off."""
    assert fmt.checkbox(True) is True
    assert fmt.checkbox(False) is False
    assert fmt.checkbox(None) is False
    assert fmt.checkbox_state(True) == "Yes"
    assert fmt.checkbox_state(False) == "Off"
