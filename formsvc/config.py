"""Settings: embedded defaults, overridden by ``FORMSVC_*`` environment variables.

Every setting is a typed field of :class:`Settings`, and :data:`DEFAULTS` is
the one place its default is written (README.md's "Configuration" table lists
the same). The core never reads the environment itself; it receives a
:class:`Settings`. The Flask app builds one from ``app.config`` (filled by
``Config.from_prefixed_env("FORMSVC")``), the CLI uses the same app; code that
runs without an app (``./dev``'s asset preparation, a core call given no
settings) uses :func:`environment_settings` or :func:`default_settings`.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .errors import ConfigurationError

PREFIX = "FORMSVC_"
_T = TypeVar("_T")

#: Defaults for every setting; each is documented in README.md ("Configuration").
DEFAULTS: dict[str, Any] = {
    "API_KEYS": "",
    "DATABASE_URL": None,  # None: SQLite file ``formsvc.sqlite3`` in the instance folder
    "CATALOG_PATH": None,  # None: the catalogue shipped in formsvc/data
    "DUNNING_PROCEDURES": None,  # None: only the procedures shipped in formsvc/data/dunning_procedures.json
    "EDA_SENDER_ID": "00000000",
    "EDA_PREFIX": "ABC",
    "EDA_ID_MIN": 1,
    "EDA_ID_MAX": 999,
    "EDA_AUSBAUGRAD": 0,
    "EDA_EXPORTS_PER_HOUR": 0,  # 0: no limit; else at most this many EDA-IDs are issued per sender and hour
    "MAX_CASE_BYTES": 256 * 1024,
    "MAX_BATCH_BYTES": 64 * 1024 * 1024,
    "RENDER_TIMEOUT": 60,
    "READ_TIMEOUT": 5.0,  # seconds a client has to send its request line and headers (and to start a body)
    "READ_MIN_RATE": 64 * 1024,  # bytes/s a body must keep arriving at; each such second extends the deadline
    "WORKERS": 0,  # 0: one per CPU core
    "JOBS_DIR": None,  # None: ``jobs`` in the instance folder
    "JOB_RETENTION_HOURS": 24,
    "CACHE_DIR": None,  # None: ``formsvc`` in $XDG_CACHE_HOME, else in ~/.cache
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "text",  # or "json": one JSON object per line
    "BROKER_URL": None,  # None: jobs run in the service's own pool (the embedded runner); amqp://... : Celery
    "JOB_QUEUE": "formsvc",  # the Celery queue the distributed runner sends shares to
    "JOB_SHARE_SIZE": 50,  # letters per share of a distributed job
}


@dataclass(frozen=True)
class Settings:
    """Everything the core needs to know about its deployment (defaults: ``DEFAULTS``, via ``from_mapping``)."""

    instance_path: Path
    api_keys: tuple[str, ...]
    database_url: str
    catalog_path: Path | None
    dunning_procedures: Path | None
    eda_sender_id: str
    eda_prefix: str
    eda_id_min: int
    eda_id_max: int
    eda_ausbaugrad: int
    eda_exports_per_hour: int
    max_case_bytes: int
    max_batch_bytes: int
    render_timeout: int
    read_timeout: float
    read_min_rate: int
    workers: int
    jobs_dir: Path
    job_retention_hours: float
    cache_dir: Path
    log_level: str
    log_format: str
    broker_url: str | None
    job_queue: str
    job_share_size: int

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any], instance_path: str | Path) -> "Settings":
        """Build settings from Flask-style upper-case keys, applying defaults."""
        merged = {**DEFAULTS, **{k: v for k, v in config.items() if k in DEFAULTS}}
        instance = Path(instance_path)
        keys = merged["API_KEYS"]
        if isinstance(keys, str):
            keys = [k.strip() for k in keys.split(",")]
        database_url = merged["DATABASE_URL"] or f"sqlite:///{instance / 'formsvc.sqlite3'}"
        try:
            settings = cls(
                instance_path=instance,
                api_keys=tuple(str(k) for k in keys if str(k).strip()),
                database_url=str(database_url),
                catalog_path=Path(merged["CATALOG_PATH"]) if merged["CATALOG_PATH"] else None,
                dunning_procedures=Path(str(merged["DUNNING_PROCEDURES"])) if merged["DUNNING_PROCEDURES"] else None,
                eda_sender_id=str(merged["EDA_SENDER_ID"]),
                eda_prefix=str(merged["EDA_PREFIX"]),
                eda_id_min=int(merged["EDA_ID_MIN"]),
                eda_id_max=int(merged["EDA_ID_MAX"]),
                eda_ausbaugrad=_typed(merged, "EDA_AUSBAUGRAD", int),
                eda_exports_per_hour=_typed(merged, "EDA_EXPORTS_PER_HOUR", int),
                max_case_bytes=int(merged["MAX_CASE_BYTES"]),
                max_batch_bytes=int(merged["MAX_BATCH_BYTES"]),
                render_timeout=int(merged["RENDER_TIMEOUT"]),
                read_timeout=float(merged["READ_TIMEOUT"]),
                read_min_rate=int(merged["READ_MIN_RATE"]),
                workers=int(merged["WORKERS"]) or (os.cpu_count() or 1),
                jobs_dir=Path(merged["JOBS_DIR"]) if merged["JOBS_DIR"] else instance / "jobs",
                job_retention_hours=_typed(merged, "JOB_RETENTION_HOURS", float),
                cache_dir=Path(merged["CACHE_DIR"]) if merged["CACHE_DIR"] else _default_cache_dir(),
                log_level=str(merged["LOG_LEVEL"]).upper(),
                log_format=str(merged["LOG_FORMAT"]).lower(),
                broker_url=str(merged["BROKER_URL"]) if merged["BROKER_URL"] else None,
                job_queue=str(merged["JOB_QUEUE"]),
                job_share_size=_typed(merged, "JOB_SHARE_SIZE", int),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"invalid FORMSVC_* setting: {exc}") from None
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings the service cannot run with."""
        if not (1 <= self.eda_id_min <= self.eda_id_max <= 999):
            raise ConfigurationError("FORMSVC_EDA_ID_MIN/_MAX must be 1 <= MIN <= MAX <= 999 (three digits; "
                                     "000 marks previews)")
        if not (self.eda_prefix.isalnum() and self.eda_prefix.isascii() and 1 <= len(self.eda_prefix) <= 8):
            raise ConfigurationError("FORMSVC_EDA_PREFIX must be 1-8 ASCII letters or digits, e.g. ABC")
        if not (0 <= self.eda_ausbaugrad <= 999):
            raise ConfigurationError("FORMSVC_EDA_AUSBAUGRAD must be a number from 0 to 999 (three digits)")
        if self.eda_exports_per_hour < 0:
            raise ConfigurationError("FORMSVC_EDA_EXPORTS_PER_HOUR must be 0 (no limit) or a positive number")
        if not self.job_retention_hours > 0:
            raise ConfigurationError("FORMSVC_JOB_RETENTION_HOURS must be a positive number of hours "
                                     f"(got {self.job_retention_hours!r}).")
        if self.log_format not in ("text", "json"):
            raise ConfigurationError(f"FORMSVC_LOG_FORMAT must be text or json (got {self.log_format!r})")
        if not 0 < self.read_timeout <= 3600:
            raise ConfigurationError("FORMSVC_READ_TIMEOUT must be a number of seconds above 0 (at most 3600), e.g. 5")
        if self.read_min_rate < 1:
            raise ConfigurationError("FORMSVC_READ_MIN_RATE must be a whole number of bytes per second above 0")
        if not 1 <= self.job_share_size <= 10_000:
            raise ConfigurationError("FORMSVC_JOB_SHARE_SIZE must be a whole number of letters from 1 to 10000 "
                                     f"(got {self.job_share_size!r}).")
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,200}", self.job_queue):
            raise ConfigurationError("FORMSVC_JOB_QUEUE must be 1-200 letters, digits, '.', '_' or '-' "
                                     f"(got {self.job_queue!r}).")
        if self.broker_url is not None and not self.broker_url.startswith(("amqp://", "amqps://", "pyamqp://")):
            raise ConfigurationError("FORMSVC_BROKER_URL must be a RabbitMQ URL, amqp://user:password@host:5672//")
        if self.catalog_path is not None and not self.catalog_path.is_file():
            raise ConfigurationError(f"FORMSVC_CATALOG_PATH: no file at {self.catalog_path}")
        # late: the procedure loader needs the resources, not the settings; a bad file names its field
        from .dunning import procedures
        procedures.load(str(self.dunning_procedures) if self.dunning_procedures else None)

    def describe(self) -> dict[str, Any]:
        """What the service runs with, safe to log (no keys, no passwords)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "api_keys":
                continue
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path) else value
        out["database_url"] = _redact_url(self.database_url)
        out["broker_url"] = _redact_url(self.broker_url) if self.broker_url else "none (embedded job runner)"
        out["api_keys"] = f"{len(self.api_keys)} configured" if self.api_keys else "none (loopback only)"
        return out


def _typed(merged: Mapping[str, Any], name: str, kind: Callable[[Any], _T]) -> _T:
    """``merged[name]`` as ``kind``; a value that is not one names the variable."""
    value = merged[name]
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"FORMSVC_{name} must be a number (got {value!r}).") from None


def _default_cache_dir() -> Path:
    """``formsvc`` in the XDG cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "formsvc"


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``FORMSVC_*`` variables of ``environ`` as settings keys, values parsed as JSON when they
    are JSON (as Flask's ``from_prefixed_env`` does), else kept as text."""
    out: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(PREFIX):
            continue
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        out[key[len(PREFIX):]] = value
    return out


def environment_settings() -> Settings:
    """Settings from this process's ``FORMSVC_*`` environment, for code that runs without an app
    (asset preparation, a renderer given no settings); instance folder as the app's default."""
    config = from_environment(os.environ)
    return Settings.from_mapping(config, config.get("INSTANCE_PATH") or "instance")


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """Settings with every embedded default (used when a core caller passes none; built once)."""
    return Settings.from_mapping({}, "instance")


def _redact_url(url: str) -> str:
    """Hide a password in a database or broker URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
