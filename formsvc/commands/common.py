"""What every command shares: the app's settings, reading a case file, writing outputs atomically,
printing objections, and turning core errors into exit codes (1 rejected, 2 anything else)."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import current_app

from ..case import loads
from ..config import Settings
from ..errors import BatchRejected, CaseRejected, FormsvcError, InputError
from ..validation import Report


def app_settings() -> Settings:
    """Settings of the app the command runs in."""
    return current_app.extensions["formsvc"]["settings"]


def read_case_file(path: str) -> Any:
    """Load one case from a JSON file; unreadable input is a usage error (exit 2)."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return loads(text)
    except InputError as exc:
        raise click.UsageError(f"{path}: {exc.message}") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, renamed into place when
    complete: no half-written document is ever left. The file gets the usual permissions
    (the process's umask), as a plain ``open()`` would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def print_report(report: Report, *, prefix: str = "", err: bool = True) -> None:
    """One line per objection: ``code path message`` (errors first, then warnings)."""
    for objection in report.errors + report.warnings:
        tag = "" if objection.level == "error" else "warning "
        click.echo(f"{tag}{objection.code} {prefix}{objection.path} {objection.message_de}", err=err)


def fail(exc: FormsvcError) -> NoReturn:
    """Print a core error and exit: 1 for rejected cases, 2 for anything else."""
    if isinstance(exc, BatchRejected):
        for index, case_id, report in exc.rejected:
            click.echo(f"case {index} ({case_id}) rejected:", err=True)
            print_report(report, prefix=f"/{index}")
        sys.exit(1)
    if isinstance(exc, CaseRejected):
        print_report(exc.report)
        sys.exit(1)
    click.echo(f"error: {exc.code}: {exc.message}", err=True)
    sys.exit(2)
