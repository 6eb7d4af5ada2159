"""Property tests: validate() never raises, whatever JSON it gets, and the fast schema check stays conservative."""
from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formsvc.case import ExponentNumber
from formsvc.validation import validate
from formsvc.validation import schema as case_schema

from conftest import load_case, valid_sample_paths

SAMPLE_CASES = [load_case(p) for p in valid_sample_paths()]
#: Keys of the contract, so random objects hit the rules' code paths and not only "unknown key".
KEYS = sorted({
    "case_id", "creditor", "co_creditor", "debtors", "claims", "costs", "assignment", "attorney", "courts",
    "jointly_liable", "application_date", "letter", "type", "name", "salutation", "first_name", "last_name",
    "address", "street", "postal_code", "city", "country", "representatives", "birth_date", "is_consumer",
    "bank_account", "iban", "bic", "catalog_no", "contract_type", "object", "other_claim", "description",
    "document_no", "date", "period_end", "due_date", "amount", "paid", "interest", "rate", "above_base_rate",
    "mode", "principal", "from", "until", "consumer_credit", "contract_date", "effective_rate", "other",
    "other_expenses", "label", "previous_creditor", "kind", "expenses", "dunning", "trial", "reference",
})
PROFILES = ("letter", "court", "eda")
#: FORMSVC_FUZZ_EXAMPLES=2000 for a deeper run than CI's.
FUZZ = settings(max_examples=int(os.environ.get("FORMSVC_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**9, max_value=10**9),
    st.builds(ExponentNumber, st.floats(allow_nan=False, allow_infinity=False, width=32)),
    st.sampled_from(["", " ", "herr", "frau", "company", "person", "2026-01-20", "2025-02-29", "1234.50", "-1",
                     "1e3", "DE", "AT", "Postfach 12", "DE89370400440532013000", "Gerichtskosten", "ß€ş\n"]),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=6)),
    max_leaves=30,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@st.composite
def mutated_samples(draw: st.DrawFn) -> dict[str, Any]:
    """A valid sample with one to four parts replaced by random JSON or removed."""
    case = copy.deepcopy(draw(st.sampled_from(SAMPLE_CASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(case) if p]
        target = draw(st.sampled_from(paths))
        parent = case
        for key in target[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[target[-1]]
        else:
            parent[target[-1]] = draw(json_values)
        if not isinstance(case, dict):
            break
    return case


@FUZZ
@given(json_values)
def test_validate_never_raises_on_random_json(value: Any) -> None:
    """Any JSON value gives a report (a non-object case is one schema objection), never an exception."""
    for profile in PROFILES:
        report = validate(value, profile)
        assert all(o.message_de and o.message_en for o in report.objections)
    if not isinstance(value, dict):
        assert not validate(value).ok


@FUZZ
@given(mutated_samples())
def test_validate_never_raises_on_mutated_samples(case: dict[str, Any]) -> None:
    """Realistic cases with wrongly typed or missing parts are reported, never crash the rules."""
    for profile in PROFILES:
        report = validate(case, profile)
        for objection in report.objections:
            assert objection.path == "" or objection.path.startswith("/")


@FUZZ
@given(mutated_samples())
def test_fast_schema_check_is_conservative(case: dict[str, Any]) -> None:
    """When the compiled check says 'valid', jsonschema finds no error either."""
    if case_schema.quick_check()(case):
        assert list(case_schema.validator().iter_errors(case)) == []
