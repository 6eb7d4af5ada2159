"""Serving with gunicorn from inside the ``formsvc serve`` command.

Each worker builds its app with the factory it is given, warms the renderers
and starts the app's background services (:func:`formsvc.blueprints.start_services`)
before it takes requests.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from .blueprints import start_services
from .gcpolicy import settle_after_warmup
from .metrics import worker_exited
from .warmup import warm


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any], factory: Callable[[], Any]) -> None:
        self.options = options
        self.factory = factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.factory()


def run_gunicorn(host: str, port: int, workers: int, factory: Callable[[], Any]) -> None:
    """Serve the apps ``factory`` builds with ``workers`` processes, one app each (blocks)."""
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "worker_class": "gthread",
        "threads": 1,  # rendering is CPU-bound: one request at a time per process, no GIL contention
        # A worker takes a connection only when it is idle and closes it after the answer, so
        # waiting requests queue in the kernel's accept queue, first come first served, instead
        # of sticking to one busy worker (keep-alive) or queueing inside it. The gthread main
        # loop keeps reporting to the arbiter while a long batch renders, which a sync worker
        # would not.
        "worker_connections": 1,
        "keepalive": 0,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": None,  # our own request log carries no personal data
        "post_worker_init": _start_worker,
        "child_exit": lambda _arbiter, worker: worker_exited(worker.pid),
    }, factory).run()


def _start_worker(worker: Any) -> None:
    """gunicorn hook: prepare the renderers and start the background services before the worker
    takes requests."""
    app = worker.wsgi
    warm(getattr(app, "extensions", {}).get("formsvc", {}).get("settings"))
    settle_after_warmup()
    start_services(app)
