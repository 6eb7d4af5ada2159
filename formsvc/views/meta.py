"""Service endpoints: health, catalogue, OpenAPI description."""
from __future__ import annotations

import sys
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from ..catalog import load as load_catalog
from ..metrics import exposition
from ..openapi import document
from ..startup import readiness
from ..version import __version__
from .common import settings

bp = Blueprint("meta", __name__)

OPENAPI_PATHS: dict[str, Any] = {
    "/healthz": {"get": {
        "summary": "Liveness check (no API key needed)", "security": [],
        "responses": {"200": {"description": "The service is up",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
    "/readyz": {"get": {
        "summary": "Readiness: the database answers; warns when the EDA-ID range runs low (no API key needed)",
        "security": [],
        "responses": {"200": {"description": "Ready (warnings may list eda_id_range_low)",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      "503": {"description": "Not ready: the check that failed is named",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
    "/metrics": {"get": {
        "summary": "Prometheus metrics: requests, render times, jobs, EDA-IDs left (no API key needed)",
        "security": [],
        "responses": {"200": {"description": "Prometheus text format",
                              "content": {"text/plain": {"schema": {"type": "string"}}}}},
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


@bp.get("/readyz")
def readyz() -> Any:
    """Ready to serve: the database answers; warnings when the court's EDA-ID range runs low."""
    ready, checks, warnings = readiness(settings())
    body = {"status": "ready" if ready else "not_ready", "checks": checks, "warnings": warnings}
    return jsonify(body), 200 if ready else 503


@bp.get("/metrics")
def metrics() -> Any:
    """Prometheus text format (every gunicorn worker's values; database figures read at scrape time)."""
    body, content_type = exposition(settings())
    return Response(body, content_type=content_type)


@bp.get("/v1/catalog")
def catalog() -> Any:
    """The Hauptforderungskatalog the validator checks against."""
    return jsonify(load_catalog(settings()).as_json())


@bp.get("/openapi.json")
def openapi() -> Any:
    """OpenAPI 3.1 description assembled from every registered blueprint's ``OPENAPI_PATHS``
    (built once per app)."""
    extensions = current_app.extensions["formsvc"]
    if "openapi" not in extensions:
        paths: dict[str, Any] = {}
        for blueprint in current_app.blueprints.values():
            paths.update(getattr(sys.modules[blueprint.import_name], "OPENAPI_PATHS", {}))
        extensions["openapi"] = document(paths)
    return jsonify(extensions["openapi"])
