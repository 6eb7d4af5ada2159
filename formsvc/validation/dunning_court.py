"""Court objections about the dunning court and service abroad (contract 1.1).

- ``dunning_court_mismatch``: ``courts.dunning`` names another court than the
  competent central dunning court (§ 689 Abs. 2, 3 ZPO; § 703d ZPO).
- ``dunning_court_filled_in``: ``courts.dunning`` is absent and the tables
  decide: the application and the EDA file carry the competent court.
- ``dunning_court_unverified`` (added): the tables cannot decide (a postal code
  on a Land or OLG border, unknown, or debtors leading to different courts)
  and the court given is one of the possible ones: it is not guessed either way.
- ``foreign_service_not_available``: a debtor in a country where a German
  Mahnbescheid cannot be served (§ 688 Abs. 3 ZPO, § 32 AVAG).

The decision itself is :mod:`formsvc.courts` (tables loaded once); one run of
the rules decides once per case (``Context.memo``).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import case as c
from ..courts import Decision, decide, dunning_court_absent, match_court, servable
from .rules import Context, Finding, rule

_MEMO = "dunning_court_decision"


def _decision(case: dict[str, Any], ctx: Context) -> Decision:
    if _MEMO not in ctx.memo:
        ctx.memo[_MEMO] = decide(case)
    return ctx.memo[_MEMO]


def _given_name(case: dict[str, Any]) -> str | None:
    name = c.get(case, "courts", "dunning", "name")
    return name if isinstance(name, str) and name.strip() else None


@rule("dunning_court_mismatch")
def dunning_court_mismatch(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The dunning court named is not the competent one (or none of the possible ones)."""
    name = _given_name(case)
    if name is None:
        return
    decision = _decision(case, ctx)
    given = match_court(name)
    if decision.court is not None:
        if given != decision.court:
            yield "/courts/dunning/name", {"value": name, "competent_de": decision.court.name,
                                           "competent_en": decision.court.name,
                                           "why_de": decision.why_de, "why_en": decision.why_en}
    elif decision.candidates and given not in decision.candidates:
        names = [x.name for x in decision.candidates]
        yield "/courts/dunning/name", {"value": name, "competent_de": " oder ".join(names),
                                       "competent_en": " or ".join(names),
                                       "why_de": decision.why_de, "why_en": decision.why_en}


@rule("dunning_court_unverified")
def dunning_court_unverified(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The tables cannot decide the court, and the court given may be right: say so instead of guessing."""
    name = _given_name(case)
    if name is None:
        return
    decision = _decision(case, ctx)
    if decision.court is not None or not decision.why_de:
        return
    if not decision.candidates or match_court(name) in decision.candidates:
        yield "/courts/dunning/name", {"value": name, "why_de": decision.why_de, "why_en": decision.why_en}


@rule("dunning_court_filled_in")
def dunning_court_filled_in(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """No dunning court given; the tables decide it, and the outputs carry it."""
    if not dunning_court_absent(case):
        return
    court = _decision(case, ctx).court
    if court is not None:
        yield "/courts/dunning", {"competent": court.name, "address": f"{court.street}, {court.postal_code} "
                                  f"{court.city}", "why_de": _decision(case, ctx).why_de,
                                  "why_en": _decision(case, ctx).why_en}


def dunning_court_decided(case: dict[str, Any], ctx: Context) -> bool:
    """True when the dunning court is absent and the service fills it in (missing_dunning_court then stays quiet)."""
    return dunning_court_absent(case) and _decision(case, ctx).court is not None


@rule("foreign_service_not_available")
def foreign_service_not_available(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A debtor in a country where a German Mahnbescheid cannot be served."""
    debtors = case.get("debtors")
    if not isinstance(debtors, list):
        return
    for i, debtor in enumerate(debtors):
        address = debtor.get("address") if isinstance(debtor, dict) else None
        country = address.get("country") if isinstance(address, dict) else None
        if isinstance(country, str) and country.strip() and not servable(country.strip().upper()):
            yield f"/debtors/{i}/address/country", {"country": country.strip().upper()}
