"""Small readers and formatters the rule modules share: dates and amounts in messages, a claim's interest.

Kept apart from :mod:`.rules` (the registry) so that every rule module can use
them without importing another rule module.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .. import case as c
from .rules import Context


def fmt_day(day: dt.date) -> str:
    """A date as the messages print it: ``TT.MM.JJJJ``."""
    return day.strftime("%d.%m.%Y")


def eur_de(amount: Decimal) -> str:
    """1234.5 -> ``1.234,50 EUR``."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " EUR"


def eur_en(amount: Decimal) -> str:
    """1234.5 -> ``EUR 1,234.50``."""
    return f"EUR {amount:,.2f}"


def interest_of(claim: dict[str, Any]) -> dict[str, Any]:
    """The claim's ``interest`` object, ``{}`` when absent or mistyped."""
    interest = claim.get("interest")
    return interest if isinstance(interest, dict) else {}


def dates_after_application(case: dict[str, Any], ctx: Context, *keys: str) -> Iterator[tuple[str, dt.date, dt.date]]:
    """(path, date, application date) of each claim's date at ``keys`` that lies after the application date."""
    day = ctx.application_date(case)
    for path, claim in ctx.claims(case):
        value = c.date(c.get(claim, *keys))
        if value is not None and value > day:
            yield f"{path}/{'/'.join(keys)}", value, day
