"""Court objections about the parties, addresses, attorney, bank accounts and courts.

One function per code (see rules.py); claim, cost and assignment rules live in
claim_rules.py and trial_court.py, the EDA rules in formsvc/eda/checks.py (they
read the EDA layout). Every rule tolerates mistyped parts
of the case (the schema reports those) and never raises.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from schwifty import BIC, IBAN

from .. import case as c
from .. import resources
from ..case import country
from .rules import Context, Finding, rule
from .tables import fold_words, tables

ADDRESS_FIELDS = ("street", "postal_code", "city")


def given(value: Any) -> bool:
    """True for a value that counts as given: not null, not a blank string, not an empty object."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (dict, list)):
        return bool(value)
    return True


def _address_gaps(path: str, address: Any) -> Iterator[Finding]:
    """The whole address when absent, else each missing street/postal code/city."""
    if not isinstance(address, dict) or not any(given(address.get(k)) for k in ADDRESS_FIELDS):
        yield path, {}
        return
    for key in ADDRESS_FIELDS:
        if not given(address.get(key)):
            yield f"{path}/{key}", {}


@rule("missing_salutation")
def missing_salutation(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A natural person among creditor, co-creditor and debtors without Herr/Frau."""
    for path, party in ctx.parties(case):
        if c.is_person(party) and not party.get("salutation"):
            yield f"{path}/salutation", {}


@rule("missing_name")
def missing_name(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A person without first/last name, a company without name; also representatives and the attorney."""
    for path, party in ctx.parties(case):
        if party.get("type") == "company":
            if not given(party.get("name")):
                yield f"{path}/name", {}
        elif c.is_person(party):
            for key in ("first_name", "last_name"):
                if not given(party.get(key)):
                    yield f"{path}/{key}", {}
    for path, rep, _ in ctx.representatives(case):
        for key in ("first_name", "last_name"):
            if not given(rep.get(key)):
                yield f"{path}/{key}", {}
    attorney = case.get("attorney")
    if isinstance(attorney, dict) and not given(attorney.get("name")):
        yield "/attorney/name", {}


@rule("incomplete_address")
def incomplete_address(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A party or the attorney without street, postal code or city; a representative's partial address."""
    for path, party in ctx.parties(case):
        yield from _address_gaps(f"{path}/address", party.get("address"))
    attorney = case.get("attorney")
    if isinstance(attorney, dict):
        yield from _address_gaps("/attorney/address", attorney.get("address"))
    for path, rep, _ in ctx.representatives(case):
        address = rep.get("address")
        if isinstance(address, dict) and any(given(address.get(k)) for k in ADDRESS_FIELDS):
            yield from _address_gaps(f"{path}/address", address)


def _postal_codes(case: dict[str, Any], ctx: Context) -> Iterator[tuple[str, Any, str]]:
    """(path, postal code, country) of every place in the case that has one."""
    for path, party in ctx.parties(case):
        address = party.get("address")
        if isinstance(address, dict):
            yield f"{path}/address/postal_code", address.get("postal_code"), country(address)
    for path, rep, _ in ctx.representatives(case):
        address = rep.get("address")
        if isinstance(address, dict):
            yield f"{path}/address/postal_code", address.get("postal_code"), country(address)
    for path, claim in ctx.claims(case):
        place = claim.get("object")
        if isinstance(place, dict):
            yield f"{path}/object/postal_code", place.get("postal_code"), country(place)
    previous = c.get(case, "assignment", "previous_creditor")
    if isinstance(previous, dict):
        yield "/assignment/previous_creditor/postal_code", previous.get("postal_code"), country(previous)
    address = c.get(case, "attorney", "address")
    if isinstance(address, dict):
        yield "/attorney/address/postal_code", address.get("postal_code"), country(address)
    for court in ("dunning", "trial"):
        place = c.get(case, "courts", court)
        if isinstance(place, dict):
            yield f"/courts/{court}/postal_code", place.get("postal_code"), "DE"


@lru_cache(maxsize=1)
def postal_code_formats() -> dict[str, tuple[re.Pattern[str], str, str, str]]:
    """Country -> (compiled format, German and English description, example) from postal_code_formats.json."""
    raw = resources.data("postal_code_formats.json")["formats"]
    return {country: (re.compile(entry["regex"]), entry["de"], entry["en"], entry["example"])
            for country, entry in raw.items()}


@rule("invalid_postal_code")
def invalid_postal_code(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A postal code that does not have its country's format (countries of the format table only)."""
    formats = postal_code_formats()
    for path, code, country in _postal_codes(case, ctx):
        entry = formats.get(country)
        if entry is None or not isinstance(code, str) or not given(code):
            continue
        pattern, form_de, form_en, example = entry
        if not pattern.fullmatch(code.strip() if country != "DE" else code):
            yield path, {"value": code, "country": country, "format_de": form_de, "format_en": form_en,
                         "example": example}


@rule("po_box_address")
def po_box_address(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A debtor's (or the debtor's representative's) street line is a Postfach: no service there.

    The words (every spelling in the eight letter languages) are data: ``po_box_patterns`` in
    validation_rules.json, matched as words, never as parts of a street name.
    """
    pattern = tables().po_box
    debtors = case.get("debtors")
    if not isinstance(debtors, list):
        return
    for i, debtor in enumerate(debtors):
        if not isinstance(debtor, dict):
            continue
        places = [(f"/debtors/{i}", debtor)]
        reps = debtor.get("representatives")
        if isinstance(reps, list):
            places += [(f"/debtors/{i}/representatives/{j}", r) for j, r in enumerate(reps) if isinstance(r, dict)]
        for path, holder in places:
            street = c.get(holder, "address", "street")
            if isinstance(street, str) and pattern.search(fold_words(street)):
                yield f"{path}/address/street", {}


@rule("missing_representative")
def missing_representative(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A company creditor or debtor without a legal representative."""
    for path, party in ctx.parties(case):
        if party.get("type") == "company" and not given(party.get("representatives")):
            yield f"{path}/representatives", {}


@rule("representative_address_required")
def representative_address_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The representative of a natural person has no address at all (partial ones: incomplete_address)."""
    for path, rep, party in ctx.representatives(case):
        address = rep.get("address")
        if c.is_person(party) and not (isinstance(address, dict)
                                       and any(given(address.get(k)) for k in ADDRESS_FIELDS)):
            yield f"{path}/address", {}


@rule("co_creditor_not_person")
def co_creditor_not_person(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The second applicant must be a natural person."""
    co_creditor = case.get("co_creditor")
    if isinstance(co_creditor, dict) and co_creditor.get("type") == "company":
        yield "/co_creditor/type", {}


@rule("too_many_debtors")
def too_many_debtors(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """More than two debtors (the schema reports it with this code too)."""
    debtors = case.get("debtors")
    if isinstance(debtors, list) and len(debtors) > 2:
        yield "/debtors", {"count": len(debtors)}


@rule("joint_liability_unspecified")
def joint_liability_unspecified(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Two debtors but no answer to "Gesamtschuldner?"."""
    debtors = case.get("debtors")
    if isinstance(debtors, list) and len(debtors) == 2 and not isinstance(case.get("jointly_liable"), bool):
        yield "/jointly_liable", {}


@rule("minor_without_representative")
def minor_without_representative(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A party under 18 on the application date without a legal representative (§ 51 ZPO)."""
    day = ctx.application_date(case)
    age = tables().majority_age
    for path, party in ctx.parties(case):
        born = c.date(party.get("birth_date"))
        if not c.is_person(party) or born is None or given(party.get("representatives")):
            continue
        adult_from = c.adult_from(born, age)
        if adult_from is not None and day < adult_from:
            yield f"{path}/representatives", {"adult_from": adult_from.strftime("%d.%m.%Y")}


def _bank_accounts(case: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in ("/creditor/bank_account", "/attorney/bank_account"):
        account = c.get(case, *path.strip("/").split("/"))
        if isinstance(account, dict):
            yield path, account


#: schwifty's exception -> what is wrong, in German and English.
_BANK_REASONS: dict[str, tuple[str, str]] = {
    "InvalidChecksumDigits": ("die Prüfziffer der IBAN stimmt nicht", "the IBAN's check digits are wrong"),
    "InvalidLength": ("die Länge passt nicht zum Land", "the length does not fit the country"),
    "InvalidCountryCode": ("die Länderkennung ist unbekannt", "the country code is unknown"),
    "InvalidStructure": ("der Aufbau ist ungültig", "the structure is invalid"),
    "InvalidBankCode": ("die Bankleitzahl ist ungültig", "the bank code is invalid"),
    "InvalidBranchCode": ("der Filialcode ist ungültig", "the branch code is invalid"),
    "InvalidAccountCode": ("die Kontonummer ist ungültig", "the account number is invalid"),
    "InvalidBBANChecksum": ("die nationale Prüfziffer stimmt nicht", "the national check digit is wrong"),
}
_BANK_DEFAULT = ("das Format ist ungültig", "the format is invalid")


@lru_cache(maxsize=4096)
def _bank_problem(kind: str, value: str) -> tuple[str, str] | None:
    """(German, English) reason why an IBAN or BIC is invalid, or ``None`` (cached: batches repeat accounts)."""
    try:
        IBAN(value) if kind == "iban" else BIC(value)
    except ValueError as exc:
        if kind == "bic" and type(exc).__name__ == "InvalidLength":
            return ("eine BIC hat 8 oder 11 Zeichen", "a BIC has 8 or 11 characters")
        return _BANK_REASONS.get(type(exc).__name__, _BANK_DEFAULT)
    return None


@rule("invalid_bank_account")
def invalid_bank_account(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An IBAN with a wrong checksum, length or structure, or a malformed BIC (creditor and attorney)."""
    for path, account in _bank_accounts(case):
        for kind in ("iban", "bic"):
            value = account.get(kind)
            if isinstance(value, str) and (kind == "iban" or given(value)):
                reason = _bank_problem(kind, value)
                if reason is not None:
                    yield f"{path}/{kind}", {"kind": kind.upper(), "reason_de": reason[0], "reason_en": reason[1]}


def _court_gaps(case: dict[str, Any], court: str, keys: tuple[str, ...]) -> Iterator[Finding]:
    place = c.get(case, "courts", court)
    if not isinstance(place, dict) or not any(given(place.get(k)) for k in keys):
        yield f"/courts/{court}", {}
        return
    for key in keys:
        if not given(place.get(key)):
            yield f"/courts/{court}/{key}", {}


@rule("missing_dunning_court")
def missing_dunning_court(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """No dunning court that the tables could fill in, or one without name, postal code or city."""
    from .dunning_court import dunning_court_decided  # the court tables decide whether it can be filled in

    if dunning_court_decided(case, ctx):
        return  # dunning_court_filled_in reports the court the outputs carry
    yield from _court_gaps(case, "dunning", ("name", "postal_code", "city"))


@rule("missing_trial_court")
def missing_trial_court(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """No trial court, or one without type, postal code or city (a type outside 1–5: the schema)."""
    yield from _court_gaps(case, "trial", ("type", "postal_code", "city"))


@rule("invalid_attorney_kind")
def invalid_attorney_kind(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An attorney without kind (a kind other than 1, 2, 3, 4, 9 is reported by the schema with this code)."""
    attorney = case.get("attorney")
    if isinstance(attorney, dict) and attorney.get("kind") is None:
        yield "/attorney/kind", {}


@rule("attorney_expenses_not_allowed")
def attorney_expenses_not_allowed(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Expenses for an attorney of any kind but 3: only a Rechtsbeistand may claim them on the form."""
    attorney = case.get("attorney")
    if not isinstance(attorney, dict):
        return
    expenses = c.money(attorney.get("expenses"))
    kind = attorney.get("kind")
    if expenses and not isinstance(kind, bool) and kind in (1, 2, 4, 9):
        yield "/attorney/expenses", {}


@rule("representative_not_on_form")
def representative_not_on_form(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A legal representative for whom the application form has no slot left."""
    from ..representative_slots import representatives_not_on_form  # the form's slot table decides

    for path, _ in representatives_not_on_form(case):
        yield path, {}
