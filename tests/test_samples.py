"""The sample cases: valid ones validate clean, each invalid one yields exactly its declared objections."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from formsvc.config import Settings
from formsvc.validation import validate
from formsvc.validation.messages import table
from formsvc.validation.rules import RULES

from conftest import SAMPLES, SPEC, load_case, manifest, valid_sample_paths

INVALID_DIR = SAMPLES / "invalid"
MANIFEST = manifest()
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _settings(overrides: dict[str, Any], tmp_path: Path) -> Settings:
    return Settings.from_mapping(overrides, tmp_path)


def _pairs(report: Any) -> set[tuple[str, str]]:
    return set(report.codes())


def rule_codes() -> list[str]:
    """Every code the validator checks: the registered rules plus the codes the schema maps to."""
    validate({}, "eda")  # registers every rule module
    return sorted(set(RULES) | {"schema_violation"})


SPEC_FILES = ("objections.md", "objections-1.1.md")
#: Codes of the spec not built yet, each with the issue that brings it. Shrinks to nothing.
PENDING: dict[str, str] = {}


def spec_rows() -> list[tuple[str, str, str]]:
    """(code, level, profile) of every row of shared/spec/objections.md and objections-1.1.md, with the
    behaviour changes of objections-1.1.md applied ("- `code`: applies to letters too" moves a code
    to the ``letter`` profile)."""
    rows: list[tuple[str, str, str]] = []
    to_letters: set[str] = set()
    for name in SPEC_FILES:
        text = (SPEC / name).read_text(encoding="utf-8")
        rows += re.findall(r"^\| `([a-z0-9_]+)` \| (error|warning) \| (letter|court|eda) \|", text, flags=re.MULTILINE)
        to_letters |= set(re.findall(r"^- `([a-z0-9_]+)`: applies to letters too", text, flags=re.MULTILINE))
    return [(code, level, "letter" if code in to_letters else profile) for code, level, profile in rows]


def spec_codes() -> list[str]:
    """Every code in the tables of shared/spec/objections.md and objections-1.1.md."""
    return [code for code, _, _ in spec_rows()]


@pytest.mark.parametrize("path", valid_sample_paths(), ids=lambda p: p.stem)
@pytest.mark.parametrize("profile", ["letter", "court", "eda"])
def test_valid_sample_is_clean(path: Path, profile: str, tmp_path: Path) -> None:
    """A valid sample raises no error for any profile and only the warnings the manifest allows: a list
    allows those warnings for every profile; an object keyed by profile gives each named profile's exact
    warnings, and a profile it does not name must report none."""
    report = validate(load_case(path), profile, settings=_settings({}, tmp_path))
    assert report.errors == [], [(o.code, o.path, o.message_de) for o in report.errors]
    warnings = MANIFEST["valid"][path.name]["warnings"]
    if isinstance(warnings, dict):
        assert set(warnings) <= {"letter", "court", "eda"}
        assert _pairs(report) == {tuple(w) for w in warnings.get(profile, [])}
    else:
        assert _pairs(report) <= {tuple(w) for w in warnings}


@pytest.mark.parametrize("name", sorted(MANIFEST["invalid"]), ids=lambda n: n.removesuffix(".json"))
def test_invalid_sample_yields_exactly_its_objections(name: str, tmp_path: Path) -> None:
    """Every declared [code, path] pair is reported at once, and nothing else, for each declared profile."""
    entry = MANIFEST["invalid"][name]
    case = load_case(INVALID_DIR / name)
    settings = _settings(entry.get("settings", {}), tmp_path)
    expectations = {entry["profile"]: entry["expect"], **entry.get("also", {})}
    for profile, expected in expectations.items():
        report = validate(case, profile, settings=settings)
        assert _pairs(report) == {tuple(pair) for pair in expected}, profile
        for objection in report.objections:
            assert not PLACEHOLDER.search(objection.message_de + objection.message_en)
            assert objection.message_de != objection.message_en


def test_every_spec_code_has_an_invalid_sample() -> None:
    """Each code of objections.md (and every added code) is produced by at least one invalid sample."""
    produced = {code for entry in MANIFEST["invalid"].values()
                for pairs in [entry["expect"], *entry.get("also", {}).values()] for code, _ in pairs}
    codes = spec_codes()
    assert len(codes) >= 40 + 18  # the parser really read both tables
    assert set(codes) - produced == set(PENDING)
    assert set(rule_codes()) - produced == set()
    assert set(PENDING) <= set(codes)  # nothing pending that the spec does not ask for


def test_every_code_has_its_own_sample_file() -> None:
    """samples/invalid/<code>.json exists for every objection code."""
    missing = [code for code in rule_codes() if not (INVALID_DIR / f"{code}.json").is_file()]
    assert missing == []


def test_manifest_lists_every_sample_file() -> None:
    """No sample file is left out of the manifest and the manifest names no missing file."""
    assert set(MANIFEST["valid"]) == {p.name for p in valid_sample_paths()}
    assert set(MANIFEST["invalid"]) == {p.name for p in INVALID_DIR.glob("*.json")}


def test_spec_codes_are_in_the_objection_table() -> None:
    """objections.json carries every spec code with the spec's level and profile."""
    entries = table()
    for code, level, profile in spec_rows():
        if code in PENDING:
            continue
        assert (entries[code]["level"], entries[code]["profile"]) == (level, profile), code


def test_valid_samples_cover_the_contract() -> None:
    """The valid samples together use every shape the brief asks for (interest modes, costs, attorney kinds …)."""
    cases = [load_case(p) for p in valid_sample_paths()]
    claims = [claim for case in cases for claim in case["claims"]]
    assert {claim.get("interest", {}).get("mode") for claim in claims if claim.get("interest")} >= {1, 2, 3}
    assert any(len(case["claims"]) == 3 for case in cases)
    assert {claim.get("catalog_no") for claim in claims} >= {4, 17, 19, 28, 70, 90, 95}
    assert any("principal" in claim.get("interest", {}) for claim in claims)
    cost_keys = {key for case in cases for key in (case.get("costs") or {})}
    assert cost_keys == {"dunning", "information", "return_debit", "collection", "lawyer_out_of_court", "other",
                         "postage", "other_expenses"}
    assert {case["attorney"]["kind"] for case in cases if case.get("attorney")} >= {3, 9}
    assert any(case.get("assignment") for case in cases)
    assert any(case.get("co_creditor") for case in cases)
    assert any(len(case["debtors"]) == 2 and case.get("jointly_liable") is True for case in cases)
    assert {case["creditor"]["type"] for case in cases} == {"company", "person"}
    assert {d["address"].get("country") for case in cases for d in case["debtors"]} >= {"AT", "NL"}
    for case in cases:
        assert case["application_date"] and case["letter"] and case["courts"] and case["creditor"]["bank_account"]
        assert all(e.endswith(".example") for p in [case["creditor"], *case["debtors"]]
                   for e in [p.get("email", "x.example")])
