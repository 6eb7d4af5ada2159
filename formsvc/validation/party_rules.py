"""Court objections about how parties are written down: house numbers and legal forms.

Two warnings of contract 1.1 (shared/spec/objections-1.1.md):

- ``missing_house_number`` (letter): a street line without a house number, for
  creditor, co-creditor, debtors, representatives that have an address, and the
  attorney. A Postfach is not judged here (``po_box_address`` is about that).
- ``company_legal_form_missing`` (court): a company whose name carries no legal
  form (GmbH, e. K., WEG, B.V., Sp. z o.o., …).

The house-number pattern, the Postfach words and the legal forms are data in
``formsvc/data/validation_rules.json``, each compiled once into one regular
expression (:mod:`formsvc.validation.tables`). Every rule tolerates mistyped
parts of the case (the schema reports those) and never raises.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .court_rules import given
from .rules import Context, Finding, rule
from .tables import fold_words, tables


def _addresses(case: dict[str, Any], ctx: Context) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, address) of every party, representative and attorney address that is an object."""
    for path, party in ctx.parties(case):
        address = party.get("address")
        if isinstance(address, dict):
            yield f"{path}/address", address
    for path, rep, _ in ctx.representatives(case):
        address = rep.get("address")
        if isinstance(address, dict):
            yield f"{path}/address", address
    attorney = case.get("attorney")
    if isinstance(attorney, dict) and isinstance(attorney.get("address"), dict):
        yield "/attorney/address", attorney["address"]


def has_house_number(street: str) -> bool:
    """True when the street line carries a house number ("Straße des 17. Juni 5", "12 rue de la Paix")."""
    return tables().house_number.search(street) is not None


def is_po_box(street: str) -> bool:
    """True when the street line is a Postfach or the like, in any of the letter languages."""
    return tables().po_box.search(fold_words(street)) is not None


def has_legal_form(name: str) -> bool:
    """True when a company name carries a legal form, as words in any spacing ("e.K." = "e. K.")."""
    return tables().legal_form.search(fold_words(name)) is not None


def is_merchant(party: dict[str, Any]) -> bool | None:
    """Whether a debtor may be sued at the Kammer für Handelssachen (§ 95 Abs. 1 Nr. 1 GVG).

    ``False`` for a natural person (case.md: ``person`` is a private person or an *unregistered*
    sole trader, and § 95 wants a merchant entered in the register, whatever ``is_consumer`` says)
    and for a company whose name shows only non-merchant legal forms (GbR, e. V., WEG, PartG …);
    ``True`` for a company with a merchant's legal form; ``None`` when the name does not tell.
    """
    if party.get("type") == "person":
        return False
    name = party.get("name")
    if party.get("type") != "company" or not isinstance(name, str):
        return None
    folded = fold_words(name)
    t = tables()
    if t.merchant_form.search(folded):
        return True
    if t.non_merchant_form.search(folded):
        return False
    return None


@rule("missing_house_number")
def missing_house_number(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A street line without a house number (warning: the letter or the order may not reach the party)."""
    for path, address in _addresses(case, ctx):
        street = address.get("street")
        if isinstance(street, str) and given(street) and not has_house_number(street) and not is_po_box(street):
            yield f"{path}/street", {"street": street.strip()}


@rule("company_legal_form_missing")
def company_legal_form_missing(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A company (``type: company``) whose name carries no legal form (an empty name is ``missing_name``)."""
    for path, party in ctx.parties(case):
        name = party.get("name")
        if party.get("type") == "company" and isinstance(name, str) and given(name) and not has_legal_form(name):
            yield f"{path}/name", {"name": name.strip()}
