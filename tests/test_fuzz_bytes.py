"""The fuzz stage for raw bytes and framing: every POST, bodies no JSON generator would send.

schemathesis (tests/test_api_fuzz.py) sends only valid JSON; this stage mutates the
bytes of a real case — half surrogate pairs as escapes and as raw bytes, invalid and
overlong UTF-8, BOMs, NUL, cuts at any byte, bodies just over each limit — and
sends them to every POST endpoint as JSON and as NDJSON, through the app; the
framing half sends chunked and short bodies over a real socket to `formsvc serve`.
Whatever arrives, the answer is a problem with a 4xx status (or a success), never a
500 and never a hang. Bounded: a fixed number of examples per endpoint, derandomised
so CI runs the same inputs every time.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES, load_case
from tests.test_http_framing import chunked, exchange, frame, server  # noqa: F401  (the real-server fixture)

SAMPLE = SAMPLES / "valid" / "01_company_vs_consumer_craftsman_invoice.json"
CASE_BYTES = json.dumps(load_case(SAMPLE), ensure_ascii=False, default=str).encode()
ENDPOINTS = ["/v1/validate", "/v1/render/letter?format=html", "/v1/render/mahnantrag?format=html",
             "/v1/render/eda?preview=true", "/v1/batch/letters", "/v1/jobs/letters",
             "/v1/dunning/proposals?date=2026-02-01", "/v1/dunning/runs"]
ACCEPTED = {200, 202, 400, 409, 413, 415, 422}
#: byte sequences a broken or hostile client sends
NASTY = [b"\xed\xa0\x80", b"\\ud800", b"\\udfff", b"\xff", b"\xfe", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf8\x88\x80\x80\x80",
         b"\xef\xbb\xbf", b"\x00", b"\x1b[2J", b"\\u0000", b"\\u202e", b"\r\n", b"\"", b"\\", b"{", b"]", b"1e999",
         b"\xf4\x90\x80\x80", b"\x80"]


@st.composite
def mutated(draw: Any) -> bytes:
    """The sample case's bytes with insertions of nasty sequences, a cut, or a BOM in front."""
    data = bytearray(CASE_BYTES)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.sampled_from(NASTY))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    if draw(st.booleans()):
        data = bytearray(b"\xef\xbb\xbf") + data
    return bytes(data)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from formsvc import create_app

    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app({"INSTANCE_PATH": str(tmp), "DATABASE_URL": f"sqlite:///{tmp / 'fuzz.sqlite3'}",
                      "MAX_BATCH_BYTES": 64 * 1024})
    return app.test_client()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-ndjson"])
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=mutated())
def test_mutated_bytes_never_give_a_500(fuzz_client: Any, endpoint: str, content_type: str, body: bytes) -> None:
    """Any mutation of a case's bytes, to any POST, as JSON or NDJSON: a 4xx problem or a success."""
    if content_type != "application/json" and endpoint.startswith(("/v1/validate", "/v1/render/letter",
                                                                    "/v1/render/mahnantrag", "/v1/dunning/runs")):
        content_type = "application/json; charset=utf-8"
    response = fuzz_client.post(endpoint, data=body, content_type=content_type)
    assert response.status_code in ACCEPTED, (response.status_code, body[:200])
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == response.status_code


@pytest.mark.parametrize("endpoint,limit", [("/v1/validate", 256 * 1024), ("/v1/batch/letters", 64 * 1024),
                                            ("/v1/dunning/proposals", 64 * 1024), ("/v1/dunning/runs", 64 * 1024)])
def test_bodies_just_over_each_limit_are_413(fuzz_client: Any, endpoint: str, limit: int) -> None:
    """One byte over the limit is a 413, one byte under is read (whatever it then says)."""
    over = CASE_BYTES[:-1] + b" " * (limit + 1 - len(CASE_BYTES)) + b"}"
    assert len(over) == limit + 1
    assert fuzz_client.post(endpoint, data=over, content_type="application/json").status_code == 413
    under = over[:-2] + b"}"
    assert fuzz_client.post(endpoint, data=under, content_type="application/json").status_code != 413


@st.composite
def framings(draw: Any) -> bytes:
    """Chunked framings of a case: good chunks, bad sizes, missing CRLFs, early ends, extensions."""
    body = CASE_BYTES
    size = draw(st.integers(1, 4096))
    parts = [body[i:i + size] for i in range(0, len(body), size)]
    out = b""
    for part in parts:
        kind = draw(st.sampled_from(["ok", "ok", "ok", "bad_size", "no_crlf", "extension", "too_long"]))
        head = b"%x" % len(part)
        if kind == "bad_size":
            head = draw(st.sampled_from([b"zz", b"-1", b"", b"0x10", b"ffffffffffffffffff"]))
        elif kind == "extension":
            head += b";name=value"
        elif kind == "too_long":
            head = b"%x" % (len(part) + 5)
        out += head + b"\r\n" + part + (b"" if kind == "no_crlf" else b"\r\n")
    if draw(st.booleans()):
        out += b"0\r\n\r\n"
    return out[:draw(st.integers(0, len(out)))] if draw(st.booleans()) else out


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(framing=framings())
def test_chunk_framing_never_gives_a_500(server: int, framing: bytes) -> None:  # noqa: F811
    """Broken or truncated chunk framing to the real server: 4xx or success, never 500, never a hang."""
    try:
        status, _ = exchange(server, chunked("/v1/validate", framing), half_close=True)
    except (IndexError, ValueError):
        return  # the server closed the connection without an answer: no 500, no hang (the socket has a timeout)
    assert status in ACCEPTED, (status, framing[:120])
