"""The printed parts of the application that are not form fields.

- the declaration of § 690 Abs. 1 Nr. 4 ZPO: "does not depend on a
  counter-performance" is printed with a marked box; its alternative "depends
  on one, which has been rendered" is the AcroForm checkbox
  ``gegenleistung_erbracht`` of the field table (its label is the text);
- the signature block of § 690 Abs. 2 ZPO: place, date, a signature line and
  who signs (applicant, its legal representative or the attorney);
- the footer every page carries: what this PDF is and is not;
- the "Vorschau" mark for an attorney who may file only machine-readably
  (kinds 1 and 2, § 702 Abs. 2 S. 2 ZPO).

The layout (template) prints the fixed texts; the case-dependent ones
(:class:`Closing`) are printed into slots like the summary, never as fields.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import case as c

DECLARATION_TITLE = "Erklärung zur Gegenleistung (§ 690 Abs. 1 Nr. 4 ZPO)"
#: The first alternative of the declaration; the second is the label of the field ``gegenleistung_erbracht``.
DECLARATION_NONE = "Der Anspruch hängt nicht von einer Gegenleistung ab"
SIGNATURE_TITLE = "Unterschrift (§ 690 Abs. 2 ZPO)"
#: The labelled lines left of the signature: (slot, label).
SIGNATURE_LINES = (("signature-place", "Ort"), ("signature-date", "Datum"))
#: Printed at the foot of every page (PDF) and below the form (HTML).
FOOTER = ("Prüfexemplar – lesbare Fassung der EDA-Datei, kein einreichungsfähiger Antrag. Einreichung nur mit "
          "amtlichem Vordruck (§\u00a0703c\u00a0ZPO), Barcode-Ausdruck des Online-Mahnantrags oder maschinell "
          "lesbar; Rechtsanwälte und registrierte Inkassodienstleister nur maschinell lesbar "
          "(§\u00a0702\u00a0Abs.\u00a02\u00a0S.\u00a02\u00a0ZPO).")
PREVIEW_MARK = "VORSCHAU"
PREVIEW_BANNER = ("VORSCHAU – nicht zur Einreichung: Rechtsanwälte und registrierte Inkassodienstleister "
                  "reichen nur maschinell lesbar ein (§\u00a0702\u00a0Abs.\u00a02\u00a0S.\u00a02\u00a0ZPO), "
                  "hier die EDA-Datei.")


#: The template's slots for the case-dependent texts below, in the order of :meth:`Closing.slots`.
SLOTS = ("declaration-none", "signature-place", "signature-date", "signature-role", "signature-name")


@dataclass(frozen=True)
class Closing:
    """The case-dependent part of the declarations and the signature block."""

    no_counter_performance: bool  # the printed box "hängt nicht von einer Gegenleistung ab" is marked
    place: str
    date: str
    signatory_role: str  # "Unterschrift des Prozessbevollmächtigten", …
    signatory: str  # who signs, by name
    preview: bool  # the "Vorschau" mark: an attorney of kind 1 or 2

    def slots(self) -> dict[str, str]:
        """Slot name (:data:`SLOTS`, as the template names them) -> printed text (the mark as "X")."""
        texts = ("X" if self.no_counter_performance else "", self.place, self.date, self.signatory_role,
                 self.signatory)
        return dict(zip(SLOTS, texts, strict=True))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _person_name(party: Any) -> str:
    return " ".join(p for p in (_text(c.get(party, "title")), _text(c.get(party, "first_name")),
                                _text(c.get(party, "last_name"))) if p)


def _party_name(party: Any) -> str:
    return _text(c.get(party, "name")) if c.get(party, "type") == "company" else _person_name(party)


def _representative_name(rep: Any) -> str:
    name = _person_name(rep)
    role = _text(c.get(rep, "role"))
    return f"{name} ({role})" if name and role else name


def _signer(party: Any) -> tuple[str, bool]:
    """Who signs for one applicant, and whether that is its legal representative."""
    reps = c.get(party, "representatives")
    first = c.get(reps, 0) if isinstance(reps, list) else None
    if isinstance(first, dict) and _representative_name(first):
        return f"{_representative_name(first)} für {_party_name(party)}".strip(), True
    return _party_name(party), False


def signatory(case: dict[str, Any]) -> tuple[str, str]:
    """(caption of the signature line, who signs): the attorney when there is one, else each applicant,
    or for a company (a minor, a person in care) its first legal representative."""
    attorney = c.get(case, "attorney")
    if isinstance(attorney, dict):
        return "Unterschrift des Prozessbevollmächtigten", _text(attorney.get("name"))
    applicants = [p for p in (c.get(case, "creditor"), c.get(case, "co_creditor")) if isinstance(p, dict)]
    signers = [_signer(p) for p in applicants]
    names = "; ".join(name for name, _ in signers if name)
    represented = any(by_rep for _, by_rep in signers)
    if len(signers) > 1:
        return ("Unterschrift der Antragsteller bzw. ihrer gesetzlichen Vertreter" if represented
                else "Unterschrift der Antragsteller"), names
    return ("Unterschrift des gesetzlichen Vertreters des Antragstellers" if represented
            else "Unterschrift des Antragstellers"), names


def closing(case: dict[str, Any], application_date: str) -> Closing:
    """The declaration mark and the signature block of ``case``; ``application_date`` is the formatted
    ``antragsdatum`` (the signature is dated with it)."""
    # imported here, not at module level: importing the rule module registers its rule, and rules.run()
    # registers the rule modules in a fixed order (which is the order of the objections in a report)
    from ..validation.filing_rules import machine_readable_only

    attorney = c.get(case, "attorney")
    signer_address = c.get(attorney, "address") if isinstance(attorney, dict) else c.get(case, "creditor", "address")
    role, name = signatory(case)
    counter = c.get(case, "counter_performance")
    return Closing(no_counter_performance=counter in (None, "none"), place=_text(c.get(signer_address, "city")),
                   date=application_date, signatory_role=role, signatory=name, preview=machine_readable_only(case))


__all__ = ["Closing", "closing", "signatory", "SLOTS", "DECLARATION_NONE", "DECLARATION_TITLE", "FOOTER",
           "PREVIEW_BANNER", "PREVIEW_MARK", "SIGNATURE_LINES", "SIGNATURE_TITLE"]
