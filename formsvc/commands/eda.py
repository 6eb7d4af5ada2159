"""``formsvc eda CASES.jsonl -o OUTDIR`` and ``formsvc eda parse FILE.EDA``.

Writing reads the cases file twice, streaming: the first pass validates every
case with :func:`formsvc.eda.export.check_cases` (all objections are printed,
paths under ``/<index>``, nothing is written and no EDA-ID is taken when one is
rejected), the second writes the file with :func:`formsvc.eda.export.export`,
as ``POST /v1/render/eda`` does. The EDA-ID comes from the
same ledger the HTTP service uses (``FORMSVC_DATABASE_URL``).
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from ..case import dumps, loads
from ..eda.export import check_cases, export
from ..eda.ledger import Ledger
from ..eda.parser import parse_eda
from ..errors import FormsvcError, InputError
from .common import app_settings, fail


class EdaGroup(click.Group):
    """``eda`` is both a command (write) and a group (``parse``): unknown first words mean "write"."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """Fall back to ``write`` when the first argument is not a subcommand name."""
        if args and args[0] not in self.commands:
            return "write", self.commands["write"], args
        return super().resolve_command(ctx, args)


def iter_case_file(path: Path) -> Iterator[Any]:
    """Cases from a JSONL file (one per line), a JSON array, or one JSON case; usage error if unreadable."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
            try:
                loads(first) if first.strip() else None
                jsonl = first.strip().startswith(b"{")
            except InputError:
                jsonl = False
            if jsonl:
                handle.seek(0)
                for lineno, line in enumerate(handle, start=1):
                    if line.strip():
                        try:
                            yield loads(line)
                        except InputError as exc:
                            raise click.UsageError(f"{path}, line {lineno}: {exc.message}") from None
                return
            handle.seek(0)
            document = handle.read()
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        parsed = loads(document)
    except InputError as exc:
        raise click.UsageError(f"{path}: {exc.message}") from None
    yield from (parsed if isinstance(parsed, list) else [parsed])


@click.command("write")
@click.argument("cases_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--out-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the EDA file (e.g. OUTDIR/ABC021.EDA).")
@click.option("--resubmit", is_flag=True, help="Allow case ids that were already exported.")
@with_appcontext
def write_command(cases_file: Path, out_dir: Path, resubmit: bool) -> None:
    """Write the EDA file for every case in CASES_FILE (JSONL, JSON array or one case)."""
    settings = app_settings()
    quiet = not sys.stderr.isatty()
    try:
        case_ids = check_cases(tqdm(iter_case_file(cases_file), desc="validating", unit=" cases", disable=quiet,
                                    file=sys.stderr), settings, pointer="/{}")
    except FormsvcError as exc:
        fail(exc)
    if not case_ids:
        raise click.UsageError(f"{cases_file} holds no case")

    def cases() -> Iterator[Any]:
        yield from tqdm(iter_case_file(cases_file), desc="writing", unit=" cases", total=len(case_ids),
                        disable=quiet, file=sys.stderr)

    try:
        result = export(cases, case_ids, settings=settings, out_dir=out_dir, ledger=Ledger.for_settings(settings),
                        resubmit=resubmit)
    except FormsvcError as exc:
        fail(exc)
        return
    summary = result.summary
    click.echo(f"{result.path}  EDA-ID {summary.eda_id:03d}, {summary.applications} application(s), "
               f"{summary.claims} main claim(s), {summary.records} records, sha256 {summary.sha256}")


@click.command("parse")
@click.argument("eda_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@with_appcontext
def parse_command(eda_file: Path) -> None:
    """Read FILE.EDA back with the layout and print its records as JSON."""
    try:
        with open(eda_file, "rb") as handle:
            parsed = parse_eda(handle)
    except FormsvcError as exc:
        fail(exc)
        return
    click.echo(dumps(parsed, indent=2))


@click.group("eda", cls=EdaGroup, context_settings={"ignore_unknown_options": True})
def eda_group() -> None:
    """EDA court files: `formsvc eda CASES.jsonl -o OUTDIR` writes one, `formsvc eda parse FILE.EDA` reads one."""


eda_group.add_command(write_command)
eda_group.add_command(parse_command)
