"""The EDA layout as data: ``schemas/eda-layout.json`` loaded, checked and compiled.

No position, width or record type is written in code: the writer, the parser
and the eda-profile checks all read them from the layout file. Loading checks
the file (fields 1-based, inside the record, never overlapping, known formats
and sources) so a broken layout fails at start-up, not in a court's inbox.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import resources
from ..errors import ConfigurationError

FORMATS = ("X", "X/groß", "N", "N/B")
TRANSFORMS = ("date", "bool", "vehicle_code", "digits")
SOURCE_PREFIXES = ("config:", "computed:")
LAYOUT_FILE = "eda-layout.json"

# Kinds of source, as small ints for the writer's hot loop.
CONST, POINTER, RELATIVE, CONFIG, COMPUTED = range(5)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record, as the layout file describes it."""

    name: str
    start: int
    length: int
    format: str
    source_kind: int
    keys: tuple[str, ...]  # pointer segments (POINTER/RELATIVE) or (NAME,) for config/computed
    source: str | None = None
    const: str | None = None
    decimals: int = 0
    transform: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()
    default: Any = None
    form_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "numeric", self.format in ("N", "N/B"))

    numeric: bool = field(default=False, init=False)  # True for ``N`` and ``N/B`` (set from ``format``)

    @property
    def from_case(self) -> bool:
        """True when the value comes from the case (absolute or relative pointer)."""
        return self.source_kind in (POINTER, RELATIVE)


@dataclass(frozen=True)
class RecordSpec:
    """One record type: its two-letter code, name, repetition and fields."""

    type: str
    name: str
    repeat: str | None
    repeat_keys: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    description: str = ""

    @property
    def application_level(self) -> bool:
        """True for records that belong to an application (not header or trailer)."""
        return any(f.name == "application_no" for f in self.fields)

    def gaps(self, record_length: int) -> tuple[tuple[int, int], ...]:
        """0-based ``(start, end)`` slices of the positions no field uses (they must be blank)."""
        out, position = [], 0
        for spec in sorted(self.fields, key=lambda f: f.start):
            if spec.start - 1 > position:
                out.append((position, spec.start - 1))
            position = spec.start - 1 + spec.length
        if position < record_length:
            out.append((position, record_length))
        return tuple(out)


@dataclass(frozen=True)
class Layout:
    """The whole layout file: file rules and record types in file order."""

    format: str
    version: str
    record_length: int
    encoding: str
    line_end: str
    date_format: str
    records: tuple[RecordSpec, ...]

    @property
    def header(self) -> RecordSpec:
        """The file header record (the first record type)."""
        return self.records[0]

    @property
    def key_record(self) -> RecordSpec:
        """The record that starts each application (the second record type)."""
        return self.records[1]

    @property
    def trailer(self) -> RecordSpec:
        """The trailer with the control sums (the last record type)."""
        return self.records[-1]

    @property
    def application_records(self) -> tuple[RecordSpec, ...]:
        """The record types of one application, key record first, in file order."""
        return self.records[1:-1]

    def by_type(self) -> dict[str, RecordSpec]:
        """Record types keyed by their two-letter code."""
        return {r.type: r for r in self.records}

    def case_fields(self) -> Iterator[tuple[RecordSpec, FieldSpec]]:
        """Every field whose value comes from the case."""
        for record in self.records:
            for spec in record.fields:
                if spec.from_case:
                    yield record, spec


def pointer_keys(pointer: str) -> tuple[str, ...]:
    """Split a JSON Pointer (absolute ``/a/b`` or relative ``a/b``) into unescaped segments."""
    text = pointer[1:] if pointer.startswith("/") else pointer
    if not text:
        return ()
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in text.split("/"))


def _field(raw: dict[str, Any], record: str) -> FieldSpec:
    where = f"record {record}, field {raw.get('name')!r}"
    try:
        name, start, length, fmt = raw["name"], int(raw["start"]), int(raw["length"]), raw["format"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"EDA layout: {where}: needs name, start, length, format ({exc})") from None
    if fmt not in FORMATS:
        raise ConfigurationError(f"EDA layout: {where}: format must be one of {FORMATS}")
    transform = raw.get("transform")
    if transform is not None and transform not in TRANSFORMS:
        raise ConfigurationError(f"EDA layout: {where}: transform must be one of {TRANSFORMS}")
    form = raw.get("form_field") or ()
    form_fields = (form,) if isinstance(form, str) else tuple(form)
    mapping = tuple((str(k), str(v)) for k, v in (raw.get("map") or {}).items())
    if "const" in raw:
        return FieldSpec(name, start, length, fmt, CONST, (), const=str(raw["const"]), form_fields=form_fields)
    source = raw.get("source")
    if not isinstance(source, str) or not source:
        raise ConfigurationError(f"EDA layout: {where}: needs a 'source' or a 'const'")
    if source.startswith("config:"):
        kind, keys = CONFIG, (source[len("config:"):],)
    elif source.startswith("computed:"):
        kind, keys = COMPUTED, (source[len("computed:"):],)
    elif source.startswith("/"):
        kind, keys = POINTER, pointer_keys(source)
    else:
        kind, keys = RELATIVE, pointer_keys(source)
    return FieldSpec(name, start, length, fmt, kind, keys, source=source, decimals=int(raw.get("decimals", 0)),
                     transform=transform, mapping=mapping, default=raw.get("default"), form_fields=form_fields)


def _check_record(record: RecordSpec, record_length: int) -> None:
    end = 0
    names: set[str] = set()
    for spec in sorted(record.fields, key=lambda f: f.start):
        where = f"EDA layout: record {record.type} ({record.name}), field {spec.name!r}"
        if spec.start < 1 or spec.length < 1:
            raise ConfigurationError(f"{where}: start is 1-based and length at least 1")
        if spec.start <= end:
            raise ConfigurationError(f"{where}: overlaps the previous field (ends at {end})")
        end = spec.start + spec.length - 1
        if end > record_length:
            raise ConfigurationError(f"{where}: ends at {end}, beyond the record length {record_length}")
        if spec.name in names:
            raise ConfigurationError(f"{where}: the name is used twice")
        names.add(spec.name)
        if spec.from_case and record.repeat is None and spec.source_kind == RELATIVE:
            raise ConfigurationError(f"{where}: a relative source needs a repeated record")
    first = min(record.fields, key=lambda f: f.start)
    if first.start != 1 or first.const != record.type or first.length != len(record.type):
        raise ConfigurationError(f"EDA layout: record {record.type}: must start with its type as a const field")


def parse_layout(raw: dict[str, Any]) -> Layout:
    """Build and check a :class:`Layout` from the JSON document."""
    try:
        records = []
        for entry in raw["records"]:
            repeat = entry.get("repeat")
            fields = tuple(_field(f, entry["type"]) for f in entry["fields"])
            records.append(RecordSpec(entry["type"], entry["name"], repeat,
                                      pointer_keys(repeat) if repeat else (), fields, entry.get("description", "")))
        layout = Layout(raw["format"], str(raw["version"]), int(raw["record_length"]), raw["encoding"],
                        raw["line_end"], raw["date_format"], tuple(records))
    except (KeyError, TypeError) as exc:
        raise ConfigurationError(f"EDA layout: missing or malformed key {exc}") from None
    if layout.date_format != "DDMMYYYY":
        raise ConfigurationError("EDA layout: only date_format DDMMYYYY is supported")
    types = [r.type for r in layout.records]
    if len(set(types)) != len(types) or len({r.name for r in layout.records}) != len(types):
        raise ConfigurationError("EDA layout: record types and names must be unique")
    for record in layout.records:
        _check_record(record, layout.record_length)
    return layout


@lru_cache(maxsize=4)
def load_layout(path: str | None = None) -> Layout:
    """The layout from ``path`` or the shipped ``schemas/eda-layout.json`` (cached)."""
    file = Path(path) if path else resources.schemas_dir() / LAYOUT_FILE
    return parse_layout(resources.load_json(file))
