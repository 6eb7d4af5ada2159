"""Where the package's non-code files live, installed or in a checkout.

Templates, schemas and samples sit at the top of the repository
(``templates/``, ``schemas/``, ``samples/``) and are installed as the
sub-packages ``formsvc.templates``, ``formsvc.schemas`` and ``formsvc.samples``
(see ``[tool.setuptools.package-dir]`` in pyproject.toml). Data tables live in
``formsvc/data``. Every lookup goes through this module.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parent


def _locate(name: str) -> Path:
    """The checkout's top-level ``name/`` directory, else the installed ``formsvc/name/``."""
    for candidate in (_CHECKOUT_ROOT / name, _PACKAGE_DIR / name):
        if candidate.is_dir() and (candidate.parent != _CHECKOUT_ROOT or (_CHECKOUT_ROOT / "pyproject.toml").is_file()):
            return candidate
    raise FileNotFoundError(f"resource directory {name!r} not found beside {_PACKAGE_DIR}")


@lru_cache(maxsize=None)
def templates_dir() -> Path:
    """Jinja2 templates (``templates/letters``, ``templates/mahnantrag``, ...)."""
    return _locate("templates")


@lru_cache(maxsize=None)
def schemas_dir() -> Path:
    """JSON Schema and layout files (``case.schema.json``, ``eda-layout.json``)."""
    return _locate("schemas")


@lru_cache(maxsize=None)
def samples_dir() -> Path:
    """Sample cases shipped with the package (valid and invalid)."""
    return _locate("samples")


def data_dir() -> Path:
    """Tables as data: catalogue, base rates, country codes, ..."""
    return _PACKAGE_DIR / "data"


@lru_cache(maxsize=None)
def load_json(path: Path | str) -> Any:
    """Read and cache one JSON file (tables and schemas are read once)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def schema(name: str = "case.schema.json") -> Any:
    """A JSON file from ``schemas/``."""
    return load_json(schemas_dir() / name)


def data(name: str) -> Any:
    """A JSON table from ``formsvc/data``."""
    return load_json(data_dir() / name)
