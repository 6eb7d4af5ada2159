"""Old name of the console script's entry point, kept so that an installation made before the
move to :mod:`formsvc.commands` keeps working until it is reinstalled (``formsvc.cli:main``)."""
from __future__ import annotations

from .commands.main import main

__all__ = ["main"]
