"""The ``formsvc`` command line: the same core as the HTTP service.

Exit codes: 0 success, 1 case rejected (objections printed one per line as
``code path message``), 2 usage errors (click's own, unreadable input).
Document families add their commands in ``formsvc/<family>/cli.py`` through
a ``register(cli, render)`` function.
"""
from __future__ import annotations

import ipaddress
import os
import sys
import tempfile
from importlib import import_module
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .case import loads
from .config import Settings
from .errors import BatchRejected, CaseRejected, FormsvcError, InputError
from .validation import Report
from .validation import validate as run_validation

FAMILY_CLIS = ("letters", "mahnantrag", "eda", "batch")


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


def fail(exc: FormsvcError) -> None:
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


@click.command("validate")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--for", "profile", type=click.Choice(["court", "letter", "eda"]), default="court",
              show_default=True, help="Which outputs the case must be fit for.")
@with_appcontext
def validate_command(case_file: str, profile: str) -> None:
    """Check CASE_FILE against the schema and the court objections."""
    case = read_case_file(case_file)
    report = run_validation(case, profile, settings=app_settings())
    print_report(report)
    if not report.ok:
        sys.exit(1)
    click.echo(f"valid for {profile}: no objections" + (f", {len(report.warnings)} warning(s)" if report.warnings else ""))


@click.command("serve")
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1; 0.0.0.0 only with API keys).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn worker processes (default: CPU cores).")
@click.option("--dev", is_flag=True, help="Flask's debug server instead of gunicorn (debugging only).")
def serve_command(host: str | None, port: int, workers: int | None, dev: bool) -> None:
    """Run the HTTP service with gunicorn."""
    settings = app_settings()
    if host is None:
        host = "0.0.0.0" if settings.api_keys else "127.0.0.1"
    if not settings.api_keys and not _is_loopback(host):
        raise click.UsageError("no FORMSVC_API_KEYS configured: the service only listens on loopback. "
                               "Set FORMSVC_API_KEYS to serve on other addresses.")
    click.echo(f"formsvc serving on http://{host}:{port}/")
    for key, value in settings.describe().items():
        click.echo(f"  {key}: {value}")
    if not settings.api_keys:
        click.echo("  no API key configured: listening on loopback only, requests need no key")
    if dev:
        current_app.run(host=host, port=port, debug=True)
        return
    from .server import run_gunicorn

    run_gunicorn(host, port, workers or settings.workers)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.group("render")
def render_group() -> None:
    """Render one document from a case file."""


def register_commands(app: Flask) -> None:
    """Attach every command to ``app.cli`` (the tests' ``runner`` uses that too)."""
    app.cli.add_command(serve_command)
    app.cli.add_command(validate_command)
    app.cli.add_command(render_group)
    for family in FAMILY_CLIS:
        name = f"formsvc.{family}.cli"
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app.cli, render_group)


def _create_app() -> Flask:
    from .app import create_app

    return create_app()


main = FlaskGroup(
    name="formsvc",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    help="formsvc: dunning letters, Mahnbescheid applications and EDA files.",
)
