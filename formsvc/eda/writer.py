"""Writing the EDA file, streamed record by record, driven only by the layout.

``write_eda(cases, out, eda_id=..., created=..., settings=...)`` writes the
file header, then for each case its key record and the records the layout
lists for it, then the trailer with the control sums. Cases are consumed one
at a time and records are flushed in small chunks, so memory does not grow
with the number of cases. The same cases, EDA-ID, date and settings always
give the same bytes.

The writer never truncates or replaces: a value that does not fit raises
:class:`~formsvc.errors.CaseRejected` with the objection (the callers
validate with profile ``eda`` first, so this is the last line of defence).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from .. import case as c
from ..claimed import court_case
from ..config import Settings, default_settings
from ..errors import CaseRejected
from ..validation.messages import make
from ..validation.report import Objection, Report
from . import fields
from .layout import COMPUTED, CONFIG, POINTER, RELATIVE, FieldSpec, Layout, RecordSpec, load_layout

_FLUSH_RECORDS = 512
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")  # the same characters as text (CP850 keeps 0x00-0x7F as ASCII)
SENDER_ID = re.compile(r"[0-9]{8}")


def file_name(prefix: str, eda_id: int) -> str:
    """The court's file name: short name plus three-digit EDA-ID, e.g. ``ABC021.EDA``."""
    return f"{prefix}{eda_id:03d}.EDA"


def config_value(settings: Settings, name: str) -> Any:
    """A ``config:NAME`` source: the Settings field ``NAME`` (``None`` for a name that is none)."""
    return getattr(settings, name, None)


@dataclass
class EdaSummary:
    """What was written: the trailer's control sums plus size and SHA-256 of the bytes."""

    eda_id: int
    file_name: str
    created: dt.date
    records: int = 0
    applications: int = 0
    claims: int = 0
    claim_amount_sum: Decimal = Decimal("0.00")
    catalog_no_sum: int = 0
    bytes: int = 0
    sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (amounts as strings, dates ISO)."""
        return {"eda_id": self.eda_id, "file_name": self.file_name, "created": self.created.isoformat(),
                "records": self.records, "applications": self.applications, "claims": self.claims,
                "claim_amount_sum": str(self.claim_amount_sum), "catalog_no_sum": self.catalog_no_sum,
                "bytes": self.bytes, "sha256": self.sha256}


def iter_items(obj: Any, keys: tuple[str, ...], indices: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], dict[str, Any]]]:
    """(indices, item) for every object a repeat pointer like ``/debtors/*/representatives`` reaches."""
    if not keys:
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                if isinstance(item, dict):
                    yield indices + (i,), item
        return
    head, rest = keys[0], keys[1:]
    if head == "*":
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                yield from iter_items(item, rest, indices + (i,))
    elif isinstance(obj, dict):
        yield from iter_items(obj.get(head), rest, indices)


def item_path(keys: tuple[str, ...], indices: tuple[int, ...]) -> str:
    """The JSON Pointer of a repeated item, e.g. ``/debtors/1/representatives/0``."""
    parts, pending = [], list(indices)
    for key in keys:
        parts.append(str(pending.pop(0)) if key == "*" else _escape(key))
    parts.append(str(pending.pop(0)))
    return "/" + "/".join(parts)


def value_path(spec: FieldSpec, record: RecordSpec, indices: tuple[int, ...]) -> str:
    """The JSON Pointer in the case of the value a field is written from ("" when not from the case)."""
    if spec.source_kind == POINTER:
        return "/" + "/".join(_escape(k) for k in spec.keys)
    if spec.source_kind == RELATIVE:
        return item_path(record.repeat_keys, indices) + "/" + "/".join(_escape(k) for k in spec.keys)
    if spec.source_kind == COMPUTED and spec.keys[0] == "application_date":
        return "/application_date"
    return ""


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class RecordPlan:
    """One record type compiled for the hot loop (once per process and layout)."""

    record: RecordSpec
    case_reads: tuple[tuple[int, bool, tuple[str, ...]], ...]  # (slot, from the repeated item, pointer keys)
    other_reads: tuple[tuple[int, bool, str], ...]  # (slot, computed (else config), name)
    renderers: tuple[Callable[[Any], str], ...]  # one per field, in position order (the layout has no gaps)
    tail: str  # the blanks after the last field
    optional: bool  # has case fields: left out when all of them are absent
    guard: tuple[bool, tuple[str, ...]] | None  # (relative, keys) of an object every case field lies in


def _guard(case_reads: list[tuple[int, bool, tuple[str, ...]]]) -> tuple[bool, tuple[str, ...]] | None:
    """The deepest object all case fields of a record are read from: when it is absent, so is the record."""
    if not case_reads or len({relative for _, relative, _ in case_reads}) != 1:
        return None
    prefix = case_reads[0][2][:-1]
    for _, _, keys in case_reads:
        keys = keys[:-1]
        while keys[:len(prefix)] != prefix:
            prefix = prefix[:-1]
    return (case_reads[0][1], prefix) if prefix else None


def compile_record(record: RecordSpec, layout: Layout) -> RecordPlan:
    """The :class:`RecordPlan` of ``record``: sources by slot, renderers with their leading gaps."""
    case_reads, other_reads, renderers, position = [], [], [], 1
    for slot, spec in enumerate(record.fields):
        if spec.source_kind in (POINTER, RELATIVE):
            case_reads.append((slot, spec.source_kind == RELATIVE, spec.keys))
        elif spec.source_kind in (COMPUTED, CONFIG):
            other_reads.append((slot, spec.source_kind == COMPUTED, spec.keys[0]))
        render = fields.compile_renderer(spec)
        gap = " " * (spec.start - position)
        renderers.append(render if not gap else (lambda value, render=render, gap=gap: gap + render(value)))
        position = spec.start + spec.length
    return RecordPlan(record, tuple(case_reads), tuple(other_reads), tuple(renderers),
                      " " * (layout.record_length - position + 1), bool(case_reads), _guard(case_reads))


_PLANS: dict[int, tuple[Layout, dict[str, RecordPlan]]] = {}


def record_plans(layout: Layout) -> dict[str, RecordPlan]:
    """Every record type's plan, keyed by type (cached per layout)."""
    hit = _PLANS.get(id(layout))
    if hit is None or hit[0] is not layout:
        hit = _PLANS[id(layout)] = (layout, {r.type: compile_record(r, layout) for r in layout.records})
    return hit[1]


def _repeated(case: dict[str, Any], keys: tuple[str, ...]) -> Iterator[tuple[tuple[int, ...], dict[str, Any]]]:
    """:func:`iter_items`, with a direct loop for the common case of a repeat without ``*``."""
    if "*" in keys:
        yield from iter_items(case, keys)
        return
    items = c.get(case, *keys)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield (i,), item


class EdaWriter:
    """Writes one EDA file to a binary stream: ``add(case)`` per application, then ``close()``.

    Each case's records are rendered to text first and then checked and encoded
    in one go (one CP850 encode per case, not per record); a record that cannot
    be encoded is found again record by record for the objection.
    """

    def __init__(self, out: IO[bytes], *, eda_id: int, created: dt.date, settings: Settings | None = None,
                 layout: Layout | None = None) -> None:
        self.out = out
        self.layout = layout or load_layout()
        self.settings = settings or default_settings()
        self.encoding = self.layout.encoding
        self.line_end = self.layout.line_end
        self._encode = fields.encoder(self.encoding)
        self.summary = EdaSummary(eda_id, file_name(self.settings.eda_prefix, eda_id), created)
        self._hash = hashlib.sha256()
        self._buffer: list[bytes] = []
        self._buffered = 0  # records in the buffer
        self._lines: list[str] = []  # the current case's records, as text
        self._where: list[tuple[RecordPlan, tuple[int, ...]]] = []  # ... and what each one is
        self._config = {spec.keys[0]: config_value(self.settings, spec.keys[0])
                        for record in self.layout.records for spec in record.fields if spec.source_kind == CONFIG}
        self._computed: dict[str, Any] = {
            "eda_id": eda_id, "created": created, "file_name": self.summary.file_name,
            "layout_format": self.layout.format, "layout_version": self.layout.version,
        }
        plans = record_plans(self.layout)
        self._groups = [(lead.repeat_keys if lead else None, [plans[r.type] for r in records])
                        for lead, records in self._group_records(self.layout.application_records)]
        sender = self._config.get("eda_sender_id")
        if not isinstance(sender, str) or not SENDER_ID.fullmatch(sender):
            raise CaseRejected(_report(make("invalid_sender_id", "", value=str(sender))))
        self._emit(plans[self.layout.header.type], None, None, ())
        self._end_case()
        self._trailer = plans[self.layout.trailer.type]

    @staticmethod
    def _group_records(records: tuple[RecordSpec, ...]) -> list[tuple[RecordSpec | None, list[RecordSpec]]]:
        """Consecutive records with the same ``repeat`` form a group written item by item."""
        groups: list[tuple[RecordSpec | None, list[RecordSpec]]] = []
        for record in records:
            if record.repeat and groups and groups[-1][0] is not None and groups[-1][0].repeat == record.repeat:
                groups[-1][1].append(record)
            else:
                groups.append((record if record.repeat else None, [record]))
        return groups

    def add(self, case: dict[str, Any]) -> None:
        """Write the records of one application as the court documents state it (:func:`court_case`)."""
        case = court_case(case)
        summary = self.summary
        summary.applications += 1
        computed = self._computed
        computed["application_no"] = summary.applications
        computed["application_date"] = c.date(case.get("application_date")) or summary.created
        emit = self._emit
        for repeat_keys, plans in self._groups:
            if repeat_keys is None:
                emit(plans[0], case, None, ())
                continue
            for indices, item in _repeated(case, repeat_keys):
                computed["item_no"] = indices[-1] + 1
                computed["parent_no"] = indices[-2] + 1 if len(indices) > 1 else None
                for plan in plans:
                    emit(plan, case, item, indices)
        self._end_case()
        claims = case.get("claims") or []
        for claim in claims:
            summary.claims += 1
            summary.claim_amount_sum += c.money_or_zero(claim.get("amount"))
            catalog_no = claim.get("catalog_no")
            summary.catalog_no_sum += catalog_no if isinstance(catalog_no, int) else 0

    def close(self) -> EdaSummary:
        """Write the trailer, flush, and return the summary."""
        summary = self.summary
        self._computed.update(record_count=summary.records + 1, application_count=summary.applications,
                              claim_count=summary.claims, claim_amount_sum=summary.claim_amount_sum,
                              catalog_no_sum=summary.catalog_no_sum)
        self._emit(self._trailer, None, None, ())
        self._end_case()
        self._flush()
        summary.sha256 = self._hash.hexdigest()
        return summary

    def _emit(self, plan: RecordPlan, case: Any, item: Any, indices: tuple[int, ...]) -> None:
        """Render one record into the current case's lines (left out when its case data is all absent)."""
        if plan.guard is not None:
            relative, keys = plan.guard
            outer: Any = item if relative else case
            for key in keys:
                outer = outer.get(key) if isinstance(outer, dict) else None
            if not isinstance(outer, dict):
                return  # every case field of the record lies in an absent object
        values: list[Any] = [None] * len(plan.renderers)
        present = not plan.optional
        for slot, relative, keys in plan.case_reads:
            value: Any = item if relative else case
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
                if value is None:
                    break
            if value is not None:
                values[slot] = value
                if value != "":
                    present = True
        if not present:
            return  # a record whose data is entirely absent is left out
        computed, config = self._computed, self._config
        for slot, is_computed, name in plan.other_reads:
            values[slot] = computed.get(name) if is_computed else config.get(name)
        try:
            line = "".join([render(value) for render, value in zip(plan.renderers, values)])
        except fields.FieldValueError:
            self._check_lines()  # an earlier record of this case that cannot be encoded comes first
            self._reject_field(plan, values, indices)
        self._lines.append(line + plan.tail)
        self._where.append((plan, indices))
        self.summary.records += 1

    def _end_case(self) -> None:
        """Check and encode the current case's records in one go and buffer the bytes."""
        lines = self._lines
        if not lines:
            return
        text = "".join(lines)
        if not (text.isascii() and text.isprintable()) and _CONTROL.search(text):
            self._check_lines()
        end = self.line_end
        text = end.join(lines) + end
        try:
            data = self._encode(text)
        except UnicodeEncodeError:
            self._check_lines()
            raise
        self._buffer.append(data)
        self._buffered += len(lines)
        lines.clear()
        self._where.clear()
        if self._buffered >= _FLUSH_RECORDS:
            self._flush()

    def _check_lines(self) -> None:
        """Raise the objection for the first record of the current case the file cannot carry."""
        for line, (plan, indices) in zip(self._lines, self._where):
            try:
                data = line.encode(self.encoding)
            except UnicodeEncodeError:
                data = b""
            if not data or _CONTROL_BYTES.search(data):
                self._reject_characters(plan.record, line, indices)

    def _reject_field(self, plan: RecordPlan, values: list[Any], indices: tuple[int, ...]) -> None:
        for spec, value in zip(plan.record.fields, values):
            try:
                fields.render(spec, value)
            except fields.FieldValueError as exc:
                self._reject(exc, spec, plan.record, indices)
        raise AssertionError("a renderer failed where render() does not")  # pragma: no cover

    def _reject(self, exc: fields.FieldValueError, spec: FieldSpec, record: RecordSpec,
                indices: tuple[int, ...]) -> None:
        path = value_path(spec, record, indices)
        if exc.code == "field_too_long":
            objection = make("field_too_long", path, field=_field_name(path, spec), **exc.params)
        else:
            objection = Objection("schema_violation", path, "error",
                                  f"EDA-Feld {record.name}.{spec.name}: {exc.detail}.",
                                  f"EDA field {record.name}.{spec.name}: {exc.detail}.")
        raise CaseRejected(_report(objection), f"application {self.summary.applications}: {exc.detail}")

    def _reject_characters(self, record: RecordSpec, line: str, indices: tuple[int, ...]) -> None:
        for spec in record.fields:
            text = line[spec.start - 1:spec.start - 1 + spec.length]
            bad = fields.bad_characters(text)
            if bad:
                path = value_path(spec, record, indices)
                objection = make("unsupported_character", path, field=_field_name(path, spec),
                                 chars=", ".join(fields.describe_character(ch) for ch in bad))
                raise CaseRejected(_report(objection), f"application {self.summary.applications}")
        raise CaseRejected(_report(Objection("schema_violation", "", "error", "EDA-Satz nicht kodierbar.",
                                             "EDA record cannot be encoded.")))

    def _flush(self) -> None:
        if self._buffer:
            chunk = b"".join(self._buffer)
            self._buffer.clear()
            self._buffered = 0
            self._hash.update(chunk)
            self.summary.bytes += len(chunk)
            self.out.write(chunk)


def _field_name(path: str, spec: FieldSpec) -> str:
    return path.rsplit("/", 1)[-1] if path else spec.name


def _report(objection: Objection) -> Report:
    report = Report()
    report.add(objection)
    return report


def write_eda(cases: Iterable[dict[str, Any]], out: IO[bytes], *, eda_id: int, created: dt.date,
              settings: Settings | None = None, layout: Layout | None = None) -> EdaSummary:
    """Stream ``cases`` into ``out`` as one EDA file; return the control sums and SHA-256."""
    writer = EdaWriter(out, eda_id=eda_id, created=created, settings=settings, layout=layout)
    for case in cases:
        writer.add(case)
    return writer.close()
