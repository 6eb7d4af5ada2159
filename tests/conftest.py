"""Shared fixtures: the app, its test client and CLI runner, and the samples."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from formsvc import create_app
from formsvc.case import loads

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SPEC = ROOT.parent / "shared" / "spec"


def load_case(path: Path) -> Any:
    """A case file parsed the way the service parses it (exact decimals)."""
    return loads(path.read_bytes())


def valid_sample_paths() -> list[Path]:
    """Every valid sample case."""
    return sorted((SAMPLES / "valid").glob("*.json"))


def manifest() -> dict[str, Any]:
    """What each sample must produce (``samples/manifest.json``)."""
    return json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def app(tmp_path: Path):
    """A fresh app with its instance data (ledger, jobs) in a temporary folder."""
    yield create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'formsvc.sqlite3'}"})


@pytest.fixture
def client(app):
    """The Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """The CLI runner bound to the test app."""
    return app.test_cli_runner()


@pytest.fixture
def example_case() -> Any:
    """The contract's own complete example (shared/spec/case-example.json)."""
    return load_case(SPEC / "case-example.json")
