"""``formsvc render letter CASE.json -o out.pdf [--tone --level --language --format --pdf-variant]``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from ..errors import FormsvcError
from ..letters import options_from, render_letter
from ..letters.options import FORMATS, LANGUAGES, PDF_VARIANTS, TONES
from ..validation import Report
from .common import app_settings, fail, print_report, read_case_file, write_atomically


@click.command("letter")
@click.argument("case_file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the letter.")
@click.option("--tone", type=click.Choice(TONES), default=None, help="friendly or firm (default: the case's).")
@click.option("--level", type=click.IntRange(1, 3), default=None, help="1 reminder, 2 Mahnung, 3 final notice.")
@click.option("--language", type=click.Choice(LANGUAGES), default=None, help="Letter language (default: the case's).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="pdf or html (default: from the file suffix, else pdf).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default=None, help="PDF/A-3b for archiving.")
@click.option("--date", "letter_date", default=None, help="Letter date YYYY-MM-DD (default: the case's, else today).")
@with_appcontext
def letter_command(case_file: str, output: str, tone: str | None, level: int | None, language: str | None,
                   fmt: str | None, pdf_variant: str | None, letter_date: str | None) -> None:
    """Render the dunning letter for CASE_FILE."""
    case = read_case_file(case_file)
    target = Path(output)
    if fmt is None:
        fmt = "html" if target.suffix.lower() in (".html", ".htm") else "pdf"
    overrides: dict[str, Any] = {"tone": tone, "level": level, "language": language, "format": fmt,
                                 "pdf_variant": pdf_variant, "date": letter_date}
    try:
        options = options_from(case if isinstance(case, dict) else {}, overrides)
        letter = render_letter(case, options, settings=app_settings())
    except FormsvcError as exc:
        fail(exc)
        return
    write_atomically(target, letter.data)
    if letter.warnings:
        print_report(Report(list(letter.warnings)))
    pages = f", {letter.page_count} page(s)" if letter.page_count else ""
    click.echo(f"written {target} ({len(letter.data)} bytes{pages})")
