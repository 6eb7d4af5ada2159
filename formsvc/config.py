"""Settings: embedded defaults, overridden by ``FORMSVC_*`` environment variables.

The core never reads the environment itself; it receives a :class:`Settings`.
The Flask app builds one from ``app.config`` (filled by
``Config.from_prefixed_env("FORMSVC")``), the CLI uses the same app.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

#: Defaults for every setting; each is documented in README.md ("Configuration").
DEFAULTS: dict[str, Any] = {
    "API_KEYS": "",
    "DATABASE_URL": None,  # None: SQLite file ``formsvc.sqlite3`` in the instance folder
    "CATALOG_PATH": None,  # None: the catalogue shipped in formsvc/data
    "EDA_SENDER_ID": "00000000",
    "EDA_PREFIX": "ABC",
    "EDA_ID_MIN": 1,
    "EDA_ID_MAX": 999,
    "MAX_CASE_BYTES": 256 * 1024,
    "MAX_BATCH_BYTES": 64 * 1024 * 1024,
    "RENDER_TIMEOUT": 60,
    "READ_TIMEOUT": 5.0,  # seconds a client has to send its request line and headers (and to start a body)
    "READ_MIN_RATE": 64 * 1024,  # bytes/s a body must keep arriving at; each such second extends the deadline
    "WORKERS": 0,  # 0: one per CPU core
    "LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class Settings:
    """Everything the core needs to know about its deployment (defaults: ``DEFAULTS``, via ``from_mapping``)."""

    instance_path: Path
    api_keys: tuple[str, ...]
    database_url: str
    catalog_path: Path | None
    eda_sender_id: str
    eda_prefix: str
    eda_id_min: int
    eda_id_max: int
    max_case_bytes: int
    max_batch_bytes: int
    render_timeout: int
    read_timeout: float
    read_min_rate: int
    workers: int
    log_level: str
    extra: Mapping[str, Any] = field(default_factory=dict)

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
                eda_sender_id=str(merged["EDA_SENDER_ID"]),
                eda_prefix=str(merged["EDA_PREFIX"]),
                eda_id_min=int(merged["EDA_ID_MIN"]),
                eda_id_max=int(merged["EDA_ID_MAX"]),
                max_case_bytes=int(merged["MAX_CASE_BYTES"]),
                max_batch_bytes=int(merged["MAX_BATCH_BYTES"]),
                render_timeout=int(merged["RENDER_TIMEOUT"]),
                read_timeout=float(merged["READ_TIMEOUT"]),
                read_min_rate=int(merged["READ_MIN_RATE"]),
                workers=int(merged["WORKERS"]) or (os.cpu_count() or 1),
                log_level=str(merged["LOG_LEVEL"]).upper(),
                extra={k: v for k, v in config.items() if k not in DEFAULTS},
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
        if not 0 < self.read_timeout <= 3600:
            raise ConfigurationError("FORMSVC_READ_TIMEOUT must be a number of seconds above 0 (at most 3600), e.g. 5")
        if self.read_min_rate < 1:
            raise ConfigurationError("FORMSVC_READ_MIN_RATE must be a whole number of bytes per second above 0")
        if self.catalog_path is not None and not self.catalog_path.is_file():
            raise ConfigurationError(f"FORMSVC_CATALOG_PATH: no file at {self.catalog_path}")

    def describe(self) -> dict[str, Any]:
        """What the service runs with, safe to log (no keys, no passwords)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in {"extra", "api_keys"}:
                continue
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path) else value
        out["database_url"] = _redact_url(self.database_url)
        out["api_keys"] = f"{len(self.api_keys)} configured" if self.api_keys else "none (loopback only)"
        return out


def _redact_url(url: str) -> str:
    """Hide a password in a database URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
