"""``POST /v1/render/eda`` (the EDA-style court file) and ``GET /v1/eda/ledger``.

The view reads the request, validates every case with profile ``eda`` (all
objections at once, no ID consumed when any case is rejected), hands the cases
to :func:`formsvc.eda.export.export` and sends the finished file. Files are
kept in ``<instance>/eda/`` as the court will receive them.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, g, jsonify, send_file

from ..case import iter_ndjson, loads, today
from ..courts import with_dunning_court
from ..errors import BadParameter, CaseRejected, PayloadTooLarge
from ..eda.export import check_case, export
from ..eda.ledger import Ledger
from ..eda.writer import file_name, write_eda
from ..openapi import case_body, problem_responses
from ..validation import Report
from .common import JSON_TYPES, NDJSON_TYPES, document, flag, read_body, settings

bp = Blueprint("eda", __name__)

EDA_FOLDER = "eda"
#: The EDA-ID a preview carries; never issued by the ledger for a real file.
PREVIEW_ID = 0

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
    report = Report()
    for index, case in enumerate(cases):
        for objection in check_case(case, run, prefix=prefix.format(index) if prefix else "").objections:
            report.add(objection)
    if not report.ok:
        raise CaseRejected(report)
    case_ids = [str(case["case_id"]) for case in cases]
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


def _preview(cases: list[Any], run: Any) -> Any:
    """The file as it would be written, with EDA-ID 000 and without touching the ledger."""
    buffer = io.BytesIO()
    filled = [with_dunning_court(case) for case in cases]  # as the export writes them
    summary = write_eda(filled, buffer, eda_id=PREVIEW_ID, created=today(), settings=run)
    name = f"VORSCHAU-{file_name(run.eda_prefix, PREVIEW_ID)}"
    return document(buffer.getvalue(), "application/octet-stream", name, inline=False,
                    headers={"X-EDA-ID": f"{PREVIEW_ID:03d}", "X-EDA-Applications": str(summary.applications),
                             "X-EDA-Preview": "true"})


@bp.get("/v1/eda/ledger")
def ledger() -> Any:
    """The ledger, oldest export first; nothing in it is ever deleted."""
    return jsonify(Ledger.for_settings(settings()).entries())
