"""What the debtor owes on the letter date: the itemised statement of a letter.

All money is ``Decimal``. Order of the statement: every claim (amount, paid,
open), interest per claim (rounded half-up to cents per claim), earlier costs
(``costs``), this letter's fee (``letter.fee``), the 40 EUR flat fee of
§ 288 Abs. 5 BGB (non-consumer debtor, level 2 and up, only when
``letter.flat_fee`` is true), then the total.

What is owed, nothing more (docs/letters.md, "What the letter charges"):

* ``costs.postage`` and ``costs.other_expenses`` are Auslagen für das
  Mahnverfahren (case.md): costs of a court procedure that does not exist when
  a letter is written. The letter leaves them out of the statement and the
  total (:attr:`Statement.not_charged` keeps them for the record).
* The flat fee is set off against the costs of pursuing the claim that are
  charged beside it, collection and out-of-court lawyer's costs (§ 288 Abs. 5
  S. 3 BGB): only what exceeds them is charged, never less than 0.
* ``letter.fee`` on a level-1 reminder is not charged: the first reminder is
  what puts the debtor in default (§ 286 Abs. 1 BGB), and only costs caused by
  a default already running are damages for delay (§§ 280 Abs. 1, 2, 286 BGB).
* A fixed rate above the statutory default rate of § 288 BGB at interest start
  can only be contractual interest (:attr:`ClaimLine.contractual`); the letter
  names it so.

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

from .. import base_rates
from .. import case as c
from ..claim_account import ClaimAccount, account
from ..interest import DAYS_PER_YEAR, MONTHS_PER_YEAR, InterestResult, Terms, accrued, start_date
from ..validation.interest_cost_rules import cost_tables

ZERO = Decimal("0.00")
FLAT_FEE = Decimal("40.00")
#: Cost keys of the case contract in the order a statement lists them.
COST_KEYS = ("dunning", "information", "return_debit", "collection", "lawyer_out_of_court", "other",
             "postage", "other_expenses")
#: Auslagen für das Mahnverfahren (case.md): owed only once that procedure exists, never in a letter.
COURT_PROCEDURE_KEYS = ("postage", "other_expenses")
#: Costs of pursuing the claim the flat fee is set off against (§ 288 Abs. 5 S. 3 BGB).
SET_OFF_KEYS = ("collection", "lawyer_out_of_court")
#: The dunning level whose letter first puts the debtor in default: its own fee is not owed (§ 286 Abs. 1 BGB).
REMINDER_LEVEL = 1


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
    contractual: bool = False  # a fixed rate above the statutory default rate: contractual interest

    @property
    def earlier_interest(self) -> Decimal:
        """Interest accrued before the last payment and still open (0 without dated payments)."""
        return self.booked.earlier_interest if self.booked is not None else Decimal("0.00")


@dataclass(frozen=True)
class CostLine:
    """An ancillary amount: ``kind`` is a cost key, ``letter_fee`` or ``flat_fee``; ``label`` a given label.

    ``set_off`` is what was deducted from it (the flat fee: collection and lawyer's costs, § 288 Abs. 5 S. 3
    BGB); ``amount`` is what is charged after that.
    """

    kind: str
    amount: Decimal
    label: str = ""
    set_off: Decimal = ZERO


@dataclass(frozen=True)
class Statement:
    """The complete account of the letter."""

    claims: tuple[ClaimLine, ...]
    costs: tuple[CostLine, ...] = field(default_factory=tuple)
    #: What the case or the options asked for and the letter does not charge (not in the total).
    not_charged: tuple[CostLine, ...] = field(default_factory=tuple)

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


def statutory_rate(case: dict[str, Any], claim: dict[str, Any], day: dt.date) -> Decimal:
    """The statutory default rate (percent per year) for ``claim`` on ``day``: the base rate plus 9 points
    for a payment claim in a transaction without a consumer (§ 288 Abs. 2 BGB), else plus 5 (Abs. 1).

    A consumer is a consumer debtor or a creditor/co-creditor that is a consumer by the contract's
    defaults; a payment claim is any claim not on the data list of non-payment claims (damages, loan,
    surety: ``validation_rules.json``). Before the base-rate table begins its first rate is used.
    """
    t = cost_tables()
    parties = [*(case.get("debtors") or []), case.get("creditor"), case.get("co_creditor")]
    number = claim.get("catalog_no")
    payment_claim = not (isinstance(number, int) and number in t.non_payment_nos)
    points = t.max_points if payment_claim and not any(c.is_consumer(p) for p in parties) else t.default_points
    try:
        base, _ = base_rates.rate_on(day)
    except ValueError:  # before the table: its first rate
        base = base_rates.table().rates[0]
    return base + points


def is_contractual(case: dict[str, Any], claim: dict[str, Any]) -> bool:
    """True when ``claim``'s interest is a fixed rate (``above_base_rate`` false) whose yearly equivalent
    (monthly × 12, daily × 365) exceeds the statutory default rate at interest start: no statute grants
    it, only a contract can (§ 288 Abs. 3 BGB), so it is contractual interest, not default interest."""
    terms = Terms.of(claim)
    start = start_date(claim)
    if terms is None or terms.above_base_rate or start is None:
        return False
    yearly = terms.rate * {1: Decimal(1), 2: MONTHS_PER_YEAR, 3: DAYS_PER_YEAR}[terms.mode]
    return yearly > statutory_rate(case, claim, start)


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
            contractual=is_contractual(case, claim),
        ))
    return tuple(lines)


def _cost_lines(case: dict[str, Any]) -> list[CostLine]:
    """Every cost the case enters, in contract order (those a letter does not charge included)."""
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


def flat_fee_line(charged: list[CostLine]) -> CostLine:
    """The flat fee after the set-off of § 288 Abs. 5 S. 3 BGB: 40 EUR less the collection and out-of-court
    lawyer's costs charged beside it, never below 0."""
    set_off = min(sum((line.amount for line in charged if line.kind in SET_OFF_KEYS), ZERO), FLAT_FEE)
    return CostLine("flat_fee", FLAT_FEE - set_off, set_off=set_off)


def statement(case: dict[str, Any], *, letter_date: dt.date, level: int, fee: Decimal,
              flat_fee: bool) -> Statement:
    """Build the statement for a letter of ``level`` dated ``letter_date``."""
    entered = _cost_lines(case)
    costs = [line for line in entered if line.kind not in COURT_PROCEDURE_KEYS]
    not_charged = [line for line in entered if line.kind in COURT_PROCEDURE_KEYS]
    if fee > 0:
        (not_charged if level == REMINDER_LEVEL else costs).append(CostLine("letter_fee", fee))
    debtor = c.get(case, "debtors", 0)  # the letter's addressee
    if flat_fee and level >= 2 and debtor is not None and not c.is_consumer(debtor):
        line = flat_fee_line(costs)
        (costs if line.amount > 0 else not_charged).append(line)
    return Statement(_claim_lines(case, letter_date), tuple(costs), tuple(not_charged))
