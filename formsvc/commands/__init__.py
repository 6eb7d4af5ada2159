"""The ``formsvc`` command line: every command, beside :mod:`formsvc.views`, on the same core.

Exit codes: 0 success, 1 case rejected (objections printed one per line as
``code path message``), 2 usage errors (click's own, unreadable input).

- :mod:`.common`      reading case files, writing outputs atomically, printing reports, exit codes
- :mod:`.serve`       ``formsvc serve`` (gunicorn, or Flask's debug server)
- :mod:`.validate`    ``formsvc validate``
- :mod:`.letters`     ``formsvc render letter``
- :mod:`.mahnantrag`  ``formsvc render mahnantrag``
- :mod:`.eda`         ``formsvc eda`` (write) and ``formsvc eda parse``
- :mod:`.batch`       ``formsvc batch letters``
- :mod:`.dunning`     ``formsvc dunning propose`` (the proposal as a table), ``formsvc dunning run`` (produce it)
- :mod:`.worker`      ``formsvc worker`` (a render worker of the distributed job runner)
- :mod:`.main`        the console script's entry point (``formsvc = formsvc.commands.main:main``)

:func:`register_commands` attaches them all to an app's ``app.cli``; the
factory calls it, so the tests' CLI runner sees exactly what the script sees.
"""
from __future__ import annotations

import click
from flask import Flask

from . import batch, dunning, eda, letters, mahnantrag, serve, validate, worker


@click.group("render")
def render_group() -> None:
    """Render one document from a case file."""


render_group.add_command(letters.letter_command)
render_group.add_command(mahnantrag.mahnantrag_command)


def register_commands(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    app.cli.add_command(serve.serve_command)
    app.cli.add_command(validate.validate_command)
    app.cli.add_command(render_group)
    app.cli.add_command(eda.eda_group)
    app.cli.add_command(batch.batch_group)
    app.cli.add_command(dunning.dunning_group)
    app.cli.add_command(worker.worker_command)
