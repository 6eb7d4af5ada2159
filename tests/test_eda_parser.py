"""The EDA parser refuses files that break the record rules or the control sums, naming the record."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from conftest import SPEC, load_case
from formsvc.eda.parser import parse_eda
from formsvc.eda.writer import write_eda
from formsvc.errors import MalformedEdaFile


@pytest.fixture
def eda_bytes() -> bytes:
    """A two-application file of the spec example."""
    case = load_case(SPEC / "case-example.json")
    out = io.BytesIO()
    write_eda([case, {**case, "case_id": "second"}], out, eda_id=7, created=dt.date(2026, 1, 20))
    return out.getvalue()


def test_parses_typed_values(eda_bytes) -> None:
    """Amounts come back as Decimal, dates ISO, flags bool, codes as their case values."""
    parsed = parse_eda(io.BytesIO(eda_bytes))
    assert parsed["header"]["eda_id"] == 7 and parsed["header"]["created"] == "2026-01-20"
    first = parsed["applications"][0]
    assert str(first["main_claim"][0]["amount"]) == "10000.00"
    assert first["main_claim_interest"][0]["above_base_rate"] is True
    assert first["debtor"][0]["salutation"] == "herr"
    assert parsed["applications"][1]["application"]["case_id"] == "second"
    assert parsed["trailer"]["application_count"] == 2


@pytest.mark.parametrize("damage,message", [
    (lambda b: b[:-2], "CR LF"),
    (lambda b: b.replace(b"\r\n", b"\n", 1), "CR LF"),
    (lambda b: b[:130] + b"XX" + b[132:], "unknown record type 'XX'"),
    (lambda b: b[:-130], "without a trailer"),
    (lambda b: b[:130 * 2] + b[130 * 3:], "record_count"),
    (lambda b: b.replace(b"00001000000", b"00001000001", 1), "claim_amount_sum"),
    (lambda b: b[:130 + 120] + b"9" + b[130 + 121:], "must be blank"),
    (lambda b: b[:130 + 2] + b"00000X" + b[130 + 8:], "not all digits"),
])
def test_broken_file_is_refused(eda_bytes, damage, message) -> None:
    """Wrong length, line end, record type, missing trailer, wrong sums or stray text raise MalformedEdaFile."""
    with pytest.raises(MalformedEdaFile, match=message):
        parse_eda(damage(eda_bytes))


def test_parse_cli_prints_json_and_fails_cleanly(runner, tmp_path, eda_bytes) -> None:
    """`formsvc eda parse` prints the records as JSON; a damaged file exits 2 with the reason."""
    good, bad = tmp_path / "ABC007.EDA", tmp_path / "BAD.EDA"
    good.write_bytes(eda_bytes)
    bad.write_bytes(eda_bytes[:-1])
    result = runner.invoke(args=["eda", "parse", str(good)])
    assert result.exit_code == 0, result.output
    assert '"claim_amount_sum": "20000.00"' in result.output
    result = runner.invoke(args=["eda", "parse", str(bad)])
    assert result.exit_code == 2 and "malformed_eda_file" in result.output
