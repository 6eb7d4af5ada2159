"""The case as the court documents claim it: every main claim with what is open.

The Mahnbescheid application and the EDA file are written from
:func:`claimed_case`, never from the case as submitted, so that neither claims
a paid amount: each claim's ``amount`` becomes its open principal from
:mod:`formsvc.claim_account` (the letter's "open" column shows the same
figure), ``paid`` and ``payments`` are dropped (the form has no place for
them), and the interest line is moved to where interest still runs:

* ``interest.from`` moves to the day after the last payment that settled the
  interest accrued up to its day (§ 367 Abs. 1 BGB) — claiming from the
  original start would claim settled interest again;
* ``interest.principal`` is capped at the open amount (dropped when it is not
  less): interest never runs on more than is open;
* an interest line that ended (``until``) before it would start again is
  dropped; the interest it bore was settled or is reported by the validator.

A case without ``paid`` or ``payments`` is returned as it is (no copy).
:func:`court_case` adds the competent dunning court where the case has none
(:mod:`formsvc.courts`); the application and the EDA writer use it.
"""
from __future__ import annotations

from typing import Any

from . import case as c
from .claim_account import ClaimAccount, account
from .courts import with_dunning_court


def _has_payments(claim: Any) -> bool:
    return isinstance(claim, dict) and bool(c.money(claim.get("paid")) or claim.get("payments"))


def claimed_claim(claim: dict[str, Any], booked: ClaimAccount | None = None) -> dict[str, Any]:
    """One claim as the form claims it (see the module docstring)."""
    booked = booked or account(claim)
    out = {key: value for key, value in claim.items() if key not in ("paid", "payments")}
    out["amount"] = str(booked.open)
    interest = claim.get("interest")
    if not isinstance(interest, dict):
        return out
    interest = dict(interest)
    if booked.running_from is not None and c.date(interest.get("from")) is not None:
        until = c.date(interest.get("until"))
        if until is not None and until < booked.running_from:
            out.pop("interest")
            return out
        interest["from"] = booked.running_from.isoformat()
    principal = c.money(interest.get("principal"))
    if principal is not None:
        if principal >= booked.open:
            interest.pop("principal")
        else:
            interest["principal"] = str(principal)
    out["interest"] = interest
    return out


def claimed_case(case: dict[str, Any]) -> dict[str, Any]:
    """``case`` with every claim as the court documents claim it."""
    claims = case.get("claims")
    if not isinstance(claims, list) or not any(_has_payments(claim) for claim in claims):
        return case
    out = dict(case)
    out["claims"] = [claimed_claim(claim) if _has_payments(claim) else claim for claim in claims]
    return out


def court_case(case: dict[str, Any]) -> dict[str, Any]:
    """The case as the court documents state it: open amounts, and the competent dunning court
    filled in when ``courts.dunning`` is absent and the court tables decide it (``dunning_court_filled_in``)."""
    return claimed_case(with_dunning_court(case))
