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
from .fastschema import Check, Unsupported, compile_schema
from .messages import make, place
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


@lru_cache(maxsize=1)
def quick_check() -> Check:
    """The compiled yes/no check (see fastschema); jsonschema itself when the schema outgrows it."""
    try:
        return compile_schema(resources.schema("case.schema.json"), _format_checker())
    except Unsupported:
        return lambda case: False


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


#: JSON types in the words of the contract (German, English).
_TYPE_NAMES = {
    "object": ("ein Objekt {…}", "an object {…}"), "array": ("eine Liste […]", "a list […]"),
    "string": ("ein Text in Anführungszeichen", "a quoted string"), "number": ("eine Zahl", "a number"),
    "integer": ("eine ganze Zahl", "a whole number"), "boolean": ("true oder false", "true or false"),
    "null": ("null", "null"),
}
_DATE_KEYS = {"date", "from", "until", "period_end", "due_date", "birth_date", "application_date", "contract_date"}
_MONEY_KEYS = {"amount", "paid", "principal", "expenses", "fee", "dunning", "information", "return_debit",
               "collection", "lawyer_out_of_court", "postage"}


def _shown(value: Any) -> str:
    """A short rendering of a refused value (never more than 40 characters)."""
    if isinstance(value, ExponentNumber):
        return f"{value!r} (in Exponentschreibweise / with an exponent)"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "…"


def _key(path: str) -> str:
    return path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") if path else "/"


def _describe(error: ValidationError, path: str) -> tuple[str, str, str]:
    """(path, German text, English text) for one schema error, each saying how to fix it."""
    where_de, where_en = place(path)
    kw, key = error.validator, _key(path)
    if kw == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        name = missing[0] if missing else "?"
        target = f"{path}/{name}"
        where_de, where_en = place(target)
        return (target, f"{where_de}: Die Pflichtangabe \"{name}\" fehlt. Bitte ergänzen.",
                f"{where_en}: the required key \"{name}\" is missing. Please add it.")
    if kw in ("additionalProperties", "unevaluatedProperties"):
        extras = [k for k in error.instance if repr(k) in error.message] or ["?"]
        name = extras[0]
        target = f"{path}/{str(name).replace('~', '~0').replace('/', '~1')}"
        return (target, f"{where_de}: Das Feld \"{name}\" ist unbekannt (Tippfehler?). Bitte entfernen oder "
                        "richtig schreiben, wie im Vertrag (case.md) angegeben.",
                f"{where_en}: unknown key \"{name}\" (a typo?). Remove it or spell it as the contract (case.md) does.")
    if kw in ("type", "anyOf", "oneOf"):
        if kw == "type":
            wanted = error.validator_value
        else:  # no branch fits: collect the types the branches wanted
            wanted = [n for sub in error.context or [] if sub.validator == "type" and not sub.relative_path
                      for n in ([sub.validator_value] if isinstance(sub.validator_value, str) else sub.validator_value)]
        names = [wanted] if isinstance(wanted, str) else list(dict.fromkeys(n for n in wanted if n != "null"))
        if key in _MONEY_KEYS:
            want_de, want_en = "ein Betrag wie \"1234.50\"", "an amount such as \"1234.50\""
        elif key in _DATE_KEYS:
            want_de, want_en = "ein Datum wie \"2026-01-31\"", "a date such as \"2026-01-31\""
        elif names:
            want_de = " oder ".join(_TYPE_NAMES.get(n, (n, n))[0] for n in names)
            want_en = " or ".join(_TYPE_NAMES.get(n, (n, n))[1] for n in names)
        else:
            want_de, want_en = "ein Wert in der Form, die der Vertrag nennt", "a value of the form the contract names"
        return (path, f"{where_de}: \"{key}\" hat den falschen Typ ({_shown(error.instance)}). Erwartet wird "
                      f"{want_de}.", f"{where_en}: \"{key}\" has the wrong type ({_shown(error.instance)}). "
                                      f"Expected {want_en}.")
    if kw == "enum":
        allowed = ", ".join(_shown(v) for v in error.validator_value if v is not None)
        return (path, f"{where_de}: Der Wert {_shown(error.instance)} für \"{key}\" ist nicht zulässig. "
                      f"Erlaubt sind: {allowed}.",
                f"{where_en}: {_shown(error.instance)} is not allowed for \"{key}\". Allowed: {allowed}.")
    if kw in ("format", "pattern", "minimum"):
        hint_de, hint_en = _format_hint(path)
        return (path, f"{where_de}: Ungültiger Wert {_shown(error.instance)} für \"{key}\". {hint_de}",
                f"{where_en}: invalid value {_shown(error.instance)} for \"{key}\". {hint_en}")
    if kw in ("maxLength", "minLength", "maxItems", "minItems", "maximum"):
        limit = error.validator_value
        words = {"maxLength": ("höchstens {n} Zeichen", "at most {n} characters"),
                 "minLength": ("mindestens {n} Zeichen", "at least {n} characters"),
                 "maxItems": ("höchstens {n} Einträge", "at most {n} entries"),
                 "minItems": ("mindestens {n} Eintrag/Einträge", "at least {n} entries"),
                 "maximum": ("höchstens {n}", "at most {n}")}[kw]
        return (path, f"{where_de}: \"{key}\" erlaubt {words[0].format(n=limit)}. Bitte anpassen.",
                f"{where_en}: \"{key}\" allows {words[1].format(n=limit)}. Please adjust it.")
    return (path, f"{where_de}: \"{key}\" entspricht nicht dem Vertrag ({error.validator}). Bitte gemäß case.md "
                  "korrigieren.", f"{where_en}: \"{key}\" does not follow the contract ({error.validator}). "
                                  "Correct it as case.md says.")


def _format_hint(path: str) -> tuple[str, str]:
    last = _key(path)
    if last in _DATE_KEYS:
        return ("Bitte ein gültiges Datum zwischen 1900 und 2199 als JJJJ-MM-TT angeben, z. B. 2026-01-31.",
                "Give a valid date between 1900 and 2199 as YYYY-MM-DD, e.g. 2026-01-31.")
    if last in {"rate", "effective_rate"}:
        return ("Bitte den Zinssatz als Dezimalzahl mit Punkt angeben, höchstens drei Nachkommastellen, z. B. \"5.5\".",
                "Give the rate as a decimal with a point, at most three decimals, e.g. \"5.5\".")
    if last == "case_id":
        return ("Erlaubt sind 1–35 Zeichen aus A–Z, a–z, 0–9, Punkt, Unterstrich, Schrägstrich und Bindestrich.",
                "Use 1-35 characters of A-Z, a-z, 0-9, dot, underscore, slash and hyphen.")
    if last == "country":
        return ("Bitte das Land als ISO-3166-Code aus zwei Großbuchstaben angeben, z. B. \"DE\" oder \"AT\".",
                "Use the two-letter ISO 3166 code in capitals, e.g. \"DE\" or \"AT\".")
    if last == "language":
        return ("Bitte ein Sprachkürzel nach BCP 47 angeben, z. B. \"de\" oder \"en\".",
                "Use a BCP 47 language tag, e.g. \"de\" or \"en\".")
    if last in ("blz", "account_no"):
        return ("Bitte nur Ziffern angeben: Bankleitzahl 8 Ziffern, Kontonummer bis 10 Ziffern.",
                "Digits only: bank code 8 digits, account number up to 10 digits.")
    if last in _MONEY_KEYS:
        return ("Bitte den Betrag in Euro als Dezimalzahl mit Punkt angeben, höchstens zwei Nachkommastellen, "
                "nicht negativ und ohne Exponent, z. B. \"1234.50\".",
                "Give the amount in euros as a decimal with a point, at most two decimals, not negative and "
                "without exponent, e.g. \"1234.50\".")
    return ("Bitte den Wert in der im Vertrag (case.md) beschriebenen Form angeben.",
            "Give the value in the form the contract (case.md) describes.")


def check(case: Any) -> list[Objection]:
    """Every schema problem of ``case``, each as an objection (never raises)."""
    if quick_check()(case):
        return []
    out: list[Objection] = []
    for top in validator().iter_errors(case):
        for error in _leaves(top):
            path = pointer(error.absolute_path)
            code = next(
                (c for kw, pattern, c in SCHEMA_CODES if kw == error.validator and pattern.match(path)),
                None,
            )
            if code is not None:
                out.append(make(code, path, field=path.rsplit("/", 1)[-1], value=error.instance,
                                length=len(error.instance) if isinstance(error.instance, str) else 0,
                                limit=error.validator_value if error.validator == "maxLength" else 0))
                continue
            where, de, en = _describe(error, path)
            out.append(Objection("schema_violation", where, "error", de, en))
    return out
