"""The EDA file writer: golden bytes, record rules, round trip through the parser, control sums.

Golden files live in tests/golden/eda/ (<name>.json in, <name>.EDA out, EDA-ID 021,
created 2026-01-20, sender 12345678, prefix ABC). After a deliberate layout change,
regenerate them with ``FORMSVC_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_eda_writer.py``
and review the diff; the test itself always compares bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from formsvc.claimed import claimed_case

from conftest import load_case, valid_sample_paths
from formsvc.config import Settings
from formsvc.countries import vehicle_code
from formsvc.eda.parser import parse_eda
from formsvc.eda.writer import write_eda
from formsvc.errors import CaseRejected
from formsvc.validation import validate

GOLDEN = Path(__file__).parent / "golden" / "eda"
LAYOUT = json.loads((Path(__file__).parent.parent / "schemas" / "eda-layout.json").read_text(encoding="utf-8"))
CREATED = dt.date(2026, 1, 20)
SETTINGS = Settings.from_mapping({"EDA_SENDER_ID": "12345678", "EDA_PREFIX": "ABC"}, "instance")
GOLDEN_FILES = {"spec-example": ["spec-example"], "full": ["full"], "batch": ["spec-example", "full", "spec-example"]}


def render(cases: list[dict[str, Any]], eda_id: int = 21, settings: Settings = SETTINGS) -> bytes:
    """The EDA bytes for ``cases`` with a fixed date."""
    out = io.BytesIO()
    write_eda(iter(cases), out, eda_id=eda_id, created=CREATED, settings=settings)
    return out.getvalue()


def golden_cases(name: str) -> list[dict[str, Any]]:
    """The input cases of one golden file (a repeated case gets a distinct case_id)."""
    cases = []
    for i, stem in enumerate(GOLDEN_FILES[name]):
        case = load_case(GOLDEN / f"{stem}.json")
        if stem in GOLDEN_FILES[name][:i]:
            case["case_id"] += f"-{i}"
        cases.append(case)
    return cases


def records(data: bytes) -> list[str]:
    """The file split into records (without CR LF), decoded as CP850."""
    assert data.endswith(b"\r\n")
    return data.decode("cp850").split("\r\n")[:-1]


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden_file_is_byte_identical(name: str) -> None:
    """Rendering the golden inputs gives exactly the stored .EDA bytes."""
    data = render(golden_cases(name))
    target = GOLDEN / f"{name}.EDA"
    if os.environ.get("FORMSVC_REGENERATE_GOLDEN"):
        target.write_bytes(data)
    assert data == target.read_bytes()


@pytest.mark.parametrize("stem", ["spec-example", "full"])
def test_golden_inputs_pass_eda_validation(stem: str) -> None:
    """The golden inputs are cases the court would accept (no eda-profile errors)."""
    report = validate(load_case(GOLDEN / f"{stem}.json"), "eda", today=CREATED)
    assert report.errors == []


def test_same_input_gives_same_bytes_and_other_id_differs() -> None:
    """Same cases, EDA-ID and date give identical bytes; another EDA-ID changes header and trailer only."""
    cases = golden_cases("batch")
    first, second, other = render(cases), render(cases), render(cases, eda_id=22)
    assert first == second
    changed = [i for i, (a, b) in enumerate(zip(records(first), records(other))) if a != b]
    assert changed == [0, len(records(first)) - 1]


@pytest.mark.parametrize("path", valid_sample_paths() + [GOLDEN / "full.json"], ids=lambda p: p.name)
def test_records_are_128_cp850_characters_with_crlf(path: Path) -> None:
    """Every record is exactly 128 CP850 characters followed by CR LF, header first, trailer last."""
    data = render([load_case(path)])
    assert len(data) % 130 == 0
    lines = records(data)
    assert all(len(line) == 128 for line in lines)
    assert data.count(b"\r\n") == len(lines) and b"\n" not in data.replace(b"\r\n", b"")
    assert lines[0].startswith("AA") and lines[1].startswith("BA") and lines[-1].startswith("ZZ")


def test_umlauts_survive_and_upper_case_keeps_sharp_s() -> None:
    """ä ö ü ß and other Latin-1 letters come back unchanged; X/groß fields upper-case but keep ß."""
    data = render(golden_cases("full"))
    text = data.decode("cp850")
    for word in ("Süßwaren Großhandel", "Königstraße", "Öztürk", "Çelik", "København", "Zürich", "Häußler"):
        assert word in text
    assert "Süßwaren".encode("cp850") in data
    from formsvc.eda import fields
    from formsvc.eda.layout import load_layout

    iban = next(f for f in load_layout().by_type()["EB"].fields if f.name == "iban")
    assert fields.render(iban, "de89 straße") == "DE89 STRAßE".ljust(34)


def test_blank_and_zero_filled_numbers() -> None:
    """N fields are zero-filled, N/B fields blank when absent or zero, amounts in cents."""
    case = load_case(GOLDEN / "spec-example.json")
    case["costs"] = {"dunning": "0.00", "postage": "1.80"}
    costs = next(line for line in records(render([case])) if line.startswith("GA"))
    spec = {f["name"]: f for r in LAYOUT["records"] if r["type"] == "GA" for f in r["fields"]}

    def field(name: str) -> str:
        start, length = spec[name]["start"], spec[name]["length"]
        return costs[start - 1:start - 1 + length]

    assert field("dunning") == " " * 11
    assert field("information") == " " * 11
    assert field("postage") == "00000000180"


def test_absent_record_is_left_out() -> None:
    """A case without assignment, attorney or co-creditor has none of those records."""
    types = [line[:2] for line in records(render([load_case(GOLDEN / "spec-example.json")]))]
    assert not {"HA", "EA", "EB", "CE", "CF"} & set(types)
    assert types.count("FA") == 1


def test_too_long_value_is_refused_not_cut() -> None:
    """The writer never truncates: a 36-character street raises field_too_long with its path."""
    case = load_case(GOLDEN / "spec-example.json")
    case["debtors"][0]["address"]["street"] = "S" * 36
    with pytest.raises(CaseRejected) as info:
        render([case])
    assert info.value.report.codes() == [("field_too_long", "/debtors/0/address/street")]


def test_unencodable_character_is_refused_by_writer() -> None:
    """The writer refuses € even without prior validation, naming field and character."""
    case = load_case(GOLDEN / "spec-example.json")
    case["claims"][0]["description"] = "Rechnung 100 €"
    with pytest.raises(CaseRejected) as info:
        render([case])
    objection = info.value.report.errors[0]
    assert (objection.code, objection.path) == ("unsupported_character", "/claims/0/description")
    assert "U+20AC" in objection.message_de


def test_streaming_writes_before_all_cases_are_read() -> None:
    """The writer consumes cases lazily: bytes reach the stream while cases are still being produced."""
    template = load_case(GOLDEN / "spec-example.json")
    out = io.BytesIO()
    seen_sizes = []

    def cases():
        for i in range(3000):
            if i % 1000 == 999:
                seen_sizes.append(out.tell())
            yield {**template, "case_id": f"S-{i}"}

    summary = write_eda(cases(), out, eda_id=1, created=CREATED, settings=SETTINGS)
    assert summary.applications == 3000
    assert seen_sizes[0] > 0 and seen_sizes[0] < seen_sizes[1] < seen_sizes[2] < len(out.getvalue())


# --- round trip: every field against its source ------------------------------------------------

def _walk(obj: Any, pointer: str) -> Any:
    for key in [k for k in pointer.strip("/").split("/") if k]:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _items(case: dict[str, Any], repeat: str) -> list[tuple[tuple[int, ...], dict[str, Any]]]:
    if "*" not in repeat:
        return [((i,), item) for i, item in enumerate(_walk(case, repeat) or [])]
    outer, inner = repeat.split("/*/")
    return [((i, j), item) for i, parent in enumerate(_walk(case, outer) or [])
            for j, item in enumerate(_walk(parent, inner) or [])]


def _expected(spec: dict[str, Any], source: Any) -> Any:
    """What the parser must give back for a field, computed from the case value independently."""
    if source is None and "default" in spec:
        source = spec["default"]
    transform = spec.get("transform")
    if transform == "bool":
        return bool(source)
    if source is None or source == "":
        return None
    if transform == "vehicle_code":
        return vehicle_code(source) or None
    if transform in ("date", "digits") or "map" in spec:
        return source
    if spec["format"].startswith("N"):
        number = Decimal(str(source))
        if spec["format"] == "N/B" and number == 0:
            return None
        return number if spec.get("decimals") else int(number)
    text = str(source).rstrip(" ")
    if spec["format"] == "X/groß":
        text = "".join(ch if ch in "ßÿµ" else ch.upper() for ch in text)
    return text or None


@pytest.mark.parametrize("path", valid_sample_paths() + [GOLDEN / "full.json", GOLDEN / "spec-example.json"],
                         ids=lambda p: p.name)
def test_round_trip_every_field_matches_its_source(path: Path) -> None:
    """Render, parse back, and compare every layout field with the value it came from (open amounts: claimed_case)."""
    submitted = load_case(path)
    parsed = parse_eda(render([submitted, submitted]))
    case = claimed_case(submitted)
    assert len(parsed["applications"]) == 2
    compared = 0
    for number, application in enumerate(parsed["applications"], start=1):
        for record in LAYOUT["records"][1:-1]:
            if record["repeat"]:
                items = _items(case, record["repeat"])
            else:
                items = [((), None)]
            got_list = application.get(record["name"])
            written = []
            for indices, item in items:
                sources = {}
                for spec in record["fields"]:
                    src = spec.get("source", "")
                    if src.startswith("/"):
                        sources[spec["name"]] = _walk(case, src)
                    elif src and ":" not in src:
                        sources[spec["name"]] = _walk(item, src)
                if any(v not in (None, "") for v in sources.values()):
                    written.append((indices, sources))
            if not written:
                assert got_list is None, f"{record['name']} should be left out"
                continue
            got_records = got_list if record["repeat"] else [got_list]
            assert len(got_records) == len(written), record["name"]
            for (indices, sources), got in zip(written, got_records):
                assert got["application_no"] == number
                for spec in record["fields"]:
                    name, src = spec["name"], spec.get("source", "")
                    if name in sources:
                        assert got[name] == _expected(spec, sources[name]), f"{record['name']}.{name}"
                        compared += 1
                    elif src == "computed:item_no":
                        assert got[name] == indices[-1] + 1
                    elif src == "computed:parent_no":
                        assert got[name] == indices[0] + 1
                    elif src == "computed:application_date":
                        assert got[name] == (case.get("application_date") or CREATED.isoformat())
    assert compared > 20


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_trailer_control_sums_recomputed_independently(name: str) -> None:
    """Record count, applications, main claims, amount sum in cents and catalogue sum match the cases."""
    cases = golden_cases(name)
    lines = records(render(cases))
    trailer = next(r for r in LAYOUT["records"] if r["type"] == "ZZ")

    def field(field_name: str) -> int:
        spec = next(f for f in trailer["fields"] if f["name"] == field_name)
        return int(lines[-1][spec["start"] - 1:spec["start"] - 1 + spec["length"]])

    claims = [claim for case in cases for claim in case["claims"]]
    assert field("record_count") == len(lines)
    assert field("application_count") == len(cases) == sum(1 for line in lines if line.startswith("BA"))
    assert field("claim_count") == len(claims)
    assert field("claim_amount_sum") == sum(int(Decimal(str(c["amount"])) * 100) for c in claims)
    assert field("catalog_no_sum") == sum(c.get("catalog_no") or 0 for c in claims)
    assert field("eda_id") == 21
