"""Court objections of contract 1.1 about due dates, interest and the costs claimed beside the main claims.

One function per code (see rules.py): whether a claim is due and whether the
procedure is open at all (counter-performance), when and at what rate interest
may run (§§ 286, 288 BGB), and whether collection, lawyer and reminder costs
stay within what the debtor must refund (§§ 13e, 13f RDG, RVG, §§ 280, 286 BGB).

Every number and list comes from ``formsvc/data/validation_rules.json``
(section ``interest_and_costs``, with sources) and the lawyer's fee table from
``formsvc/data/rvg_fees.json``; both are read once per process, so a case costs
a few dictionary look-ups and, only when collection costs are claimed, one fee
computation.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from .. import base_rates, resources
from .. import case as c
from ..claim_account import account
from .rules import Context, Finding, rule
from .values import dates_after_application, eur_de, eur_en, fmt_day, interest_of

_CENT = Decimal("0.01")
_MODE_NAMES = {2: {"mode_de": "monatlich", "mode_en": "monthly"}, 3: {"mode_de": "täglich", "mode_en": "daily"}}
_HUNDRED = Decimal("100")


# --- tables -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeeTable:
    """One version of the 1.0 fee by value (§ 13 RVG and its Anlage 2), valid from ``valid_from``."""

    valid_from: dt.date
    first_up_to: Decimal
    first_fee: Decimal
    steps: tuple[tuple[Decimal | None, Decimal, Decimal], ...]  # (band's upper value or None, step, increase)
    undisputed_small: tuple[dt.date, Decimal] | None  # § 13 Abs. 2 RVG: (in force from, fee up to 50 EUR)
    minimum: Decimal

    def fee(self, value: Decimal) -> Decimal:
        """The 1.0 fee for ``value``: each started step within a band adds that band's increase."""
        fee, lower = self.first_fee, self.first_up_to
        for upper, step, increase in self.steps:
            if value <= lower:
                break
            top = value if upper is None else min(value, upper)
            fee += increase * ((top - lower) / step).to_integral_value(rounding=ROUND_CEILING)
            if upper is None:
                break
            lower = upper
        return fee

    def collection_fee(self, value: Decimal, day: dt.date) -> Decimal:
        """The 1.0 fee for collecting an undisputed claim of ``value`` on ``day`` (§ 13 Abs. 2 RVG up to 50 EUR)."""
        if self.undisputed_small is not None and value <= Decimal("50") and day >= self.undisputed_small[0]:
            return self.undisputed_small[1]
        return self.fee(value)


@dataclass(frozen=True)
class CostTables:
    """What the rules of this module compare with, typed and read once."""

    fee_tables: tuple[FeeTable, ...]  # ascending by valid_from
    fee_rates: tuple[tuple[dt.date, Decimal], ...]  # VV 2300 rate by application date, ascending
    expenses_percent: Decimal
    expenses_max: Decimal
    vat_percent: Decimal
    non_payment_nos: frozenset[int]
    dunning_threshold: Decimal
    per_reminder: Decimal
    default_points: Decimal  # § 288 Abs. 1 BGB
    max_points: Decimal  # § 288 Abs. 2 BGB

    def fee_table(self, day: dt.date) -> FeeTable:
        """The fee table in force on ``day`` (the oldest shipped one for earlier days)."""
        chosen = self.fee_tables[0]
        for table in self.fee_tables:
            if day >= table.valid_from:
                chosen = table
        return chosen

    def fee_rate(self, day: dt.date) -> Decimal:
        """The VV 2300 rate a collection service may charge for an undisputed claim on ``day``."""
        chosen = self.fee_rates[0][1]
        for start, rate in self.fee_rates:
            if day >= start:
                chosen = rate
        return chosen

    def collection_cap(self, value: Decimal, day: dt.date, *, with_vat: bool) -> Decimal:
        """Business fee + flat expenses (+ VAT) a lawyer could charge for collecting ``value`` (§ 13e RDG)."""
        table = self.fee_table(day)
        fee = max(table.collection_fee(value, day) * self.fee_rate(day), table.minimum).quantize(_CENT, ROUND_HALF_UP)
        expenses = min((fee * self.expenses_percent / _HUNDRED).quantize(_CENT, ROUND_HALF_UP), self.expenses_max)
        net = fee + expenses
        if with_vat:
            net += (net * self.vat_percent / _HUNDRED).quantize(_CENT, ROUND_HALF_UP)
        return net


def _fee_table(raw: dict[str, Any]) -> FeeTable:
    small = raw.get("undisputed_collection_up_to_50")
    return FeeTable(
        valid_from=dt.date.fromisoformat(raw["valid_from"]),
        first_up_to=Decimal(raw["first_band_up_to"]),
        first_fee=Decimal(raw["first_band_fee"]),
        steps=tuple((None if s["up_to"] is None else Decimal(s["up_to"]), Decimal(s["step"]), Decimal(s["increase"]))
                    for s in raw["steps"]),
        undisputed_small=(dt.date.fromisoformat(small["from"]), Decimal(small["fee"])) if small else None,
        minimum=Decimal(raw["minimum_fee"]),
    )


@lru_cache(maxsize=1)
def cost_tables() -> CostTables:
    """The shipped tables (read once per process)."""
    rules_raw: dict[str, Any] = resources.data("validation_rules.json")
    section = rules_raw["interest_and_costs"]
    collection, dunning = section["collection_costs"], section["dunning_costs"]
    return CostTables(
        fee_tables=tuple(sorted((_fee_table(v) for v in resources.data("rvg_fees.json")["versions"]),
                                key=lambda t: t.valid_from)),
        fee_rates=tuple(sorted((dt.date.fromisoformat(r["from"]), Decimal(r["rate"])) for r in collection["fee_rates"])),
        expenses_percent=Decimal(collection["expenses_percent"]),
        expenses_max=Decimal(collection["expenses_max"]),
        vat_percent=Decimal(collection["vat_percent"]),
        non_payment_nos=frozenset(int(e["no"]) for e in section["non_payment_claims"]["catalog_nos"]),
        dunning_threshold=Decimal(dunning["threshold"]),
        per_reminder=Decimal(dunning["per_reminder"]),
        default_points=Decimal(rules_raw["interest"]["consumer_points_above_base_rate"]),
        max_points=Decimal(rules_raw["interest"]["max_points_above_base_rate"]),
    )


# --- helpers ----------------------------------------------------------------------------------------

def _num_de(number: Decimal) -> str:
    """2.27 -> "2,27"."""
    return f"{number.normalize():f}".replace(".", ",")


def _num_en(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _mode(interest: dict[str, Any]) -> Any:
    """The interest mode with the contract's default (1, yearly)."""
    mode = interest.get("mode")
    return 1 if mode is None else mode


def _any_consumer_debtor(case: dict[str, Any]) -> bool:
    debtors = case.get("debtors")
    return isinstance(debtors, list) and any(c.is_consumer(d) for d in debtors)


def _consumer_applicant(case: dict[str, Any]) -> bool:
    """A creditor or second applicant who is a consumer by the contract's defaults (a person, unless flagged)."""
    return any(c.is_consumer(case.get(key)) for key in ("creditor", "co_creditor"))


def open_main_claims(case: dict[str, Any], ctx: Context) -> Decimal:
    """The value of the collection work: the open main claims as the claim account books them, summed."""
    total = Decimal("0")
    for _, claim in ctx.claims(case):
        amount = c.money(claim.get("amount"))
        if amount is not None and amount > 0:
            total += account(claim).open
    return total


def _positive_cost(case: dict[str, Any], key: str) -> Decimal | None:
    amount = c.money(c.get(case, "costs", key))
    return amount if amount is not None and amount > 0 else None


# --- due date and counter-performance ---------------------------------------------------------------

@rule("claim_not_yet_due")
def claim_not_yet_due(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A claim due only after the application: nothing is owed yet (§ 271 BGB; § 286 BGB needs a due claim)."""
    for path, due, day in dates_after_application(case, ctx, "due_date"):
        yield path, {"due_date": fmt_day(due), "application_date": fmt_day(day)}


@rule("counter_performance_outstanding")
def counter_performance_outstanding(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A claim that depends on a counter-performance not yet rendered: no Mahnverfahren (§ 688 Abs. 2 Nr. 2 ZPO)."""
    if case.get("counter_performance") == "outstanding":
        yield "/counter_performance", {}


# --- interest ---------------------------------------------------------------------------------------

@rule("interest_start_in_future")
def interest_start_in_future(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Interest from a day after the application: default interest presupposes a default that already exists (§§ 286, 288 BGB); the dunning courts refuse such a start (objections-1.1.md)."""
    for path, _, day in dates_after_application(case, ctx, "interest", "from"):
        yield path, {"application_date": fmt_day(day)}


@rule("base_rate_points_with_mode")
def base_rate_points_with_mode(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Points above the base rate with a monthly or daily mode: the base rate (§ 247 BGB) is a yearly rate."""
    for path, claim in ctx.claims(case):
        interest = interest_of(claim)
        mode = interest.get("mode")
        if interest.get("above_base_rate") is True and mode in (2, 3) and not isinstance(mode, bool):
            yield f"{path}/interest/mode", {"mode": mode, **_MODE_NAMES[mode]}


@rule("interest_before_due_date")
def interest_before_due_date(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Interest from the due date or earlier: default interest runs from default, at the earliest the day after the due date (§§ 286, 288 BGB, § 187 Abs. 1 BGB)."""
    for path, claim in ctx.claims(case):
        due, begin = c.date(claim.get("due_date")), c.date(interest_of(claim).get("from"))
        if due is not None and begin is not None and begin <= due:
            yield f"{path}/interest/from", {"due_date": fmt_day(due), "earliest": fmt_day(due + dt.timedelta(days=1))}


@rule("b2b_rate_not_applicable")
def b2b_rate_not_applicable(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """More than 5 (up to 9) points although § 288 Abs. 2 BGB does not apply: a consumer applicant, or no payment claim.

    A consumer debtor is ``consumer_interest_above_statutory``'s case and is not reported twice;
    more than 9 points is the error ``interest_rate_too_high``.
    """
    if _any_consumer_debtor(case):
        return
    t = cost_tables()
    consumer_applicant = _consumer_applicant(case)
    for path, claim in ctx.claims(case):
        interest = interest_of(claim)
        if interest.get("above_base_rate") is not True:
            continue
        points = c.money(interest.get("rate"))
        if points is None or not t.default_points < points <= t.max_points:
            continue
        no = claim.get("catalog_no")
        if consumer_applicant:
            reason = {"reason_de": "ein Antragsteller Verbraucher ist (eine natürliche Person)",
                      "reason_en": "an applicant is a consumer (a natural person)"}
        elif isinstance(no, int) and not isinstance(no, bool) and no in t.non_payment_nos:
            reason = {"reason_de": f"die Forderung (Katalog-Nr. {no}) kein Entgelt für eine Lieferung oder Leistung ist",
                      "reason_en": f"the claim (catalogue no. {no}) is no payment for goods or services"}
        else:
            continue
        yield f"{path}/interest/rate", {**reason, "limit": t.default_points}


@rule("fixed_rate_implausible")
def fixed_rate_implausible(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A fixed yearly rate above the statutory default rate (base rate at interest start + 5 points, § 288 Abs. 1 BGB) against a consumer: only a contract can ground it."""
    if not _any_consumer_debtor(case):
        return
    points = cost_tables().default_points
    for path, claim in ctx.claims(case):
        interest = interest_of(claim)
        mode = _mode(interest)
        if interest.get("above_base_rate") is True or isinstance(mode, bool) or mode != 1:
            continue
        rate = c.money(interest.get("rate"))
        if rate is None:
            continue
        start = c.date(interest.get("from")) or ctx.application_date(case)  # absent: from service, after the application
        try:
            base, _ = base_rates.rate_on(start)
        except ValueError:  # before the base-rate table: nothing to compare with
            continue
        limit = base + points
        if rate > limit:
            yield f"{path}/interest/rate", {
                "start": fmt_day(start), "base_de": _num_de(base), "base_en": _num_en(base),
                "limit_de": _num_de(limit), "limit_en": _num_en(limit)}


# --- costs ------------------------------------------------------------------------------------------

def vat_on_costs(case: Any) -> bool:
    """True when VAT on collection and lawyer's costs is part of the creditor's damage, so the costs are
    claimed with VAT: the creditor cannot deduct it as input tax, because it is a consumer or because the
    case says so (``attorney.no_input_tax_deduction``, the form's "nicht zum Vorsteuerabzug berechtigt").
    The cap of ``collection_costs_above_cap`` and the VAT statement of a letter (§ 13a Abs. 1 Nr. 6 RDG)
    both ask this."""
    return c.is_consumer(c.get(case, "creditor")) or c.get(case, "attorney", "no_input_tax_deduction") is True


@rule("collection_and_lawyer_costs")
def collection_and_lawyer_costs(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Collection agency and lawyer both charged for the pre-court work: refundable only as if a lawyer alone had been instructed (§ 13f RDG)."""
    if _positive_cost(case, "collection") is not None and _positive_cost(case, "lawyer_out_of_court") is not None:
        yield "/costs/collection", {}


@rule("collection_costs_above_cap")
def collection_costs_above_cap(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Collection costs above what a lawyer could charge for the same work at the open main claims' value (§ 13e RDG, VV 2300, 7002, 7008 RVG)."""
    claimed = _positive_cost(case, "collection")
    if claimed is None:
        return
    value = open_main_claims(case, ctx)
    if value <= 0:
        return
    t = cost_tables()
    day = ctx.application_date(case)
    with_vat = vat_on_costs(case)
    cap = t.collection_cap(value, day, with_vat=with_vat)
    if claimed > cap:
        rate = t.fee_rate(day)
        yield "/costs/collection", {
            "claimed_de": eur_de(claimed), "claimed_en": eur_en(claimed),
            "cap_de": eur_de(cap), "cap_en": eur_en(cap),
            "value_de": eur_de(value), "value_en": eur_en(value),
            "rate_de": _num_de(rate), "rate_en": _num_en(rate),
            "vat_de": " zuzüglich Umsatzsteuer" if with_vat else "",
            "vat_en": " plus VAT" if with_vat else ""}


@rule("dunning_fee_implausible")
def dunning_fee_implausible(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Reminder costs above what courts accept as the creditor's own cost of reminders after default (§§ 280, 286 BGB; threshold as data)."""
    claimed = _positive_cost(case, "dunning")
    t = cost_tables()
    if claimed is not None and claimed > t.dunning_threshold:
        yield "/costs/dunning", {
            "claimed_de": eur_de(claimed), "claimed_en": eur_en(claimed),
            "threshold_de": eur_de(t.dunning_threshold), "threshold_en": eur_en(t.dunning_threshold),
            "per_reminder_de": eur_de(t.per_reminder), "per_reminder_en": eur_en(t.per_reminder)}
