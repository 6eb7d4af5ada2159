"""What the debtor owes on the letter date: the itemised statement of a letter.

All money is ``Decimal``. Order of the statement: every claim (amount, paid,
open), default interest per claim (rounded half-up to cents per claim), earlier
costs (``costs``), this letter's fee (``letter.fee``), the 40 EUR flat fee of
§ 288 Abs. 5 BGB (non-consumer debtor, level 2 and up, only when
``letter.flat_fee`` is true), then the total.

Each claim's figures come from its account (:mod:`formsvc.claim_account`), the
same the application and the EDA file claim: "paid" is what the payments
credited to the principal, "open" what is left of it. Interest that accrued
before the last payment and stays open is its own line (``earlier_interest``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import case as c
from ..claim_account import ClaimAccount, account
from ..interest import InterestResult, accrued, start_date

FLAT_FEE = Decimal("40.00")
#: Cost keys of the case contract in the order a statement lists them.
COST_KEYS = ("dunning", "information", "return_debit", "collection", "lawyer_out_of_court", "other",
             "postage", "other_expenses")


@dataclass(frozen=True)
class ClaimLine:
    """One main claim as it appears in the itemised table."""

    index: int
    description: str
    document_no: str
    date: dt.date | None
    due_date: dt.date | None
    amount: Decimal
    paid: Decimal
    open: Decimal
    interest: InterestResult | None
    booked: ClaimAccount | None = None  # the claim account (payments and how they were credited)

    @property
    def earlier_interest(self) -> Decimal:
        """Interest accrued before the last payment and still open (0 without dated payments)."""
        return self.booked.earlier_interest if self.booked is not None else Decimal("0.00")


@dataclass(frozen=True)
class CostLine:
    """An ancillary amount: ``kind`` is a cost key, ``letter_fee`` or ``flat_fee``; ``label`` a given label."""

    kind: str
    amount: Decimal
    label: str = ""


@dataclass(frozen=True)
class Statement:
    """The complete account of the letter."""

    claims: tuple[ClaimLine, ...]
    costs: tuple[CostLine, ...] = field(default_factory=tuple)

    @property
    def open_principal(self) -> Decimal:
        """Sum of the claims' open amounts."""
        return sum((line.open for line in self.claims), Decimal("0.00"))

    @property
    def interest(self) -> Decimal:
        """Sum of the per-claim interest (each already rounded to cents), earlier interest included."""
        return sum((line.interest.amount + line.earlier_interest for line in self.claims if line.interest),
                   Decimal("0.00"))

    @property
    def has_interest(self) -> bool:
        """True when at least one claim carries interest."""
        return any(line.interest is not None for line in self.claims)

    @property
    def total(self) -> Decimal:
        """Everything due: open claims, interest and every cost line."""
        return self.open_principal + self.interest + sum((line.amount for line in self.costs), Decimal("0.00"))


def _claim_lines(case: dict[str, Any], letter_date: dt.date) -> tuple[ClaimLine, ...]:
    lines = []
    for index, claim in enumerate(case.get("claims") or []):
        if not isinstance(claim, dict):
            continue
        booked = account(claim)
        lines.append(ClaimLine(
            index=index,
            description=str(claim.get("description") or ""),
            document_no=str(claim.get("document_no") or ""),
            date=c.date(claim.get("date")),
            due_date=c.date(claim.get("due_date")),
            amount=booked.amount, paid=booked.to_principal, open=booked.open,
            interest=accrued(claim, letter_date, open_amount=booked.open,
                             start=booked.running_from or start_date(claim)),
            booked=booked,
        ))
    return tuple(lines)


def _cost_lines(case: dict[str, Any]) -> list[CostLine]:
    costs = case.get("costs") if isinstance(case.get("costs"), dict) else {}
    out = []
    for key in COST_KEYS:
        value = costs.get(key)
        if isinstance(value, dict):  # other / other_expenses: {label, amount}
            amount, label = c.money(value.get("amount")), str(value.get("label") or "")
        else:
            amount, label = c.money(value), ""
        if amount:
            out.append(CostLine(key, amount, label))
    return out


def statement(case: dict[str, Any], *, letter_date: dt.date, level: int, fee: Decimal,
              flat_fee: bool) -> Statement:
    """Build the statement for a letter of ``level`` dated ``letter_date``."""
    costs = _cost_lines(case)
    if fee > 0:
        costs.append(CostLine("letter_fee", fee))
    debtor = c.get(case, "debtors", 0)  # the letter's addressee
    if flat_fee and level >= 2 and debtor is not None and not c.is_consumer(debtor):
        costs.append(CostLine("flat_fee", FLAT_FEE))
    return Statement(_claim_lines(case, letter_date), tuple(costs))
