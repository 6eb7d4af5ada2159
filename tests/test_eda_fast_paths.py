"""The EDA speed-ups give exactly what the plain code gives: renderers, encoder, shared checks."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from formsvc.eda import fields
from formsvc.eda.layout import load_layout
from formsvc.validation import validate

VALUES: list[Any] = [None, "", "abc", "Größe straße", "x" * 40, "€", "2024-02-29", "2024-02-30", "2024-W01-1",
                     dt.date(2024, 3, 1), 0, 7, 123456, 10 ** 12, -1, True, False, Decimal("0"), Decimal("-0"),
                     Decimal("12.5"), Decimal("12.345"), Decimal("1.0005"), Decimal("99999999.99"),
                     Decimal("NaN"), "12.50", "1", "AT", "DE", "ch", "0123", [], {}]


def outcome(func: Any, value: Any) -> tuple[str, Any]:
    """The text, or the error code and detail."""
    try:
        return "ok", func(value)
    except fields.FieldValueError as exc:
        return exc.code, exc.detail


@pytest.mark.parametrize("record", load_layout().records, ids=lambda r: r.type)
def test_compiled_renderers_match_render_for_every_field(record) -> None:
    """Every field's fast renderer writes the same text (or refuses with the same objection) as render()."""
    for spec in record.fields:
        if spec.const is not None:
            continue  # the record type: written as the layout says, whatever the value
        fast = fields.compile_renderer(spec)
        for value in VALUES:
            assert outcome(fast, value) == outcome(lambda v: fields.render(spec, v), value), (spec.name, value)


def test_fast_encoder_gives_cp850_bytes_and_refuses_what_cp850_cannot_carry() -> None:
    """The writer's encoder produces exactly str.encode('cp850') and raises on € and Chinese characters."""
    encode = fields.encoder("cp850")
    every = bytes(range(256)).decode("cp850")
    assert encode(every) == every.encode("cp850")
    assert encode("Süßwaren Großhandel") == "Süßwaren Großhandel".encode("cp850")
    for text in ("100 €", "张"):
        with pytest.raises(UnicodeEncodeError):
            encode(text)


def test_one_value_can_be_too_long_and_unencodable_at_once(example_case) -> None:
    """Both eda objections come from one shared walk of the case and both are reported."""
    example_case["debtors"][0]["last_name"] = "€" * 36
    codes = [(o.code, o.path) for o in validate(example_case, "eda").errors]
    assert codes == [("field_too_long", "/debtors/0/last_name"), ("unsupported_character", "/debtors/0/last_name")]
