"""Bad bytes and broken framing against the real server (`formsvc serve`, gunicorn on loopback).

Each request here is one the robustness probe sent (hardening issue, findings 1–4):
lone surrogates, invalid UTF-8 in NDJSON, a bad chunk size, a chunked body over the
limit, a body cut short. Each must get a problem answer naming what is wrong —
never a 500, never a body cut silently and accepted.
"""
from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator

import pytest

from tests.conftest import SAMPLES, load_case
from tests.support import logged, serving

SAMPLE = SAMPLES / "valid" / "01_company_vs_consumer_craftsman_invoice.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A running `formsvc serve` on a free loopback port (two workers), stopped after the module."""
    with serving(tmp_path_factory.mktemp("framing")) as port:
        yield port


def exchange(port: int, raw: bytes, *, half_close: bool = False) -> tuple[int, dict]:
    """Send ``raw`` bytes as they are; return the status and the JSON body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        parsed = {}
    return status, parsed


def post(path: str, body: bytes, content_type: str = "application/json", extra: str = "") -> bytes:
    """A complete HTTP/1.1 POST with Content-Length."""
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def chunked(path: str, chunks: bytes, content_type: str = "application/json") -> bytes:
    """A POST whose body is sent as ``chunks`` (already framed) with Transfer-Encoding: chunked."""
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks


def frame(data: bytes, size: int = 65536) -> bytes:
    """``data`` as well-formed chunks."""
    out = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in
                   (data[i:i + size] for i in range(0, len(data), size)))
    return out + b"0\r\n\r\n"


@pytest.mark.parametrize("body", [b'{"case_id": "\\ud800"}', b'{"\\ud800": 1}'], ids=["value", "key"])
def test_lone_surrogate_is_a_400_naming_where_it_is(server: int, body: bytes) -> None:
    """Finding 1: half a surrogate pair was a 500; now 400 malformed_json with its JSON Pointer."""
    status, problem = exchange(server, post("/v1/validate", body))
    assert status == 400 and problem["type"].endswith("malformed_json")
    assert "surrogate" in problem["detail"]


@pytest.mark.parametrize("endpoint", ["/v1/validate", "/v1/render/letter", "/v1/render/mahnantrag",
                                      "/v1/render/eda?preview=true"])
def test_surrogate_in_a_printed_field_never_passes_validation(server: int, endpoint: str) -> None:
    """Finding 1: validation said valid and every renderer answered 500; now all refuse the body at once."""
    text = json.dumps(load_case(SAMPLE), ensure_ascii=True, default=str)
    text = text.replace('"W\\u00f6\\u00dfner"', '"W\\u00f6\\ud800\\u00dfner"', 1)
    assert "\\ud800" in text
    status, problem = exchange(server, post(endpoint, text.encode()))
    assert status == 400, problem
    assert problem["path"] == "/debtors/0/last_name"


def test_raw_surrogate_bytes_are_not_utf8(server: int) -> None:
    """The raw bytes ED A0 80 (a UTF-8-encoded surrogate) are no UTF-8: 400 naming the byte."""
    body = json.dumps(load_case(SAMPLE), ensure_ascii=False, default=str).encode()
    body = body.replace("Wößner".encode(), "Wö".encode() + b"\xed\xa0\x80" + "ßner".encode(), 1)
    status, problem = exchange(server, post("/v1/validate", body))
    assert status == 400 and "0xED" in problem["detail"]


@pytest.mark.parametrize("endpoint", ["/v1/batch/letters", "/v1/jobs/letters", "/v1/render/eda?preview=true"])
def test_invalid_utf8_in_ndjson_is_a_400(server: int, endpoint: str) -> None:
    """Finding 2: `{"a": "<FF>"}` as NDJSON was a 500 (UnicodeDecodeError); now 400 naming the byte and line."""
    status, problem = exchange(server, post(endpoint, b'{"a": "\xff"}\n', "application/x-ndjson"))
    assert status == 400 and problem["type"].endswith("malformed_json")
    assert "0xFF" in problem["detail"] and "line 1" in problem["detail"]


def test_bad_chunk_size_is_a_400(server: int) -> None:
    """Finding 3: `zz` as a chunk size was a 500 on every POST; now 400 malformed_body."""
    status, problem = exchange(server, chunked("/v1/validate", b"zz\r\nabc\r\n0\r\n\r\n"))
    assert status == 400 and problem["type"].endswith("malformed_body")
    assert "chunk size" in problem["detail"]


def test_chunked_body_over_the_limit_is_a_413_not_cut(server: int) -> None:
    """Finding 4: a chunked body over the limit was cut at the limit and accepted; now 413."""
    case = json.dumps(load_case(SAMPLE), default=str).encode()
    body = case[:-1] + b', "reference": "x"' + b" " * (256 * 1024) + b"}"
    status, problem = exchange(server, chunked("/v1/validate", frame(body)))
    assert status == 413 and problem["type"].endswith("payload_too_large")


def test_chunked_body_within_the_limit_is_read_whole(server: int) -> None:
    """The same framing within the limit: the whole case arrives and validates."""
    body = json.dumps(load_case(SAMPLE), default=str).encode()
    status, answer = exchange(server, chunked("/v1/validate", frame(body, size=100)))
    assert status == 200 and answer["valid"] is True


def test_body_shorter_than_its_content_length_is_a_400(server: int) -> None:
    """A body that ends (the client closes its side) before Content-Length: 400, the worker is free again."""
    raw = post("/v1/validate", b'{"case_id": "x"}')
    raw = raw.replace(b"Content-Length: 16", b"Content-Length: 99")
    status, problem = exchange(server, raw, half_close=True)
    assert status == 400 and problem["type"].endswith("malformed_body")
    with urllib.request.urlopen(f"http://127.0.0.1:{server}/healthz", timeout=5) as response:
        assert response.status == 200


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\n", "\u202e", "\u2066", "\x85"],
                         ids=["NUL", "ESC", "LF", "RLO", "LRI", "NEL"])
@pytest.mark.parametrize("endpoint", ["/v1/validate?for=letter", "/v1/render/letter", "/v1/render/mahnantrag",
                                      "/v1/render/eda?preview=true"])
def test_control_characters_in_a_name_are_refused_everywhere(client, endpoint: str, char: str) -> None:
    """Finding 10: NUL, ESC, newlines and the RTL override passed the court profile and were rendered."""
    case = load_case(SAMPLE)
    case["debtors"][0]["last_name"] = f"Wö{char}ßner"
    response = client.post(endpoint, data=json.dumps(case, default=str), content_type="application/json")
    assert response.status_code == 422
    assert [(e["code"], e["path"]) for e in response.get_json()["errors"]] == [
        ("unprintable_character", "/debtors/0/last_name")]
    assert f"U+{ord(char):04X}" in response.get_json()["errors"][0]["message"]


def test_bearer_scheme_is_case_insensitive(tmp_path, example_case) -> None:
    """Finding 11: `bearer` (lower case) was refused; RFC 9110 makes the scheme case-insensitive."""
    from formsvc import create_app

    app = create_app({"API_KEYS": "alpha", "DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}"})
    client = app.test_client()
    for scheme in ("bearer", "BEARER", "Bearer"):
        assert client.post("/v1/validate", json=example_case,
                           headers={"Authorization": f"{scheme} alpha"}).status_code == 200
    assert client.post("/v1/validate", json=example_case, headers={"Authorization": "Basic alpha"}).status_code == 401
    assert client.post("/v1/validate", json=example_case, headers={"Authorization": "bearer"}).status_code == 401


@pytest.mark.parametrize("case_id", ["a\nb", "x\x1b[31mred", "n\x00ul", "2026-000042\r\nINFO forged"])
def test_a_case_id_cannot_forge_or_colour_log_lines(client, case_id: str) -> None:
    """Finding 6: case_id was logged verbatim before validation; now only an id of the contract's form is."""
    with logged() as records:
        client.post("/v1/validate", data=json.dumps({"case_id": case_id}), content_type="application/json")
    lines = [r.getMessage() for r in records if "endpoint=" in r.getMessage()]
    assert lines and all("case_id=(invalid)" in line for line in lines)
    assert not any(ch in line for line in lines for ch in "\n\r\x1b\x00")


@pytest.mark.parametrize("endpoint", ["/v1/render/letter?format=html", "/v1/render/mahnantrag?format=html"])
def test_html_previews_carry_a_csp_and_one_charset(client, example_case, endpoint: str) -> None:
    """Finding 11: the application's HTML preview had no CSP and said charset=utf-8 twice."""
    response = client.post(endpoint, json=example_case)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
