"""``formsvc dunning propose CASES.jsonl [--date D]``: the proposal of a dunning run as a table;
``formsvc dunning run CASES.jsonl --proposal ID [--date D] -o OUTDIR``: produce it, with a progress bar.

Same core as ``POST /v1/dunning/proposals``: one row per case (index, case id,
action, level or reason, text), then the letters and the proposal's id. Nothing
is written anywhere; ``--json`` prints the proposal exactly as the HTTP answer.
Exit 0 whatever the actions are (a rejected case is an action of the proposal,
not a failure of the command), 2 on usage errors.

``run`` is :func:`formsvc.dunning.run.run_proposal`: exit 0 when the run is complete
(also when it was complete before: nothing is produced twice), 2 when the proposal
id does not match the cases and date (409 over HTTP) or on usage errors. The same
command again after a crash resumes the run.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import case as c
from ..dunning.proposal import Proposal, propose
from ..dunning.run import merge_run_history, run_proposal
from ..errors import FormsvcError
from .batch import read_cases_file
from .common import app_settings, fail


@click.group("dunning")
def dunning_group() -> None:
    """Dunning runs: the proposal (simulation, no side effect) and the run that produces it."""


def _day(value: str | None) -> dt.date:
    if not value:
        return c.today()
    day = c.date(value)
    if day is None or not 1900 <= day.year <= 2199:
        raise click.BadParameter(f"must be a day written YYYY-MM-DD between 1900 and 2199 (got {value!r})",
                                 param_hint="'--date'")
    return day


def _level_or_reason(row: dict[str, object]) -> str:
    if row["action"] == "letter":
        return f"level {row['level']} {row['tone']}" + (f" (letter {row['letter']})" if "letter" in row else "")
    if row["action"] == "none":
        return str(row.get("reason", ""))
    return "-"


def table(proposal: Proposal, language: str = "de") -> list[str]:
    """The proposal as text lines: one row per case, then the letters and the id."""
    rows = [a.as_dict(language) for a in proposal.actions]
    head = ("#", "case_id", "action", "level/reason", "text")
    cells = [(str(r["index"]), str(r["case_id"] or "-"), str(r["action"]), _level_or_reason(r), str(r.get("text", "")))
             for r in rows]
    widths = [max(len(head[i]), *(len(cell[i]) for cell in cells)) if cells else len(head[i]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:4], widths)) + "  " + head[4]]
    lines += ["  ".join(v.ljust(w) for v, w in zip(cell[:4], widths)) + "  " + cell[4] for cell in cells]
    for row in rows:
        for objection in row.get("objections", []):
            lines.append(f"    {objection['code']} {objection['path']} {objection['message']}")
    summary = proposal.summary()
    lines.append(f"{len(rows)} cases: {summary['letter']} letter, {summary['court']} court, {summary['ended']} ended, "
                 f"{summary['none']} none; {summary['letters']} letters to print")
    lines.append(f"proposal {proposal.id} for {proposal.date.isoformat()}")
    return lines


@dunning_group.command("propose")
@click.argument("cases_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The day of the run (default: today, Europe/Berlin).")
@click.option("--language", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Language of the texts and objections.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON (as the HTTP answer).")
@with_appcontext
def propose_command(cases_file: str, date_text: str | None, language: str, as_json: bool) -> None:
    """Print what a dunning run on --date would do with every case of CASES_FILE (NDJSON or a JSON array)."""
    day = _day(date_text)
    cases = read_cases_file(cases_file)
    try:
        settings = app_settings()
        proposal = propose(merge_run_history(cases, settings), day, settings)
    except FormsvcError as exc:
        fail(exc)
        return
    if as_json:
        click.echo(json.dumps(proposal.as_dict(language), ensure_ascii=False, indent=2))
        return
    for line in table(proposal, language):
        click.echo(line)


@dunning_group.command("run")
@click.argument("cases_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--proposal", "proposal_id", required=True, metavar="ID",
              help="The id of the proposal to produce (from 'formsvc dunning propose').")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The day of the run (default: today, Europe/Berlin).")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="The folder for letters.pdf, applications/ and the EDA file (one folder per run).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def run_command(cases_file: str, proposal_id: str, date_text: str | None, out_dir: str, quiet: bool) -> None:
    """Produce the proposal ID of CASES_FILE on --date into OUTDIR, exactly once (resumable)."""
    from tqdm import tqdm

    day = _day(date_text)
    cases = read_cases_file(cases_file)
    bars: dict[str, tqdm] = {}

    def progress(done: int, total: int, stage: str) -> None:
        if quiet:
            return
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="doc", file=click.get_text_stream("stderr"))
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        record = run_proposal(proposal_id, cases, day, app_settings(), Path(out_dir), progress=progress)
    except FormsvcError as exc:
        fail(exc)
        return
    finally:
        for bar in bars.values():
            bar.close()
    summary = record.as_dict()["summary"]
    letters = sum(1 for i in record.items if i["action"] == "letter" and i["state"] == "produced")
    court = sum(1 for i in record.items if i["action"] == "court" and i["state"] == "produced")
    click.echo(f"run {record.id} for {record.date}: {letters} case(s) in {record.letters_file or 'no letters'}, "
               f"{court} application(s) in {record.eda_file or 'no EDA file'}, {summary['faulty']} faulty")
    for item in record.items:
        for objection in item["objections"]:
            click.echo(f"    case {item['case_index']} ({item['case_id']}): {objection['code']} {objection['path']}")
