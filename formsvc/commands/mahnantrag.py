"""``formsvc render mahnantrag CASE.json -o out.pdf [--flatten] [--format html]``."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import mahnantrag
from ..errors import FormsvcError
from ..validation import Report
from .common import app_settings, fail, print_report, read_case_file, write_atomically


@click.command("mahnantrag")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the application (PDF or HTML).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True)
@click.option("--flatten", is_flag=True, help="Burn the values into the page (no form fields).")
@with_appcontext
def mahnantrag_command(case_file: str, output: str, fmt: str, flatten: bool) -> None:
    """Render the filled Mahnbescheid application for CASE_FILE."""
    case = read_case_file(case_file)
    try:
        result = mahnantrag.render(case, settings=app_settings(), fmt=fmt, flatten=flatten)  # type: ignore[arg-type]
    except FormsvcError as exc:
        fail(exc)
        return
    write_atomically(Path(output), result.data)
    if result.warnings:
        print_report(Report(list(result.warnings)))
    click.echo(f"written {output} ({len(result.data)} bytes)")

