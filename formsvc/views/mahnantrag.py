"""``POST /v1/render/mahnantrag``: the filled Mahnbescheid application as PDF or HTML."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..mahnantrag import render
from ..openapi import case_body, problem_responses
from .common import WARNINGS_HEADER, choice, flag, read_case, rendered, settings

bp = Blueprint("mahnantrag", __name__)


@bp.post("/v1/render/mahnantrag")
def render_mahnantrag() -> Response:
    """Validate the case (court profile) and answer the filled application."""
    fmt = choice("format", ("pdf", "html"), "pdf")
    flatten = flag("flatten", False)
    case = read_case()
    return rendered(render(case, settings=settings(), fmt=fmt, flatten=flatten))  # type: ignore[arg-type]


OPENAPI_PATHS: dict[str, Any] = {
    "/v1/render/mahnantrag": {
        "post": {
            "summary": "The filled Mahnbescheid application (Antrag auf Erlass eines Mahnbescheids)",
            "description": "Validates the case with the court profile first; any objection answers 422 and "
                           "nothing is generated. The PDF has one AcroForm field per form field (names as in "
                           "the field table), filled and with appearance streams; `flatten=true` burns the "
                           "values into the page instead. The PDF is a review copy of the EDA file, not a form "
                           "for filing (its footer says so); for an attorney of kind 1 or 2 every page is marked "
                           "\"Vorschau\" and the warning `machine_readable_filing_required` is listed: they file "
                           "only machine-readably (§ 702 Abs. 2 S. 2 ZPO), i.e. the EDA file.",
            "operationId": "renderMahnantrag",
            "parameters": [
                {"name": "format", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["pdf", "html"], "default": "pdf"}},
                {"name": "flatten", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"],
                            "default": "false"}},
            ],
            "requestBody": case_body(),
            "responses": {
                "200": {
                    "description": "The application; header Formsvc-Warnings lists warning codes (JSON array)",
                    "headers": {WARNINGS_HEADER: {"schema": {"type": "string"},
                                                     "description": "JSON list of warning codes"}},
                    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                "text/html": {"schema": {"type": "string"}}},
                },
                **problem_responses("400", "401", "413", "415", "422"),
            },
        }
    }
}
