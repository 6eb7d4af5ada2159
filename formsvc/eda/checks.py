"""The ``eda`` profile objections, read from the same layout the writer uses.

``field_too_long`` and ``unsupported_character`` check every case value the
layout writes into the file, with the width and character set of its field, so
that nothing the validator passes can fail in the writer. ``invalid_sender_id``
checks the configured sender Kennziffer; as it is not part of the case its path
is ``""`` (the JSON Pointer of the whole case) and the message names the setting.

Speed: everything that does not depend on the case (which fields come from the
case, their key tuples, the pointer suffixes, which fields can never be too
long) is compiled once per layout into a :class:`CheckPlan`. Each case is then
walked once per validation run; the two rules share that walk through the
run's ``Context.memo``, and JSON Pointers are only built for findings.

Registered through :func:`formsvc.validation.rules.rule`; imported by
``rules.run()`` after the validator's own modules, so these layout-driven
checks are the ones in force for the three codes.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import case as c
from ..validation.rules import Context, Finding, rule
from ..validation.text_rules import UNPRINTABLE
from . import fields
from .layout import POINTER, FieldSpec, Layout, RecordSpec, load_layout
from .writer import SENDER_ID, default_settings, item_path, iter_items

_MEMO_KEY = "eda.checks"


@dataclass(frozen=True)
class FieldCheck:
    """One case field the layout writes: where its value is and what it may hold."""

    spec: FieldSpec
    keys: tuple[str, ...]
    pointer: str  # the escaped JSON Pointer of ``keys`` ("/a/b"), below the item for relative sources
    absolute: bool  # an absolute pointer (read from the case, not from the repeated item)
    plain: bool  # a str value is its own text (X field, no transform)
    shared: bool  # the same path is reached from another field too: deduplicate at run time


@dataclass(frozen=True)
class Step:
    """One record type's checks: once (``repeat_keys`` is None) or once per repeated item."""

    repeat_keys: tuple[str, ...] | None
    wildcard: bool  # the repeat pointer has a ``*`` level (walked with ``iter_items``)
    checks: tuple[FieldCheck, ...]


@dataclass(frozen=True)
class CheckPlan:
    """The layout compiled for the checks, in the layout's record and field order."""

    steps: tuple[Step, ...]


def _escape(keys: tuple[str, ...]) -> str:
    return "".join("/" + k.replace("~", "~0").replace("/", "~1") for k in keys)


def _can_be_too_long(spec: FieldSpec) -> bool:
    """False for numeric fields whose text has a fixed small width (dates, booleans, mapped codes)."""
    if not spec.numeric:
        return True
    if spec.transform == "date":
        return spec.length < 8
    if spec.transform == "bool":
        return False
    if spec.mapping and spec.transform is None:
        return any(len(code) > spec.length for _, code in spec.mapping)
    return True


def compile_plan(layout: Layout) -> CheckPlan:
    """The per-layout part of the checks (computed once per process and layout)."""
    entries: list[tuple[RecordSpec, FieldSpec, Any]] = []  # (record, field, path template)
    kept: dict[Any, list[int]] = {}
    for record in layout.records:
        coverage = "*" if record.repeat is None else record.repeat_keys
        for spec in record.fields:
            if not spec.from_case:
                continue
            absolute = spec.source_kind == POINTER
            template = _escape(spec.keys) if absolute else (record.repeat_keys, spec.keys)
            earlier = kept.get(template, [])
            # The same path from an earlier field that is always checked when this one is: already covered.
            if any(entries[i][0].repeat is None or entries[i][0].repeat_keys == coverage for i in earlier):
                continue
            kept.setdefault(template, []).append(len(entries))
            entries.append((record, spec, template))
    shared = {template for template, where in kept.items() if len(where) > 1}
    steps: list[Step] = []
    for record in layout.records:
        checks = tuple(
            FieldCheck(spec, spec.keys, _escape(spec.keys), spec.source_kind == POINTER,
                       spec.format in ("X", "X/groß") and spec.transform is None, template in shared)
            for owner, spec, template in entries if owner is record and _can_be_too_long(spec))
        if checks:
            repeat = record.repeat_keys if record.repeat is not None else None
            steps.append(Step(repeat, bool(repeat) and "*" in repeat, checks))
    return CheckPlan(tuple(steps))


_PLANS: dict[int, tuple[Layout, CheckPlan]] = {}


def plan_for(layout: Layout) -> CheckPlan:
    """The cached :class:`CheckPlan` of ``layout``."""
    hit = _PLANS.get(id(layout))
    if hit is None or hit[0] is not layout:
        hit = _PLANS[id(layout)] = (layout, compile_plan(layout))
    return hit[1]


def _items(case: dict[str, Any], step: Step) -> Iterator[tuple[tuple[int, ...], dict[str, Any]]]:
    if step.wildcard:
        yield from iter_items(case, step.repeat_keys or ())
        return
    items = c.get(case, *(step.repeat_keys or ()))
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield (i,), item


def scan(case: dict[str, Any], layout: Layout | None = None) -> tuple[list[Finding], list[Finding]]:
    """(field_too_long findings, unsupported_character findings) of one case, in layout order."""
    too_long: list[Finding] = []
    bad_chars: list[Finding] = []
    seen: set[str] = set()
    value_text, FieldValueError = fields.value_text, fields.FieldValueError

    def check(item_pointer: str, spec: FieldSpec, check: FieldCheck, value: Any) -> None:
        if check.plain and type(value) is str:
            text = value  # X/groß upper-casing keeps length and the set of characters the file cannot carry
        else:
            try:
                text = value_text(spec, value)
            except FieldValueError:
                return  # a wrongly typed value: the JSON Schema reports it
        if len(text) > spec.length:
            path = check.pointer if check.absolute else item_pointer + check.pointer
            too_long.append((path, {"field": field_name(path), "length": len(text), "limit": spec.length}))
        if not spec.numeric and not (text.isascii() and text.isprintable()):
            # control and bidi characters are unprintable_character's (every profile): not reported twice
            bad = [ch for ch in fields.bad_characters(text) if not UNPRINTABLE.match(ch)]
            if bad:
                path = check.pointer if check.absolute else item_pointer + check.pointer
                bad_chars.append((path, {"field": field_name(path),
                                         "chars": ", ".join(fields.describe_character(ch) for ch in bad)}))

    for step in plan_for(layout or load_layout()).steps:
        if step.repeat_keys is None:
            for fc in step.checks:
                value = case
                for key in fc.keys:
                    value = value.get(key) if isinstance(value, dict) else None
                    if value is None:
                        break
                if value is None or fc.shared and _seen(seen, fc.pointer):
                    continue
                check("", fc.spec, fc, value)
            continue
        first = True
        for indices, item in _items(case, step):
            base = ""
            for fc in step.checks:
                if fc.absolute and not first:
                    continue  # the same case value for every item: checked once
                value = case if fc.absolute else item
                for key in fc.keys:
                    value = value.get(key) if isinstance(value, dict) else None
                    if value is None:
                        break
                if value is None:
                    continue
                if not fc.absolute and not base:
                    base = item_path(step.repeat_keys or (), indices)
                if fc.shared and _seen(seen, fc.pointer if fc.absolute else base + fc.pointer):
                    continue
                check(base, fc.spec, fc, value)
            first = False
    return too_long, bad_chars


def _seen(seen: set[str], path: str) -> bool:
    if path in seen:
        return True
    seen.add(path)
    return False


def _scan_once(case: dict[str, Any], ctx: Context) -> tuple[list[Finding], list[Finding]]:
    """:func:`scan`, shared by the rules of one validation run."""
    hit = ctx.memo.get(_MEMO_KEY)
    if hit is None or hit[0] is not case:
        hit = ctx.memo[_MEMO_KEY] = (case, scan(case))
    return hit[1]


def field_name(path: str) -> str:
    """The case key a JSON Pointer ends in (``/debtors/0/last_name`` -> ``last_name``)."""
    return path.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") or "/"


@rule("field_too_long")
def field_too_long(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A value longer than the EDA field the layout writes it to (never cut)."""
    yield from _scan_once(case, ctx)[0]


@rule("unsupported_character")
def unsupported_character(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A character CP850 cannot carry (or a control character) in a value the file holds."""
    yield from _scan_once(case, ctx)[1]


@rule("invalid_sender_id")
def invalid_sender_id(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The configured sender Kennziffer (FORMSVC_EDA_SENDER_ID) is not exactly 8 digits."""
    settings = ctx.settings or default_settings()
    sender = str(settings.eda_sender_id)
    if not SENDER_ID.fullmatch(sender):
        yield "", {"value": sender}
