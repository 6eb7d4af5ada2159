"""Request helpers shared by every blueprint: reading cases, query options, documents out."""
from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..case import iter_ndjson, loads
from ..config import Settings
from ..errors import BadParameter, MalformedBody, MalformedJSON, PayloadTooLarge, UnsupportedMediaType
from ..rendered import RenderedDocument

JSON_TYPES = {"application/json"}
NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl"}


def settings() -> Settings:
    """The running app's settings."""
    return current_app.extensions["formsvc"]["settings"]


READ_CHUNK = 64 * 1024
FRAMING_FIX = "Send the whole body with a correct Content-Length, or as well-formed chunks."


def read_body(limit: int, allowed: set[str]) -> tuple[bytes, str]:
    """The raw body, checked against the allowed content types and ``limit`` bytes.

    The one place request bodies are read. It reads at most ``limit`` + 1 bytes
    itself, so a chunked body (no Content-Length) over the limit is a 413, never
    cut silently; broken framing (a bad chunk size, a body shorter than its
    Content-Length) is a 400 naming the problem, never a 500.
    """
    mimetype = request.mimetype or ""
    if mimetype not in allowed and not (mimetype.endswith("+json") and "application/json" in allowed):
        raise UnsupportedMediaType(f"Content-Type must be one of: {', '.join(sorted(allowed))} (got {mimetype or 'none'}).")
    too_large = PayloadTooLarge(f"The body may be at most {limit} bytes.")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    cached = getattr(g, "formsvc_body", None)
    if cached is not None:
        return cached, mimetype
    parts, size = [], 0
    try:
        while True:
            chunk = request.stream.read(min(READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise too_large
    except (RequestEntityTooLarge, PayloadTooLarge):
        raise too_large from None
    except Exception as exc:  # noqa: BLE001 - whatever the server's body reader raises is broken framing
        raise MalformedBody(f"The request body could not be read ({_framing_problem(exc)}). {FRAMING_FIX}") from None
    declared = request.content_length
    if declared is not None and size != declared:
        raise MalformedBody(f"The request body ended after {size} of the {declared} bytes its Content-Length "
                            f"announced. {FRAMING_FIX}")
    g.formsvc_body = data = b"".join(parts)
    return data, mimetype


def _framing_problem(exc: Exception) -> str:
    """What went wrong with the body's framing, in a few words (never body content)."""
    name = type(exc).__name__
    return {"InvalidChunkSize": "a chunk size is not a hexadecimal number",
            "ChunkMissingTerminator": "a chunk does not end with CRLF",
            "NoMoreData": "the body ended early", "ClientDisconnected": "the body ended before its Content-Length",
            }.get(name, "the body ended early or its framing is broken")


def read_case() -> Any:
    """The request body as one case (JSON), within the single-case size limit."""
    data, _ = read_body(settings().max_case_bytes, JSON_TYPES)
    case = loads(data)
    if isinstance(case, dict):
        g.case_id = loggable_case_id(case.get("case_id"))
    return case


#: What the contract allows in a case id: nothing else reaches a log line (no forged lines, no ESC, no NUL).
CASE_ID = re.compile(r"[A-Za-z0-9._/-]{1,35}")


def loggable_case_id(value: Any) -> str:
    """The case id for the log: as sent when it has the contract's form, else ``(invalid)``."""
    return value if isinstance(value, str) and CASE_ID.fullmatch(value) else "(invalid)"


def read_cases() -> list[Any]:
    """The request body as a list of cases: a JSON array or NDJSON."""
    data, mimetype = read_body(settings().max_batch_bytes, JSON_TYPES | NDJSON_TYPES)
    if mimetype in NDJSON_TYPES:
        return list(iter_ndjson(data))
    cases = loads(data)
    if not isinstance(cases, list):
        raise MalformedJSON("Send a JSON array of cases (or NDJSON, one case per line).")
    return cases


def choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    """A query parameter restricted to ``allowed`` values."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if value not in allowed:
        raise BadParameter(f"Query parameter '{name}' must be one of {', '.join(allowed)} (got {value!r}).")
    return value


def integer_choice(name: str, allowed: tuple[int, ...]) -> int | None:
    """An integer query parameter restricted to ``allowed`` (written as in the OpenAPI description:
    ``level=2``); ``None`` when absent."""
    value = choice(name, tuple(str(n) for n in allowed))
    return int(value) if value is not None else None


def flag(name: str, default: bool = False) -> bool:
    """A boolean query parameter: true/false/1/0/yes/no."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    raise BadParameter(f"Query parameter '{name}' must be true or false (got {value!r}).")


WARNINGS_HEADER = "Formsvc-Warnings"
#: A rendered HTML document (letter or application preview) loads nothing and runs nothing.
HTML_DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
PAGE_COUNT_HEADER = "Formsvc-Page-Count"


def rendered(result: RenderedDocument, *, inline: bool = True) -> Response:
    """A rendered document as the answer: its bytes, file name, warning codes (always, ``[]`` when
    none) and page count (when the renderer counted pages)."""
    headers = {WARNINGS_HEADER: json.dumps(result.warning_codes)}
    if result.mimetype.startswith("text/html"):
        headers["Content-Security-Policy"] = HTML_DOCUMENT_CSP  # previews carry case text: nothing may run
    if result.page_count:
        headers[PAGE_COUNT_HEADER] = str(result.page_count)
    return document(result.data, result.mimetype, result.filename, inline=inline, headers=headers)


def document(data: bytes, mimetype: str, filename: str | None = None, *, inline: bool = True,
             headers: dict[str, str] | None = None) -> Response:
    """Wrap generated bytes; ``filename`` sets Content-Disposition."""
    response = Response(data, mimetype=mimetype)
    if filename:
        disposition = "inline" if inline else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
