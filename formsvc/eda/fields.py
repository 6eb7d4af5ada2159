"""Field formats of the EDA file: one value to its fixed-width text and back.

``X`` text, left-aligned, blank-filled; ``X/groß`` the same in upper case;
``N`` digits, right-aligned, zero-filled; ``N/B`` like ``N`` but blank when
zero or absent. Amounts and rates carry their implied decimals; dates are
``DDMMYYYY``. Nothing is ever truncated, rounded or replaced: a value that
does not fit raises :class:`FieldValueError` naming the problem.

Upper case keeps the length of every value: a character whose capital is
longer (``ß`` -> ``SS``) or not in CP850 (``ÿ``, ``µ``) keeps its own form.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
import unicodedata
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from collections.abc import Callable
from typing import Any

from ..countries import vehicle_code
from .layout import FieldSpec

ENCODING = "cp850"


class FieldValueError(ValueError):
    """A value that cannot be written into its field: ``code`` is an objection code."""

    def __init__(self, code: str, detail: str, **params: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.params = params


def _carried(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return unicodedata.category(char) != "Cc"


def _upper_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for byte in range(256):
        char = bytes([byte]).decode(ENCODING)
        upper = char.upper()
        if upper != char and len(upper) == 1 and _carried(upper):
            table[ord(char)] = upper
    return table


UPPER = _upper_table()
#: Characters outside CP850 or control characters (CR, LF, TAB would break the record structure).
_NOT_CARRIED = re.compile(
    "[^" + "".join(re.escape(bytes([b]).decode(ENCODING)) for b in range(32, 256) if b != 0x7F) + "]")


def encoder(encoding: str) -> Callable[[str], bytes]:
    """``str.encode(encoding)`` (strict), faster for single-byte codecs such as CP850.

    Python's cp850 codec looks every character up in a dict; a map built with
    ``codecs.charmap_build`` from the same decoding table gives the same bytes
    (and the same ``UnicodeEncodeError``) about ten times faster.
    """
    module = sys.modules.get("encodings." + codecs.lookup(encoding).name.replace("-", "_"))
    table = getattr(module, "decoding_table", None)
    if not isinstance(table, str) or len(table) != 256:
        return lambda text: text.encode(encoding)
    fast_map = codecs.charmap_build(table)
    charmap_encode = codecs.charmap_encode
    return lambda text: text.encode("ascii") if text.isascii() else charmap_encode(text, "strict", fast_map)[0]


def bad_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` the EDA file cannot carry, in order of appearance."""
    seen: list[str] = []
    for match in _NOT_CARRIED.finditer(text):
        if match.group() not in seen:
            seen.append(match.group())
    return seen


def describe_character(char: str) -> str:
    """A character for a message: ``"€" (U+20AC)``; control characters only by code point."""
    code = f"U+{ord(char):04X}"
    return code if unicodedata.category(char) == "Cc" else f"\"{char}\" ({code})"


def _digits(spec: FieldSpec, value: Any) -> str | None:
    """The digits of a numeric field without padding; ``None`` when not given."""
    if spec.transform == "bool":
        if value is None:
            return "0"
        if not isinstance(value, bool):
            raise FieldValueError("invalid_value", f"expected true or false, got {value!r}")
        return "1" if value else "0"
    if value is None:
        return None
    if spec.transform == "date":
        day = value if isinstance(value, dt.date) else _iso_date(value)
        return f"{day.day:02d}{day.month:02d}{day.year:04d}"
    if spec.transform == "digits":
        if not (isinstance(value, str) and value.isascii() and value.isdigit()):
            raise FieldValueError("invalid_value", f"expected digits, got {value!r}")
        return value
    if spec.mapping:
        for key, code in spec.mapping:
            if key == str(value):
                return code
        raise FieldValueError("invalid_value", f"{value!r} is not one of {', '.join(k for k, _ in spec.mapping)}")
    if isinstance(value, bool):
        raise FieldValueError("invalid_value", f"expected a number, got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    else:
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise FieldValueError("invalid_value", f"expected a number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise FieldValueError("invalid_value", f"expected a number of at least 0, got {value!r}")
    scaled = number.scaleb(spec.decimals)
    if scaled != scaled.to_integral_value():
        raise FieldValueError("invalid_value", f"{value} has more than {spec.decimals} decimal places")
    return str(int(scaled))


def _iso_date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FieldValueError("invalid_value", f"expected a date YYYY-MM-DD, got {value!r}") from None


def value_text(spec: FieldSpec, value: Any) -> str:
    """The text a value takes in its field, without padding ("" for a blank field)."""
    if value is None:
        value = spec.default
    if spec.numeric:
        digits = _digits(spec, value)
        if digits is None or (spec.format == "N/B" and not digits.strip("0")):
            return ""
        return digits
    if value is None:
        return ""
    if spec.transform == "vehicle_code":
        text = vehicle_code(str(value))
    elif isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        text = str(value)
    else:
        raise FieldValueError("invalid_value", f"expected text, got {type(value).__name__}")
    return text.translate(UPPER) if spec.format == "X/groß" else text


def render(spec: FieldSpec, value: Any) -> str:
    """The value as exactly ``spec.length`` characters, or :class:`FieldValueError`."""
    text = value_text(spec, value)
    if len(text) > spec.length:
        raise FieldValueError("field_too_long", f"{len(text)} characters, the field holds {spec.length}",
                              length=len(text), limit=spec.length)
    if spec.numeric:
        if not text:
            return (" " if spec.format == "N/B" else "0") * spec.length
        return text.rjust(spec.length, "0")
    return text.ljust(spec.length)


def parse(spec: FieldSpec, raw: str) -> Any:
    """A field's text back to its value: str, int, Decimal, bool, ISO date or ``None``."""
    if spec.const is not None:
        if raw != spec.const:
            raise ValueError(f"expected {spec.const!r}, found {raw!r}")
        return raw
    if not spec.numeric:
        text = raw.rstrip(" ")
        return text or None
    if not raw.strip(" "):
        if spec.format == "N/B":
            return None
        raise ValueError("blank, but the field is numeric (N)")
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"{raw!r} is not all digits")
    if spec.transform == "bool":
        if raw not in ("0", "1"):
            raise ValueError(f"{raw!r} is not 0 or 1")
        return raw == "1"
    if spec.transform == "digits":
        return raw
    if spec.transform == "date":
        try:
            return dt.date(int(raw[4:8]), int(raw[2:4]), int(raw[0:2])).isoformat()
        except ValueError:
            raise ValueError(f"{raw!r} is not a date DDMMYYYY") from None
    if spec.mapping:
        for key, code in spec.mapping:
            if code.rjust(spec.length, "0") == raw:
                return key
        raise ValueError(f"{raw!r} is not a known code")
    if spec.decimals:
        return Decimal(int(raw)).scaleb(-spec.decimals)
    return int(raw)


def compile_renderer(spec: FieldSpec) -> Callable[[Any], str]:
    """A function value -> field text for the writer's hot loop: fast paths for the common
    types, everything else (and every error) through :func:`render`, so the text is always
    exactly what :func:`render` gives."""
    length, fmt = spec.length, spec.format
    blank = " " * length
    general: Callable[[Any], str] = lambda value: render(spec, value)  # noqa: E731
    if spec.const is not None:
        text = render(spec, spec.const)
        return lambda _value: text
    if spec.default is not None:  # render() reads an absent value as the default: so does the fast path
        default, plain = spec.default, compile_renderer(replace(spec, default=None))
        return lambda value: plain(default if value is None else value)
    if spec.transform == "bool":
        codes = {True: "1".rjust(length, "0"), False: "0" * length, None: "0" * length}
        return lambda value: codes[value] if type(value) is bool or value is None else general(value)
    if spec.transform == "date" and length == 8:
        return _date_renderer(blank if fmt == "N/B" else "0" * 8, general)
    if spec.mapping:
        codes = {key: code.rjust(length, "0") for key, code in spec.mapping}
        return lambda value: (blank if fmt == "N/B" else "0" * length) if value is None else (
            (type(value) is str and codes.get(value)) or general(value))
    if fmt in ("X", "X/groß") and spec.transform is None:
        upper = fmt == "X/groß"
        return lambda value: blank if value is None else (
            (value.translate(UPPER) if upper else value).ljust(length)
            if type(value) is str and len(value) <= length else general(value))
    if spec.transform == "vehicle_code":
        return _memo_renderer(general)
    if spec.numeric and spec.transform is None:
        return _number_renderer(length, spec.decimals, fmt == "N/B", general)
    return general


def _date_renderer(empty: str, general: Callable[[Any], str]) -> Callable[[Any], str]:
    """DDMMYYYY from an ISO date string or a ``date``."""

    def date_text(value: Any) -> str:
        if value is None:
            return empty
        if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                dt.date.fromisoformat(value)  # a real date, else the general path gives the error
            except ValueError:
                return general(value)
            return value[8:10] + value[5:7] + value[0:4]
        if type(value) is dt.date:
            return f"{value.day:02d}{value.month:02d}{value.year:04d}"
        return general(value)

    return date_text


def _number_renderer(length: int, decimals: int, blank_zero: bool,
                     general: Callable[[Any], str]) -> Callable[[Any], str]:
    """Digits with implied decimals from ``int`` and ``Decimal``, zero-filled (``N``) or blank when zero (``N/B``)."""
    empty = " " * length if blank_zero else "0" * length
    factor = 10 ** decimals

    def number_text(value: Any) -> str:
        if value is None:
            return empty
        kind = type(value)
        if kind is int and value >= 0:
            units = value * factor
        elif kind is Decimal and value.is_finite() and value >= 0:
            scaled = value.scaleb(decimals)
            if scaled != scaled.to_integral_value():
                return general(value)
            units = int(scaled)
        else:
            return general(value)
        if blank_zero and not units:
            return empty
        digits = str(units)
        return digits.rjust(length, "0") if len(digits) <= length else general(value)

    return number_text


def _memo_renderer(general: Callable[[Any], str], size: int = 512) -> Callable[[Any], str]:
    """``general`` remembered for up to ``size`` distinct strings (country codes repeat in every case)."""
    seen: dict[str, str] = {}

    def memo_text(value: Any) -> str:
        if type(value) is not str:
            return general(value)
        text = seen.get(value)
        if text is None:
            text = general(value)
            if len(seen) < size:
                seen[value] = text
        return text

    return memo_text
