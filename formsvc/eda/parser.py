"""Reading an EDA file back with the same layout that wrote it.

``parse_eda(bytes_or_stream)`` returns ``{"header", "applications", "trailer"}``
with typed values (``Decimal`` amounts, ISO dates, ``bool`` flags, ``int``
numbers, ``None`` for blank fields). Each application maps record names to the
record's fields; repeated records (``repeat`` in the layout) map to a list.
It checks every record's length and CR LF, the order header - applications -
trailer, the application numbers, and recomputes the trailer's control sums;
anything off raises :class:`~formsvc.errors.MalformedEdaFile` naming the record.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from ..errors import MalformedEdaFile
from . import fields
from .layout import Layout, RecordSpec, load_layout

#: The record and fields the control sums count (names from the layout file).
CLAIM_RECORD, CLAIM_AMOUNT, CLAIM_CATALOG_NO = "main_claim", "amount", "catalog_no"


def iter_records(source: bytes | IO[bytes], layout: Layout | None = None) -> Iterator[tuple[int, RecordSpec, dict[str, Any]]]:
    """(record number, record type, fields) for each record, checking length, line end and fields."""
    layout = layout or load_layout()
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
    line_end = layout.line_end.encode(layout.encoding)
    size = layout.record_length + len(line_end)
    types = layout.by_type()
    gaps = {code: record.gaps(layout.record_length) for code, record in types.items()}
    number = 0
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        number += 1
        if len(chunk) < size or not chunk.endswith(line_end):
            raise MalformedEdaFile(f"record {number}: every record must be {layout.record_length} characters "
                                   f"followed by CR LF (found {len(chunk)} bytes without a proper line end)")
        text = chunk[:-len(line_end)].decode(layout.encoding)
        if any(ch in text for ch in "\r\n"):
            raise MalformedEdaFile(f"record {number}: CR or LF inside the record")
        record = types.get(text[:2])
        if record is None:
            raise MalformedEdaFile(f"record {number}: unknown record type {text[:2]!r}")
        for start, end in gaps[record.type]:
            if text[start:end].strip(" "):
                raise MalformedEdaFile(f"record {number} ({record.type} {record.name}): positions {start + 1}-{end} "
                                       "belong to no field and must be blank")
        values: dict[str, Any] = {}
        for spec in record.fields:
            raw = text[spec.start - 1:spec.start - 1 + spec.length]
            try:
                value = fields.parse(spec, raw)
            except ValueError as exc:
                raise MalformedEdaFile(f"record {number} ({record.type} {record.name}), field {spec.name}: {exc}") from None
            if spec.const is None:
                values[spec.name] = value
        yield number, record, values


def parse_eda(source: bytes | IO[bytes], layout: Layout | None = None) -> dict[str, Any]:
    """The whole file as header, applications and trailer; control sums verified."""
    layout = layout or load_layout()
    header: dict[str, Any] | None = None
    trailer: dict[str, Any] | None = None
    applications: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    claims, claim_sum, catalog_sum, count = 0, Decimal("0"), 0, 0
    for number, record, values in iter_records(source, layout):
        count = number
        if trailer is not None:
            raise MalformedEdaFile(f"record {number}: a record after the trailer")
        if number == 1:
            if record is not layout.header:
                raise MalformedEdaFile(f"record 1: the file must start with the header ({layout.header.type})")
            header = values
            continue
        if record is layout.header:
            raise MalformedEdaFile(f"record {number}: a second file header")
        if record is layout.trailer:
            trailer = values
            continue
        if record is layout.key_record:
            current = {}
            applications.append(current)
        if current is None:
            raise MalformedEdaFile(f"record {number}: {record.name} before the first {layout.key_record.name} record")
        if values.get("application_no") != len(applications):
            raise MalformedEdaFile(f"record {number}: application number {values.get('application_no')}, "
                                   f"expected {len(applications)}")
        if record.repeat:
            current.setdefault(record.name, []).append(values)
        elif record.name in current:
            raise MalformedEdaFile(f"record {number}: a second {record.name} record in application {len(applications)}")
        else:
            current[record.name] = values
        if record.name == CLAIM_RECORD:
            claims += 1
            claim_sum += values.get(CLAIM_AMOUNT) or 0
            catalog_sum += values.get(CLAIM_CATALOG_NO) or 0
    if header is None:
        raise MalformedEdaFile("the file is empty")
    if trailer is None:
        raise MalformedEdaFile(f"the file ends without a trailer ({layout.trailer.type}) after record {count}")
    expected = {"record_count": count, "application_count": len(applications), "claim_count": claims,
                "claim_amount_sum": claim_sum, "catalog_no_sum": catalog_sum, "eda_id": header.get("eda_id")}
    for name, value in expected.items():
        if name in trailer and trailer[name] != value:
            raise MalformedEdaFile(f"trailer: {name} is {trailer[name]}, the file holds {value}")
    return {"header": header, "applications": applications, "trailer": trailer}
