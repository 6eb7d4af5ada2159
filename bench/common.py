"""Timing helpers and the result row every benchmark module returns."""
from __future__ import annotations

import gc
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

_T = TypeVar("_T")


@dataclass
class Result:
    """One measured line of the benchmark table."""

    name: str
    value: float
    unit: str
    target: str
    passed: bool
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON form for bench/results.json."""
        return asdict(self)


def median_ms(func: Callable[[], Any], *, repeat: int, warmup: int = 2) -> float:
    """Median wall time of ``func`` in milliseconds after ``warmup`` untimed calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (and waited-for children) in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def on_one_core(measure: Callable[[], _T]) -> _T:
    """Run ``measure`` pinned to one core (quality.md's "on one core"); all cores back afterwards."""
    if not hasattr(os, "sched_setaffinity"):
        return measure()
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        return measure()
    finally:
        os.sched_setaffinity(0, cores)


def cases_per_second(one_pass: Callable[[list[Any]], Any], cases: list[Any], seconds: float) -> float:
    """How many cases ``one_pass`` (over all ``cases``) handles per second: warm-up, then best of three rounds
    of about ``seconds`` / 3 each."""
    one_pass(cases)
    best = 0.0
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            one_pass(cases)
            done += len(cases)
        best = max(best, done / (time.perf_counter() - start))
    return best
