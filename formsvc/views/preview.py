"""The lawyers' preview page (``GET /``) and the sample cases it offers.

The page and its static files carry no case data and are served without an
API key (a browser cannot send a bearer token when navigating); every call the
page makes to the API sends the key the user entered.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template

from .. import resources
from ..preview.samples import list_samples, read_sample

bp = Blueprint("preview", __name__, static_folder="../preview/static", static_url_path="/preview-static",
               template_folder=str(resources.templates_dir() / "preview"))

OPENAPI_PATHS: dict[str, Any] = {
    "/": {"get": {"summary": "Preview page for lawyers (HTML, no key needed)", "security": [],
                  "responses": {"200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
    "/v1/samples": {"get": {
        "summary": "The sample cases shipped with the service",
        "responses": {"200": {"description": "name, kind (valid/invalid) and title of each sample",
                              "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
                      "401": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/samples/{kind}/{name}": {"get": {
        "summary": "One sample case",
        "parameters": [{"name": "kind", "in": "path", "required": True, "schema": {"enum": ["valid", "invalid"]}},
                       {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The case", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "401": {"$ref": "#/components/responses/Problem"},
                      "404": {"$ref": "#/components/responses/Problem"}}}},
}


@bp.get("/")
def page() -> str:
    """The preview page."""
    return render_template("index.html")


@bp.get("/v1/samples")
def samples() -> Any:
    """Every sample case: name, kind, title."""
    return jsonify(list_samples())


@bp.get("/v1/samples/<kind>/<name>")
def sample(kind: str, name: str) -> Response:
    """One sample case as stored (only names from the listing are served)."""
    data = read_sample(kind, name)
    if data is None:
        abort(404)
    return Response(data, mimetype="application/json")
