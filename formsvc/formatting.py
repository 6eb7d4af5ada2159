"""German form value formatting, as on the paper Mahnbescheid form and in court files.

Small pure functions, no I/O: dates ``TT.MM.JJJJ``, amounts ``10.000,00``
without currency sign, rates with a decimal comma and no trailing zeros
(``5``, ``5,5``, ``5,125``), checkboxes on/off. Every function maps "not
given" (``None``) to the empty string (or ``False``), never to ``"None"``,
``"nan"`` or ``"0,00"``.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
#: The PDF export value of a ticked checkbox (the PDF's conventional on-state name).
CHECKBOX_ON = "Yes"
#: The PDF value of an unticked checkbox (fixed by the PDF specification).
CHECKBOX_OFF = "Off"


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal, ``None`` when not given or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)  # never compute with the binary float itself
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def date_de(value: dt.date | str | None) -> str:
    """A date as ``TT.MM.JJJJ``; accepts ``date`` or ISO ``YYYY-MM-DD``; "" when absent."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return ""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def amount_de(value: Any) -> str:
    """An amount as ``10.000,00`` (thousands dot, decimal comma, two places, no sign); "" when absent."""
    number = _decimal(value)
    if number is None:
        return ""
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, cents = f"{abs(number):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{'.'.join(groups)},{cents}"


def rate_de(value: Any) -> str:
    """A rate as on the form: decimal comma, no trailing zeros, no ``%`` (``5``, ``5,5``); "" when absent."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def code(value: Any) -> str:
    """An integer code (catalogue no., court type, attorney kind) as digits; "" when absent."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return str(value).strip()


def checkbox(value: Any) -> bool:
    """A checkbox state: on only for ``True`` (absent, null and false are off)."""
    return value is True


def checkbox_state(on: bool) -> str:
    """The PDF appearance state name for a checkbox: ``Yes`` or ``Off``."""
    return CHECKBOX_ON if on else CHECKBOX_OFF
