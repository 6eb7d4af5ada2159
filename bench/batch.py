"""Batch print benchmark: N letters into one PDF on every core, against one-by-one rendering.

Each batch size runs in a fresh process (``python -m bench.batch N``), so its
peak RSS is its own: the parent's peak (screening, merging) and each render
worker's peak. The baseline is measured in the same run: the same demo letters
rendered one by one in one process with ``render_letter`` and merged with
pypdf's ``PdfWriter``; it is timed on a smaller count and extrapolated per letter.
"""
from __future__ import annotations

import io
import json
import os
import resource
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


def probe(count: int) -> dict[str, Any]:
    """Render ``count`` demo letters as one batch in this process; report time and memory."""
    from formsvc.batch import pool, render_batch
    from formsvc.batch.demo import demo_cases
    from formsvc.config import Settings

    settings = Settings.from_mapping({}, tempfile.mkdtemp(prefix="formsvc-bench-"))
    cases = demo_cases(count)
    before = _rss_now_mb()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "print.pdf"
        started = time.perf_counter()
        result = render_batch(cases, {}, out, duplex=True, settings=settings)
        seconds = time.perf_counter() - started
        size = out.stat().st_size
    executor = pool.executor_for(settings)
    workers = [_peak_of(pid) for pid in getattr(executor, "_processes", {})]
    parent_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"letters": result.letter_count, "pages": result.pages, "seconds": seconds, "bytes": size,
            "workers": settings.workers, "rss_before_mb": before, "parent_peak_mb": parent_peak,
            "render_growth_mb": parent_peak - before, "worker_peak_mb": max(workers, default=0.0)}


def _probe_in_subprocess(count: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "bench.batch", str(count)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_per_letter_ms(count: int) -> float:
    """One process, one letter after the other (warm), merged with pypdf's PdfWriter: ms per letter."""
    from pypdf import PdfReader, PdfWriter

    from formsvc.batch.demo import demo_cases
    from formsvc.letters import options_from, render_letter

    cases = demo_cases(count + 2)
    for case in cases[:2]:  # warm-up, untimed
        render_letter(case, options_from(case, {}))
    started = time.perf_counter()
    writer = PdfWriter()
    for case in cases[2:]:
        letter = render_letter(case, options_from(case, {}))
        writer.append(PdfReader(io.BytesIO(letter.data)))
    writer.write(io.BytesIO())
    return (time.perf_counter() - started) * 1000 / count


def run(quick: bool) -> list[Result]:
    """Measure the baseline, then two batch sizes in fresh processes."""
    small, big = (50, 200) if quick else (200, 1000)
    per_letter = baseline_per_letter_ms(10 if quick else 40)
    small_run = _probe_in_subprocess(small)
    big_run = _probe_in_subprocess(big)
    rate = big_run["letters"] / big_run["seconds"]
    baseline_s = per_letter * big / 1000
    extrapolated = big_run["seconds"] * 1000 / big
    growth = big_run["render_growth_mb"] - small_run["render_growth_mb"]
    details = {"small": small_run, "big": big_run, "baseline_ms_per_letter": per_letter,
               "baseline_extrapolated_from": 10 if quick else 40}
    return [
        Result(f"batch: {big} letters, wall (x{big_run['workers']} workers)", big_run["seconds"], "s",
               f"<= {20 * big / 1000:.0f} s", big_run["seconds"] <= 20 * big / 1000, details),
        Result("batch: letters per second", rate, "letters/s", ">= 50", rate >= 50),
        Result(f"batch: one-by-one baseline, {big} letters (extrapolated)", baseline_s, "s",
               "slower than the batch", baseline_s > big_run["seconds"]),
        Result("batch: speed-up over one-by-one", baseline_s / big_run["seconds"], "x",
               "> 1.5 (both cores)", baseline_s / big_run["seconds"] > 1.5,
               {"batch_ms_per_letter": extrapolated}),
        Result(f"batch: parent RSS growth {small} -> {big} letters", growth, "MB", "flat (<= 30 MB)",
               growth <= 30, {"small_peak_mb": small_run["parent_peak_mb"], "big_peak_mb": big_run["parent_peak_mb"]}),
        Result(f"batch: render worker peak RSS ({big} letters)", big_run["worker_peak_mb"], "MB", "<= 400 MB",
               big_run["worker_peak_mb"] <= 400, {"small": small_run["worker_peak_mb"]}),
    ]


if __name__ == "__main__":
    print(json.dumps(probe(int(sys.argv[1]))))
