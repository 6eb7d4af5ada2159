"""Who a letter is written to: the debtor, or the debtor's legal representative.

A declaration to a person without full legal capacity takes effect only when it
reaches the legal representative (§ 131 Abs. 2 S. 1 BGB; minors: §§ 2, 106,
1629 BGB). So a letter to a debtor who is a minor on the letter date, or to
any debtor person for whom ``representatives`` are given (parents, guardian,
Betreuer), is addressed to the first representative: the window shows the
representative's name, "als gesetzliche Vertreterin von …" (or the translated
equivalent) and the representative's address, the salutation greets the
representative, and the subject names the debtor. A company debtor is written
to as the company (its managing director acts for it, the letter goes to the
firm).

Two cases cannot be written at all and are rejected like an invalid case:

* a minor on the letter date without representatives (``minor_without_representative``:
  the validator checks the application date; the letter checks its own date too);
* a representative the letter must greet who has no ``salutation``
  (``missing_salutation`` at that representative): the salutation is never guessed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import case as c
from ..errors import CaseRejected
from ..validation.messages import make as make_objection
from ..validation.report import Report
from ..validation.tables import tables

ADDRESS_KEYS = ("street", "postal_code", "city")


def minor_until(person: Any, day: dt.date) -> dt.date | None:
    """The day ``person`` comes of age if they are a minor on ``day`` (§ 2 BGB), else ``None``."""
    born = c.date(c.get(person, "birth_date"))
    if not c.is_person(person) or born is None:
        return None
    of_age = c.adult_from(born, tables().majority_age)
    return of_age if of_age is not None and day < of_age else None


@dataclass(frozen=True)
class Addressee:
    """The person the letter greets and the debtor it is about."""

    party: dict[str, Any]  # who the window and the salutation address: the debtor or a representative
    debtor: dict[str, Any]
    address: Any  # the address printed in the window
    #: the representative's grammatical gender for "as legal representative of …" ("herr"/"frau"),
    #: ``None`` when the letter goes to the debtor directly
    on_behalf: str | None = None

    @property
    def debtor_name(self) -> str:
        """The debtor's name as the window line and the subject print it."""
        return c.party_name(self.debtor)


def _representatives(debtor: dict[str, Any]) -> list[dict[str, Any]]:
    """The debtor's representatives that are objects, in the order given."""
    reps = debtor.get("representatives")
    return [r for r in reps if isinstance(r, dict)] if isinstance(reps, list) else []


def _has_address(address: Any) -> bool:
    """True for an address with street, postal code and city."""
    return isinstance(address, dict) and all(c.get(address, key) for key in ADDRESS_KEYS)


def _reject(code: str, path: str, **params: Any) -> CaseRejected:
    """The rejection of a case with the one objection ``code`` at ``path`` (raised like a validation error)."""
    report = Report()
    report.add(make_objection(code, path, **params))
    return CaseRejected(report)


def addressee(case: dict[str, Any], debtor_index: int, letter_date: dt.date) -> Addressee:
    """Whom the letter to debtor ``debtor_index`` dated ``letter_date`` is addressed to (§ 131 Abs. 2 BGB).

    The first representative's address is used when it is complete, else the debtor's (the usual case
    of parents living with their child). Raises :class:`CaseRejected` for a minor without
    representatives and for a representative without salutation.
    """
    debtor = c.get(case, "debtors", debtor_index) or {}
    path = f"/debtors/{debtor_index}"
    if not c.is_person(debtor):
        return Addressee(debtor, debtor, debtor.get("address"))
    reps = _representatives(debtor)
    minor = minor_until(debtor, letter_date)
    if not reps:
        if minor is not None:
            raise _reject("minor_without_representative", f"{path}/representatives",
                          adult_from=minor.strftime("%d.%m.%Y"))
        return Addressee(debtor, debtor, debtor.get("address"))
    rep = reps[0]
    if rep.get("salutation") not in ("herr", "frau"):
        raise _reject("missing_salutation", f"{path}/representatives/0/salutation")
    address = rep.get("address") if _has_address(rep.get("address")) else debtor.get("address")
    return Addressee({"type": "person", **rep}, debtor, address, on_behalf=str(rep["salutation"]))
