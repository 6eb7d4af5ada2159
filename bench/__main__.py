"""Run every benchmark, print a table, write bench/results.json.

    python -m bench            # everything
    python -m bench letters    # one family
    python -m bench --quick    # fewer repetitions (smoke run)
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from importlib import import_module
from pathlib import Path

from .common import Result

FAMILIES = ("validation", "dunning", "letters", "mahnantrag", "eda", "batch", "http")


def _verdict(result: Result) -> str:
    """``yes``/``NO`` against the target; ``-`` for an informational row (no target)."""
    if result.target.startswith("info"):
        return "-"
    return "yes" if result.passed else "NO"


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("families", nargs="*", help="which benchmarks (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a smoke run")
    args = parser.parse_args(argv)
    chosen = args.families or list(FAMILIES)
    results = []
    for family in chosen:
        try:
            module = import_module(f"bench.{family}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{family}":
                raise
            print(f"{family}: no benchmark yet", file=sys.stderr)
            continue
        print(f"running {family} ...", file=sys.stderr, flush=True)
        results.extend(module.run(quick=args.quick))
    width = max((len(r.name) for r in results), default=10)
    print(f"{'benchmark':<{width}}  {'value':>12}  {'unit':<12} {'target':<34} ok")
    for r in results:
        print(f"{r.name:<{width}}  {r.value:>12.2f}  {r.unit:<12} {r.target:<34} {_verdict(r)}")
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "quick": args.quick,
        "results": [r.as_dict() for r in results],
    }, indent=2))
    print(f"written {out}", file=sys.stderr)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
