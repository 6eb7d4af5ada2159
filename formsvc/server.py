"""Serving with gunicorn from inside the ``formsvc serve`` command."""
from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from .worker import CONNECTIONS


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
        "post_worker_init": _warm_worker,
    }).run()


def _warm_worker(worker: Any) -> None:
    """gunicorn hook: prepare the renderers before the worker takes requests, on the worker's
    render thread (where every request will be rendered) when it has one."""
    from .gcpolicy import settle_after_warmup
    from .warmup import warm

    render_thread = getattr(worker, "render_slot", None)
    if render_thread is not None:
        render_thread.submit(warm).result()
    else:
        warm()
    settle_after_warmup()
