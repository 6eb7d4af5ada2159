"""The OpenAPI 3.1 document, assembled from the blueprints and the case schema.

Each module in :mod:`formsvc.views` declares ``OPENAPI_PATHS`` with the
helpers below; ``GET /openapi.json`` (:mod:`formsvc.views.meta`) collects them
from the registered blueprints and passes them to :func:`document`, so this
module never imports the views. The case schema's ``$defs`` are lifted into
``components/schemas`` as ``Case_<name>``.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from . import resources
from .version import __version__

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Objection"}},
        "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Objection"}},
    },
}
OBJECTION_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["code", "path", "message"],
    "properties": {"code": {"type": "string"}, "path": {"type": "string"}, "message": {"type": "string"}},
}


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/components/schemas/Case_" + value[len("#/$defs/"):]
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def case_components() -> dict[str, Any]:
    """The case schema as OpenAPI components (``Case`` plus ``Case_<def>``)."""
    schema = copy.deepcopy(resources.schema("case.schema.json"))
    defs = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    components = {"Case": _rewrite_refs(schema)}
    for name, sub in defs.items():
        components["Case_" + name] = _rewrite_refs(sub)
    return components


def document(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The whole OpenAPI document for ``paths`` (path -> path item, in the order given)."""
    schemas = {"Problem": PROBLEM_SCHEMA, "Objection": OBJECTION_SCHEMA, **case_components()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "formsvc", "version": __version__,
                 "description": "Dunning letters, the Mahnbescheid application and EDA-style court files "
                                "for German debt collection."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(paths),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Problem": {"description": "RFC 9457 problem",
                                      "content": {"application/problem+json": {
                                          "schema": {"$ref": "#/components/schemas/Problem"}}}}},
        },
    }


def case_body(description: str = "One case (contract version 1)") -> dict[str, Any]:
    """A requestBody that takes one case as JSON."""
    return {"required": True, "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}}


def problem_responses(*codes: str) -> dict[str, Any]:
    """Problem responses for the given status codes."""
    return {code: {"$ref": "#/components/responses/Problem"} for code in codes}
