"""HTTP under load: 32 concurrent clients on /v1/render/letter against `formsvc serve`.

Target (quality.md): no error, p99 <= 1.5 s, RSS flat, for 60 s on loopback.
The server runs as a real gunicorn process (``formsvc serve``); clients are
threads with keep-alive connections. RSS is the sum over the server's
processes, sampled after warm-up and at the end.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .common import Result

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB."""
    total = 0
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            pids.extend(int(c) for c in children)
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _case_body() -> bytes:
    sample = sorted((ROOT / "samples" / "valid").glob("*.json"))
    path = sample[0] if sample else ROOT.parent / "shared" / "spec" / "case-example.json"
    return path.read_bytes()


def _client(port: int, body: bytes, stop: float, latencies: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            conn.request("POST", "/v1/render/letter", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.status != 200 or not data.startswith(b"%PDF"):
                errors.append(f"status {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
    conn.close()


def run(quick: bool = False) -> list[Result]:
    """Start the service, load it with 32 clients, report p50/p99, errors and RSS growth."""
    duration = 10 if quick else 60
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="formsvc-bench-http-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMSVC_")}
    env["FORMSVC_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    formsvc = Path(sys.executable).with_name("formsvc")
    server = subprocess.Popen([str(formsvc), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    body = _case_body()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/v1/render/letter", body=body, headers={"Content-Type": "application/json"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("service did not come up")
            time.sleep(0.5)
        # warm every worker before measuring memory
        warm: list[float] = []
        _warm_errors: list[str] = []
        threads = [threading.Thread(target=_client, args=(port, body, time.monotonic() + 5, warm, _warm_errors))
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rss_start = _tree_rss_mb(server.pid)
        latencies: list[float] = []
        errors: list[str] = []
        stop = time.monotonic() + duration
        threads = [threading.Thread(target=_client, args=(port, body, stop, latencies, errors))
                   for _ in range(CLIENTS)]
        began, client_cpu = time.monotonic(), time.process_time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
        client_cpu = time.process_time() - client_cpu
        rss_end = _tree_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("inf")
    p50 = statistics.median(latencies) if latencies else float("inf")
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else 0.0
    details = {"requests": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
               "seconds": round(wall, 1), "p50_s": round(p50, 3), "rss_start_mb": round(rss_start, 1),
               "rss_end_mb": round(rss_end, 1),
               # the load generator runs on the same two cores: its share is taken from the server
               "client_cpu_cores": round(client_cpu / wall, 2) if wall else 0.0}
    print(json.dumps(details), file=sys.stderr)
    return [
        Result("http: 32 clients, letter p99", p99 * 1000, "ms", "<= 1500 ms, no errors",
               p99 <= 1.5 and not errors, details),
        Result("http: requests/s", len(latencies) / wall if wall else 0.0, "req/s", "(informational)", True, {}),
        Result("http: RSS growth under load", growth, "%", "<= 20 % (flat)", growth <= 20, {}),
    ]
