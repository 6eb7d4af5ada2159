"""Serving with gunicorn from inside the ``formsvc serve`` command.

Each worker builds its app with the factory it is given, warms the renderers on
its render thread and starts the app's background services
(:func:`formsvc.blueprints.start_services`) before it takes requests; a worker
that ends has its metrics files marked dead (:mod:`formsvc.metrics`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

from .blueprints import start_services
from .gcpolicy import settle_after_warmup
from .metrics import worker_exited
from .warmup import warm
from .worker import CONNECTIONS


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
        # formsvc.worker: each connection is read whole on its own thread, under a deadline
        # (FORMSVC_READ_TIMEOUT, FORMSVC_READ_MIN_RATE), before it may take the process's one
        # render slot, so stalled clients hold a reader thread for a few seconds, never the
        # slot; a process accepts only while it has nothing read whole, so waiting requests
        # queue in the kernel's accept queue, first come first served across processes.
        "worker_class": "formsvc.worker.ReadFirstWorker",
        "threads": CONNECTIONS,
        "worker_connections": CONNECTIONS,
        "keepalive": 0,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": None,  # our own request log carries no personal data
        "post_worker_init": _start_worker,
        "child_exit": lambda _arbiter, worker: worker_exited(worker.pid),
    }, factory).run()


def _start_worker(worker: Any) -> None:
    """gunicorn hook: warm the renderers on the worker's render thread (where every request will be
    rendered), then start the background services, before the worker takes requests."""
    app = worker.wsgi
    settings = getattr(app, "extensions", {}).get("formsvc", {}).get("settings")
    render_thread = getattr(worker, "render_slot", None)
    if render_thread is not None:
        render_thread.submit(warm, settings).result()
    else:
        warm(settings)
    settle_after_warmup()
    start_services(app)
