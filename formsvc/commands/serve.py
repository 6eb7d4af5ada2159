"""``formsvc serve [--host H --port P --workers N] [--dev]``: the HTTP service.

gunicorn builds one app per worker with the same factory the command line
uses; each worker warms its renderers and starts the app's background services
(job recovery, sweeps) before it takes requests. ``--dev`` starts them once in
Flask's debug server.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from ..blueprints import start_services
from ..errors import ConfigurationError
from ..metrics import prepare_multiprocess
from ..startup import check_storage
from .common import app_settings, fail


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
    try:
        check_storage(settings)
    except ConfigurationError as exc:
        fail(exc)
    click.echo(f"formsvc serving on http://{host}:{port}/")
    for key, value in settings.describe().items():
        click.echo(f"  {key}: {value}")
    if not settings.api_keys:
        click.echo("  no API key configured: listening on loopback only, requests need no key")
    if dev:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        start_services(app)
        app.run(host=host, port=port, debug=True)
        return
    from ..server import run_gunicorn  # gunicorn is imported only to serve, not for every app or command

    prepare_multiprocess(settings.instance_path)  # before any worker imports the Prometheus client
    run_gunicorn(host, port, workers or settings.workers, _factory())


def _factory() -> Callable[[], Flask]:
    """The app factory this command line was started with (one app per gunicorn worker)."""
    info = click.get_current_context().find_object(ScriptInfo)
    if info is not None and info.create_app is not None:
        return info.create_app
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return lambda: app


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
