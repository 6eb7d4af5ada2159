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
from .fields import Field, fields

Value = str | bool


def subjects(case: dict[str, Any]) -> dict[str, Any]:
    """The objects a field source can start with, looked up once per case."""
    creditor = c.get(case, "creditor")
    co_creditor = c.get(case, "co_creditor")
    courts = c.get(case, "courts")
    return {
        "case": case,
        "creditor": creditor,
        "creditor_representative": _representative(creditor, 0),
        "co_creditor": co_creditor,
        "second_representative": _representative(co_creditor, 0) or _representative(creditor, 1),
        "debtor1": c.get(case, "debtors", 0),
        "debtor1_representative": _representative(c.get(case, "debtors", 0), 0),
        "debtor2": c.get(case, "debtors", 1),
        "debtor2_representative": _representative(c.get(case, "debtors", 1), 0),
        "dunning_court": c.get(courts, "dunning"),
        "trial_court": c.get(courts, "trial"),
        "claim1": c.get(case, "claims", 0),
        "claim2": c.get(case, "claims", 1),
        "claim3": c.get(case, "claims", 2),
        "costs": c.get(case, "costs"),
        "assignment": c.get(case, "assignment"),
        "attorney": c.get(case, "attorney"),
    }


def _representative(party: Any, index: int) -> Any:
    reps = c.get(party, "representatives")
    return c.get(reps, index) if isinstance(reps, list) else None


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


ORDINAL_PARTY = {"creditor": "1. Antragsteller", "co_creditor": "2. Antragsteller",
                 "debtors/0": "1. Antragsgegner", "debtors/1": "2. Antragsgegner"}


def representatives_not_on_form(case: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON Pointer, "Name (Stellung) – Partei") of representatives the form has no slot for.

    The form has one representative slot per debtor, one for the creditor and
    one "second representative" slot shared by the creditor's second
    representative and the co-creditor's representative (the co-creditor's
    takes it). Naming one of several legal representatives is enough for
    service (§ 170 Abs. 3 ZPO); the others are listed in the summary block and
    reported as a warning, never dropped silently.
    """
    placed = {id(v) for k, v in subjects(case).items() if k.endswith("representative") and v is not None}
    extra = []
    for key, label in ORDINAL_PARTY.items():
        party = c.get(case, *[int(p) if p.isdigit() else p for p in key.split("/")])
        reps = c.get(party, "representatives")
        for j, rep in enumerate(reps if isinstance(reps, list) else []):
            if isinstance(rep, dict) and id(rep) not in placed:
                name = " ".join(_text(rep.get(k)) for k in ("first_name", "last_name") if _text(rep.get(k)))
                role = _text(rep.get("role"))
                extra.append((f"/{key}/representatives/{j}", f"{name}{f' ({role})' if role else ''} – {label}"))
    return extra
