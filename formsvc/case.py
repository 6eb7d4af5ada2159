"""Reading a case: JSON parsing and the small typed accessors every renderer uses.

The case stays a plain ``dict`` as submitted (the JSON Schema is its type);
these helpers turn its values into ``Decimal`` and ``date`` the same way
everywhere. Absent and ``null`` both mean "not given".
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from .errors import MalformedJSON

BERLIN = ZoneInfo("Europe/Berlin")
CENT = Decimal("0.01")


class ExponentNumber(float):
    """A JSON number written with an exponent (``1e3``): kept so the schema can refuse it."""


def _parse_float(text: str) -> Decimal | ExponentNumber:
    if "e" in text or "E" in text:
        return ExponentNumber(text)
    return Decimal(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


BOM = "\ufeff"
#: A JSON escape of half a UTF-16 surrogate pair: only then can a decoded string hold a lone surrogate.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def decode_utf8(data: bytes) -> str:
    """Bytes as UTF-8 text, strictly (a leading BOM is dropped); :class:`MalformedJSON` names the bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MalformedJSON(f"Invalid JSON: the body is not UTF-8 (RFC 8259): byte 0x{data[exc.start]:02X} at offset {exc.start} "
                            f"(line {line}) is no UTF-8 sequence. Send the case as UTF-8 text.") from None
    return text[1:] if text.startswith(BOM) else text


def loads(text: str | bytes) -> Any:
    """Parse JSON with exact decimals; raise :class:`MalformedJSON` with the position.

    Bytes must be UTF-8 (``json`` itself would let raw surrogate bytes through);
    a string that holds half a surrogate pair (``"\\ud800"``) is refused with
    its JSON Pointer, since no document can print it.
    """
    if isinstance(text, (bytes, bytearray)):
        text = decode_utf8(bytes(text))
    try:
        value = json.loads(text, parse_float=_parse_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise MalformedJSON(f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise MalformedJSON(f"Invalid JSON: {exc}") from None
    if SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(value, "")
    return value


def _refuse_lone_surrogates(value: Any, path: str) -> None:
    """Raise :class:`MalformedJSON` at the first string (key or value) holding a lone surrogate."""
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            _check_text(node, where)
        elif isinstance(node, dict):
            for key, item in node.items():
                pointer = f"{where}/{_escape_pointer(key)}"
                _check_text(key, pointer)
                stack.append((item, pointer))
        elif isinstance(node, list):
            stack.extend((item, f"{where}/{i}") for i, item in enumerate(node))


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        shown = where.encode("utf-8", "backslashreplace").decode("ascii", "replace") or "/"
        raise MalformedJSON(f"Invalid JSON text at {shown}: \\u{ord(text[exc.start]):04x} is half of a UTF-16 "
                            "surrogate pair, not a character. Send the character itself, or both halves "
                            "of the pair.", path=shown) from None


def _escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def iter_ndjson(text: str | bytes) -> Iterator[Any]:
    """Parse newline-delimited JSON, one case per non-empty line (UTF-8; errors name the line)."""
    if isinstance(text, (bytes, bytearray)):
        text = decode_utf8(bytes(text))
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield loads(line)
            except MalformedJSON as exc:
                raise MalformedJSON(f"line {lineno}: {exc.message}") from None


def dumps(value: Any, **kwargs: Any) -> str:
    """JSON output that writes ``Decimal`` as a string and dates as ISO."""
    return json.dumps(value, default=_default, ensure_ascii=False, **kwargs)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def get(obj: Any, *keys: str | int) -> Any:
    """Walk ``obj`` by keys/indices; ``None`` for anything absent, null or mistyped."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
            obj = obj[key]
        else:
            if not isinstance(obj, dict):
                return None
            obj = obj.get(key)
        if obj is None:
            return None
    return obj


def money(value: Any) -> Decimal | None:
    """An amount as ``Decimal`` (``None`` when not given or not a finite amount)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def money_or_zero(value: Any) -> Decimal:
    """An amount, ``0`` when not given."""
    result = money(value)
    return result if result is not None else Decimal("0")


def date(value: Any) -> dt.date | None:
    """An ISO date as ``datetime.date`` (``None`` when not given or malformed)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def today() -> dt.date:
    """Today in the service time zone (Europe/Berlin)."""
    return dt.datetime.now(BERLIN).date()


def adult_from(born: dt.date, years: int) -> dt.date | None:
    """The day someone born on ``born`` comes of age at ``years`` (§ 2 BGB; born on 29 February: 1 March);
    ``None`` for a birth date too late to count from (the schema reports it)."""
    if born.year + years > dt.MAXYEAR:
        return None
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a year without one
        return dt.date(born.year + years, 3, 1)


def is_person(party: Any) -> bool:
    """True for a natural person (``type == "person"``)."""
    return isinstance(party, dict) and party.get("type") == "person"


def is_consumer(debtor: Any) -> bool:
    """``is_consumer`` with the contract's default: persons yes, companies no."""
    if not isinstance(debtor, dict):
        return False
    flag = debtor.get("is_consumer")
    return flag if isinstance(flag, bool) else debtor.get("type") == "person"


def party_name(party: Any) -> str:
    """Display name: the firm, or "Dr. Erika Muster" for a person."""
    if not isinstance(party, dict):
        return ""
    if party.get("type") == "company":
        return str(party.get("name") or "")
    parts = [party.get("title"), party.get("first_name"), party.get("last_name")]
    return " ".join(str(p) for p in parts if p)


def country(address: Any) -> str:
    """ISO alpha-2 country of an address-like object, ``DE`` when not given (or mistyped: the schema
    reports that)."""
    value = get(address, "country")
    return value.upper() if isinstance(value, str) and value else "DE"
