"""The console script ``formsvc`` (``formsvc.commands.main:main``): a Flask command group on the factory.

The only module of the command line that knows the factory; every command is
registered on the app by :func:`formsvc.commands.register_commands`.
"""
from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from ..app import create_app


def _create_app() -> Flask:
    return create_app()


main = FlaskGroup(
    name="formsvc",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    help="formsvc: dunning letters, Mahnbescheid applications and EDA files.",
)
