"""JSON Schema check of a case (draft 2020-12, ``schemas/case.schema.json``).

Schema errors become ``schema_violation`` objections with a JSON Pointer to
the offending key, except where a court objection has its own stable code
(``SCHEMA_CODES``): then the dedicated code is reported instead.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from .. import resources
from ..case import ExponentNumber
from .messages import make
from .report import Objection

#: (schema keyword, path pattern) -> the objection code reported instead of schema_violation.
SCHEMA_CODES: list[tuple[str, re.Pattern[str], str]] = [
    ("enum", re.compile(r"^/claims/\d+/interest/mode$"), "invalid_interest_mode"),
    ("enum", re.compile(r"^/attorney/kind$"), "invalid_attorney_kind"),
    ("enum", re.compile(r"^/courts/trial/type$"), "missing_trial_court"),
    ("maxItems", re.compile(r"^/debtors$"), "too_many_debtors"),
    ("maxLength", re.compile(r"^/reference$"), "field_too_long"),
]


def _decimal_places_ok(instance: Any, places: int) -> bool:
    if isinstance(instance, bool) or isinstance(instance, ExponentNumber):
        return False
    if isinstance(instance, int):
        return True
    if isinstance(instance, float):
        instance = Decimal(repr(instance))
    if isinstance(instance, Decimal):
        exponent = instance.as_tuple().exponent
        return instance.is_finite() and isinstance(exponent, int) and -places <= exponent <= 0
    return True  # not a number: the "type" keyword speaks for it


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    checker.checks("formsvc-money")(lambda value: _decimal_places_ok(value, 2))
    checker.checks("formsvc-rate")(lambda value: _decimal_places_ok(value, 3))
    return checker


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    """The compiled case validator (built once per process)."""
    schema = resources.schema("case.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_format_checker())


def pointer(parts: Any) -> str:
    """JSON Pointer (RFC 6901) for a jsonschema path deque."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """Descend into anyOf/oneOf to the branch that fits the value best."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[ValidationError]] = defaultdict(list)
        for sub in error.context:
            branches[sub.relative_schema_path[0]].append(sub)
        fitting = [
            errs for errs in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in errs)
        ]
        if fitting:
            for sub in min(fitting, key=len):
                yield from _leaves(sub)
            return
    yield error


def _describe(error: ValidationError, path: str) -> tuple[str, str, str]:
    """(path, German text, English text) for one schema error."""
    kw = error.validator
    if kw == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        key = missing[0] if missing else "?"
        return (f"{path}/{key}", f"Pflichtangabe '{key}' fehlt; bitte ergänzen.",
                f"Required key '{key}' is missing; please add it.")
    if kw in ("additionalProperties", "unevaluatedProperties"):
        extras = [k for k in error.instance if repr(k) in error.message] or ["?"]
        key = extras[0]
        return (f"{path}/{key}", f"Unbekanntes Feld '{key}' (Tippfehler?); bitte entfernen oder korrekt schreiben.",
                f"Unknown key '{key}' (a typo?); remove it or fix its spelling.")
    if kw == "type" or (kw in ("anyOf", "oneOf")):
        return (path, f"Falscher Typ für '{path or '/'}': {error.message}. Bitte den Wert gemäß Vertrag angeben.",
                f"Wrong type at '{path or '/'}': {error.message}. Use the type the contract names.")
    if kw == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value if v is not None)
        return (path, f"Ungültiger Wert {error.instance!r}; erlaubt sind {allowed}.",
                f"Invalid value {error.instance!r}; allowed are {allowed}.")
    if kw in ("format", "pattern"):
        hint_de, hint_en = _format_hint(path)
        return (path, f"Ungültiges Format: {error.instance!r}. {hint_de}",
                f"Invalid format: {error.instance!r}. {hint_en}")
    if kw in ("maxLength", "minLength", "maxItems", "minItems", "minimum", "maximum"):
        return (path, f"Wert außerhalb der Grenzen ({kw} {error.validator_value}): bitte anpassen.",
                f"Value out of bounds ({kw} {error.validator_value}): please adjust it.")
    return (path, f"Verstoß gegen das Schema: {error.message}", f"Schema violation: {error.message}")


def _format_hint(path: str) -> tuple[str, str]:
    last = path.rsplit("/", 1)[-1]
    if last in {"date", "from", "until", "period_end", "due_date", "birth_date", "application_date", "contract_date"}:
        return "Datum als JJJJ-MM-TT angeben, z. B. 2026-01-31.", "Write the date as YYYY-MM-DD, e.g. 2026-01-31."
    if last in {"rate", "effective_rate"}:
        return ("Zinssatz als Dezimalzahl mit Punkt angeben, höchstens drei Nachkommastellen, z. B. \"5.5\".",
                "Give the rate as a decimal with a point, at most three decimals, e.g. \"5.5\".")
    if last == "case_id":
        return ("1–35 Zeichen aus A-Z, a-z, 0-9, Punkt, Unterstrich, Schrägstrich, Bindestrich.",
                "1-35 characters of A-Z, a-z, 0-9, dot, underscore, slash, hyphen.")
    if last == "country":
        return "Land als ISO-3166-Code mit zwei Großbuchstaben angeben, z. B. DE.", "Use the two-letter ISO 3166 code, e.g. DE."
    return ("Betrag als Dezimalzahl mit Punkt, höchstens zwei Nachkommastellen, nicht negativ, z. B. \"1234.50\".",
            "Give the amount as a decimal with a point, at most two decimals, not negative, e.g. \"1234.50\".")


def check(case: Any) -> list[Objection]:
    """Every schema problem of ``case``, each as an objection (never raises)."""
    out: list[Objection] = []
    for top in validator().iter_errors(case):
        for error in _leaves(top):
            path = pointer(error.absolute_path)
            code = next(
                (c for kw, pattern, c in SCHEMA_CODES if kw == error.validator and pattern.match(path)),
                None,
            )
            if code is not None:
                out.append(make(code, path))
                continue
            where, de, en = _describe(error, path)
            out.append(Objection("schema_violation", where, "error", de, en))
    return out
