"""Demo batches built from the packaged valid samples (benchmark, tests, trying the CLI).

``demo_cases(n)`` cycles through ``samples/valid/*.json`` and gives every copy
its own ``case_id`` (``BATCH-000001`` ...) and a marker in the first debtor's
name (``Zqaab`` ...), so each letter can be found in the print file by its text.
``python -m formsvc.batch.demo 1000 > cases.jsonl`` writes such a batch as NDJSON.
"""
from __future__ import annotations

import copy
import sys
from typing import Any

from .. import resources
from ..case import dumps, loads


def marker(index: int) -> str:
    """A short, unique, letters-only tag for case ``index`` (``Zq`` + three letters)."""
    return "Zq" + "".join(chr(97 + (index // 26 ** k) % 26) for k in (2, 1, 0))


def sample_cases() -> list[Any]:
    """Every valid sample case, in file-name order."""
    paths = sorted((resources.samples_dir() / "valid").glob("*.json"))
    return [loads(path.read_bytes()) for path in paths]


def demo_cases(count: int, templates: list[Any] | None = None) -> list[Any]:
    """``count`` distinct valid cases (copies of ``templates`` or the samples)."""
    pool = templates if templates is not None else sample_cases()
    out = []
    for index in range(count):
        case = copy.deepcopy(pool[index % len(pool)])
        case["case_id"] = f"BATCH-{index + 1:06d}"
        debtor = case["debtors"][0]
        if debtor.get("type") == "person":
            debtor["last_name"] = f"{debtor['last_name']}-{marker(index)}"
        else:
            debtor["name"] = f"{debtor['name']} {marker(index)}"
        out.append(case)
    return out


def main(argv: list[str]) -> int:
    """Write ``argv[0]`` demo cases as NDJSON to stdout."""
    count = int(argv[0]) if argv else 25
    for case in demo_cases(count):
        sys.stdout.write(dumps(case) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
