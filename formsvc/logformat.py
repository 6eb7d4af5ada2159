"""Log line formats: plain text (default) or one JSON object per line (``FORMSVC_LOG_FORMAT=json``).

Either way a line carries only what the code put into it — ids, endpoint, status,
timing — never request bodies; structured fields a call passes as
``extra={"fields": {...}}`` become keys of the JSON object (and stay in the
message text for the plain format).
"""
from __future__ import annotations

import datetime as dt
import json
import logging

TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({key: value for key, value in fields.items() if key not in entry})
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(kind: str) -> logging.Formatter:
    """The formatter for ``FORMSVC_LOG_FORMAT`` (``text`` or ``json``)."""
    return JsonFormatter() if kind == "json" else logging.Formatter(TEXT)
