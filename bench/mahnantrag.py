"""Benchmark: one Mahnbescheid application PDF, warm, in process (target: median ≤ 250 ms)."""
from __future__ import annotations

import copy
from pathlib import Path

from bench.common import Result, median_ms
from formsvc.case import loads
from formsvc.mahnantrag import render
from formsvc.resources import samples_dir

TARGET_MS = 250.0


def _cases() -> list[dict]:
    paths = sorted((samples_dir() / "valid").glob("*.json"))
    example = Path(__file__).resolve().parents[2] / "shared" / "spec" / "case-example.json"
    if example.is_file():
        paths.insert(0, example)
    return [loads(p.read_bytes()) for p in paths]


def run(quick: bool) -> list[Result]:
    """Median wall time of a full render (validation, mapping, PDF) for editable and flattened output."""
    cases = _cases()
    repeat = 5 if quick else 30
    results = []
    for flatten in (False, True):
        index = iter(range(10**9))

        def one() -> None:
            case = copy.deepcopy(cases[next(index) % len(cases)])
            render(case, flatten=flatten)

        ms = median_ms(one, repeat=repeat, warmup=2)
        results.append(Result(
            name=f"mahnantrag pdf{' flattened' if flatten else ''} (warm)", value=ms, unit="ms",
            target=f"median <= {TARGET_MS:.0f} ms", passed=ms <= TARGET_MS,
            details={"cases": len(cases), "repeat": repeat},
        ))
    html_ms = median_ms(lambda: render(copy.deepcopy(cases[0]), fmt="html"), repeat=repeat)
    results.append(Result(name="mahnantrag html preview (warm)", value=html_ms, unit="ms",
                          target=f"median <= {TARGET_MS:.0f} ms", passed=html_ms <= TARGET_MS,
                          details={"repeat": repeat}))
    return results
