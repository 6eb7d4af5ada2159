"""Who writes the letter, for whom, and what a consumer must be told about it.

``letter.sender`` ``"creditor"`` (default): the creditor writes in its own name.
``"attorney"``: the creditor's lawyer (attorney kind 1) or registered collection
agency (kind 2) writes on the creditor's behalf (shared/spec/letters.md, "Letters
that hold up"); the validator has made sure it can (``letter_sender_incomplete``).
Then

* letterhead, return line, information block, closing and footer are the
  attorney's (its ``email``, ``phone``, ``vat_id`` and ``register``: for kind 2
  the entry in the Rechtsdienstleistungsregister, for kind 1 the bar);
* the letter says for whom it writes (:func:`principal`);
* the debtor pays to the attorney's account (:func:`payee`), else the creditor's;
* a consumer debtor gets the information of § 13a Abs. 1 RDG (kind 2) or § 43d
  Abs. 1 BRAO (kind 1), :func:`disclosure`: the creditor's name and address, the
  ground of each claim with its date, where the interest calculation stands and
  whether a rate above the statutory one is claimed under the contract, each
  cost with its kind, amount and basis, and whether VAT is claimed on the costs;
  for kind 2 also the supervisory authority (Nr. 8).

Whoever writes, a case with an ``assignment`` tells the debtor of it
(:func:`assignment_notice`, §§ 398, 407, 409 BGB).
"""
from __future__ import annotations

from typing import Any

from .. import case as c
from ..catalog import load as load_catalog
from ..config import Settings
from ..validation.interest_cost_rules import vat_on_costs
from ..validation.letter_rules import attorney_kind, letter_sender
from . import i18n
from .addresses import address_lines, country_line
from .amounts import Statement

#: The supervisory authority of registered collection agencies since 2025-01-01: the Bundesamt für Justiz
#: registers (§ 13 Abs. 1 RDG in force since that day) and supervises them (Gesetz zur Stärkung der Aufsicht bei
#: Rechtsdienstleistungen, BGBl. 2023 I Nr. 64). Its address as the office itself publishes it
#: (bundesjustizamt.de, Datenschutzerklärung, "Verantwortlicher"; read 2026-12-04); the e-mail is the one
#: published for Rechtsdienstleistungsregister matters. Printed for kind 2 as § 13a Abs. 1 Nr. 8 RDG requires.
SUPERVISORY_AUTHORITY = "Bundesamt für Justiz, Adenauerallee 99–103, 53113 Bonn, rdg@bfj.bund.de"

#: Cost kinds -> the basis the § 13a block names (a key of the template's ``cost_basis`` macro).
COST_BASIS = {
    "collection": "collection",
    "lawyer_out_of_court": "lawyer",
    "dunning": "reminder",
    "letter_fee": "reminder",
    "information": "damages",
    "return_debit": "damages",
    "other": "damages",
}


def writes_as_attorney(case: Any) -> bool:
    """True when the case's attorney writes the letter (``letter.sender`` ``"attorney"``)."""
    return letter_sender(case) == "attorney" and isinstance(c.get(case, "attorney"), dict)


def writer(case: dict[str, Any]) -> dict[str, Any]:
    """The party whose letterhead the letter carries, as a party-like object (name, address, contact data,
    register, VAT id, representatives): the creditor, or the attorney when it writes."""
    if not writes_as_attorney(case):
        return case.get("creditor") or {}
    attorney = case["attorney"]
    return {"type": "company", "name": attorney.get("name"), "address": attorney.get("address"),
            "email": attorney.get("email"), "phone": attorney.get("phone"),
            "register": attorney.get("register"), "vat_id": attorney.get("vat_id"), "representatives": []}


def one_line(address: Any) -> str:
    """Street, postal code and city (and the country abroad) on one line."""
    return ", ".join(address_lines(address, with_extra=False))


def principal(case: dict[str, Any]) -> dict[str, Any] | None:
    """For whom the attorney writes: the creditor's name and address and the attorney's kind (1 or 2);
    ``None`` when the creditor writes itself."""
    if not writes_as_attorney(case):
        return None
    creditor = case.get("creditor") or {}
    return {"name": c.party_name(creditor), "address": one_line(creditor.get("address")),
            "kind": attorney_kind(case["attorney"])}


def payee(case: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The account the debtor pays to and its holder: the attorney's IBAN account when it writes and has one
    (holder: the attorney), else the creditor's (holder as given, else the creditor); ``None`` without an
    account. An attorney account given as BLZ and account number carries no IBAN for a GiroCode, so the
    creditor's account is used then."""
    if writes_as_attorney(case):
        account = c.get(case, "attorney", "bank_account")
        if isinstance(account, dict) and account.get("iban"):
            return account, str(c.get(case, "attorney", "name") or "")
    account = c.get(case, "creditor", "bank_account")
    if isinstance(account, dict) and account.get("iban"):
        return account, str(account.get("holder") or c.party_name(case.get("creditor")))
    return None


def assignment_notice(case: dict[str, Any], language: str) -> dict[str, Any] | None:
    """The notice of an assignment (§ 409 BGB): original creditor with place, date, new creditor; ``None``
    when the case has no complete assignment (the validator reports a partial one)."""
    assignment = c.get(case, "assignment")
    previous = c.get(assignment, "previous_creditor")
    day = c.date(c.get(assignment, "date"))
    if not isinstance(previous, dict) or not previous.get("name") or day is None:
        return None
    town = " ".join(str(p) for p in (previous.get("postal_code"), previous.get("city")) if p)
    place = ", ".join(p for p in (town, country_line(previous)) if p)
    return {"previous": ", ".join(p for p in (str(previous["name"]), place) if p),
            "date": i18n.date(day, language), "creditor": c.party_name(case.get("creditor"))}


def _ground(claim: dict[str, Any], settings: Settings | None) -> str:
    """What the claim rests on: the catalogue entry (with the contract type of no. 28), else ``other_claim``."""
    entry = load_catalog(settings).get(claim.get("catalog_no"))
    if entry is None:
        return str(claim.get("other_claim") or "")
    label = entry.label
    if claim.get("contract_type") and "..." in label:
        label = label.replace("...", str(claim["contract_type"]))
    return label


def disclosure(case: dict[str, Any], statement: Statement, language: str, *,
               settings: Settings | None = None) -> dict[str, Any] | None:
    """The § 13a RDG / § 43d BRAO block for a consumer debtor of an attorney-written letter, else ``None``.

    ``grounds``: per claim the ground (catalogue label), the document and its date (the contract date of a
    consumer loan when given); ``interest``: whether interest is claimed (the calculation stands under the
    table); ``contractual``: the documents whose rate is above the statutory default rate (Nr. 4);
    ``costs``: kind, label, amount and basis key of every cost charged (Nr. 5); ``vat``: whether the costs
    include VAT (Nr. 6, :func:`~formsvc.validation.interest_cost_rules.vat_on_costs`); ``authority``: the
    supervisory authority for kind 2 (Nr. 8)."""
    who = principal(case)
    debtor = c.get(case, "debtors", 0)
    if who is None or not c.is_consumer(debtor):
        return None
    grounds = []
    claims = [cl for cl in case.get("claims") or [] if isinstance(cl, dict)]
    for claim in claims:
        document = " ".join(str(p) for p in (claim.get("description"), claim.get("document_no")) if p)
        day = c.date(c.get(claim, "consumer_credit", "contract_date")) or c.date(claim.get("date"))
        grounds.append({"ground": _ground(claim, settings), "document": document,
                        "date": i18n.date(day, language)})
    contractual = [line.document_no or line.description for line in statement.claims
                   if line.contractual and line.interest is not None]
    costs = [{"kind": line.kind, "label": line.label, "amount": i18n.money(line.amount, language), "set_off": "",
              "basis": COST_BASIS.get(line.kind, "damages")} for line in statement.costs]
    return {"kind": who["kind"], "creditor": who["name"], "address": who["address"], "grounds": grounds,
            "interest": statement.has_interest, "contractual": ", ".join(contractual), "costs": costs,
            "vat": vat_on_costs(case), "authority": SUPERVISORY_AUTHORITY if who["kind"] == 2 else ""}
