"""HTTP for batch printing: ``/v1/batch/letters`` (synchronous) and ``/v1/jobs/...`` (background).

The view only parses the request, calls :mod:`formsvc.batch` and wraps the
answer. Both endpoints screen every case before anything is rendered, so a bad
batch is refused at once with ``422`` listing every bad case by index and
``case_id`` (jobs too: no job is created for a batch that would fail).
"""
from __future__ import annotations

import base64
import json
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, Flask, Response, current_app, jsonify, send_file, stream_with_context

from ..batch import BatchResult, render_screened, screen
from ..batch.jobs import JobRecord, JobStore
from ..batch.runner import JobRunner, LocalJobRunner
from ..batch.screening import Screening
from ..db import engine_for, metadata
from ..errors import NotFound
from ..letters.options import LANGUAGES, LEVELS, TONES
from ..openapi import problem_responses
from ..problems import response_language
from .common import choice, flag, integer_choice, read_cases, settings

bp = Blueprint("batch", __name__)

JOB_ID = re.compile(r"^[0-9a-f]{32}$")
BASE64_CHUNK = 3 * 64 * 1024  # a multiple of 3: chunks encode without padding in between


_RUNNER_LOCK = threading.Lock()


def start(app: Flask) -> None:
    """Server start: open the job store and the embedded runner now (jobs of a dead process are
    marked failed, stale temporary letters swept) rather than at the first job request."""
    jobs_of(app)


def jobs_of(app: Flask) -> JobRunner:
    """The app's job runner, created on first use: job table, recovery and sweep happen then."""
    extensions = app.extensions["formsvc"]
    with _RUNNER_LOCK:
        if "jobs" not in extensions:
            settings_ = extensions["settings"]
            if settings_.broker_url:  # the distributed runner: shares on the broker, state in the database
                from ..batch.distributed import CeleryJobRunner
                from ..batch.shared import SharedJobStore

                extensions["jobs"] = CeleryJobRunner(SharedJobStore(engine_for(settings_), metadata), settings_)
            else:
                extensions["jobs"] = LocalJobRunner(JobStore(engine_for(settings_), metadata), settings_)
        return extensions["jobs"]


def runner() -> JobRunner:
    """The running app's job runner."""
    return jobs_of(current_app._get_current_object())  # type: ignore[attr-defined]


def _options() -> dict[str, Any]:
    """Letter option overrides from the query (None: the case's own ``letter`` settings)."""
    return {"tone": choice("tone", TONES), "level": integer_choice("level", LEVELS),
            "language": choice("language", LANGUAGES)}


def _manifest_wanted() -> bool:
    """True for ``manifest=json`` (JSON with the PDF inside), false for the bare PDF (default)."""
    return choice("manifest", ("json", "headers"), "headers") == "json"


def _screened() -> tuple[Screening, dict[str, Any]]:
    """Read the body and screen every case (raises BatchRejected listing every bad one)."""
    options = _options()
    skip = flag("skip_invalid")
    cases = read_cases()
    return screen(cases, options, skip_invalid=skip, settings=settings()), options


def _headers(manifest: dict[str, Any]) -> dict[str, str]:
    """The manifest's counts as response headers."""
    return {"Formsvc-Letters": str(manifest["letters"]), "Formsvc-Pages": str(manifest["pages"]),
            "Formsvc-Cases": str(manifest["cases"]), "Formsvc-Skipped": str(len(manifest["skipped"])),
            "Formsvc-Skipped-Indexes": ",".join(str(s["index"]) for s in manifest["skipped"])}


def _manifest_json(manifest: dict[str, Any], pdf: IO[bytes], filename: str) -> Response:
    """The manifest as JSON with the PDF inside as base64, streamed (memory stays flat)."""
    head = json.dumps(manifest, ensure_ascii=False)[:-1]
    head += f', "document": {{"filename": {json.dumps(filename)}, "mimetype": "application/pdf", ' \
            f'"encoding": "base64", "data": "'

    def body() -> Iterator[bytes]:
        with pdf:
            yield head.encode()
            while chunk := pdf.read(BASE64_CHUNK):
                yield base64.b64encode(chunk)
            yield b'"}}'

    return Response(stream_with_context(body()), mimetype="application/json", headers=_headers(manifest))


def _pdf(pdf: IO[bytes] | Path, manifest: dict[str, Any], filename: str) -> Response:
    """The PDF (file or open handle) with the manifest headers."""
    response = send_file(pdf, mimetype="application/pdf", download_name=filename, as_attachment=False)
    response.headers.update(_headers(manifest))
    return response


@bp.post("/v1/batch/letters")
def batch_letters() -> Response:
    """Every case's letter in one print-ready PDF (or the manifest with the PDF as base64)."""
    duplex, as_json = flag("duplex"), _manifest_wanted()  # bad parameters: 400 before any work
    screening, options = _screened()
    handle = tempfile.TemporaryFile(prefix="formsvc-print-")
    try:
        result: BatchResult = render_screened(screening, options, handle, duplex=duplex, settings=settings())
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    manifest = result.manifest(response_language())
    if as_json:
        return _manifest_json(manifest, handle, "letters.pdf")
    return _pdf(handle, manifest, "letters.pdf")


@bp.post("/v1/jobs/letters")
def submit_job() -> tuple[Response, int, dict[str, str]]:
    """Screen the batch now (422 at once when it would fail), render it in the background."""
    duplex = flag("duplex")
    screening, options = _screened()
    job_id = runner().submit(screening, options, duplex=duplex)
    location = f"/v1/jobs/{job_id}"
    return jsonify(_status_json(runner().status(job_id))), 202, {"Location": location}


def _job(job_id: str) -> JobRecord:
    """The job, or 404 for a malformed or unknown id."""
    if not JOB_ID.match(job_id):
        raise NotFound(f"There is no job {job_id!r}: job ids are 32 hexadecimal characters.")
    return runner().status(job_id)


def _job_manifest(job: JobRecord) -> dict[str, Any]:
    manifest = dict(job.manifest or {})
    manifest["skipped"] = [s.as_dict(response_language()) for s in job.skipped]
    return manifest


def _status_json(job: JobRecord) -> dict[str, Any]:
    language = response_language()
    body: dict[str, Any] = {
        "id": job.id, "status": job.status, "done": job.done, "total": job.total, "cases": job.cases,
        "errors": [job.error] if job.error else [],
        "skipped": [s.as_dict(language) for s in job.skipped],
        "options": job.options, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
    if job.status == "done" and job.manifest:
        body["letters"], body["pages"] = job.manifest["letters"], job.manifest["pages"]
        body["result"] = f"/v1/jobs/{job.id}/result"
    return body


@bp.get("/v1/jobs/<job_id>")
def job_status(job_id: str) -> Response:
    """Status and progress: ``{status, done, total, errors, skipped, ...}``."""
    return jsonify(_status_json(_job(job_id)))


@bp.delete("/v1/jobs/<job_id>")
def cancel_job(job_id: str) -> Response:
    """Cancel a queued or running job: ``{status: "cancelled", ...}`` (a finished job is left as it is)."""
    _job(job_id)
    return jsonify(_status_json(runner().cancel(job_id)))


@bp.get("/v1/jobs/<job_id>/result")
def job_result(job_id: str) -> Response:
    """The finished print file (409 ``job_not_ready`` while the job runs), streamed."""
    as_json = _manifest_wanted()
    job = _job(job_id)
    pdf = runner().result(job_id)
    manifest = _job_manifest(job)
    filename = f"letters-{job_id[:8]}.pdf"
    if as_json:
        return _manifest_json(manifest, open(pdf, "rb") if isinstance(pdf, Path) else pdf, filename)
    return _pdf(pdf, manifest, filename)


_QUERY = [
    {"name": "tone", "in": "query", "schema": {"type": "string", "enum": list(TONES)},
     "description": "Overrides each case's letter.tone"},
    {"name": "level", "in": "query", "schema": {"type": "integer", "enum": list(LEVELS)},
     "description": "Overrides each case's letter.level"},
    {"name": "language", "in": "query", "schema": {"type": "string", "enum": list(LANGUAGES)},
     "description": "Overrides each case's language"},
    {"name": "duplex", "in": "query", "schema": {"type": "boolean"},
     "description": "Every letter starts on a front side (blank page after odd page counts)"},
    {"name": "skip_invalid", "in": "query", "schema": {"type": "boolean"},
     "description": "Print the valid cases and list the invalid ones as skipped, instead of rejecting the batch"},
]
_MANIFEST = {"name": "manifest", "in": "query", "schema": {"type": "string", "enum": ["headers", "json"]},
             "description": "json: a JSON manifest with the PDF as base64 instead of the bare PDF"}
_BATCH_BODY = {"required": True, "description": "A JSON array of cases, or NDJSON (one case per line)",
               "content": {"application/json": {"schema": {"type": "array",
                                                           "items": {"$ref": "#/components/schemas/Case"}}},
                           "application/x-ndjson": {"schema": {"type": "string"}}}}
_MANIFEST_SCHEMA = {"type": "object", "required": ["letters", "pages", "first_pages", "skipped"],
                    "properties": {"letters": {"type": "integer"}, "pages": {"type": "integer"},
                                   "cases": {"type": "integer"}, "duplex": {"type": "boolean"},
                                   "first_pages": {"type": "array", "items": {"type": "object"}},
                                   "skipped": {"type": "array", "items": {"type": "object"}},
                                   "document": {"type": "object"}}}
_PRINT_FILE = {"description": "One print-ready PDF of every letter, in input order; headers Formsvc-Letters, "
                              "Formsvc-Pages, Formsvc-Skipped, Formsvc-Skipped-Indexes",
               "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                           "application/json": {"schema": _MANIFEST_SCHEMA}}}
_JOB_SCHEMA = {"type": "object", "required": ["id", "status", "done", "total"],
               "properties": {"id": {"type": "string"},
                              "status": {"type": "string",
                                         "enum": ["queued", "running", "done", "failed", "cancelled"]},
                              "done": {"type": "integer"}, "total": {"type": "integer"},
                              "errors": {"type": "array"}, "skipped": {"type": "array"}}}
_JOB_ID_PARAM = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}

OPENAPI_PATHS: dict[str, Any] = {
    "/v1/batch/letters": {"post": {
        "summary": "Batch print: every case's letter in one PDF",
        "parameters": [*_QUERY, _MANIFEST], "requestBody": _BATCH_BODY,
        "responses": {"200": _PRINT_FILE, **problem_responses("400", "401", "413", "415", "422", "503")},
    }},
    "/v1/jobs/letters": {"post": {
        "summary": "Batch print as a background job (the batch is validated at once)",
        "parameters": _QUERY, "requestBody": _BATCH_BODY,
        "responses": {"202": {"description": "Job queued; Location names it",
                              "headers": {"Location": {"schema": {"type": "string"}}},
                              "content": {"application/json": {"schema": _JOB_SCHEMA}}},
                      **problem_responses("400", "401", "413", "415", "422", "503")},
    }},
    "/v1/jobs/{job_id}": {"get": {
        "summary": "Job status and progress", "parameters": [_JOB_ID_PARAM],
        "responses": {"200": {"description": "The job",
                              "content": {"application/json": {"schema": _JOB_SCHEMA}}},
                      **problem_responses("401", "404")},
    }, "delete": {
        "summary": "Cancel a queued or running job (no more letters are rendered; a finished job stays)",
        "parameters": [_JOB_ID_PARAM],
        "responses": {"200": {"description": "The job, now cancelled (or as it finished)",
                              "content": {"application/json": {"schema": _JOB_SCHEMA}}},
                      **problem_responses("401", "404")},
    }},
    "/v1/jobs/{job_id}/result": {"get": {
        "summary": "The finished print file", "parameters": [_JOB_ID_PARAM, _MANIFEST],
        "responses": {"200": _PRINT_FILE, **problem_responses("400", "401", "404", "409")},
    }},
}
