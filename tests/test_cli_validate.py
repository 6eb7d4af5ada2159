"""`formsvc validate CASE.json`: exit codes 0/1/2 and one `code path message` line per objection."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import SAMPLES, manifest, valid_sample_paths


def test_valid_sample_exits_0(runner: Any) -> None:
    """A valid case prints that it is valid for court outputs and exits 0."""
    result = runner.invoke(args=["validate", str(valid_sample_paths()[0])])
    assert result.exit_code == 0, result.output
    assert "valid for court: no objections" in result.output


def test_rejected_case_exits_1_with_one_line_per_objection(runner: Any) -> None:
    """Every objection is printed as 'code path message' (German), and the exit code is 1."""
    name = "combined-many_court_objections.json"
    result = runner.invoke(args=["validate", str(SAMPLES / "invalid" / name)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    expected = {tuple(pair) for pair in manifest()["invalid"][name]["expect"]}
    assert {tuple(line.split(" ", 2)[:2]) for line in lines} == expected
    assert "po_box_address /debtors/0/address/street 1. Antragsgegner: Ein Postfach ist keine" in result.output


def test_for_letter_ignores_court_rules(runner: Any) -> None:
    """--for letter passes a case whose only defect is a missing dunning court."""
    path = str(SAMPLES / "invalid" / "missing_dunning_court.json")
    assert runner.invoke(args=["validate", path]).exit_code == 1
    result = runner.invoke(args=["validate", path, "--for", "letter"])
    assert result.exit_code == 0 and "valid for letter" in result.output


def test_warnings_are_printed_but_do_not_fail(runner: Any) -> None:
    """A time-barred claim is a warning line; the exit code stays 0."""
    result = runner.invoke(args=["validate", str(SAMPLES / "invalid" / "statute_of_limitations.json")])
    assert result.exit_code == 0
    assert "warning statute_of_limitations /claims/0/due_date" in result.output
    assert "1 warning(s)" in result.output


def test_usage_errors_exit_2(runner: Any, tmp_path: Path) -> None:
    """A missing file, malformed JSON and an unknown --for value are usage errors (exit 2) naming the problem."""
    missing = runner.invoke(args=["validate", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "cannot read" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"case_id": ', encoding="utf-8")
    malformed = runner.invoke(args=["validate", str(broken)])
    assert malformed.exit_code == 2 and "Invalid JSON at line 1" in malformed.output
    wrong = runner.invoke(args=["validate", str(valid_sample_paths()[0]), "--for", "antrag"])
    assert wrong.exit_code == 2 and "antrag" in wrong.output
