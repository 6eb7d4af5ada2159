"""The ``eda`` profile objections, read from the same layout the writer uses.

``field_too_long`` and ``unsupported_character`` check every case value the
layout writes into the file, with the width and character set of its field, so
that nothing the validator passes can fail in the writer. ``invalid_sender_id``
checks the configured sender Kennziffer; as it is not part of the case its path
is ``""`` (the JSON Pointer of the whole case) and the message names the setting.

Registered through :func:`formsvc.validation.rules.rule`; imported by
``rules.run()`` after the validator's own modules, so these layout-driven
checks are the ones in force for the three codes.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..validation.rules import Context, Finding, rule
from . import fields
from .layout import POINTER, RELATIVE, FieldSpec, RecordSpec, load_layout
from .writer import SENDER_ID, default_settings, item_path, iter_items, resolve, value_path


def case_values(case: dict[str, Any]) -> Iterator[tuple[str, FieldSpec, RecordSpec, Any]]:
    """(JSON Pointer, field, record, value) for every given case value the layout writes."""
    for record in load_layout().records:
        case_fields = [spec for spec in record.fields if spec.from_case]
        if not case_fields:
            continue
        if record.repeat is None:
            for spec in case_fields:
                value = resolve(case, spec.keys)
                if value is not None:
                    yield value_path(spec, record, ()), spec, record, value
            continue
        for indices, item in iter_items(case, record.repeat_keys):
            base = item_path(record.repeat_keys, indices)
            for spec in case_fields:
                if spec.source_kind == RELATIVE:
                    value = resolve(item, spec.keys)
                    path = base + "/" + "/".join(k.replace("~", "~0").replace("/", "~1") for k in spec.keys)
                else:
                    value = resolve(case, spec.keys) if spec.source_kind == POINTER else None
                    path = value_path(spec, record, indices)
                if value is not None:
                    yield path, spec, record, value


def _texts(case: dict[str, Any]) -> Iterator[tuple[str, FieldSpec, str]]:
    seen: set[str] = set()
    for path, spec, _record, value in case_values(case):
        if path in seen:
            continue
        seen.add(path)
        try:
            yield path, spec, fields.value_text(spec, value)
        except fields.FieldValueError:
            continue  # a wrongly typed value: the JSON Schema reports it


def field_name(path: str) -> str:
    """The case key a JSON Pointer ends in (``/debtors/0/last_name`` -> ``last_name``)."""
    return path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") or "/"


@rule("field_too_long")
def field_too_long(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A value longer than the EDA field the layout writes it to (never cut)."""
    for path, spec, text in _texts(case):
        if len(text) > spec.length:
            yield path, {"field": field_name(path), "length": len(text), "limit": spec.length}


@rule("unsupported_character")
def unsupported_character(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A character CP850 cannot carry (or a control character) in a value the file holds."""
    for path, spec, text in _texts(case):
        if spec.numeric or (text.isascii() and text.isprintable()):
            continue
        bad = fields.bad_characters(text)
        if bad:
            yield path, {"field": field_name(path), "chars": ", ".join(fields.describe_character(ch) for ch in bad)}


@rule("invalid_sender_id")
def invalid_sender_id(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The configured sender Kennziffer (FORMSVC_EDA_SENDER_ID) is not exactly 8 digits."""
    settings = ctx.settings or default_settings()
    sender = str(settings.eda_sender_id)
    if not SENDER_ID.fullmatch(sender):
        yield "", {"value": sender}
