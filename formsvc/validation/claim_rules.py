"""Court objections about main claims, interest, costs, assignment and limitation.

One function per code (see rules.py). Amounts are compared as ``Decimal``;
values the schema already refuses (wrong type, bad date) are skipped here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .. import base_rates
from .. import case as c
from ..claim_account import account, dated_payments, paid_total
from ..formatting import amount_de as fmt_money
from .court_rules import given
from .rules import Context, Finding, rule
from .values import dates_after_application, fmt_day, interest_of
from .tables import fold_label, tables


def _requires(ctx: Context, claim: dict[str, Any]) -> frozenset[str]:
    entry = ctx.catalog.get(claim.get("catalog_no"))
    return entry.requires if entry else frozenset()


def _flagged(ctx: Context, claim: dict[str, Any], flag: str) -> bool:
    """True when the claim's catalogue entry carries ``flag`` (catalog.FLAGS)."""
    entry = ctx.catalog.get(claim.get("catalog_no"))
    return entry is not None and entry.has(flag)


@rule("unknown_catalog_no")
def unknown_catalog_no(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A catalogue number the loaded Hauptforderungskatalog does not have."""
    for path, claim in ctx.claims(case):
        no = claim.get("catalog_no")
        if isinstance(no, int) and not isinstance(no, bool) and ctx.catalog.get(no) is None:
            yield f"{path}/catalog_no", {"no": no}


@rule("claim_basis_conflict")
def claim_basis_conflict(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Exactly one of catalog_no and other_claim: not both, not neither."""
    for path, claim in ctx.claims(case):
        has_no, has_other = claim.get("catalog_no") is not None, given(claim.get("other_claim"))
        if has_no and has_other:
            yield f"{path}/other_claim", {}
        elif not has_no and not has_other:
            yield f"{path}/catalog_no", {}


@rule("contract_type_required")
def contract_type_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A catalogue number that needs the contract type (no. 28) without it."""
    for path, claim in ctx.claims(case):
        if "contract_type" in _requires(ctx, claim) and not given(claim.get("contract_type")):
            yield f"{path}/contract_type", {"no": claim.get("catalog_no")}


@rule("object_location_required")
def object_location_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Rent and Hausgeld (no. 17, 19, 20, 90) without the object's postal code and city."""
    for path, claim in ctx.claims(case):
        if "object_location" not in _requires(ctx, claim):
            continue
        place = claim.get("object")
        params = {"no": claim.get("catalog_no")}
        if not isinstance(place, dict) or not (given(place.get("postal_code")) or given(place.get("city"))):
            yield f"{path}/object", params
            continue
        for key in ("postal_code", "city"):
            if not given(place.get(key)):
                yield f"{path}/object/{key}", params


@rule("period_required")
def period_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An entry flagged ``needs_period`` (rent for months no. 17, 19; Kita fees no. 70) without start and end."""
    for path, claim in ctx.claims(case):
        if _flagged(ctx, claim, "needs_period"):
            for key in ("date", "period_end"):
                if claim.get(key) is None:
                    yield f"{path}/{key}", {"no": claim.get("catalog_no")}


@rule("missing_claim_reference")
def missing_claim_reference(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A claim without description, or without document number and date: not individualised."""
    for path, claim in ctx.claims(case):
        if not given(claim.get("description")):
            yield f"{path}/description", {}
        if not given(claim.get("document_no")) and claim.get("date") is None:
            yield f"{path}/document_no", {}


@rule("invalid_amount")
def invalid_amount(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An amount of zero, or part payments above the amount (``paid``, else the sum of ``payments``)."""
    for path, claim in ctx.claims(case):
        amount, paid = c.money(claim.get("amount")), c.money(claim.get("paid"))
        if amount is not None and amount <= 0:
            yield f"{path}/amount", {}
        elif amount is not None and paid is not None and paid > amount:
            yield f"{path}/paid", {}
        elif amount is not None and paid is None and claim.get("payments") and paid_total(claim) > amount:
            yield f"{path}/payments", {}


@rule("payments_paid_mismatch")
def payments_paid_mismatch(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """``paid`` given beside ``payments`` but not their sum (case.md, contract 1.1)."""
    for path, claim in ctx.claims(case):
        paid = c.money(claim.get("paid"))
        if paid is None or not isinstance(claim.get("payments"), list) or not claim["payments"]:
            continue
        total = sum((a for _, a in dated_payments(claim)), Decimal("0.00"))
        if paid != total:
            yield f"{path}/paid", {"paid": fmt_money(paid), "sum": fmt_money(total)}


@rule("claim_fully_paid")
def claim_fully_paid(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Nothing open: ``paid`` or the payments reach the amount (objections-1.1.md)."""
    for path, claim in ctx.claims(case):
        amount = c.money(claim.get("amount"))
        if amount is None or amount <= 0:
            continue
        paid = paid_total(claim)
        if paid == amount:
            where = "payments" if claim.get("payments") and c.money(claim.get("paid")) is None else "paid"
            yield f"{path}/{where}", {"paid": fmt_money(paid), "amount": fmt_money(amount)}


@rule("earlier_interest_not_claimed")
def earlier_interest_not_claimed(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Interest accrued before the last payment and left open: the form's one interest line cannot carry it."""
    for path, claim in ctx.claims(case):
        if not claim.get("payments") or c.date(interest_of(claim).get("from")) is None:
            continue  # no dated payments, or interest only from service: nothing before it is claimed
        booked = account(claim)
        if booked.earlier_interest > 0 and booked.earlier_until is not None and booked.open > 0:
            running = booked.running_from or booked.interest_start
            yield f"{path}/interest/from", {"amount": fmt_money(booked.earlier_interest),
                                            "until": fmt_day(booked.earlier_until),
                                            "running_from": fmt_day(running) if running else ""}


@rule("duplicate_claim")
def duplicate_claim(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Two claims with the same document number and date (the later one is reported)."""
    seen: dict[tuple[str, str], int] = {}
    for path, claim in ctx.claims(case):
        number, day = claim.get("document_no"), claim.get("date")
        if isinstance(number, str) and given(number) and isinstance(day, str):
            key = (number.strip(), day)
            if key in seen:
                yield f"{path}/document_no", {"other": seen[key] + 1}
            else:
                seen[key] = int(path.rsplit("/", 1)[1])


@rule("claim_date_in_future")
def claim_date_in_future(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A claim date after the application date."""
    for path, _, day in dates_after_application(case, ctx, "date"):
        yield path, {"application_date": fmt_day(day)}


@rule("period_end_in_future")
def period_end_in_future(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A period that ends after the application: future rent or fees are not owed yet (§ 688 Abs. 2 Nr. 2 ZPO)."""
    for path, _, day in dates_after_application(case, ctx, "period_end"):
        yield path, {"application_date": fmt_day(day)}


@rule("invalid_period")
def invalid_period(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A period that ends before it starts."""
    for path, claim in ctx.claims(case):
        start, end = c.date(claim.get("date")), c.date(claim.get("period_end"))
        if start is not None and end is not None and end < start:
            yield f"{path}/period_end", {}


@rule("due_date_before_claim_date")
def due_date_before_claim_date(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A due date before the invoice/claim date (added rule: the letter would demand the impossible)."""
    for path, claim in ctx.claims(case):
        start, due = c.date(claim.get("date")), c.date(claim.get("due_date"))
        if start is not None and due is not None and due < start:
            yield f"{path}/due_date", {}


@rule("interest_start_before_claim_date")
def interest_start_before_claim_date(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Interest from a day before the claim existed."""
    for path, claim in ctx.claims(case):
        start, begin = c.date(claim.get("date")), c.date(interest_of(claim).get("from"))
        if start is not None and begin is not None and begin < start:
            yield f"{path}/interest/from", {"claim_date": fmt_day(start)}


@rule("interest_end_before_start")
def interest_end_before_start(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Interest that ends before it begins."""
    for path, claim in ctx.claims(case):
        interest = interest_of(claim)
        begin, end = c.date(interest.get("from")), c.date(interest.get("until"))
        if begin is not None and end is not None and end < begin:
            yield f"{path}/interest/until", {}


@rule("interest_end_after_application")
def interest_end_after_application(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An interest end date after the application (the form's Zinsende is only for interest that already stopped)."""
    for path, _, day in dates_after_application(case, ctx, "interest", "until"):
        yield path, {"application_date": fmt_day(day)}


@rule("interest_principal_exceeds_amount")
def interest_principal_exceeds_amount(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Interest on more than the claim."""
    for path, claim in ctx.claims(case):
        amount, principal = c.money(claim.get("amount")), c.money(interest_of(claim).get("principal"))
        if amount is not None and principal is not None and principal > amount:
            yield f"{path}/interest/principal", {}


def _points(claim: dict[str, Any]) -> Decimal | None:
    """Points above the base rate, or ``None`` for a fixed rate or none."""
    interest = interest_of(claim)
    if interest.get("above_base_rate") is not True:
        return None
    return c.money(interest.get("rate"))


@rule("interest_rate_too_high")
def interest_rate_too_high(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """More than 9 points above the base rate (§ 288 Abs. 2 BGB)."""
    limit = tables().max_points
    for path, claim in ctx.claims(case):
        points = _points(claim)
        if points is not None and points > limit:
            yield f"{path}/interest/rate", {"limit": limit}


@rule("consumer_interest_above_statutory")
def consumer_interest_above_statutory(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A consumer debtor and more than 5 (up to 9) points above the base rate (§ 288 Abs. 1 BGB)."""
    debtors = case.get("debtors")
    if not isinstance(debtors, list) or not any(c.is_consumer(d) for d in debtors):
        return
    t = tables()
    for path, claim in ctx.claims(case):
        points = _points(claim)
        if points is not None and t.consumer_points < points <= t.max_points:
            yield f"{path}/interest/rate", {"limit": t.consumer_points}


@rule("consumer_credit_details_required")
def consumer_credit_details_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A contract under §§ 491-508 BGB (entries flagged ``consumer_credit``: loan no. 4, leasing/Mietkauf no. 15)
    against a consumer without contract date and effective annual rate (§ 690 Abs. 1 Nr. 3 ZPO)."""
    debtors = case.get("debtors")
    if not isinstance(debtors, list) or not any(c.is_consumer(d) for d in debtors):
        return
    for path, claim in ctx.claims(case):
        if not _flagged(ctx, claim, "consumer_credit"):
            continue
        details = claim.get("consumer_credit")
        if not isinstance(details, dict) or all(details.get(k) is None for k in ("contract_date", "effective_rate")):
            yield f"{path}/consumer_credit", {}
            continue
        for key in ("contract_date", "effective_rate"):
            if details.get(key) is None:
                yield f"{path}/consumer_credit/{key}", {}


@rule("consumer_credit_rate_excluded")
def consumer_credit_rate_excluded(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An effective rate more than 12 points above the base rate at contract date (§ 688 Abs. 2 Nr. 1 ZPO)."""
    limit = tables().consumer_credit_max_points
    for path, claim in ctx.claims(case):
        details = claim.get("consumer_credit")
        if not isinstance(details, dict):
            continue
        signed, rate = c.date(details.get("contract_date")), c.money(details.get("effective_rate"))
        if signed is None or rate is None:
            continue
        try:
            base, _ = base_rates.rate_on(signed)
        except ValueError:  # before the table starts: no base rate to compare with
            continue
        if rate - base > limit:
            yield f"{path}/consumer_credit/effective_rate", {
                "base_de": str(base).replace(".", ","), "base_en": str(base),
                "limit_de": str(base + limit).replace(".", ","), "limit_en": str(base + limit),
                "contract_date": fmt_day(signed)}


def _labelled_costs(case: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in ("other", "other_expenses"):
        item = c.get(case, "costs", key)
        if isinstance(item, dict):
            yield f"/costs/{key}", item


@rule("court_costs_not_allowed")
def court_costs_not_allowed(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A cost label that names fees or advances of the court or of this procedure, or the attorney's fees for it."""
    pattern = tables().court_costs
    for path, item in _labelled_costs(case):
        label = item.get("label")
        if isinstance(label, str) and pattern.search(fold_label(label)):
            yield f"{path}/label", {"label": label}


@rule("cost_label_required")
def cost_label_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Further costs with an amount but no label, or a label but no amount."""
    for path, item in _labelled_costs(case):
        raw = item.get("amount")
        amount = c.money(raw)
        if raw is not None and amount is None:
            continue  # mistyped: the schema reports it
        has_amount, has_label = bool(amount), given(item.get("label"))
        if has_amount and not has_label:
            yield f"{path}/label", {}
        elif has_label and not has_amount:
            yield f"{path}/amount", {}


@rule("assignment_incomplete")
def assignment_incomplete(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An assignment without its date or the previous creditor's name, postal code and city."""
    assignment = case.get("assignment")
    if not isinstance(assignment, dict):
        return
    if assignment.get("date") is None:
        yield "/assignment/date", {}
    previous = assignment.get("previous_creditor")
    if not isinstance(previous, dict) or not any(given(previous.get(k)) for k in ("name", "postal_code", "city")):
        yield "/assignment/previous_creditor", {}
        return
    for key in ("name", "postal_code", "city"):
        if not given(previous.get(key)):
            yield f"/assignment/previous_creditor/{key}", {}


@rule("assignment_date_in_future")
def assignment_date_in_future(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An assignment dated after the application: the applicant does not own the claim yet."""
    day = ctx.application_date(case)
    assigned = c.date(c.get(case, "assignment", "date"))
    if assigned is not None and assigned > day:
        yield "/assignment/date", {"application_date": fmt_day(day)}


@rule("assignment_before_claim_date")
def assignment_before_claim_date(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An assignment dated before a claim arose: only valid as an assignment of future claims."""
    assigned = c.date(c.get(case, "assignment", "date"))
    if assigned is None:
        return
    for path, claim in ctx.claims(case):
        start = c.date(claim.get("date"))
        if start is not None and assigned < start:
            yield "/assignment/date", {"claim_date": fmt_day(start)}
            return


@rule("statute_of_limitations")
def statute_of_limitations(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A claim whose three-year limitation ended before the application (warning: a defence, § 214 BGB)."""
    day = ctx.application_date(case)
    years = tables().limitation_years
    for path, claim in ctx.claims(case):
        key = "due_date" if c.date(claim.get("due_date")) else "date"
        arose = c.date(claim.get(key))
        if arose is None or arose.year + years > 9999:
            continue
        expired = dt.date(arose.year + years, 12, 31)
        if day > expired:
            yield f"{path}/{key}", {"expired": fmt_day(expired)}
