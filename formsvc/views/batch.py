"""Blueprint for the batch family (work in progress)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("batch", __name__)

OPENAPI_PATHS: dict[str, Any] = {}
