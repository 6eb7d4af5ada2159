"""Blueprint for the eda family (work in progress)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("eda", __name__)

OPENAPI_PATHS: dict[str, Any] = {}
