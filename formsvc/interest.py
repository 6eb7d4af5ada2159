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

from . import base_rates
from . import case as c

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


@dataclass(frozen=True)
class Terms:
    """The interest terms of one claim: rate, whether it is points above the base rate, mode, cap."""

    rate: Decimal
    above_base_rate: bool
    mode: int
    principal: Decimal | None  # interest.principal: interest runs on at most this much
    until: dt.date | None

    @classmethod
    def of(cls, claim: dict) -> Terms | None:
        """The terms of ``claim``; ``None`` when it carries no interest."""
        spec = claim.get("interest")
        if not isinstance(spec, dict) or c.money(spec.get("rate")) is None:
            return None
        return cls(rate=c.money(spec.get("rate")) or Decimal(0), above_base_rate=spec.get("above_base_rate") is True,
                   mode=spec.get("mode") if spec.get("mode") in (1, 2, 3) else 1,
                   principal=c.money(spec.get("principal")), until=c.date(spec.get("until")))

    def base(self, balance: Decimal) -> Decimal:
        """What interest runs on while ``balance`` of the principal is open."""
        base = min(self.principal, balance) if self.principal is not None else balance
        return max(base, Decimal(0))

    def last_day(self, end: dt.date) -> dt.date:
        """``end``, or the interest end of the case when that is earlier."""
        return self.until if self.until is not None and self.until < end else end

    def periods(self, principal: Decimal, start: dt.date, end: dt.date) -> tuple[InterestPeriod, ...]:
        """Exact interest on ``principal`` from ``start`` to ``end`` (both days counted), split by base rate."""
        if end < start or principal <= 0:
            return ()
        out: list[InterestPeriod] = []
        if self.above_base_rate:
            for part in base_rates.table().periods(start, end):
                effective = max(part.rate + self.rate, Decimal(0))
                days = (part.end - part.start).days + 1
                out.append(InterestPeriod(part.start, part.end, days, effective, part.rate, part.assumed,
                                          period_interest(principal, effective, days, self.mode)))
        else:
            days = (end - start).days + 1
            out.append(InterestPeriod(start, end, days, self.rate, None, False,
                                      period_interest(principal, self.rate, days, self.mode)))
        return tuple(out)

    def exact(self, principal: Decimal, start: dt.date, end: dt.date) -> Decimal:
        """The unrounded interest of :meth:`periods`."""
        return sum((p.amount for p in self.periods(principal, start, end)), Decimal(0))


def accrued(claim: dict, letter_date: dt.date, *, open_amount: Decimal | None = None,
            start: dt.date | None = None) -> InterestResult | None:
    """Interest on ``claim`` up to ``letter_date``; ``None`` when the claim carries no interest.

    ``open_amount`` is the open principal (default ``amount`` − ``paid``) and
    ``start`` the first day (default :func:`start_date`): the claim account
    (:mod:`formsvc.claim_account`) passes both when dated payments moved them.
    """
    terms = Terms.of(claim)
    if terms is None:
        return None
    if open_amount is None:
        open_amount = c.money_or_zero(claim.get("amount")) - c.money_or_zero(claim.get("paid"))
    principal = terms.base(open_amount)
    start = start if start is not None else start_date(claim)
    end = terms.last_day(letter_date)
    result = InterestResult(principal, terms.rate, terms.above_base_rate, terms.mode, start, end)
    if start is None or end < start or principal == 0:
        return result
    periods = terms.periods(principal, start, end)
    total = round_cents(sum((p.amount for p in periods), Decimal(0)))
    return InterestResult(principal, terms.rate, terms.above_base_rate, terms.mode, start, end, periods, total)
