"""Serving with gunicorn from inside the ``formsvc serve`` command."""
from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from .app import create_app

        return create_app()


def run_gunicorn(host: str, port: int, workers: int) -> None:
    """Serve the app factory with ``workers`` processes (blocks)."""
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
        "post_worker_init": _warm_worker,
    }).run()


def _warm_worker(worker: Any) -> None:
    """gunicorn hook: prepare the renderers before the worker takes requests."""
    from .gcpolicy import settle_after_warmup
    from .warmup import warm

    warm()
    settle_after_warmup()
