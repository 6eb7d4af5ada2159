"""The Flask application factory: configuration, auth, logging, blueprints, commands.

``create_app`` only wires things together: it opens no database, creates no
table, starts no thread and runs no recovery. Background services start when a
server serves the app (:func:`formsvc.blueprints.start_services`); the ledger
and the job store create their tables when first used.
"""
from __future__ import annotations

import hmac
import os
import logging
import time
from typing import Any

from flask import Flask, Response, g, request

from . import problems
from .blueprints import register_blueprints
from .commands import register_commands
from .config import Settings
from .logformat import formatter
from .metrics import observe_request
from .errors import AuthError

log = logging.getLogger("formsvc.http")

#: Endpoints reachable without an API key: health, and the preview page with its
#: static files (they hold no case data; the page sends the key with every API call).
PUBLIC_ENDPOINTS = {"meta.healthz", "meta.readyz", "meta.metrics", "preview.page", "preview.static"}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the service. ``test_config`` replaces the environment (tests)."""
    # where the SQLite ledger, job results and EDA files live (default: Flask's instance folder)
    instance = (test_config or {}).get("INSTANCE_PATH") if test_config is not None \
        else os.environ.get("FORMSVC_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, static_folder=None, instance_path=instance)
    if test_config is None:
        app.config.from_prefixed_env("FORMSVC")
    else:
        app.config.from_mapping(test_config)
    settings = Settings.from_mapping(app.config, app.instance_path)
    app.config["MAX_CONTENT_LENGTH"] = max(settings.max_batch_bytes, settings.max_case_bytes)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["formsvc"] = {"settings": settings}

    _configure_logging(settings)
    problems.register(app)
    _install_auth(app, settings)
    _install_request_log(app)
    register_blueprints(app)
    register_commands(app)
    return app


def _configure_logging(settings: Settings) -> None:
    root = logging.getLogger("formsvc")
    root.setLevel(settings.log_level)
    ours = [h for h in root.handlers if getattr(h, "formsvc", False)]
    if not ours and not root.handlers:
        handler = logging.StreamHandler()
        handler.formsvc = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.propagate = False
        ours = [handler]
    for handler in ours:
        handler.setFormatter(formatter(settings.log_format))


def _install_auth(app: Flask, settings: Settings) -> None:
    keys = [k.encode() for k in settings.api_keys]

    @app.before_request
    def _check_key() -> None:
        if not keys or request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return
        scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
        # the scheme is case-insensitive (RFC 9110, 11.1)
        token = credentials.strip().encode() if scheme.lower() == "bearer" else b""
        matched = False
        for key in keys:  # compare with every key, in constant time each
            matched |= hmac.compare_digest(token, key)
        if not matched:
            raise AuthError("Send 'Authorization: Bearer <key>' with a key from FORMSVC_API_KEYS.")


def _install_request_log(app: Flask) -> None:
    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # Only ids, endpoint, status and timing: never names, addresses, IBANs or bodies.
        case_id = g.get("case_id", "-")
        log.info("endpoint=%s status=%s ms=%.1f case_id=%s", request.endpoint, response.status_code,
                 elapsed, case_id, extra={"fields": {"endpoint": request.endpoint, "status": response.status_code,
                                                     "ms": round(elapsed, 1), "case_id": case_id}})
        observe_request(request.endpoint, response.status_code, elapsed / 1000)
        return response
