"""The layout file schemas/eda-layout.json: the shape of spec/eda.md, sound positions, full coverage."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import SPEC
from formsvc.eda.layout import parse_layout
from formsvc.errors import ConfigurationError

LAYOUT_PATH = Path(__file__).parent.parent / "schemas" / "eda-layout.json"
LAYOUT = json.loads(LAYOUT_PATH.read_text(encoding="utf-8"))


def test_file_rules_as_in_the_spec() -> None:
    """Format, record length 128, CP850, CR LF and DDMMYYYY are declared as spec/eda.md says."""
    assert LAYOUT["format"] == "formsvc-eda" and LAYOUT["version"]
    assert (LAYOUT["record_length"], LAYOUT["encoding"], LAYOUT["line_end"], LAYOUT["date_format"]) == (
        128, "cp850", "\r\n", "DDMMYYYY")
    assert LAYOUT["records"][0]["type"] == "AA" and LAYOUT["records"][0]["repeat"] is None
    types = [r["type"] for r in LAYOUT["records"]]
    assert len(types) == len(set(types)) and all(re.fullmatch(r"[A-Z]{2}", t) for t in types)


@pytest.mark.parametrize("record", LAYOUT["records"], ids=lambda r: r["type"])
def test_fields_are_one_based_inside_the_record_and_never_overlap(record: dict) -> None:
    """Every field starts at 1 or later, ends by position 128 and shares no position with another."""
    used: set[int] = set()
    for field in record["fields"]:
        assert field["start"] >= 1 and field["length"] >= 1
        positions = set(range(field["start"], field["start"] + field["length"]))
        assert max(positions) <= 128, field["name"]
        assert not used & positions, field["name"]
        used |= positions
        assert field["format"] in ("X", "X/groß", "N", "N/B")
        assert ("const" in field) != ("source" in field), field["name"]
        source = field.get("source", "")
        assert source.startswith(("/", "config:", "computed:")) or (record["repeat"] and source) or "const" in field
    assert record["fields"][0] == {"name": "record_type", "start": 1, "length": 2, "format": "X", "const": record["type"]}


def _form_fields_in_spec() -> set[str]:
    """Every AcroForm field name of spec/mahnantrag.md's field table, hfN expanded to hf1..hf3."""
    text = (SPEC / "mahnantrag.md").read_text(encoding="utf-8")
    table = text.split("## Field names", 1)[1].split("Mapping notes", 1)[0]
    names: set[str] = set()
    for row in table.splitlines():
        if row.startswith("|") and "`" in row:
            cells = row.split("|")
            for name in re.findall(r"`([a-z0-9_N]+)`", cells[2]):
                names |= {name.replace("N", str(n)) for n in (1, 2, 3)} if "N" in name else {name}
    return names


def test_every_mahnantrag_field_has_a_place() -> None:
    """Each field of the Mahnbescheid application is written by some layout field (form_field)."""
    spec_fields = _form_fields_in_spec()
    assert len(spec_fields) == 155  # 15 groups, hfN counted three times (148 of 1.0, 7 added in 1.1)
    covered: set[str] = set()
    for record in LAYOUT["records"]:
        for field in record["fields"]:
            form = field.get("form_field", [])
            for name in [form] if isinstance(form, str) else form:
                covered |= {name.replace("N", str(n)) for n in (1, 2, 3)} if "N" in name else {name}
    assert sorted(spec_fields - covered) == []
    assert sorted(covered - spec_fields) == []


def test_broken_layout_is_refused_at_load() -> None:
    """Overlapping or overlong fields make loading fail with a message naming record and field."""
    broken = json.loads(json.dumps(LAYOUT))
    broken["records"][0]["fields"][2]["start"] = 5
    with pytest.raises(ConfigurationError, match="record AA .*overlaps"):
        parse_layout(broken)
    broken = json.loads(json.dumps(LAYOUT))
    broken["records"][0]["fields"][-1]["length"] = 200
    with pytest.raises(ConfigurationError, match="beyond the record length 128"):
        parse_layout(broken)
