"""Service endpoints: health, catalogue, OpenAPI description."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from .. import __version__
from ..catalog import load as load_catalog
from .common import settings

bp = Blueprint("meta", __name__)

OPENAPI_PATHS: dict[str, Any] = {
    "/healthz": {"get": {
        "summary": "Liveness check (no API key needed)", "security": [],
        "responses": {"200": {"description": "The service is up",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
    "/v1/catalog": {"get": {
        "summary": "The Hauptforderungskatalog in use",
        "responses": {"200": {"description": "Catalogue entries",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      "401": {"$ref": "#/components/responses/Problem"}},
    }},
    "/openapi.json": {"get": {
        "summary": "This description",
        "responses": {"200": {"description": "OpenAPI 3.1 document",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      "401": {"$ref": "#/components/responses/Problem"}},
    }},
}


@bp.get("/healthz")
def healthz() -> Any:
    """Up and running, with the version."""
    return jsonify(status="ok", version=__version__)


@bp.get("/v1/catalog")
def catalog() -> Any:
    """The Hauptforderungskatalog the validator checks against."""
    return jsonify(load_catalog(settings()).as_json())


@bp.get("/openapi.json")
def openapi() -> Any:
    """OpenAPI 3.1 description assembled from every blueprint's ``OPENAPI_PATHS``."""
    from ..openapi import document

    return jsonify(document())
