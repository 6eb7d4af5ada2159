"""``POST /v1/render/eda`` (the EDA-style court file) and ``GET /v1/eda/ledger``.

The view reads the request and calls the core the ``formsvc eda`` command
calls too: :func:`formsvc.eda.export.check_cases` (all objections at once,
paths under ``/cases/<i>`` or ``/<i>``, no ID consumed when any case is
rejected), then :func:`~formsvc.eda.export.export` or
:func:`~formsvc.eda.export.preview`, and sends the file. Files are kept in
``<instance>/eda/`` as the court will receive them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, g, jsonify, send_file

from ..case import iter_ndjson, loads
from ..config import Settings
from ..eda.export import PREVIEW_ID, check_cases, export, preview
from ..eda.ledger import Ledger
from ..errors import BadParameter, PayloadTooLarge
from ..openapi import case_body, problem_responses
from .common import JSON_TYPES, NDJSON_TYPES, document, flag, read_body, settings

bp = Blueprint("eda", __name__)

EDA_FOLDER = "eda"

OPENAPI_PATHS: dict[str, Any] = {
    "/v1/render/eda": {"post": {
        "summary": "The EDA-style court data file for one case or a batch",
        "description": "Validates every case with profile eda, takes the next EDA-ID from the ledger and answers "
                       "the file (CP850, 128-character records, CR LF). A rejected case answers 422 and consumes "
                       "no EDA-ID; a case id already exported answers 409 unless resubmit=true.",
        "parameters": [{"name": "resubmit", "in": "query", "required": False,
                        "description": "allow case ids that are already in the ledger",
                        "schema": {"type": "boolean", "default": False}},
                       {"name": "preview", "in": "query", "required": False,
                        "description": "a preview for reading only: EDA-ID 000, nothing reserved, nothing stored, "
                                       "no duplicate check (the preview page uses it)",
                        "schema": {"type": "boolean", "default": False}}],
        "requestBody": {**case_body("One case, or {\"cases\": [case, ...]} for several applications in one file"),
                        "content": {"application/json": {"schema": {"oneOf": [
                            {"$ref": "#/components/schemas/Case"},
                            {"type": "object", "required": ["cases"], "additionalProperties": False,
                             "properties": {"cases": {"type": "array", "minItems": 1,
                                                      "items": {"$ref": "#/components/schemas/Case"}}}},
                        ]}}}},
        "responses": {
            "200": {"description": "The EDA file; its name in Content-Disposition, its ID in X-EDA-ID",
                    "headers": {"X-EDA-ID": {"schema": {"type": "string", "pattern": "^[0-9]{3}$"}}},
                    "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                        "contentMediaType": "application/octet-stream"}}}},
            **problem_responses("400", "401", "409", "413", "415", "422"),
        },
    }},
    "/v1/eda/ledger": {"get": {
        "summary": "Every EDA export so far: EDA-ID, file name, status, SHA-256, time and case ids",
        "responses": {
            "200": {"description": "Ledger entries, oldest first",
                    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
            **problem_responses("401"),
        },
    }},
}


def _read_cases() -> tuple[list[Any], str]:
    """The cases of the request and the JSON Pointer prefix of case ``i`` ("" for a single case)."""
    limits = settings()
    data, mimetype = read_body(limits.max_batch_bytes, JSON_TYPES | NDJSON_TYPES)
    if mimetype in NDJSON_TYPES:
        return list(iter_ndjson(data)), "/{}"
    body = loads(data)
    if isinstance(body, list):
        return body, "/{}"
    if isinstance(body, dict) and "cases" in body and "case_id" not in body:
        if set(body) != {"cases"} or not isinstance(body["cases"], list):
            raise BadParameter("Send one case, or an object {\"cases\": [case, ...]} with nothing else in it.")
        return body["cases"], "/cases/{}"
    if len(data) > limits.max_case_bytes:
        raise PayloadTooLarge(f"One case may be at most {limits.max_case_bytes} bytes.")
    return [body], ""


@bp.post("/v1/render/eda")
def render_eda() -> Any:
    """Validate, reserve an EDA-ID, write the file, answer it as an attachment."""
    resubmit = flag("resubmit")
    preview = flag("preview")
    cases, prefix = _read_cases()
    if not cases:
        raise BadParameter("Send at least one case.")
    run = settings()
    case_ids = check_cases(cases, run, pointer=prefix)
    if len(case_ids) == 1:
        g.case_id = case_ids[0]
    if preview:
        return _preview(cases, run)
    result = export(lambda: cases, case_ids, settings=run, out_dir=Path(current_app.instance_path) / EDA_FOLDER,
                    ledger=Ledger.for_settings(run), resubmit=resubmit)
    response = send_file(result.path, mimetype="application/octet-stream", as_attachment=True,
                         download_name=result.reservation.file_name, etag=False, conditional=False)
    response.headers["X-EDA-ID"] = f"{result.reservation.eda_id:03d}"
    response.headers["X-EDA-Applications"] = str(result.summary.applications)
    return response


def _preview(cases: list[Any], run: Settings) -> Any:
    """The file as it would be written, with EDA-ID 000 and without touching the ledger."""
    result = preview(cases, settings=run)
    return document(result.data, "application/octet-stream", result.file_name, inline=False,
                    headers={"X-EDA-ID": f"{PREVIEW_ID:03d}", "X-EDA-Applications": str(result.summary.applications),
                             "X-EDA-Preview": "true"})


@bp.get("/v1/eda/ledger")
def ledger() -> Any:
    """The ledger, oldest export first; nothing in it is ever deleted."""
    return jsonify(Ledger.for_settings(settings()).entries())
