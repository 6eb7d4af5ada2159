"""EDA file benchmark: writer rate, eda validation rate, export end to end (validate + write),
and peak RSS for 100,000 streamed applications.

Cases are generated from a valid sample with a varying ``case_id`` and streamed
into the writer (no list of cases is ever built); the 100,000-case run happens
in a fresh subprocess so its peak RSS is its own.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.common import Result
from formsvc import resources
from formsvc.case import loads

TARGET_RATE = 5000
TARGET_VALIDATION = 2000  # quality.md: validation >= 2,000 cases/s on one core
TARGET_RSS_MB = 300
STREAMED = 100_000


def template() -> dict[str, Any]:
    """The first valid sample (a realistic single-claim case)."""
    path = sorted((resources.samples_dir() / "valid").glob("*.json"))[0]
    return loads(path.read_bytes())


def generate(case: dict[str, Any], count: int) -> Iterator[dict[str, Any]]:
    """``count`` copies of ``case`` with distinct case ids, produced lazily."""
    for i in range(count):
        yield {**case, "case_id": f"BENCH-{i:07d}"}


class Discard:
    """A binary sink that only counts bytes."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        """Count and drop."""
        self.size += len(data)
        return len(data)


def rate(count: int) -> float:
    """(a) Applications written per second by ``write_eda`` alone (best of three runs)."""
    from formsvc.eda.writer import write_eda

    case = template()
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        write_eda(generate(case, count), Discard(), eda_id=1, created=dt.date(2026, 1, 20))
        best = max(best, count / (time.perf_counter() - start))
    return best


def _validate_all(case: dict[str, Any], settings: Any, count: int) -> None:
    """Validate ``count`` generated copies with profile ``eda``; every one must pass."""
    from formsvc.eda.export import check_case

    for each in generate(case, count):
        if not check_case(each, settings).ok:
            raise AssertionError("the benchmark case must be valid")


def validation_rate(count: int) -> float:
    """Cases validated per second with profile ``eda`` on one core (best of three runs)."""
    from formsvc.eda.writer import default_settings

    case, settings = template(), default_settings()
    _validate_all(case, settings, 1)  # warm-up: schema compilation, tables
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        _validate_all(case, settings, count)
        best = max(best, count / (time.perf_counter() - start))
    return best


def export_rate(count: int) -> float:
    """(b) Applications per second as an export does it on one core: validate every case with
    profile ``eda`` (pass 1), then write the file (pass 2); best of three runs."""
    from formsvc.eda.writer import default_settings, write_eda

    case, settings = template(), default_settings()
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        _validate_all(case, settings, count)
        write_eda(generate(case, count), Discard(), eda_id=1, created=dt.date(2026, 1, 20), settings=settings)
        best = max(best, count / (time.perf_counter() - start))
    return best


CHILD = """
import datetime as dt, json, resource, sys, time
from bench.eda import Discard, generate, template
from formsvc.eda.writer import write_eda
sink = Discard()
start = time.perf_counter()
summary = write_eda(generate(template(), int(sys.argv[1])), sink, eda_id=1, created=dt.date(2026, 1, 20))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "bytes": sink.size, "records": summary.records,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def streamed(count: int) -> dict[str, Any]:
    """Write ``count`` applications in a subprocess; its wall time, bytes and peak RSS."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(count)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run(quick: bool) -> list[Result]:
    """The EDA rows of the benchmark table."""
    count = 5_000 if quick else 20_000
    per_second = rate(count)
    validated = validation_rate(count // 4)
    exported = export_rate(count // 4)
    big = streamed(STREAMED)
    return [
        Result("eda: applications written per second (writer alone)", per_second, "apps/s", f">= {TARGET_RATE}",
               per_second >= TARGET_RATE),
        Result("eda: cases validated per second (profile eda, one core)", validated, "cases/s",
               f">= {TARGET_VALIDATION}", validated >= TARGET_VALIDATION),
        Result("eda: export end to end, validate + write (one core)", exported, "apps/s", "(reported)", True,
               {"note": "validation (pass 1) then writing (pass 2), as formsvc.eda.export callers do"}),
        Result(f"eda: {STREAMED:,} applications streamed, peak RSS", big["rss_mb"], "MB", f"<= {TARGET_RSS_MB}",
               big["rss_mb"] <= TARGET_RSS_MB,
               {"seconds": round(big["seconds"], 2), "bytes": big["bytes"], "records": big["records"],
                "apps_per_s": round(STREAMED / big["seconds"])}),
    ]
