"""Objections about who writes a letter: ``letter_sender_incomplete``.

With ``letter.sender`` ``"attorney"`` the creditor's lawyer (attorney kind 1,
Rechtsanwalt or law firm) or registered collection agency (kind 2,
Inkassodienstleister, § 10 Abs. 1 Nr. 1 RDG) writes on the creditor's behalf
(shared/spec/letters.md, "Letters that hold up"). The letter then carries the
attorney's letterhead, return line and footer, so it must be able to show:

* a kind that may write such a letter at all: only kinds 1 and 2 collect
  claims for others out of court (§ 3 RDG: a Rechtsbeistand, a private person or
  a consumer association are not collection service providers);
* the attorney's name and complete address (letterhead and return line; the
  debtor must know who writes, § 13a Abs. 1 RDG, § 43d Abs. 1 BRAO, § 10 Abs. 1
  BORA for a lawyer's letterhead);
* for kind 2 the entry in the Rechtsdienstleistungsregister (``register``):
  a collection agency may act only when registered (§ 10 Abs. 1 Nr. 1 RDG), and
  the register entry is what lets the debtor check that (§ 16 RDG).

Each missing piece is its own objection at its path (``/attorney`` when the case
names no attorney, else ``/attorney/kind``, ``/attorney/name``,
``/attorney/address``, ``/attorney/register``). A partial address is also
reported by ``incomplete_address``; this code says why the *letter* cannot be
written.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import case as c
from .rules import Context, Finding, rule

#: ``letter.sender`` values (schema: formsvc extension of contract 1.1).
SENDERS = ("creditor", "attorney")
#: Attorney kinds that write on the creditor's behalf, with German and English names.
WRITING_KINDS: dict[int, tuple[str, str]] = {
    1: ("Rechtsanwalt/Rechtsanwaltskanzlei", "lawyer or law firm"),
    2: ("registrierter Inkassodienstleister", "registered collection agency"),
}
#: Kinds whose register entry the letter must show (Rechtsdienstleistungsregister, § 10 Abs. 1 Nr. 1 RDG).
REGISTER_REQUIRED = (2,)
ADDRESS_KEYS = ("street", "postal_code", "city")

#: What is missing -> (German, English) clause of the message.
MISSING: dict[str, tuple[str, str]] = {
    "attorney": ("der Fall nennt keinen Prozessbevollmächtigten (\"attorney\")",
                 "the case names no attorney (\"attorney\")"),
    "kind": ("nur Rechtsanwälte (Art 1) und registrierte Inkassodienstleister (Art 2) schreiben für den "
             "Gläubiger, angegeben ist Art {kind}",
             "only a lawyer (kind 1) or a registered collection agency (kind 2) writes for the creditor, "
             "the case gives kind {kind}"),
    "name": ("sein Name (\"name\") fehlt", "its name (\"name\") is missing"),
    "address": ("seine Anschrift (\"address\": Straße, Postleitzahl, Ort) ist unvollständig",
                "its address (\"address\": street, postal code, city) is incomplete"),
    "register": ("die Eintragung im Rechtsdienstleistungsregister (\"register\") fehlt",
                 "its entry in the Rechtsdienstleistungsregister (\"register\") is missing"),
}


def letter_sender(case: Any) -> str:
    """Who writes the letter: ``case["letter"]["sender"]`` when it is ``"attorney"``, else ``"creditor"``."""
    return "attorney" if c.get(case, "letter", "sender") == "attorney" else "creditor"


def attorney_kind(attorney: Any) -> int | None:
    """The attorney's ``kind`` when it is an integer (not a bool), else ``None``."""
    kind = attorney.get("kind") if isinstance(attorney, dict) else None
    return kind if isinstance(kind, int) and not isinstance(kind, bool) else None


def _given(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def sender_gaps(case: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, what is missing, parameters) for every piece an attorney-written letter lacks; empty when
    the creditor writes or the attorney has everything."""
    if letter_sender(case) != "attorney":
        return []
    attorney = case.get("attorney")
    if not isinstance(attorney, dict):
        return [("/attorney", "attorney", {})]
    gaps: list[tuple[str, str, dict[str, Any]]] = []
    kind = attorney_kind(attorney)
    if kind not in WRITING_KINDS:
        gaps.append(("/attorney/kind", "kind", {"kind": "–" if kind is None else kind}))
    if not _given(attorney.get("name")):
        gaps.append(("/attorney/name", "name", {}))
    address = attorney.get("address")
    if not (isinstance(address, dict) and all(_given(address.get(key)) for key in ADDRESS_KEYS)):
        gaps.append(("/attorney/address", "address", {}))
    if kind in REGISTER_REQUIRED and not _given(attorney.get("register")):
        gaps.append(("/attorney/register", "register", {}))
    return gaps


@rule("letter_sender_incomplete")
def letter_sender_incomplete(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """``letter.sender`` is ``"attorney"`` but the attorney is not of kind 1 or 2 or lacks name, address or
    (kind 2) the register entry the letter must show."""
    for path, what, params in sender_gaps(case):
        de, en = MISSING[what]
        yield path, {"missing_de": de.format(**params), "missing_en": en.format(**params)}
