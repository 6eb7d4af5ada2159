"""formsvc: dunning letters, the Mahnbescheid application and EDA-style court files.

The core (validation, document models, renderers) is Flask-free; ``create_app``
wraps it in a thin HTTP service and ``formsvc`` is the command line.
"""
from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "create_app"]


def create_app(test_config=None):  # type: ignore[no-untyped-def]
    """The Flask application factory (see :mod:`formsvc.app`)."""
    from .app import create_app as factory

    return factory(test_config)
