"""The HTTP service's blueprints, in registration order, and the start of their background services.

Each name is a module in :mod:`formsvc.views` with a ``bp`` blueprint and
``OPENAPI_PATHS``. A module may also define ``start(app)``: background work
(job recovery, sweeps, threads) that runs when a server starts serving the app
(``formsvc serve``, each gunicorn worker), never when the app is created.
"""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from flask import Flask

#: One thin blueprint per document family (module in formsvc.views with ``bp``).
BLUEPRINTS = ("meta", "validate", "letters", "mahnantrag", "eda", "batch", "dunning", "preview")


def view_modules() -> list[ModuleType]:
    """The modules of :data:`BLUEPRINTS`, in order."""
    return [import_module(f"formsvc.views.{name}") for name in BLUEPRINTS]


def register_blueprints(app: Flask) -> None:
    """Register every blueprint on ``app`` (no other work)."""
    for module in view_modules():
        app.register_blueprint(module.bp)


def start_services(app: object) -> None:
    """Start what the blueprints run in the background, once a server serves ``app``."""
    if not isinstance(app, Flask):  # e.g. gunicorn's stand-in app after a failed load
        return
    for module in view_modules():
        start = getattr(module, "start", None)
        if start is not None:
            start(app)
