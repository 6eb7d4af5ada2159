"""``POST /v1/render/letter``: one dunning letter as PDF (default) or HTML preview."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..letters import options_from, render_letter
from ..letters.options import FORMATS, LANGUAGES, LEVELS, PDF_VARIANTS, TONES
from ..openapi import case_body, problem_responses
from .common import WARNINGS_HEADER, choice, integer_choice, read_case, rendered, settings

bp = Blueprint("letters", __name__)


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


OPENAPI_PATHS: dict[str, Any] = {
    "/v1/render/letter": {"post": {
        "summary": "Render one dunning letter (PDF, or HTML for previews)",
        "description": "Validates the case with profile `letter` first; a rejected case gives 422 and no "
                       "document. Query parameters win over the case's `letter` object and `language`. "
                       "Non-blocking findings (e.g. `base_rate_assumed`) are listed as a JSON array of codes "
                       f"in the `{WARNINGS_HEADER}` response header.",
        "parameters": [
            _query("tone", {"type": "string", "enum": list(TONES)}, "friendly (default) or firm"),
            _query("level", {"type": "integer", "enum": list(LEVELS)},
                   "1 Zahlungserinnerung (default), 2 Mahnung, 3 letzte Mahnung"),
            _query("language", {"type": "string", "enum": list(LANGUAGES)}, "letter language; default: the case's"),
            _query("format", {"type": "string", "enum": list(FORMATS), "default": "pdf"}, "pdf or html"),
            _query("pdf_variant", {"type": "string", "enum": list(PDF_VARIANTS)}, "PDF/A-3b for archiving"),
        ],
        "requestBody": case_body(),
        "responses": {
            "200": {
                "description": "The letter",
                "headers": {WARNINGS_HEADER: {"description": "JSON array of warning codes",
                                              "schema": {"type": "string"}}},
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                            "text/html": {"schema": {"type": "string"}}},
            },
            **problem_responses("400", "401", "413", "415", "422"),
        },
    }},
}


@bp.post("/v1/render/letter")
def render() -> Any:
    """Parse the query and the case, render through the core, wrap the bytes."""
    overrides = {
        "tone": choice("tone", TONES),
        "level": integer_choice("level", LEVELS),
        "language": choice("language", LANGUAGES),
        "format": choice("format", FORMATS, "pdf"),
        "pdf_variant": choice("pdf_variant", PDF_VARIANTS),
    }
    case = read_case()
    options = options_from(case if isinstance(case, dict) else {}, overrides)
    return rendered(render_letter(case, options, settings=settings()))
