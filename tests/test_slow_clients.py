"""Slow and stalled clients against the real server (`formsvc serve`, gunicorn on loopback).

Hardening issue, finding 5: two stalled connections stopped the whole service. Now each
connection is read whole under a deadline before it may take a render slot
(`formsvc.worker`). Here the read timeout is 2 s; every wait below is bounded by it,
and the whole file takes a few seconds more than the server's start-up.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from formsvc.config import Settings
from formsvc.errors import ConfigurationError
from tests.conftest import SAMPLES
from tests.support import serving

SAMPLE = (SAMPLES / "valid" / "01_company_vs_consumer_craftsman_invoice.json").read_bytes()
READ_TIMEOUT = 2.0
#: A small batch limit, so the body budget (two batches per process) is quick to fill.
BATCH_LIMIT = 1024 * 1024
#: How long past the read timeout a stalled connection may stay open (scheduling, the 408's linger).
SLACK = 2.5

#: The four stalls of the probe: headers then nothing; a body shorter than its Content-Length;
#: a truncated chunked body; a big Content-Length with a tiny body (the EDA endpoint hung on it).
STALLS = {
    "headers_then_nothing": b"POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n",
    "short_body": b"POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"case_id\": ",
    "truncated_chunks": b"POST /v1/render/letter HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n10\r\n{\"case_id\": \"x\"",
    "big_length_tiny_body": b"POST /v1/render/eda HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
                            b"Content-Length: 262145\r\n\r\n{}",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`formsvc serve` of this checkout on a free loopback port, two workers, read timeout 2 s."""
    with serving(tmp_path_factory.mktemp("slow"), READ_TIMEOUT=str(READ_TIMEOUT),
                 MAX_BATCH_BYTES=str(BATCH_LIMIT)) as port:
        for _ in range(4):  # both workers have rendered a letter: what follows measures no cold start
            request(port, "POST", "/v1/render/letter", SAMPLE, timeout=30)
        yield port


def request(port: int, method: str, path: str, body: bytes | None = None, *, timeout: float) -> tuple[int, bytes]:
    """One request; ``timeout`` bounds the whole answer (urllib raises when it is exceeded)."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers={"Content-Type": "application/json"} if body is not None else {})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.status, response.read()


def open_stalls(port: int, per_kind: int) -> list[tuple[str, socket.socket]]:
    """``per_kind`` connections of every stall kind, each sent its part and then left alone."""
    stalls = []
    for i in range(per_kind * len(STALLS)):
        kind = list(STALLS)[i % len(STALLS)]
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(STALLS[kind])
        stalls.append((kind, sock))
    return stalls


def answer_or_close(sock: socket.socket, by: float) -> bytes:
    """What the server sends before it closes ``sock`` (b"" for a plain close); fails after ``by``."""
    data = b""
    while True:
        remaining = by - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"connection still open; received {data[:40]!r}")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        except TimeoutError:
            continue
        if not chunk:
            return data
        data += chunk


def test_fifty_stalled_connections_do_not_stop_the_service(server: int) -> None:
    """Finding 5: 52 stalled connections (13 of each kind); /healthz, a validation and a render each answer
    within a second, and every stalled connection gets 408 within the read timeout."""
    stalls = open_stalls(server, per_kind=13)
    opened = time.monotonic()
    try:
        time.sleep(0.2)  # every stalled request has reached its reader
        assert request(server, "GET", "/healthz", timeout=1.0)[0] == 200
        status, body = request(server, "POST", "/v1/validate", SAMPLE, timeout=1.0)
        assert status == 200 and json.loads(body)["valid"] is True
        status, body = request(server, "POST", "/v1/render/letter", SAMPLE, timeout=1.0)
        assert status == 200 and body.startswith(b"%PDF")
        for kind, sock in stalls:
            data = answer_or_close(sock, by=opened + READ_TIMEOUT + SLACK)
            assert data.startswith(b"HTTP/1.1 408 "), (kind, data[:60])
            problem = json.loads(data.partition(b"\r\n\r\n")[2])
            assert problem["status"] == 408 and problem["type"].endswith("request_timeout")
    finally:
        for _, sock in stalls:
            sock.close()
    assert request(server, "GET", "/healthz", timeout=1.0)[0] == 200


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(server: int) -> None:
    """An idle connection (a pre-connect, or a scanner) is closed at the deadline, with no 408."""
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        assert answer_or_close(sock, by=time.monotonic() + READ_TIMEOUT + SLACK) == b""


def test_a_dribbling_client_is_cut_at_the_deadline(server: int) -> None:
    """Slowloris: a header byte every 0.4 s keeps each read short, but the deadline is for the whole request."""
    head = STALLS["headers_then_nothing"]
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        started = time.monotonic()
        sent = 0
        try:
            for byte in head[:20]:
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.4)
        except OSError:
            pass  # the server closed while we were still dribbling: what we want
        assert sent < 20, "the server let a dribbling client go on for 8 s"
        data = answer_or_close(sock, by=started + READ_TIMEOUT + SLACK)
        assert data == b"" or data.startswith(b"HTTP/1.1 408 ")


def test_a_body_with_a_pause_within_the_deadline_is_served(server: int) -> None:
    """Slow but alive: headers, half the body, a pause shorter than the read timeout, the rest: 200."""
    raw = (f"POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           f"Content-Type: application/json\r\nContent-Length: {len(SAMPLE)}\r\n\r\n").encode() + SAMPLE
    half = len(raw) - len(SAMPLE) // 2
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        sock.sendall(raw[:half])
        time.sleep(0.5)
        sock.sendall(raw[half:])
        data = answer_or_close(sock, by=time.monotonic() + 5)
    assert data.startswith(b"HTTP/1.1 200 ")
    assert json.loads(data.partition(b"\r\n\r\n")[2])["valid"] is True


def test_expect_100_continue_is_answered_before_the_body_is_read(server: int) -> None:
    """A client that waits for `100 Continue` gets it from the reading stage, then its answer."""
    head = (f"POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nExpect: 100-continue\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(SAMPLE)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(SAMPLE)
        data = answer_or_close(sock, by=time.monotonic() + 5)
    assert data.startswith(b"HTTP/1.1 200 ")


def test_a_length_over_the_limit_is_still_refused_at_once(server: int) -> None:
    """A Content-Length over every limit is not waited for: the app answers 413 by the length alone."""
    raw = (b"POST /v1/render/eda HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
           b"Content-Length: 999999999999\r\n\r\n{}")
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        sock.sendall(raw)
        data = answer_or_close(sock, by=time.monotonic() + 1.0)
    assert data.startswith(b"HTTP/1.1 413 ")


def test_large_bodies_beyond_the_budget_get_503_not_memory(server: int) -> None:
    """Eight bodies of almost 1 MiB kept alive one byte at a time: a process buffers about two batches' worth
    beyond the single-case limit (overdrawn by at most one read step per reader), so with four or more in one
    of the two processes at least one gets 503 with Retry-After; the others keep being read."""
    length = BATCH_LIMIT - 1000
    head = (f"POST /v1/batch/letters HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    conns = []
    for _ in range(8):
        sock = socket.create_connection(("127.0.0.1", server), timeout=5)
        sock.sendall(head + b" " * (length - 100))
        conns.append(sock)
    answers: list[bytes] = []
    try:
        stop = time.monotonic() + READ_TIMEOUT + SLACK
        while time.monotonic() < stop and conns:
            time.sleep(0.4)
            for sock in list(conns):
                sock.settimeout(0.01)
                try:
                    data = sock.recv(65536)
                except TimeoutError:
                    sock.sendall(b" ")  # still being read: keep it alive
                    continue
                except OSError:
                    data = b""
                answers.append(data)
                conns.remove(sock)
                sock.close()
        assert answers and all(a.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 5" in a for a in answers), answers
        assert conns, "every large body was refused; the budget holds two per process"
    finally:
        for sock in conns:
            sock.close()
    assert request(server, "GET", "/healthz", timeout=1.0)[0] == 200


@pytest.mark.parametrize("key,value", [("READ_TIMEOUT", 0), ("READ_TIMEOUT", "soon"), ("READ_MIN_RATE", 0)])
def test_read_deadline_settings_are_checked(tmp_path: Path, key: str, value: object) -> None:
    """FORMSVC_READ_TIMEOUT and FORMSVC_READ_MIN_RATE must be positive numbers; start-up says which is wrong."""
    with pytest.raises(ConfigurationError):
        Settings.from_mapping({key: value}, tmp_path)
    assert Settings.from_mapping({}, tmp_path).read_timeout == 5.0
