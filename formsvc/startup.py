"""Start-up checks: what the service must be able to write, said in one line when it cannot.

``formsvc serve`` runs :func:`check_storage` before gunicorn starts, so a
read-only or full instance folder, or a database that cannot be opened, stops
start-up with one line naming the folder or database and the fix — not a
worker that fails to boot with a traceback per worker.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from . import db
from .config import Settings
from .errors import ConfigurationError


def _writable(folder: Path, what: str) -> None:
    """Create ``folder`` if needed and write and delete a probe file in it."""
    probe = folder / f".formsvc-write-check-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        raise ConfigurationError(f"the {what} {folder} is not writable ({reason}); make it writable or point "
                                 "the setting at a writable folder") from None


def check_storage(settings: Settings) -> None:
    """Raise :class:`ConfigurationError` (one line) unless the instance and jobs folders and the database work."""
    _writable(settings.instance_path, "instance folder (FORMSVC_INSTANCE_PATH)")
    _writable(settings.jobs_dir, "jobs folder (FORMSVC_JOBS_DIR)")
    engine = db.engine_for(settings)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        cause = type(getattr(exc, "orig", None) or exc).__name__
        raise ConfigurationError(f"the database {engine.url.render_as_string(hide_password=True)} cannot be opened "
                                 f"({cause}); check FORMSVC_DATABASE_URL and that the server or folder is reachable "
                                 "and writable") from None


#: Below this share of the court-assigned EDA-ID range left, readiness warns (the court assigns a new range
#: on request, which takes time: ask early).
EDA_RANGE_WARN_SHARE = 0.10


def readiness(settings: Settings) -> tuple[bool, dict[str, str], list[dict[str, object]]]:
    """(ready, checks, warnings): the database and, where configured, the broker answer; the EDA-ID range
    is not nearly used up."""
    from .eda.ledger import Ledger

    checks: dict[str, str] = {}
    warnings: list[dict[str, object]] = []
    try:
        ledger = Ledger.for_settings(settings)
        remaining = ledger.remaining(settings)
        checks["database"] = "ok"
    except SQLAlchemyError as exc:
        checks["database"] = f"unreachable ({type(getattr(exc, 'orig', None) or exc).__name__})"
        return False, checks, warnings
    if settings.broker_url:
        checks["broker"] = broker_check(settings.broker_url)
        if checks["broker"] != "ok":
            return False, checks, warnings
    size = settings.eda_id_max - settings.eda_id_min + 1
    if remaining < size * EDA_RANGE_WARN_SHARE:
        warnings.append({"code": "eda_id_range_low", "remaining": remaining, "range_size": size,
                         "detail": f"{remaining} of {size} EDA-IDs left for sender {settings.eda_sender_id}; ask the "
                                   "dunning court for a new range (FORMSVC_EDA_ID_MIN/_MAX)"})
    return True, checks, warnings


def broker_check(url: str) -> str:
    """``ok`` when the message broker at ``url`` accepts a connection, else ``unreachable (<error>)``."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure means: not ready
        return f"unreachable ({type(exc).__name__})"
    return "ok"
