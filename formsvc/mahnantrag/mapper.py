"""Case → form field values: ``{field name: str | bool}`` for every field of the table.

The field table says which case value feeds each field (``source``) and how it
is written (``format``); this module only knows the *subjects* a source can
start with (creditor, its representative, debtor 1, claim 2, ...) and the
formats. An absent value leaves the field empty: ``""`` for text, ``False``
for a checkbox.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import case as c
from .. import formatting as fmt
from ..countries import vehicle_code
from ..representative_slots import placed_representatives, representatives_not_on_form
from .fields import Field, fields

__all__ = ["FORMATS", "field_value", "map_case", "representatives_not_on_form", "subjects"]

Value = str | bool


def subjects(case: dict[str, Any]) -> dict[str, Any]:
    """The objects a field source can start with, looked up once per case."""
    courts = c.get(case, "courts")
    slots = placed_representatives(case)  # the form's slot table decides who is on the form
    return {
        "case": case,
        "creditor": c.get(case, "creditor"),
        "creditor_representative": slots["creditor_representative"],
        "co_creditor": c.get(case, "co_creditor"),
        "second_representative": slots["second_representative"],
        "debtor1": c.get(case, "debtors", 0),
        "debtor1_representative": slots["debtor1_representative"],
        "debtor2": c.get(case, "debtors", 1),
        "debtor2_representative": slots["debtor2_representative"],
        "dunning_court": c.get(courts, "dunning"),
        "trial_court": c.get(courts, "trial"),
        "claim1": c.get(case, "claims", 0),
        "claim2": c.get(case, "claims", 1),
        "claim3": c.get(case, "claims", 2),
        "costs": c.get(case, "costs"),
        "assignment": c.get(case, "assignment"),
        "attorney": c.get(case, "attorney"),
    }


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _title_first_name(party: Any) -> str:
    parts = [_text(c.get(party, "title")), _text(c.get(party, "first_name"))]
    return " ".join(p for p in parts if p)


def _interest_mode(interest: Any) -> str:
    if not isinstance(interest, dict):
        return ""
    mode = interest.get("mode")
    return fmt.code(mode if mode is not None else 1)


def _vehicle_country(value: Any) -> str:
    return vehicle_code(value) if isinstance(value, str) else ""


FORMATS: dict[str, Callable[[Any], Value]] = {
    "text": _text,
    "date": fmt.date_de,
    "money": fmt.amount_de,
    "rate": fmt.rate_de,
    "code": fmt.code,
    "vehicle_country": _vehicle_country,
    "compact_upper": lambda v: _text(v).replace(" ", "").upper(),
    "title_first_name": _title_first_name,
    "male": lambda v: v == "herr",
    "checkbox": fmt.checkbox,
    "interest_mode": _interest_mode,
    "rendered": lambda v: v == "rendered",
}


def field_value(field: Field, found: dict[str, Any]) -> Value:
    """The formatted value of one field for the subjects of one case."""
    empty: Value = False if field.kind == "checkbox" else ""
    subject = found.get(field.subject)
    if subject is None or (field.subject != "case" and not isinstance(subject, dict)):
        return empty
    if field.only and c.get(subject, "type") != field.only:
        return empty
    value = c.get(subject, *field.path) if field.path else subject
    if value is None and field.default == "today":
        value = c.today()
    if value is None:
        return empty  # also the country: absent means Germany, which the form leaves empty
    result = FORMATS[field.format](value)
    return result if field.kind == "checkbox" else ("" if result is False else str(result))


def map_case(case: dict[str, Any]) -> dict[str, Value]:
    """Every field of the form with its value for ``case`` (a court-valid case)."""
    found = subjects(case)
    return {field.name: field_value(field, found) for field in fields()}

