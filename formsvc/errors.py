"""The one exception hierarchy of formsvc.

Every error the core raises on purpose derives from :class:`FormsvcError`.
The HTTP layer maps each class to an RFC 9457 problem in exactly one place
(:mod:`formsvc.problems`); the CLI maps them to exit codes. Nothing here
knows about Flask.

    FormsvcError
    ├── InputError                     the request or file could not be read as a case
    │   ├── MalformedJSON              the body is not JSON, not UTF-8, or holds no characters (HTTP 400)
    │   ├── MalformedBody              the body's framing is broken: bad chunks, cut short (HTTP 400)
    │   ├── UnsupportedMediaType       the body is not declared as JSON/NDJSON (HTTP 415)
    │   ├── PayloadTooLarge            the body exceeds the configured size limit (HTTP 413)
    │   ├── BadParameter               a query parameter or option has an invalid value (HTTP 400)
    │   └── MalformedEdaFile           an EDA file does not match the layout or its control sums (HTTP 400)
    ├── CaseRejected                   validation found objections of level "error" (HTTP 422)
    │   └── BatchRejected              one or more cases of a batch were rejected (HTTP 422)
    ├── AuthError                      missing or wrong API key (HTTP 401)
    ├── ConflictError                  the request contradicts stored state (HTTP 409)
    │   ├── EdaIdRangeExhausted        every EDA-ID of the configured range is used
    │   └── DuplicateSubmission        a case id was already exported in an EDA file
    ├── TooManyExports                 the configured EDA exports per hour are used up (HTTP 429)
    ├── NotFound                       a job or other resource does not exist (HTTP 404)
    ├── JobNotReady                    a job result was asked for before the job finished (HTTP 409)
    ├── RenderTimeout                  rendering took longer than the configured limit (HTTP 503)
    ├── BrokerUnavailable              the message broker of the distributed runner does not answer (HTTP 503)
    ├── StorageUnavailable             a file could not be written: disk full, read-only (HTTP 507)
    └── ConfigurationError             a setting is invalid; raised at start-up, never per request
        └── FontNotFound               no candidate font file of a document family is installed
                                       (also a FileNotFoundError; raised by formsvc.render.fonts)
"""
from __future__ import annotations

from typing import Any


class FormsvcError(Exception):
    """Base class: carries a stable machine code and a human message."""

    status: int = 500
    code: str = "internal_error"
    title: str = "Internal error"

    def __init__(self, message: str = "", **extra: Any) -> None:
        super().__init__(message or self.title)
        self.message = message or self.title
        self.extra = extra


class InputError(FormsvcError):
    status, code, title = 400, "bad_request", "The request could not be read"


class MalformedJSON(InputError):
    status, code, title = 400, "malformed_json", "The body is not valid JSON"


class MalformedBody(InputError):
    status, code, title = 400, "malformed_body", "The request body could not be read"


class UnsupportedMediaType(InputError):
    status, code, title = 415, "unsupported_media_type", "Send the case as application/json"


class PayloadTooLarge(InputError):
    status, code, title = 413, "payload_too_large", "The request body is too large"


class BadParameter(InputError):
    status, code, title = 400, "bad_parameter", "A parameter has an invalid value"


class MalformedEdaFile(InputError):
    status, code, title = 400, "malformed_eda_file", "The EDA file does not match its layout"


class CaseRejected(FormsvcError):
    """Raised with the full validation report; every objection is listed."""

    status, code, title = 422, "court-objections", "The court would object to this case"

    def __init__(self, report: Any, message: str = "") -> None:
        self.report = report
        super().__init__(message or f"{len(report.errors)} objection(s)")


class BatchRejected(CaseRejected):
    """Raised with a list of (index, case_id, report) for every bad case."""

    status, code, title = 422, "batch-objections", "Cases in this batch would be objected to"

    def __init__(self, rejected: list[tuple[int, str | None, Any]]) -> None:
        self.rejected = rejected
        FormsvcError.__init__(self, f"{len(rejected)} rejected case(s)")
        self.report = None


class AuthError(FormsvcError):
    status, code, title = 401, "unauthorized", "A valid API key is required"


class ConflictError(FormsvcError):
    status, code, title = 409, "conflict", "The request conflicts with stored state"


class EdaIdRangeExhausted(ConflictError):
    code, title = "eda_id_range_exhausted", "Every EDA-ID of the assigned range has been used"


class DuplicateSubmission(ConflictError):
    code, title = "duplicate_submission", "This case was already exported to the court"


class TooManyExports(FormsvcError):
    status, code, title = 429, "eda_export_rate_limited", "Too many EDA exports this hour"


class NotFound(FormsvcError):
    status, code, title = 404, "not_found", "Not found"


class JobNotReady(FormsvcError):
    status, code, title = 409, "job_not_ready", "The job has not finished yet"


class RenderTimeout(FormsvcError):
    status, code, title = 503, "render_timeout", "Rendering took too long"


class BrokerUnavailable(FormsvcError):
    status, code, title = 503, "broker_unavailable", "The job queue (message broker) does not answer"


class StorageUnavailable(FormsvcError):
    status, code, title = 507, "storage_unavailable", "The service cannot write its files"


class ConfigurationError(FormsvcError):
    status, code, title = 500, "configuration_error", "The service is misconfigured"


class FontNotFound(ConfigurationError, FileNotFoundError):
    """None of a document family's candidate font files is installed (the message names the package)."""
