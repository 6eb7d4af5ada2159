"""``formsvc dunning propose CASES.jsonl [--date D]``: the proposal of a dunning run as a table.

Same core as ``POST /v1/dunning/proposals``: one row per case (index, case id,
action, level or reason, text), then the letters and the proposal's id. Nothing
is written anywhere; ``--json`` prints the proposal exactly as the HTTP answer.
Exit 0 whatever the actions are (a rejected case is an action of the proposal,
not a failure of the command), 2 on usage errors.
"""
from __future__ import annotations

import datetime as dt
import json

import click
from flask.cli import with_appcontext

from .. import case as c
from ..dunning.proposal import Proposal, propose
from ..errors import FormsvcError
from .batch import read_cases_file
from .common import app_settings, fail


@click.group("dunning")
def dunning_group() -> None:
    """Dunning runs: the proposal (simulation, no side effect)."""


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
        proposal = propose(cases, day, app_settings())
    except FormsvcError as exc:
        fail(exc)
        return
    if as_json:
        click.echo(json.dumps(proposal.as_dict(language), ensure_ascii=False, indent=2))
        return
    for line in table(proposal, language):
        click.echo(line)
