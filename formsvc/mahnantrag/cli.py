"""``formsvc render mahnantrag CASE.json -o out.pdf [--flatten] [--format html]``."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..errors import FormsvcError


def register(cli: click.Group, render_group: click.Group) -> None:
    """Add ``render mahnantrag`` to the render group."""
    render_group.add_command(mahnantrag_command)


@click.command("mahnantrag")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the application (PDF or HTML).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True)
@click.option("--flatten", is_flag=True, help="Burn the values into the page (no form fields).")
@with_appcontext
def mahnantrag_command(case_file: str, output: str, fmt: str, flatten: bool) -> None:
    """Render the filled Mahnbescheid application for CASE_FILE."""
    from ..cli import app_settings, fail, print_report, read_case_file
    from . import render

    case = read_case_file(case_file)
    try:
        result = render(case, settings=app_settings(), fmt=fmt, flatten=flatten)  # type: ignore[arg-type]
    except FormsvcError as exc:
        fail(exc)
        return
    _write_atomically(Path(output), result.data)
    for code in result.warning_codes:
        click.echo(f"warning {code}", err=True)
    click.echo(f"written {output} ({len(result.data)} bytes)")


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename: never a half-written file."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".mahnantrag-", dir=directory)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
