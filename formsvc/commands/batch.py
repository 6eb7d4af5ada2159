"""``formsvc batch letters CASES.jsonl -o print.pdf``: batch printing from the command line.

Same core as ``POST /v1/batch/letters``: every case is validated first (exit 1
listing every bad case, unless ``--skip-invalid``), then the letters are
rendered on every core into one PDF, with a progress bar on stderr and a
summary at the end.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from ..batch.core import render_screened
from ..batch.screening import screen
from ..case import iter_ndjson, loads
from ..errors import FormsvcError, InputError, MalformedJSON
from ..letters.options import LANGUAGES, TONES
from .common import app_settings, fail, print_report


def read_cases_file(path: str) -> list[Any]:
    """Cases from a JSON array, a single case, or NDJSON (``-`` reads stdin); usage error if unreadable."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        try:
            whole = loads(data)
        except MalformedJSON:
            return list(iter_ndjson(data))  # not one JSON document: one case per line
        return whole if isinstance(whole, list) else [whole]
    except (InputError, UnicodeDecodeError) as exc:
        message = exc.message if isinstance(exc, InputError) else "not UTF-8 text"
        raise click.UsageError(f"{path}: {message}") from None


@click.group("batch")
def batch_group() -> None:
    """Batch printing: many cases into one print-ready PDF."""


@batch_group.command("letters")
@click.argument("cases_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF (written completely or not at all).")
@click.option("--duplex", is_flag=True, help="Every letter starts on a front side (blank backs added).")
@click.option("--skip-invalid", is_flag=True, help="Print the valid cases, list the invalid ones as skipped.")
@click.option("--tone", type=click.Choice(TONES), help="Override each case's letter.tone.")
@click.option("--level", type=click.Choice(["1", "2", "3"]), help="Override each case's letter.level.")
@click.option("--language", type=click.Choice(LANGUAGES), help="Override each case's language.")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False),
              help="Also write the manifest (each letter's first page, page count, skipped cases) as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def letters_command(cases_file: str, output: str, duplex: bool, skip_invalid: bool, tone: str | None,
                    level: str | None, language: str | None, manifest_path: str | None, quiet: bool) -> None:
    """Render the letter of every case in CASES_FILE (NDJSON or a JSON array) into one PDF."""
    settings = app_settings()
    cases = read_cases_file(cases_file)
    options = {"tone": tone, "level": int(level) if level else None, "language": language}
    try:
        screening = screen(cases, options, skip_invalid=skip_invalid, settings=settings)
    except FormsvcError as exc:
        fail(exc)
        return
    bar = tqdm(total=len(screening.accepted), unit="letter", desc="letters", file=sys.stderr,
               disable=quiet, mininterval=0.2)

    def progress(done: int, total: int) -> None:
        bar.update(done - bar.n)

    try:
        result = render_screened(screening, options, output, duplex=duplex, settings=settings, progress=progress)
    except FormsvcError as exc:
        bar.close()
        fail(exc)
        return
    bar.close()
    for skipped in result.skipped:
        click.echo(f"skipped case {skipped.index} ({skipped.case_id}):", err=True)
        print_report(skipped.report, prefix=f"/{skipped.index}")
    if manifest_path:
        Path(manifest_path).write_text(json.dumps(result.manifest(), ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{output}: {result.letter_count} letters, {result.pages} pages, {len(result.skipped)} skipped, "
               f"{result.seconds:.1f} s")
