"""``POST /v1/validate``: the court-objection check on its own."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from ..errors import CaseRejected
from ..openapi import case_body, problem_responses
from ..problems import response_language
from ..validation import validate as run_validation
from .common import choice, read_case, settings

bp = Blueprint("validate", __name__)

OPENAPI_PATHS: dict[str, Any] = {
    "/v1/validate": {"post": {
        "summary": "Check a case against the schema and the court objections",
        "parameters": [{"name": "for", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": ["court", "letter", "eda"], "default": "court"}}],
        "requestBody": case_body(),
        "responses": {
            "200": {"description": "No blocking objection",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["valid", "warnings"],
                        "properties": {"valid": {"const": True},
                                       "warnings": {"type": "array",
                                                    "items": {"$ref": "#/components/schemas/Objection"}}}}}}},
            **problem_responses("400", "401", "413", "415", "422"),
        },
    }},
}


@bp.post("/v1/validate")
def validate() -> Any:
    """Validate one case for ``for=court`` (default), ``letter`` or ``eda``."""
    profile = choice("for", ("court", "letter", "eda"), "court") or "court"
    case = read_case()
    report = run_validation(case, profile, settings=settings())
    if not report.ok:
        raise CaseRejected(report)
    lang = response_language()
    return jsonify(valid=True, warnings=[o.as_dict(lang) for o in report.warnings])
