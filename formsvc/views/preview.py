"""Blueprint for the preview family (work in progress)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("preview", __name__)

OPENAPI_PATHS: dict[str, Any] = {}
