"""The summary block printed above the form (not form fields): totals, debtors, courts."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import case as c
from .. import formatting as fmt

#: Court types of ``courts.trial.type`` as the form's help text names them.
TRIAL_COURT_TYPES = {
    1: "Amtsgericht",
    2: "Landgericht",
    3: "Landgericht – Kammer für Handelssachen",
    4: "Amtsgericht – Familiengericht",
    5: "Sozialgericht",
}
COST_KEYS = ("dunning", "information", "return_debit", "collection", "lawyer_out_of_court", "postage")
LABELLED_COST_KEYS = ("other", "other_expenses")
#: The rows of the summary block, in order (German labels).
LABELS = (
    "Summe der Hauptforderungen (EUR)",
    "Summe der Nebenforderungen und Auslagen (EUR)",
    "Anzahl der Antragsgegner",
    "Mahngericht",
    "Gericht des streitigen Verfahrens",
    "Weitere Vertreter (ohne Feld im Formular, § 170 Abs. 3 ZPO)",
)


@dataclass(frozen=True)
class Summary:
    """What a lawyer checks first: the totals and where the case goes."""

    main_claims: Decimal
    costs: Decimal
    debtors: int
    dunning_court: str
    trial_court: str
    other_representatives: tuple[str, ...] = ()

    def values(self) -> list[str]:
        """The formatted values, in the order of :data:`LABELS`."""
        return [
            fmt.amount_de(self.main_claims),
            fmt.amount_de(self.costs),
            str(self.debtors),
            self.dunning_court or "—",
            self.trial_court or "—",
            "; ".join(self.other_representatives) or "—",
        ]


def summarize(case: dict[str, Any]) -> Summary:
    """Totals over the claims and costs of ``case`` (exact decimals)."""
    claims = c.get(case, "claims") or []
    main = sum((c.money_or_zero(c.get(claim, "amount")) for claim in claims), Decimal("0"))
    costs_obj = c.get(case, "costs")
    costs = sum((c.money_or_zero(c.get(costs_obj, key)) for key in COST_KEYS), Decimal("0"))
    costs += sum((c.money_or_zero(c.get(costs_obj, key, "amount")) for key in LABELLED_COST_KEYS), Decimal("0"))
    debtors = c.get(case, "debtors")
    dunning = c.get(case, "courts", "dunning")
    dunning_text = ", ".join(p for p in (
        str(c.get(dunning, "name") or ""),
        " ".join(str(x) for x in (c.get(dunning, "postal_code"), c.get(dunning, "city")) if x),
    ) if p)
    trial = c.get(case, "courts", "trial")
    trial_type = TRIAL_COURT_TYPES.get(c.get(trial, "type"), "") if isinstance(c.get(trial, "type"), int) else ""
    trial_place = " ".join(str(x) for x in (c.get(trial, "postal_code"), c.get(trial, "city")) if x)
    trial_text = ", ".join(p for p in (trial_type, trial_place) if p)
    from .mapper import representatives_not_on_form

    return Summary(main_claims=main, costs=costs, debtors=len(debtors) if isinstance(debtors, list) else 0,
                   dunning_court=dunning_text, trial_court=trial_text,
                   other_representatives=tuple(text for _, text in representatives_not_on_form(case)))
