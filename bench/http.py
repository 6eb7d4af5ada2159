"""HTTP under load: 32 concurrent clients on /v1/render/letter against `formsvc serve`.

Target (quality.md): no error, p99 <= 1.5 s, RSS flat, for 60 s on loopback.
The server runs as a real gunicorn process (``formsvc serve`` of this checkout);
clients are threads with keep-alive connections. RSS is the sum over the server's
processes, sampled after warm-up and at the end.

The load runs in alternating windows (6 x 10 s each) without and with 50 stalled
connections held open (hardening issue, finding 5): the four stalls of the probe in
turn, each one replaced by a new one as soon as the server closes it, so 50 are open
all the time. Alternating makes whatever else runs on the shared machine weigh on
both conditions alike. Reported for each: p50/p99/errors and requests/s of the load,
and ``GET /healthz`` latency during it; before the load, ``/healthz`` and single
letter renders under the stall alone (target: each within a second).
"""
from __future__ import annotations

import http.client
import json
import os
import selectors
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
STALLED = 50
#: The probe's four stalls: headers then nothing; a body shorter than its Content-Length;
#: a truncated chunked body; a big Content-Length with a tiny body.
STALLS = (
    b"POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n",
    b"POST /v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100\r\n\r\n{\"case_id\": ",
    b"POST /v1/render/letter HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n10\r\n{\"case_id\": \"x\"",
    b"POST /v1/render/eda HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
    b"Content-Length: 262145\r\n\r\n{}",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_argv(*args: str) -> list[str]:
    """``formsvc serve`` of this checkout: its own ``[project.scripts]`` entry point, run by this
    interpreter (the shared virtualenv's ``formsvc`` script may belong to another checkout)."""
    import tomllib

    target = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["formsvc"]
    module, _, func = target.partition(":")
    code = (f"import sys; sys.argv[0] = 'formsvc'; from {module} import {func} as main; sys.exit(main())")
    return [sys.executable, "-c", code, "serve", *args]


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


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its children."""
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            pids.extend(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    except OSError:
        pass
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def _case_body() -> bytes:
    sample = sorted((ROOT / "samples" / "valid").glob("*.json"))
    path = sample[0] if sample else ROOT.parent / "shared" / "spec" / "case-example.json"
    return path.read_bytes()


def _client(port: int, body: bytes, stop: float, latencies: list[float], errors: list[str],
            once: bool = False) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while once or time.monotonic() < stop:
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
            if once:
                return
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
        if once:
            break
    conn.close()


def _hold_stalls(port: int, stop: threading.Event, opened: list[int]) -> None:
    """Keep ``STALLED`` stalled connections open until ``stop``: each one the server closes is replaced."""
    selector = selectors.DefaultSelector()
    count = 0

    def open_one() -> bool:
        nonlocal count
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(STALLS[count % len(STALLS)])
        except OSError:
            return False
        count += 1
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        return True

    for _ in range(STALLED):
        open_one()
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.2):
            selector.unregister(key.fileobj)
            key.fileobj.close()  # answered (408) or closed by the server
            open_one()
        while len(selector.get_map()) < STALLED and not stop.is_set():
            if not open_one():
                break
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    selector.close()
    opened.append(count)


def _probe_healthz(port: int, stop: float, latencies: list[float], errors: list[str]) -> None:
    """``GET /healthz`` on a new connection every 0.25 s until ``stop``."""
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                errors.append(f"status {response.status}")
            latencies.append(time.perf_counter() - start)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
        time.sleep(0.25)


def _load(port: int, body: bytes, duration: float) -> tuple[list[float], list[str], float, float]:
    """``CLIENTS`` clients for ``duration`` seconds: sorted latencies, errors, wall time, client CPU seconds."""
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
    latencies.sort()
    return latencies, errors, time.monotonic() - began, time.process_time() - client_cpu


def _p99(latencies: list[float]) -> float:
    return latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else float("inf")


def run(quick: bool = False) -> list[Result]:
    """Start the service; 32 clients in alternating windows without and with 50 stalled connections;
    report p50/p99, errors and RSS growth of each, and /healthz and single renders under the stall."""
    duration = 10 if quick else 60
    rounds = 2 if quick else 6
    window = duration / rounds
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="formsvc-bench-http-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMSVC_")}
    env["FORMSVC_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    env["PYTHONPATH"] = str(ROOT)  # measure this checkout, whichever one the virtualenv installed
    server = subprocess.Popen(_serve_argv("--port", str(port)), env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    body = _case_body()
    # per condition (False: no stall, True: 50 stalled): latencies, errors, seconds, healthz latencies/errors
    lat: dict[bool, list[float]] = {False: [], True: []}
    errs: dict[bool, list[str]] = {False: [], True: []}
    secs = {False: 0.0, True: 0.0}
    client_cpu = 0.0
    server_cpu = {False: 0.0, True: 0.0}
    health: dict[bool, list[float]] = {False: [], True: []}
    health_errs: dict[bool, list[str]] = {False: [], True: []}
    opened: list[int] = []
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
        # the stall alone: /healthz and single renders while 50 connections stall
        stop_stalls = threading.Event()
        holder = threading.Thread(target=_hold_stalls, args=(port, stop_stalls, opened))
        holder.start()
        time.sleep(1.0)
        idle_health: list[float] = []
        idle_health_errors: list[str] = []
        _probe_healthz(port, time.monotonic() + 5, idle_health, idle_health_errors)
        idle_letters: list[float] = []
        idle_letter_errors: list[str] = []
        for _ in range(10):
            _client(port, body, time.monotonic(), idle_letters, idle_letter_errors, once=True)
        stop_stalls.set()
        holder.join()
        # the load, in alternating windows without and with the stall, so that what else runs on the
        # machine meanwhile weighs on both alike
        for i in range(rounds):
            for stalled in ((False, True) if i % 2 == 0 else (True, False)):
                if stalled:
                    stop_stalls = threading.Event()
                    holder = threading.Thread(target=_hold_stalls, args=(port, stop_stalls, opened))
                    holder.start()
                    time.sleep(0.5)
                prober = threading.Thread(target=_probe_healthz, args=(port, time.monotonic() + window,
                                                                       health[stalled], health_errs[stalled]))
                prober.start()
                cpu_before = _tree_cpu_s(server.pid)
                got, failed, wall, cpu = _load(port, body, window)
                server_cpu[stalled] += _tree_cpu_s(server.pid) - cpu_before
                client_cpu += cpu
                prober.join()
                if stalled:
                    stop_stalls.set()
                    holder.join()
                lat[stalled].extend(got)
                errs[stalled].extend(failed)
                secs[stalled] += wall
        rss_end = _tree_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else 0.0
    summary = {}
    for stalled in (False, True):
        lat[stalled].sort()
        health[stalled].sort()
        summary[stalled] = {
            "requests": len(lat[stalled]), "errors": len(errs[stalled]), "error_kinds": sorted(set(errs[stalled]))[:5],
            "seconds": round(secs[stalled], 1),
            "p50_s": round(statistics.median(lat[stalled]), 3) if lat[stalled] else None,
            "p99_s": round(_p99(lat[stalled]), 3),
            "req_per_s": round(len(lat[stalled]) / secs[stalled], 1) if secs[stalled] else 0.0,
            # CPU the server spent per answered request: what other work on the machine does not change
            "server_cpu_ms_per_request":
                round(server_cpu[stalled] * 1000 / len(lat[stalled]), 1) if lat[stalled] else None,
            "healthz_p50_ms": round(statistics.median(health[stalled]) * 1000, 1) if health[stalled] else None,
            "healthz_max_ms": round(health[stalled][-1] * 1000, 1) if health[stalled] else None,
            "healthz_errors": len(health_errs[stalled])}
    summary[False].update(rss_start_mb=round(rss_start, 1), rss_end_mb=round(rss_end, 1),
                          # the load generator runs on the same two cores: its share is taken from the server
                          client_cpu_cores=round(client_cpu / (secs[False] + secs[True]), 2))
    summary[True].update(stalled_open=STALLED, stalled_connections_opened=sum(opened))
    idle = {"healthz_probes": len(idle_health), "healthz_errors": len(idle_health_errors),
            "healthz_p50_ms": round(statistics.median(idle_health) * 1000, 1) if idle_health else None,
            "letters": len(idle_letters), "letter_errors": len(idle_letter_errors)}
    print(json.dumps({"load": summary[False], "load_with_stall": summary[True], "stall_alone": idle}),
          file=sys.stderr)
    p99, stalled_p99 = _p99(lat[False]), _p99(lat[True])
    idle_max = max(idle_health, default=float("inf"))
    letter_max = max(idle_letters, default=float("inf"))
    return [
        Result("http: 32 clients, letter p99", p99 * 1000, "ms", "<= 1500 ms, no errors",
               p99 <= 1.5 and not errs[False], summary[False]),
        Result("http: requests/s", summary[False]["req_per_s"], "req/s", "(informational)", True, {}),
        Result("http: RSS growth under load", growth, "%", "<= 20 % (flat)", growth <= 20, {}),
        Result("http: 32 clients + 50 stalled, letter p99", stalled_p99 * 1000, "ms", "<= 1500 ms, no errors",
               stalled_p99 <= 1.5 and not errs[True], summary[True]),
        Result("http: 32 clients + 50 stalled, requests/s", summary[True]["req_per_s"], "req/s",
               "info (same run, without: row above)", True, {}),
        Result("http: /healthz with 50 stalled, max", idle_max * 1000, "ms", "<= 1000 ms, no errors",
               idle_max <= 1.0 and not idle_health_errors, idle),
        Result("http: one letter with 50 stalled, max", letter_max * 1000, "ms", "<= 1000 ms, no errors",
               letter_max <= 1.0 and not idle_letter_errors, {}),
        Result("http: /healthz with 50 stalled + 32 clients, p50",
               (summary[True]["healthz_p50_ms"] or float("inf")), "ms",
               "info (queues behind the renders)", not health_errs[True], {}),
        Result("http: /healthz with 32 clients, no stall, p50", (summary[False]["healthz_p50_ms"] or float("inf")),
               "ms", "info", not health_errs[False], {}),
    ]
