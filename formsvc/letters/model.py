"""The letter as data: every value the template prints, formatted for the letter's locale.

No text of the letter is written here (that is the template and its gettext
catalogs); this module picks the parties, lays out address lines, asks
:mod:`.fitting` how small each block must be set to fit its box, and formats
dates and amounts with Babel.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import case as c
from . import i18n, sender
from .addresses import address_lines
from .addressee import Addressee, addressee
from .amounts import Statement
from .fitting import footer_fit, head_name_pt, info_pt, recipient_font_pt
from .fitting import return_line as fit_return_line
from .options import LetterOptions
from .payment import Payment

@dataclass(frozen=True)
class LetterContext:
    """The template's variables as one object (``as_dict`` for Jinja)."""

    values: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The variables for ``template.render``."""
        return dict(self.values)


def _person_name(party: dict[str, Any]) -> str:
    return " ".join(str(p) for p in (party.get("title"), party.get("last_name")) if p)


#: Stands in for the translated "as legal representative of" when the window's size is estimated
#: (as long as the longest translation, Polish "jako przedstawicielka ustawowa dłużnika:").
ON_BEHALF_ESTIMATE = "x" * 42


def academic(party: dict[str, Any]) -> str:
    """``"professor"`` ("Prof.", "Prof. Dr."), ``"doctor"`` ("Dr.", "Dr. med.", "Dr.-Ing.") or ``""``
    for a person's title: the languages have their own forms for these ("Dear Professor Muster",
    "Dr Muster", "Dott.ssa", "Dra."), which replace Mr/Ms instead of following it. Other titles
    ("Dipl.-Ing.") stay part of the name as given."""
    title = str(party.get("title") or "").strip()
    if title.startswith("Prof"):
        return "professor"
    if title in ("Dr", "Dr.") or title.startswith(("Dr. ", "Dr.-")):
        return "doctor"
    return ""


def _plain_name(party: dict[str, Any]) -> str:
    return " ".join(str(p) for p in (party.get("first_name"), party.get("last_name")) if p)


def recipient(to: Addressee) -> dict[str, Any]:
    """Who the letter goes to: kind (herr/frau/company), name line, the "as legal representative of …"
    line when it goes to a representative (``on_behalf``: the representative's herr/frau, else ""),
    address lines and font size."""
    party = to.party
    kind = "company"
    if c.is_person(party):
        kind = party.get("salutation") if party.get("salutation") in ("herr", "frau") else "person"
    name = c.party_name(party)
    lines = address_lines(to.address)
    behalf = [f"{ON_BEHALF_ESTIMATE} {to.debtor_name}"] if to.on_behalf else []
    title = academic(party) if c.is_person(party) else ""
    return {"kind": kind, "name": name, "lines": lines, "on_behalf": to.on_behalf or "",
            "academic": title, "plain_name": _plain_name(party) if title else name,
            "debtor_name": to.debtor_name,
            # the longest prefix a name line gets: "Mr", "Herrn", Italian "Spett.le" before a firm
            "font_pt": recipient_font_pt([f"Spett.le {name}", *behalf, *lines])}


def salutation(party: dict[str, Any]) -> dict[str, Any]:
    """What the salutation needs: kind and the name forms languages use (``party``: whom the letter
    greets, the debtor or the representative it is written to)."""
    if not c.is_person(party):
        return {"kind": "company", "name": "", "last_name": "", "full_name": "", "academic": "", "plain_name": ""}
    return {"kind": party.get("salutation") or "person", "name": _person_name(party),
            "last_name": str(party.get("last_name") or ""), "full_name": c.party_name(party),
            "academic": academic(party), "plain_name": _plain_name(party)}


def letterhead(case: dict[str, Any]) -> dict[str, Any]:
    """Letterhead, return line, footer and signature data of whoever writes (as given): the creditor, or
    its attorney when ``letter.sender`` is ``"attorney"`` (:func:`.sender.writer`)."""
    party = sender.writer(case)
    name = c.party_name(party)
    lines = address_lines(party.get("address"), with_extra=False)
    return_line, return_pt = fit_return_line(name, lines)
    reps = [r for r in party.get("representatives") or [] if isinstance(r, dict)]
    signatory = ""
    if reps:
        rep = reps[0]
        who = " ".join(str(p) for p in (rep.get("first_name"), rep.get("last_name")) if p)
        signatory = ", ".join(p for p in (who, str(rep.get("role") or "")) if p)
    email, phone = str(party.get("email") or ""), str(party.get("phone") or "")
    register, vat_id = str(party.get("register") or ""), str(party.get("vat_id") or "")
    address_line = ", ".join(lines)
    # the footer's columns as the template prints them (labels are short; "USt-IdNr. " is the longest)
    footer_pt, footer_lines = footer_fit([[name, address_line], [register, f"USt-IdNr. {vat_id}"],
                                          [f"Telefon {phone}", email]])
    return {
        "name": name, "head_lines": [" · ".join(lines)] if lines else [], "head_name_pt": head_name_pt(name),
        "address_line": address_line, "return_line": return_line,
        "return_pt": return_pt, "email": email, "phone": phone, "register": register, "vat_id": vat_id,
        "signatory": signatory, "footer_pt": footer_pt, "footer_lines": footer_lines,
    }


def amounts(statement: Statement, language: str) -> dict[str, Any]:
    """The itemised table, interest lines and costs, formatted for ``language``."""
    money = lambda value: i18n.money(value, language)  # noqa: E731
    date = lambda value: i18n.date(value, language)  # noqa: E731
    claims, interest, notes = [], [], []
    for line in statement.claims:
        document = " ".join(p for p in (line.description, line.document_no) if p) or f"#{line.index + 1}"
        claims.append({"document": document, "date": i18n.date(line.date, language, numeric=True),
                       "due_date": i18n.date(line.due_date, language, numeric=True),
                       "amount": money(line.amount), "paid": money(line.paid), "open": money(line.open)})
        result = line.interest
        booked = line.booked
        if booked is not None and booked.allocations:
            notes.append({"document": line.document_no or document, "order": booked.order,
                          "total": money(booked.payments), "interest": money(booked.to_interest),
                          "principal": money(booked.to_principal), "date": date(booked.allocations[-1].date)})
        if result is not None and line.earlier_interest > 0:
            interest.append({"document": line.document_no or document, "start": date(booked.interest_start),
                             "end": date(booked.earlier_until), "amount": money(line.earlier_interest),
                             "earlier": True, "contractual": line.contractual, "periods": []})
        if result is None or not result.periods:
            continue
        interest.append({
            "document": line.document_no or document, "start": date(result.start), "end": date(result.end),
            "amount": money(result.amount), "principal": money(result.principal),
            "rate": i18n.number(result.rate, language), "above_base_rate": result.above_base_rate,
            "mode": result.mode, "earlier": False, "contractual": line.contractual,
            "periods": [{"rate": i18n.number(p.rate, language), "start": date(p.start), "end": date(p.end)}
                        for p in result.periods],
        })
    costs = [{"kind": line.kind, "label": line.label, "amount": money(line.amount),
              "set_off": money(line.set_off) if line.set_off else ""} for line in statement.costs]
    return {"claims": claims, "interest": interest, "payment_notes": notes, "costs": costs,
            "total": money(statement.total)}


#: What a claim's ``description`` names (German, as the contract gives it), first match wins:
#: invoice ("Rechnung", not "Abrechnung"), rent account, statement, contract; anything else is a document.
DOCUMENT_KINDS = (("invoice", ("rechnung",)), ("rent", ("miet", "pacht")),
                  ("statement", ("abrechnung", "aufstellung", "kontoauszug", "saldo")),
                  ("contract", ("vertrag",)))


def document_kind(description: Any) -> str:
    """``invoice``, ``rent``, ``statement``, ``contract`` or ``document`` for a claim's description."""
    text = str(description or "").lower()
    for kind, words in DOCUMENT_KINDS:
        probe = text.replace("abrechnung", "") if kind == "invoice" else text
        if any(word in probe for word in words):
            return kind
    return "document"


def documents_kind(claims: list[Any]) -> str:
    """The kind the information block and subject name the listed documents by: the claims' common kind,
    ``document`` when they differ."""
    kinds = {document_kind(cl.get("description")) for cl in claims}
    return kinds.pop() if len(kinds) == 1 else "document"


def build(case: dict[str, Any], options: LetterOptions, statement: Statement,
          pay: Payment | None, *, settings: Any = None) -> LetterContext:
    """Everything the template prints for this case and these options (``settings``: where the
    catalogue comes from, for the ground of each claim in the § 13a RDG block)."""
    language = options.language
    to = addressee(case, 0, options.letter_date)  # the letter goes to the first debtor (or its representative)
    listed = [cl for cl in case.get("claims") or [] if isinstance(cl, dict) and cl.get("document_no")]
    invoices = ", ".join(str(cl.get("document_no")) for cl in listed)
    court = str(c.get(case, "courts", "dunning", "name") or "")
    head = letterhead(case)
    reference = str(case.get("reference") or case.get("case_id") or "")
    date = i18n.date(options.letter_date, language)
    creditor = case.get("creditor") or {}
    private = (sender.principal(case) is None and c.is_person(creditor)
               and not case.get("co_creditor"))  # a person writing alone in its own name: "I"
    who = recipient(to)
    created = dt.datetime.combine(options.letter_date, dt.time(8, 0), tzinfo=c.BERLIN).isoformat()
    return LetterContext({
        "html_lang": language,
        "created": created,
        "sender": head,
        "principal": sender.principal(case),
        "assignment": sender.assignment_notice(case, language),
        "disclosure": sender.disclosure(case, statement, language, settings=settings),
        "recipient": who,
        "voice": i18n.voice(private_creditor=private, company_addressee=who["kind"] == "company"),
        "salutation": salutation(to.party),
        "letter": {
            "level": options.level, "tone": options.tone,
            "date": date,
            "deadline": i18n.date(options.deadline, language),
            "reference": reference,
            "case_id": str(case.get("case_id") or ""),
            "invoices": invoices,
            "documents_kind": documents_kind(listed), "documents_count": len(listed),
            "court": court,
            "info_pt": info_pt([v for v in (date, reference, invoices, head["phone"], head["email"]) if v]),
        },
        "amounts": amounts(statement, language),
        "payment": pay,
    })
