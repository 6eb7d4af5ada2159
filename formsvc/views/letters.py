"""Blueprint for the letters family (work in progress)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("letters", __name__)

OPENAPI_PATHS: dict[str, Any] = {}
