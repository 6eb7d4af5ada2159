"""Batch print benchmark: N letters into one PDF on every core, against one-by-one rendering.

Each batch runs in a fresh process (``python -m bench.batch N``) whose pool is
warmed by a small batch first (as in a running service); its peak RSS is its
own: the parent's (screening, merging) and each render worker's. The baseline
is the same demo letters rendered one by one in one process with
``render_letter`` and merged with pypdf's ``PdfWriter``. On a noisy machine the
speed-up is measured in alternating pairs (baseline, then a batch of the same
size) and reported as the median; the 1,000-letter baseline is extrapolated
per letter from those runs. CPU time per letter (parent + workers) shows the
batch's overhead independent of the load.
"""
from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Result

ROOT = Path(__file__).resolve().parent.parent


def _rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_of(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def probe(count: int) -> dict[str, Any]:
    """Render ``count`` demo letters as one batch in this process (pool warmed first); time and memory."""
    from formsvc.batch import pool, render_batch
    from formsvc.batch.demo import demo_cases
    from formsvc.config import Settings

    cases = demo_cases(count)
    before = _rss_now_mb()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_mapping({}, folder)
        started = time.perf_counter()
        render_batch(demo_cases(2 * settings.workers), {}, Path(folder) / "warm.pdf", settings=settings)
        cold_start = time.perf_counter() - started
        executor = pool.executor_for(settings)
        pids = list(getattr(executor, "_processes", {}))
        cpu_before = sum(_cpu_seconds_of(p) for p in pids) + time.process_time()
        out = Path(folder) / "print.pdf"
        started = time.perf_counter()
        result = render_batch(cases, {}, out, duplex=True, settings=settings)
        seconds = time.perf_counter() - started
        cpu = sum(_cpu_seconds_of(p) for p in pids) + time.process_time() - cpu_before
        size = out.stat().st_size
    workers = [_peak_of(pid) for pid in pids]
    parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"letters": result.letter_count, "pages": result.pages, "seconds": seconds, "bytes": size,
            "cold_start_s": cold_start, "cpu_ms_per_letter": cpu * 1000 / count, "workers": settings.workers,
            "rss_before_mb": before, "parent_peak_mb": parent_peak, "render_growth_mb": parent_peak - before,
            "worker_peak_mb": max(workers, default=0.0), "load_avg": os.getloadavg()[0]}


def _probe_in_subprocess(count: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "bench.batch", str(count)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(count: int) -> tuple[float, float]:
    """One process, one letter after the other (warm), merged with pypdf's PdfWriter: (wall, CPU) ms per letter."""
    from pypdf import PdfReader, PdfWriter

    from formsvc.batch.demo import demo_cases
    from formsvc.letters import options_from, render_letter

    cases = demo_cases(count + 2)
    for case in cases[:2]:  # warm-up, untimed
        render_letter(case, options_from(case, {}))
    started, cpu = time.perf_counter(), time.process_time()
    writer = PdfWriter()
    for case in cases[2:]:
        letter = render_letter(case, options_from(case, {}))
        writer.append(PdfReader(io.BytesIO(letter.data)))
    writer.write(io.BytesIO())
    return ((time.perf_counter() - started) * 1000 / count, (time.process_time() - cpu) * 1000 / count)


def run(quick: bool) -> list[Result]:
    """Baseline and same-size batch in alternation (median speed-up), then two batch sizes for time and RSS."""
    small, big = (50, 200) if quick else (200, 1000)
    pair_size, rounds = (12, 1) if quick else (40, 3)
    speedups, base_ms, base_cpu = [], [], []
    for _ in range(rounds):
        wall, cpu = baseline(pair_size)
        paired = _probe_in_subprocess(pair_size)
        base_ms.append(wall)
        base_cpu.append(cpu)
        speedups.append(wall / (paired["seconds"] * 1000 / pair_size))
    small_run = _probe_in_subprocess(small)
    big_run = _probe_in_subprocess(big)
    rate = big_run["letters"] / big_run["seconds"]
    speedup = statistics.median(speedups)
    growth = big_run["render_growth_mb"] - small_run["render_growth_mb"]
    details = {"small": small_run, "big": big_run, "baseline_ms_per_letter": base_ms,
               "baseline_cpu_ms_per_letter": base_cpu, "speedups": speedups, "pair_size": pair_size}
    limit = 20 * big / 1000
    return [
        Result(f"batch: {big} letters, wall, warm pool (x{big_run['workers']})", big_run["seconds"], "s",
               f"<= {limit:.0f} s", big_run["seconds"] <= limit, details),
        Result("batch: letters per second", rate, "letters/s", ">= 50", rate >= 50,
               {"cold_start_s": big_run["cold_start_s"], "load_avg": big_run["load_avg"]}),
        Result(f"batch: one-by-one baseline, {big} letters (extrapolated)", statistics.median(base_ms) * big / 1000,
               "s", f"from {pair_size}-letter runs", True),
        Result("batch: speed-up over one-by-one (median of pairs)", speedup, "x", "> 1.5 (both cores)",
               speedup > 1.5, {"speedups": speedups}),
        Result("batch: CPU per letter, batch vs baseline", big_run["cpu_ms_per_letter"], "ms",
               f"~ baseline {statistics.median(base_cpu):.0f} ms", True),
        Result(f"batch: parent RSS growth {small} -> {big} letters", growth, "MB", "flat (<= 30 MB)",
               growth <= 30, {"small_peak_mb": small_run["parent_peak_mb"], "big_peak_mb": big_run["parent_peak_mb"]}),
        Result(f"batch: render worker peak RSS ({big} letters)", big_run["worker_peak_mb"], "MB", "<= 400 MB",
               big_run["worker_peak_mb"] <= 400, {"small": small_run["worker_peak_mb"]}),
    ]


if __name__ == "__main__":
    print(json.dumps(probe(int(sys.argv[1]))))
