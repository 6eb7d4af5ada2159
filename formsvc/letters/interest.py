"""Default interest accrued on one claim up to the letter date.

Method (printed in every letter that shows interest):

* Period: from ``interest.from`` (else the day after ``due_date``) up to the
  letter date, or ``interest.until`` when that is earlier; both days count.
* Day count: actual days / 365 ("taggenau, act/365"), the usual practice for
  default interest under § 288 BGB; leap days count as ordinary days.
* Rate: ``interest.rate`` percent; with ``above_base_rate`` it is percentage
  points above the Basiszinssatz (§ 247 BGB), split at every half-year the
  period touches (``formsvc.base_rates``). Mode 1 is a yearly rate, mode 2 a
  monthly rate (× 12 per year), mode 3 a daily rate (× days).
* Principal: ``interest.principal`` or the claim's open amount.
* Rounding: the exact sum over all periods is rounded once per claim,
  half-up to cents. A negative base rate can make a period's rate negative;
  the rate is floored at 0 (no interest is ever credited to the debtor).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .. import base_rates
from .. import case as c

CENT = Decimal("0.01")
DAYS_PER_YEAR = Decimal(365)
MONTHS_PER_YEAR = Decimal(12)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class InterestPeriod:
    """A stretch of days with one effective rate (percent per ``mode`` unit)."""

    start: dt.date
    end: dt.date
    days: int
    rate: Decimal
    base_rate: Decimal | None
    assumed: bool
    amount: Decimal  # exact, unrounded


@dataclass(frozen=True)
class InterestResult:
    """Interest on one claim: its periods, the rounded total and how it was computed."""

    principal: Decimal
    rate: Decimal
    above_base_rate: bool
    mode: int
    start: dt.date | None
    end: dt.date | None
    periods: tuple[InterestPeriod, ...] = field(default_factory=tuple)
    amount: Decimal = Decimal("0.00")

    @property
    def assumed_from(self) -> dt.date | None:
        """First day computed with an assumed base rate (past the table), if any."""
        return next((p.start for p in self.periods if p.assumed), None)


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to cents (kaufmännisch)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def period_interest(principal: Decimal, rate: Decimal, days: int, mode: int) -> Decimal:
    """Exact interest for ``days`` days at ``rate`` percent per year (1), month (2) or day (3)."""
    fraction = rate / Decimal(100)
    if mode == 3:
        return principal * fraction * days
    yearly = fraction * MONTHS_PER_YEAR if mode == 2 else fraction
    return principal * yearly * Decimal(days) / DAYS_PER_YEAR


def start_date(claim: dict) -> dt.date | None:
    """First day of interest: ``interest.from``, else the day after ``due_date``."""
    start = c.date(c.get(claim, "interest", "from"))
    if start is not None:
        return start
    due = c.date(claim.get("due_date"))
    return due + ONE_DAY if due is not None else None


def accrued(claim: dict, letter_date: dt.date) -> InterestResult | None:
    """Interest on ``claim`` up to ``letter_date``; ``None`` when the claim carries no interest."""
    spec = claim.get("interest")
    if not isinstance(spec, dict) or c.money(spec.get("rate")) is None:
        return None
    rate = c.money(spec.get("rate")) or Decimal(0)
    above = spec.get("above_base_rate") is True
    mode = spec.get("mode") if spec.get("mode") in (1, 2, 3) else 1
    open_amount = c.money_or_zero(claim.get("amount")) - c.money_or_zero(claim.get("paid"))
    principal = c.money(spec.get("principal"))
    principal = min(principal, open_amount) if principal is not None else open_amount
    principal = max(principal, Decimal(0))
    start = start_date(claim)
    end = letter_date
    until = c.date(spec.get("until"))
    if until is not None and until < end:
        end = until
    result = InterestResult(principal, rate, above, mode, start, end)
    if start is None or end < start or principal == 0:
        return result
    periods: list[InterestPeriod] = []
    if above:
        for part in base_rates.table().periods(start, end):
            effective = max(part.rate + rate, Decimal(0))
            days = (part.end - part.start).days + 1
            periods.append(InterestPeriod(part.start, part.end, days, effective, part.rate, part.assumed,
                                          period_interest(principal, effective, days, mode)))
    else:
        days = (end - start).days + 1
        periods.append(InterestPeriod(start, end, days, rate, None, False,
                                      period_interest(principal, rate, days, mode)))
    total = round_cents(sum((p.amount for p in periods), Decimal(0)))
    return InterestResult(principal, rate, above, mode, start, end, tuple(periods), total)
