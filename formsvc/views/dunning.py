"""HTTP for dunning runs: ``POST /v1/dunning/proposals`` (the proposal; no side effect) and
``POST /v1/dunning/runs`` (produce it, once), ``GET /v1/dunning/runs/<id>`` (the record) and its downloads.

``POST /v1/dunning/runs`` runs synchronously: ``201`` with the record when it produced
the run (or finished a run killed before), ``200`` with the record when the run was
already complete (nothing is produced twice), ``409`` when the proposal id does not
match the cases and date. With ``Prefer: respond-async`` it answers ``202`` at once
(the proposal checked and the run recorded) and a thread of this process produces
it; ``GET`` the record for its ``status`` and ``progress``. Not yet the job system
(:mod:`formsvc.batch.runner`): the lead may move it there. The files live in
``<instance>/dunning-runs/<id>/``.

The view parses the day and the cases and wraps :func:`formsvc.dunning.proposal.propose`;
the decisions are the core's (docs/dunning.md).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from typing import Any

from flask import Blueprint, jsonify, request, send_file

from .. import case as c
from ..dunning.proposal import REASONS, propose
from ..dunning.run import (APPLICATIONS_FOLDER, RunRecord, StartedRun, load_run, merge_run_history, run_folder,
                           safe_name, start_run)
from ..errors import BadParameter, MalformedJSON, NotFound
from ..openapi import problem_responses
from ..problems import response_language
from .common import JSON_TYPES, read_body, read_cases, settings

bp = Blueprint("dunning", __name__)
log = logging.getLogger("formsvc.dunning")

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

_RUN = {"type": "object", "required": ["id", "date", "status", "items"],
        "properties": {"id": {"type": "string"}, "date": {"type": "string", "format": "date"},
                       "status": {"enum": ["running", "done"]}, "items": {"type": "array", "items": {"type": "object"}},
                       "downloads": {"type": "object"}, "eda_id": {"type": ["integer", "null"]}}}

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
    "/v1/dunning/runs": {"post": {
        "summary": "Produce exactly the named proposal, once (synchronous): letters print file, applications, one "
                   "EDA file through the ledger, and the run record",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["proposal_id", "date", "cases"],
            "properties": {"proposal_id": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                           "date": {"type": "string", "format": "date"},
                           "cases": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}}}}}},
        "parameters": [{"name": "Prefer", "in": "header", "required": False, "schema": {"type": "string"},
                        "description": "respond-async: answer 202 at once and produce the run in the background"}],
        "responses": {"201": {"description": "The run was produced; its record (Location: the record)",
                              "content": {"application/json": {"schema": _RUN}}},
                      "202": {"description": "Accepted (Prefer: respond-async): the record, status running",
                              "content": {"application/json": {"schema": _RUN}}},
                      "200": {"description": "The run was complete before: nothing was produced again",
                              "content": {"application/json": {"schema": _RUN}}},
                      **problem_responses("400", "401", "409", "413", "415")},
    }},
    "/v1/dunning/runs/{run_id}": {"get": {
        "summary": "The record of a dunning run: status, per case what was produced, downloads",
        "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The record", "content": {"application/json": {"schema": _RUN}}},
                      **problem_responses("401", "404")},
    }},
    "/v1/dunning/runs/{run_id}/letters.pdf": {"get": {
        "summary": "The run's letters as one print-ready PDF",
        "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The print file", "content": {"application/pdf": {}}},
                      **problem_responses("401", "404")},
    }},
    "/v1/dunning/runs/{run_id}/applications/{case_id}.pdf": {"get": {
        "summary": "The Mahnbescheid application of one court case of the run",
        "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The application", "content": {"application/pdf": {}}},
                      **problem_responses("401", "404")},
    }},
    "/v1/dunning/runs/{run_id}/eda": {"get": {
        "summary": "The run's EDA file (its name and EDA-ID are in the record)",
        "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The EDA file", "content": {"application/octet-stream": {}}},
                      **problem_responses("401", "404")},
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
    run = settings()
    return jsonify(propose(merge_run_history(cases, run), day, run).as_dict(response_language()))


RUN_ID = re.compile(r"^[0-9a-f]{64}$")


def _run_body() -> tuple[str, dt.date, list[Any]]:
    """``{"proposal_id", "date", "cases"}`` from the body; anything else is a 400 naming the field."""
    data, _ = read_body(settings().max_batch_bytes, JSON_TYPES)
    body = c.loads(data)
    if not isinstance(body, dict):
        raise MalformedJSON('Send {"proposal_id": ..., "date": "YYYY-MM-DD", "cases": [...]}.')
    proposal_id = body.get("proposal_id")
    if not isinstance(proposal_id, str) or not RUN_ID.match(proposal_id):
        raise BadParameter("'proposal_id' must be the 64 hex digits of a proposal's id.", parameter="proposal_id")
    text = body.get("date")
    day = c.date(text) if isinstance(text, str) and ISO_DAY.match(text) else None
    if day is None:
        raise BadParameter("'date' must be the proposal's day, written YYYY-MM-DD.", parameter="date")
    cases = body.get("cases")
    if not isinstance(cases, list):
        raise BadParameter("'cases' must be the array of cases the proposal was made for.", parameter="cases")
    return proposal_id, day, cases


@bp.post("/v1/dunning/runs")
def create_run() -> Any:
    """Produce the named proposal; answer the record (synchronously), or ``202`` at once with
    ``Prefer: respond-async`` while a thread of this process produces it."""
    proposal_id, day, cases = _run_body()
    run = settings()
    base = f"/v1/dunning/runs/{proposal_id}"
    started = start_run(proposal_id, cases, day, run, run_folder(run, proposal_id))  # 409s before any answer
    if isinstance(started, RunRecord):
        return jsonify(started.as_dict(base)), 200, {"Location": base}
    if "respond-async" in request.headers.get("Prefer", ""):
        threading.Thread(target=_produce_quietly, args=(started,), name=f"dunning-run-{proposal_id[:12]}",
                         daemon=True).start()
        record = load_run(proposal_id, run)
        assert record is not None
        return jsonify(record.as_dict(base)), 202, {"Location": base, "Preference-Applied": "respond-async"}
    return jsonify(started.produce().as_dict(base)), 201, {"Location": base}


def _produce_quietly(started: StartedRun) -> None:
    """Produce a run in the background; an error leaves it ``running`` and resumable (logged, counts only)."""
    try:
        started.produce()
    except Exception as exc:  # noqa: BLE001  (a background thread has nobody to raise to)
        log.warning("dunning run %s stopped: %s; POST it again to resume", started.id, type(exc).__name__)


def _record(run_id: str) -> Any:
    record = load_run(run_id, settings()) if RUN_ID.match(run_id) else None
    if record is None:
        raise NotFound(f"There is no dunning run {run_id[:64]}.")
    return record


@bp.get("/v1/dunning/runs/<run_id>")
def get_run(run_id: str) -> Any:
    """The run record with its download paths."""
    return jsonify(_record(run_id).as_dict(f"/v1/dunning/runs/{run_id}"))


def _download(run_id: str, relative: str | None, mimetype: str) -> Any:
    if not relative:
        raise NotFound(f"Dunning run {run_id} has no such file.")
    path = run_folder(settings(), run_id) / relative
    if not path.is_file():
        raise NotFound(f"The file {relative} of dunning run {run_id} is not there.")
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=path.name, etag=False,
                     conditional=False)


@bp.get("/v1/dunning/runs/<run_id>/letters.pdf")
def run_letters(run_id: str) -> Any:
    """The run's print file."""
    return _download(run_id, _record(run_id).letters_file, "application/pdf")


@bp.get("/v1/dunning/runs/<run_id>/applications/<case_id>.pdf")
def run_application(run_id: str, case_id: str) -> Any:
    """One court case's application."""
    record = _record(run_id)
    documents = {i["case_id"]: i["document"] for i in record.items if i["action"] == "court" and i["document"]}
    name = documents.get(case_id)
    if name is None or name != f"{APPLICATIONS_FOLDER}/{safe_name(case_id, 0)}.pdf":
        raise NotFound(f"Dunning run {run_id} has no application for case {case_id[:35]}.")
    return _download(run_id, name, "application/pdf")


@bp.get("/v1/dunning/runs/<run_id>/eda")
def run_eda(run_id: str) -> Any:
    """The run's EDA file."""
    return _download(run_id, _record(run_id).eda_file, "application/octet-stream")
