"""The JSON Schema: it agrees with shared/spec/case.md key by key and refuses what the contract forbids."""
from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from formsvc import resources
from formsvc.case import loads
from formsvc.errors import MalformedJSON
from formsvc.validation import schema as case_schema
from formsvc.validation import validate

from conftest import SAMPLES, SPEC, load_case, valid_sample_paths

SCHEMA = resources.schema("case.schema.json")
DEFS = SCHEMA["$defs"]
KEY = re.compile(r"`([a-z_]+)`")


def _section(text: str, heading: str) -> str:
    """The body of a '## heading' section of case.md."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, heading
    return match.group(1)


def _table_keys(text: str) -> set[str]:
    """Backticked keys in the first column of every markdown table row."""
    keys: set[str] = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            keys |= set(KEY.findall(line.split("|")[1]))
    return keys


def _paragraph_keys(text: str, label: str) -> set[str]:
    """Backticked keys of the paragraph that starts with **label**."""
    match = re.search(rf"\*\*{label}\*\*(.*?)(?=\n\n|\Z)", text, flags=re.DOTALL)
    assert match, label
    return set(KEY.findall(match.group(1)))


def _props(*names: str) -> set[str]:
    keys: set[str] = set()
    for name in names:
        keys |= set(DEFS[name].get("properties", {}))
    return keys


def _extensions(*names: str) -> set[str]:
    """Keys the schema documents as formsvc extensions beyond the contract."""
    return {key for name in names for key, sub in DEFS[name].get("properties", {}).items()
            if "formsvc extension" in str(sub.get("description", ""))}


def added_in_1_1() -> dict[str, set[str]]:
    """Keys of case.md's "Added in contract 1.1" table by where they go: ``top level``, ``claim``, ``letter``."""
    section = _section((SPEC / "case.md").read_text(encoding="utf-8"), "Added in contract 1.1 (2026-12)")
    where: dict[str, set[str]] = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.split("|")]
            where.setdefault(cells[2].strip("`"), set()).update(KEY.findall(cells[1]))
    return where


def spec_parts() -> list[tuple[str, set[str], tuple[str, ...]]]:
    """(part name, keys named by case.md incl. its 1.1 additions, schema $defs that must hold them)."""
    text = (SPEC / "case.md").read_text(encoding="utf-8")
    added = added_in_1_1()
    claim_section = _section(text, "Claim (Hauptforderung)")
    claim_table, interest_table = claim_section.split("**Interest**")
    party_section = _section(text, "Party")
    courts = _section(text, "Courts")
    return [
        ("party", _table_keys(party_section), ("party", "creditor", "debtor")),
        ("address", _paragraph_keys(party_section, "Address"), ("address",)),
        ("representative", _paragraph_keys(party_section, "Representative"), ("representative",)),
        ("claim", _table_keys(claim_table) | added["claim"], ("claim",)),
        ("interest", _table_keys(interest_table), ("interest",)),
        ("costs", set(KEY.findall(_section(text, "Costs (Nebenforderungen)"))), ("costs",)),
        ("attorney", set(KEY.findall(_section(text, "Attorney (Prozessbevollmächtigter)").split("(`3`")[0]))
         | {"expenses", "no_input_tax_deduction"}, ("attorney",)),
        ("letter", set(re.findall(r"[{,] ?([a-z_]+)", re.search(r"`letter`: `\{([^}]*)\}`", text).group(0)))
         | added["letter"], ("letter",)),
        ("courts", set(re.findall(r"`courts\.([a-z_]+)`", courts)), ("courts",)),
    ]


def test_top_level_keys_match_the_contract() -> None:
    """Every key of case.md's top-level table is a root property of the schema, and vice versa."""
    keys = _table_keys(_section((SPEC / "case.md").read_text(encoding="utf-8"), "Top level"))
    assert len(keys) >= 14
    keys |= added_in_1_1()["top level"]
    root_extensions = {key for key, sub in SCHEMA["properties"].items()
                       if "formsvc extension" in str(sub.get("description", ""))}
    assert keys == set(SCHEMA["properties"]) - root_extensions
    assert set(SCHEMA["required"]) == {"case_id", "creditor", "debtors", "claims"}


@pytest.mark.parametrize("part", spec_parts(), ids=lambda p: p[0])
def test_part_keys_match_the_contract(part: tuple[str, set[str], tuple[str, ...]]) -> None:
    """The keys case.md names for a part are exactly the schema's (formsvc extensions aside)."""
    name, keys, defs = part
    assert keys, name
    assert keys == _props(*defs) - _extensions(*defs)


def test_contract_1_1_additions_are_read() -> None:
    """The 1.1 table names counter_performance (top level), payments (claim) and flat_fee (letter)."""
    assert added_in_1_1() == {"top level": {"counter_performance"}, "claim": {"payments"}, "letter": {"flat_fee"}}


def test_enums_match_the_contract() -> None:
    """Attorney kinds and counter-performance values are exactly those case.md lists."""
    text = (SPEC / "case.md").read_text(encoding="utf-8")
    attorney = _section(text, "Attorney (Prozessbevollmächtigter)").split("the paper form")[0]
    kinds = {int(k) for k in re.findall(r"`(\d)`", attorney)}
    assert kinds == {1, 2, 3, 4, 9}
    assert set(DEFS["attorney"]["properties"]["kind"]["enum"]) == kinds | {None}
    row = next(line for line in _section(text, "Added in contract 1.1 (2026-12)").splitlines()
               if line.startswith("| `counter_performance`"))
    values = set(re.findall(r'`"([a-z]+)"`', row))
    assert values == {"none", "rendered", "outstanding"}
    assert set(SCHEMA["properties"]["counter_performance"]["enum"]) == values | {None}


def test_payments_are_dated_amounts(example_case: dict[str, Any]) -> None:
    """A payment needs a date and an amount; anything else is a schema violation at its path."""
    example_case["claims"][0]["payments"] = [{"date": "2026-01-05", "amount": "100.00"}, {"amount": "5"},
                                             {"date": "2026-01-06", "amount": "-1"}]
    assert {("schema_violation", "/claims/0/payments/1/date"), ("schema_violation", "/claims/0/payments/2/amount")} \
        <= _codes(example_case)


def test_nested_objects_match_the_contract() -> None:
    """Courts, assignment and bank accounts hold exactly the keys case.md lists in braces."""
    def branch_keys(node: dict[str, Any]) -> list[set[str]]:
        return [set(b.get("properties", {})) for b in node["anyOf"] if b.get("type") == "object"]

    courts = DEFS["courts"]["properties"]
    assert branch_keys(courts["dunning"]) == [{"name", "street", "postal_code", "city"}]
    assert branch_keys(courts["trial"]) == [{"type", "postal_code", "city"}]
    assert branch_keys(DEFS["assignment"]["properties"]["previous_creditor"]) == [
        {"name", "postal_code", "city", "country"}]
    assert set(DEFS["assignment"]["properties"]) == {"date", "previous_creditor"}
    assert branch_keys(DEFS["attorney"]["properties"]["bank_account"]) == [{"iban", "bic"}, {"blz", "account_no"}]
    assert set(DEFS["creditor_bank_account"]["properties"]) == {"holder", "iban", "bic"}
    assert set(DEFS["object_location"]["properties"]) == {"postal_code", "city", "country"}
    assert set(DEFS["claim"]["properties"]["consumer_credit"]["anyOf"][0]["properties"]) == {
        "contract_date", "effective_rate"}


def test_every_object_in_the_schema_is_closed() -> None:
    """Every object schema refuses unknown keys (additionalProperties or unevaluatedProperties false)."""
    open_objects = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and where != "/$defs/party":
                if node.get("additionalProperties") is not False and node.get("unevaluatedProperties") is not False:
                    open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(SCHEMA, "")
    assert open_objects == []
    for name in ("creditor", "co_creditor", "debtor"):
        assert DEFS[name]["unevaluatedProperties"] is False


def _codes(case: Any, profile: str = "letter") -> set[tuple[str, str]]:
    return set(validate(case, profile).codes())


def test_unknown_key_is_refused(example_case: dict[str, Any]) -> None:
    """A typo such as 'salutaion' is an unknown key at its own path."""
    example_case["debtors"][0]["salutaion"] = example_case["debtors"][0].pop("salutation")
    assert ("schema_violation", "/debtors/0/salutaion") in _codes(example_case)


@pytest.mark.parametrize("raw, accepted", [
    ('"1234.50"', True), ("1234.5", True), ("1234", True), ('"0.01"', True),
    ('"1234.505"', False), ("1234.505", False), ('"-5.00"', False), ("-5", False), ("1e3", False),
    ("1.5E2", False), ('"1e3"', False), ('"12,50"', False), ('" 12.50"', False), ("true", False), ('"NaN"', False),
])
def test_money_formats(example_case: dict[str, Any], raw: str, accepted: bool) -> None:
    """Amounts: decimal strings or numbers, at most two decimals, never negative, no exponent."""
    text = json.dumps({**example_case, "costs": {"dunning": "__X__"}}, default=str).replace('"__X__"', raw)
    case = loads(text)
    codes = _codes(case)
    assert (("schema_violation", "/costs/dunning") not in codes) is accepted


def test_nan_and_infinity_are_malformed_json() -> None:
    """NaN and Infinity are not JSON: the parser refuses them before validation."""
    for raw in ('{"amount": NaN}', '{"amount": Infinity}', '{"amount": -Infinity}'):
        with pytest.raises(MalformedJSON):
            loads(raw)


@pytest.mark.parametrize("value", ["2025-02-29", "2025-13-01", "01.10.2025", "2025-1-5", "20251001", "", 20251001])
def test_bad_dates_are_refused(example_case: dict[str, Any], value: Any) -> None:
    """Dates must be real calendar days written YYYY-MM-DD."""
    example_case["claims"][0]["date"] = value
    assert ("schema_violation", "/claims/0/date") in _codes(example_case)


def test_limits_of_lists_and_required_keys(example_case: dict[str, Any]) -> None:
    """Missing case_id, more than three claims and more than two representatives are refused at their paths."""
    del example_case["case_id"]
    example_case["claims"] = [copy.deepcopy(example_case["claims"][0]) for _ in range(4)]
    rep = example_case["creditor"]["representatives"][0]
    example_case["creditor"]["representatives"] = [rep, rep, rep]
    codes = _codes(example_case)
    assert {("schema_violation", "/case_id"), ("schema_violation", "/claims"),
            ("schema_violation", "/creditor/representatives")} <= codes


def test_enum_violations_map_to_their_dedicated_codes(example_case: dict[str, Any]) -> None:
    """Interest mode, attorney kind and trial court type outside their lists get their own court codes."""
    example_case["claims"][0]["interest"]["mode"] = 7
    example_case["attorney"] = {"kind": 5, "name": "Rechtsanwältin Eva Recht",
                                "address": {"street": "Jungfernstieg 1", "postal_code": "20354", "city": "Hamburg"}}
    example_case["courts"]["trial"]["type"] = 6
    assert _codes(example_case, "court") == {("invalid_interest_mode", "/claims/0/interest/mode"),
                                             ("invalid_attorney_kind", "/attorney/kind"),
                                             ("missing_trial_court", "/courts/trial/type")}


def test_schema_messages_name_the_place_and_the_fix(example_case: dict[str, Any]) -> None:
    """A schema error message says where (in German by default) and how to write the value."""
    example_case["claims"][0]["amount"] = "1.234,50"
    objection = validate(example_case, "letter").errors[0]
    assert objection.message_de.startswith("1. Hauptforderung:")
    assert '"1234.50"' in objection.message_de and '"1234.50"' in objection.message_en


@pytest.mark.parametrize("path", sorted([*valid_sample_paths(), *(SAMPLES / "invalid").glob("*.json")]),
                         ids=lambda p: p.stem)
def test_compiled_check_agrees_with_jsonschema(path: Any) -> None:
    """The fast compiled schema check says 'valid' exactly when jsonschema finds no error (on every sample)."""
    case = load_case(path)
    full = list(case_schema.validator().iter_errors(case))
    assert case_schema.quick_check()(case) is (not full)
