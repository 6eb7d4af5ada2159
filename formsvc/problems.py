"""The one place where errors become RFC 9457 ``application/problem+json``."""
from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, json, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .errors import BatchRejected, CaseRejected, FormsvcError, PayloadTooLarge

log = logging.getLogger("formsvc.http")
PROBLEM_TYPE = "urn:formsvc:problem:"


def response_language() -> str:
    """``en`` when the client prefers English, else ``de`` (the default)."""
    best = request.accept_languages.best_match(["de", "en"], default="de")
    return best or "de"


def problem(status: int, code: str, title: str, detail: str = "", **members: Any) -> Response:
    """Build a problem+json response."""
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(members)
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype="application/problem+json")


def from_error(exc: FormsvcError) -> Response:
    """Map any :class:`FormsvcError` to its problem response."""
    lang = response_language()
    if isinstance(exc, BatchRejected):
        cases = []
        for index, case_id, report in exc.rejected:
            cases.append({
                "index": index,
                "case_id": case_id,
                "errors": [o.as_dict(lang, prefix=f"/{index}") for o in report.errors],
                "warnings": [o.as_dict(lang, prefix=f"/{index}") for o in report.warnings],
            })
        errors = [e for entry in cases for e in entry["errors"]]
        return problem(exc.status, exc.code, exc.title, f"{len(cases)} rejected case(s)",
                       errors=errors, cases=cases, warnings=[])
    if isinstance(exc, CaseRejected):
        report = exc.report
        n = len(report.errors)
        detail = f"{n} objection" + ("" if n == 1 else "s")
        return problem(exc.status, exc.code, exc.title, detail,
                       errors=[o.as_dict(lang) for o in report.errors],
                       warnings=[o.as_dict(lang) for o in report.warnings])
    return problem(exc.status, exc.code, exc.title, exc.message, **exc.extra)


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(FormsvcError)
    def _formsvc_error(exc: FormsvcError) -> Response:
        return from_error(exc)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        return from_error(PayloadTooLarge("The request body exceeds the configured limit."))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        return problem(exc.code or 500, code, exc.name or "Error", exc.description or "")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # Log the type and where it happened, never its message or the body: either may
        # carry names, addresses or IBANs.
        frames = traceback.extract_tb(exc.__traceback__)[-8:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in reversed(frames))
        log.error("unexpected error %s case_id=%s endpoint=%s at %s", type(exc).__name__, g.get("case_id"),
                  request.endpoint, where)
        return problem(500, "internal_error", "Internal error",
                       "The service failed unexpectedly; the incident was logged.")
