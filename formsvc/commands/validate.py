"""``formsvc validate CASE.json [--for letter|court|eda]``: the court-objection check on its own."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..validation import validate as run_validation
from .common import app_settings, print_report, read_case_file


@click.command("validate")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("--for", "profile", type=click.Choice(["court", "letter", "eda"]), default="court",
              show_default=True, help="Which outputs the case must be fit for.")
@with_appcontext
def validate_command(case_file: str, profile: str) -> None:
    """Check CASE_FILE against the schema and the court objections."""
    case = read_case_file(case_file)
    report = run_validation(case, profile, settings=app_settings())
    print_report(report)
    if not report.ok:
        sys.exit(1)
    click.echo(f"valid for {profile}: no objections" + (f", {len(report.warnings)} warning(s)" if report.warnings else ""))
