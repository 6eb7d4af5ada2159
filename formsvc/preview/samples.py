"""Sample cases offered on the preview page, read from the installed ``samples/``."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .. import resources

KINDS = ("valid", "invalid")


@lru_cache(maxsize=1)
def list_samples() -> list[dict[str, Any]]:
    """name, kind and a readable title for every sample file (valid ones first)."""
    out = []
    for kind in KINDS:
        folder = resources.samples_dir() / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            out.append({"name": path.stem, "kind": kind, "title": _title(path.stem, kind)})
    return out


def _title(stem: str, kind: str) -> str:
    words = stem.replace("_", " ").replace("-", " ")
    return f"{words} (fehlerhaft)" if kind == "invalid" else words


def read_sample(kind: str, name: str) -> bytes | None:
    """The raw bytes of a listed sample, or ``None`` (never a path from the request)."""
    if not any(s["kind"] == kind and s["name"] == name for s in list_samples()):
        return None
    path = resources.samples_dir() / kind / f"{name}.json"
    data = path.read_bytes()
    json.loads(data)  # a broken sample is a packaging bug: fail loudly
    return data
