"""HTTP for dunning runs: ``POST /v1/dunning/proposals`` (the proposal; no side effect).

The view parses the day and the cases and wraps :func:`formsvc.dunning.proposal.propose`;
the decisions are the core's (docs/dunning.md).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, jsonify, request

from .. import case as c
from ..dunning.proposal import REASONS, propose
from ..errors import BadParameter
from ..openapi import problem_responses
from ..problems import response_language
from .common import read_cases, settings

bp = Blueprint("dunning", __name__)

ISO_DAY = re.compile(r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$")

_CASES_BODY = {"required": True, "description": "A JSON array of cases, or NDJSON (one case per line); each case "
                                                "may carry the dunning object (docs/dunning.md)",
               "content": {"application/json": {"schema": {"type": "array",
                                                           "items": {"$ref": "#/components/schemas/Case"}}},
                           "application/x-ndjson": {"schema": {"type": "string"}}}}
_ACTION = {"type": "object", "required": ["index", "case_id", "action"],
           "properties": {"index": {"type": "integer"}, "case_id": {"type": ["string", "null"]},
                          "action": {"enum": ["letter", "court", "ended", "none"]},
                          "procedure": {"type": ["string", "null"]}, "reason": {"enum": list(REASONS)},
                          "text": {"type": "string"}, "level": {"type": "integer"}, "tone": {"type": "string"},
                          "fee": {"type": "string"}, "deadline": {"type": "string", "format": "date"},
                          "open_total": {"type": "string"}, "letter": {"type": "integer"},
                          "objections": {"type": "array", "items": {"$ref": "#/components/schemas/Objection"}}}}
_PROPOSAL = {"type": "object", "required": ["id", "date", "summary", "actions", "letters"],
             "properties": {"id": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            "date": {"type": "string", "format": "date"}, "algorithm": {"type": "integer"},
                            "summary": {"type": "object"}, "actions": {"type": "array", "items": _ACTION},
                            "letters": {"type": "array", "items": {"type": "object"}}}}

OPENAPI_PATHS: dict[str, Any] = {
    "/v1/dunning/proposals": {"post": {
        "summary": "The proposal of a dunning run: one action per case (letter, court, ended, none with its "
                   "reason); no side effect, the same answer for the same cases and date",
        "parameters": [{"name": "date", "in": "query", "required": False,
                        "description": "the day of the run, YYYY-MM-DD (default: today, Europe/Berlin)",
                        "schema": {"type": "string", "format": "date"}}],
        "requestBody": _CASES_BODY,
        "responses": {"200": {"description": "The proposal; its id names it for the run",
                              "content": {"application/json": {"schema": _PROPOSAL}}},
                      **problem_responses("400", "401", "413", "415")},
    }},
}


def run_date() -> dt.date:
    """The ``date`` query parameter (default today, Europe/Berlin); a bad one is a 400 naming it."""
    value = request.args.get("date")
    if value is None or value == "":
        return c.today()
    day = c.date(value) if ISO_DAY.match(value) else None
    if day is None:
        raise BadParameter(f"Query parameter 'date' must be a day written YYYY-MM-DD between 1900 and 2199 "
                           f"(got {value[:40]!r}).", parameter="date")
    return day


@bp.post("/v1/dunning/proposals")
def proposals() -> Any:
    """Propose the run for the posted cases on ``date``."""
    day = run_date()  # a bad parameter: 400 before the body is read
    cases = read_cases()
    return jsonify(propose(cases, day, settings()).as_dict(response_language()))
