"""The claim account: what a main claim's part payments leave open.

One account per claim, computed the same way for the letter, the Mahnbescheid
application and the EDA file, so that all three claim the same open amount.

* ``payments`` (contract 1.1) are dated part payments. Without the debtor's own
  allocation a payment settles the interest accrued up to its day first, then
  the principal (§ 367 Abs. 1 BGB). For a consumer credit (a claim with
  ``consumer_credit`` details) it settles the principal first, then interest
  (§ 497 Abs. 3 S. 1 BGB). The case's costs are not part of a claim's account:
  they are listed once for the whole case, so a payment booked on a claim never
  reduces them (costs the creditor has already been paid are simply not entered).
* ``paid`` without ``payments`` is an undated total: it reduces the principal,
  and interest runs on what is left (``amount`` − ``paid``), as in contract 1.0.
* Interest accrues as :mod:`formsvc.interest` computes it: from ``interest.from``
  (else the day after ``due_date``), on what was open on each day; the day of a
  payment still bears interest on the balance before it.

For the court documents the account also says where the running interest of
the form starts. The form has one running-interest line per claim (rate, from,
on the open amount). When a payment under § 367 settled the interest up to its
day, interest from the original start on the open amount would claim settled
interest twice, so the line starts the day after the last such payment. Interest
that accrued before that day and was not settled cannot go on that line: the
account reports it (``earlier_interest``), the letter claims it, and the
validator warns that the application leaves it out (never claims it twice).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from . import case as c
from .interest import ONE_DAY, Terms, round_cents, start_date

ZERO = Decimal("0.00")
Order = Literal["undated", "interest_first", "principal_first"]


@dataclass(frozen=True)
class Allocation:
    """How one payment was booked."""

    date: dt.date
    amount: Decimal
    to_interest: Decimal
    to_principal: Decimal


@dataclass(frozen=True)
class ClaimAccount:
    """The state of one claim after all its payments."""

    amount: Decimal
    payments: Decimal  # everything paid on the claim
    open: Decimal  # the open principal: what every document claims
    order: Order
    allocations: tuple[Allocation, ...] = ()
    #: the first day interest accrued on the claim (``interest.from``, else the day after ``due_date``)
    interest_start: dt.date | None = None
    #: first day of the running interest on ``open`` (None: the claim's own start)
    running_from: dt.date | None = None
    #: interest accrued before ``running_from`` and still open (rounded to cents)
    earlier_interest: Decimal = ZERO
    #: the last day that ``earlier_interest`` covers
    earlier_until: dt.date | None = None

    @property
    def to_principal(self) -> Decimal:
        """The part of the payments credited to the principal (``amount`` − ``open``)."""
        return self.amount - self.open

    @property
    def to_interest(self) -> Decimal:
        """The part of the payments that settled interest."""
        return sum((a.to_interest for a in self.allocations), ZERO)

    @property
    def fully_paid(self) -> bool:
        """Nothing of the principal is open."""
        return self.open <= 0


def _open_cents(value: Decimal) -> Decimal:
    """``value`` rounded to cents, never below zero (nor a negative zero)."""
    rounded = round_cents(value)
    return rounded if rounded > 0 else ZERO


def is_consumer_credit(claim: dict[str, Any]) -> bool:
    """A claim from a consumer credit contract: it carries the § 690 Abs. 1 Nr. 3 ZPO details."""
    return isinstance(claim.get("consumer_credit"), dict)


def dated_payments(claim: dict[str, Any]) -> list[tuple[dt.date, Decimal]]:
    """The claim's ``payments`` as (date, amount), in date order (stable for one day)."""
    raw = claim.get("payments")
    out = []
    for item in raw if isinstance(raw, list) else []:
        day, amount = c.date(c.get(item, "date")), c.money(c.get(item, "amount"))
        if day is not None and amount is not None and amount > 0:
            out.append((day, amount))
    return sorted(out, key=lambda pair: pair[0])


def paid_total(claim: dict[str, Any]) -> Decimal:
    """Everything paid on the claim: the sum of ``payments`` when given, else ``paid``."""
    dated = dated_payments(claim)
    if dated:
        return sum((amount for _, amount in dated), ZERO)
    return c.money_or_zero(claim.get("paid"))


def account(claim: dict[str, Any]) -> ClaimAccount:
    """Book the claim's payments and say what stays open."""
    amount = c.money_or_zero(claim.get("amount"))
    dated = dated_payments(claim)
    if not dated:
        paid = c.money_or_zero(claim.get("paid"))
        return ClaimAccount(amount, paid, max(amount - paid, ZERO), "undated")
    order: Order = "principal_first" if is_consumer_credit(claim) else "interest_first"
    terms = Terms.of(claim)
    start = start_date(claim) if terms is not None else None
    balance, accrued, accrued_from = amount, Decimal(0), start
    allocations = []
    for day, paid in dated:
        if terms is not None and accrued_from is not None:
            last = terms.last_day(day)
            if last >= accrued_from:
                accrued += terms.exact(terms.base(balance), accrued_from, last)
                accrued_from = last + ONE_DAY
        interest_part = ZERO
        if order == "interest_first":
            interest_part = min(paid, round_cents(accrued))
            principal_part = min(paid - interest_part, balance)
        else:
            principal_part = min(paid, balance)
            interest_part = min(paid - principal_part, round_cents(accrued))
        accrued -= interest_part
        balance -= principal_part
        allocations.append(Allocation(day, paid, interest_part, principal_part))
    result = ClaimAccount(amount, sum((p for _, p in dated), ZERO), max(balance, ZERO), order, tuple(allocations),
                          start)
    if terms is None or start is None:
        return result
    return _running_interest(result, claim, terms, start, accrued, dated[-1][0])


def _running_interest(result: ClaimAccount, claim: dict[str, Any], terms: Terms, start: dt.date,
                      accrued: Decimal, last_payment: dt.date) -> ClaimAccount:
    """Where the form's running interest on the open amount starts, and what accrued before it stays out."""
    if last_payment < start:
        return result  # every payment came before interest began: nothing accrued, the start stands
    if result.order == "interest_first":
        # settled up to the last payment day: the line runs from the next day; what the payments
        # did not cover stays open as earlier interest
        return replace(result, running_from=last_payment + ONE_DAY, earlier_interest=_open_cents(accrued),
                       earlier_until=terms.last_day(last_payment))
    # principal first: the line may run from the original start on the open amount (less than was
    # open before each payment); earlier interest is what the higher balances bore beyond that
    on_open = terms.exact(terms.base(result.open), start, terms.last_day(last_payment))
    return replace(result, earlier_interest=_open_cents(accrued - on_open),
                   earlier_until=terms.last_day(last_payment))


def accounts(case: dict[str, Any]) -> list[ClaimAccount]:
    """The account of every claim of ``case`` that is an object, in order."""
    return [account(claim) for claim in case.get("claims") or [] if isinstance(claim, dict)]
