"""The dunning proposal (Mahnvorschlag): what a run on a given day would do, case by case.

``propose(cases, date, settings)`` decides one action per case and has no side
effect: it reads no ledger and no run table and writes nothing. The same cases,
date and procedures always give the same proposal, and the proposal's ``id`` is
the SHA-256 of a canonical serialisation of exactly those three inputs, so a run
can name the proposal it produces and a changed input cannot slip in.

Per case, in this order (docs/dunning.md gives the reasons):

1. the case breaks the schema → ``none``/``rejected`` (objections of the ``letter`` profile);
2. nothing is open on any claim (claim account) → ``ended``;
3. ``dunning.block`` lasts through the day → ``none``/``blocked`` (until …);
4. every open claim is ``disputed`` → ``none``/``disputed``;
5. other errors of the ``letter`` profile → ``none``/``rejected`` (``claim_fully_paid`` does not
   count: a settled claim simply leaves the run, the other claims go on);
6. the undisputed open principal is below the procedure's minimum → ``none``/``below_minimum``;
7. after the procedure's last level, the court step: ``court`` once its day has come (the case
   checked with the ``court`` profile, else ``rejected`` with those objections), before that
   ``none``/``rhythm``; below the court minimum ``none``/``below_minimum``;
8. otherwise the next level: the first level above the highest already sent whose days past due
   have been reached, skipping an optional level when the level after it is due as well; none
   reached → ``none``/``not_yet_overdue``; too soon after the last letter → ``none``/``rhythm``;
   else ``letter``.

Then letters are consolidated where the procedure says so: the cases with a letter
of one procedure, creditor and debtor (:mod:`.parties`) share one letter at the
highest level any of them reached.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from .. import case as c
from ..claim_account import account
from ..config import Settings, default_settings
from ..validation import Objection, validate
from . import procedures as procedures_module
from .parties import creditor_key, debtor_key
from .procedures import DEFAULT_NAME, Level, Procedure

#: Changes whenever the rules above change, so that an old proposal id cannot match a new decision.
ALGORITHM = 1
ZERO = Decimal("0.00")
ActionKind = Literal["letter", "court", "ended", "none"]
REASONS = ("not_yet_overdue", "blocked", "rhythm", "below_minimum", "disputed", "rejected")
#: Objections that do not stop a case's run: a settled claim leaves it, the rest goes on.
NOT_BLOCKING = frozenset({"claim_fully_paid"})


@dataclass(frozen=True)
class Action:
    """What the run does with one case."""

    index: int
    case_id: str | None
    action: ActionKind
    procedure: str | None = None
    reason: str | None = None
    text_de: str = ""
    text_en: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    objections: tuple[Objection, ...] = ()
    profile: str | None = None  # the validation profile of a rejection

    def as_dict(self, language: str = "de") -> dict[str, Any]:
        """The JSON form (texts and objection messages in ``language``; objection paths below ``/<index>``,
        as in a batch)."""
        out: dict[str, Any] = {"index": self.index, "case_id": self.case_id, "action": self.action,
                               "procedure": self.procedure}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.text_de:
            out["text"] = self.text_en if language.startswith("en") else self.text_de
        out.update(_jsonable(self.details))
        if self.profile is not None:
            out["profile"] = self.profile
            out["objections"] = [o.as_dict(language, prefix=f"/{self.index}") for o in self.objections]
        return out


@dataclass(frozen=True)
class Letter:
    """One letter of the run: one case, or all due cases of one debtor and creditor."""

    number: int
    procedure: str
    level: int
    level_name: str
    tone: str
    fee: Decimal
    deadline: dt.date
    open_total: Decimal
    cases: tuple[int, ...]  # indexes into the submitted cases
    case_ids: tuple[str | None, ...]
    consolidated: bool

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return _jsonable({"letter": self.number, "procedure": self.procedure, "level": self.level,
                          "level_name": self.level_name, "tone": self.tone, "fee": self.fee,
                          "deadline": self.deadline, "open_total": self.open_total, "cases": list(self.cases),
                          "case_ids": list(self.case_ids), "consolidated": self.consolidated})


@dataclass(frozen=True)
class Proposal:
    """Every case's action, the letters they make up, and the id that names this proposal."""

    id: str
    date: dt.date
    actions: tuple[Action, ...]
    letters: tuple[Letter, ...]

    def summary(self) -> dict[str, int]:
        """How many cases get each action (and each reason)."""
        counts = {kind: 0 for kind in ("letter", "court", "ended", "none")}
        for action in self.actions:
            counts[action.action] += 1
        for reason in REASONS:
            counts[f"none_{reason}"] = sum(1 for a in self.actions if a.reason == reason)
        counts["letters"] = len(self.letters)
        return counts

    def as_dict(self, language: str = "de") -> dict[str, Any]:
        """The JSON answer of ``POST /v1/dunning/proposals``."""
        return {"id": self.id, "date": self.date.isoformat(), "algorithm": ALGORITHM, "summary": self.summary(),
                "actions": [a.as_dict(language) for a in self.actions],
                "letters": [letter.as_dict() for letter in self.letters]}


def _jsonable(value: Any) -> Any:
    """Decimals as strings with cents, dates as ISO text, recursively."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _canonical(value: Any) -> Any:
    """A value of the hashed serialisation: exact decimals tagged so that "1.5" (text) and 1.5 (number) differ."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, float):
        return {"$float": repr(value)}
    raise TypeError(type(value).__name__)


def proposal_id(cases: Sequence[Any], date: dt.date, procedures: dict[str, Procedure]) -> str:
    """SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of algorithm, date, procedures, cases."""
    digest = hashlib.sha256()

    def feed(value: Any) -> None:
        digest.update(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                 default=_canonical).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")

    feed({"algorithm": ALGORITHM, "date": date.isoformat(),
          "procedures": {name: p.raw for name, p in sorted(procedures.items())}, "cases": len(cases)})
    for case in cases:
        feed(case)
    return digest.hexdigest()


# --- one case ---------------------------------------------------------------------------------------------

def _de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _eur_de(amount: Decimal) -> str:
    return f"{amount:,.2f} EUR".replace(",", "X").replace(".", ",").replace("X", ".")


def _eur_en(amount: Decimal) -> str:
    return f"EUR {amount:,.2f}"


@dataclass(frozen=True)
class _Open:
    """The claim accounts of one case, as the run sees them."""

    total: Decimal  # open principal of every claim, disputed or not
    undisputed: Decimal  # open principal of the claims that are not disputed
    claims: tuple[dict[str, Any], ...]  # per claim: index, open, disputed
    oldest_due: dt.date | None  # the earliest due date (else claim date) of the undisputed open claims
    settled: tuple[int, ...]  # claims with nothing open (they leave the run)


def _open(case: dict[str, Any]) -> _Open:
    claims = case.get("claims") if isinstance(case.get("claims"), list) else []
    total = undisputed = ZERO
    rows, settled, dues = [], [], []
    for i, claim in enumerate(claims):
        if not isinstance(claim, dict):
            continue
        open_ = account(claim).open
        disputed = claim.get("disputed") is True
        total += open_
        rows.append({"claim": i, "open": open_, "disputed": disputed})
        if open_ <= 0:
            settled.append(i)
        elif not disputed:
            undisputed += open_
            due = c.date(claim.get("due_date")) or c.date(claim.get("date"))
            if due is not None:
                dues.append(due)
    return _Open(total, undisputed, tuple(rows), min(dues) if dues else None, tuple(settled))


def _history(dunning: dict[str, Any], date: dt.date) -> list[tuple[dt.date, int]]:
    """(date, level) of the letters sent up to ``date`` (a letter dated later has not been sent yet)."""
    raw = dunning.get("history") if isinstance(dunning.get("history"), list) else []
    out = []
    for entry in raw:
        if isinstance(entry, dict):
            day, level = c.date(entry.get("date")), entry.get("level")
            if day is not None and isinstance(level, int) and not isinstance(level, bool) and day <= date:
                out.append((day, level))
    return sorted(out)


def _next_level(procedure: Procedure, after: int, days_past_due: int) -> tuple[Level | None, Level | None]:
    """(the level to send, the next level not reached yet) among the levels above ``after``."""
    candidates = [lv for lv in procedure.levels if lv.level > after]
    for i, level in enumerate(candidates):
        if days_past_due < level.days_past_due:
            return None, level
        later = candidates[i + 1] if i + 1 < len(candidates) else None
        if level.optional and later is not None and days_past_due >= later.days_past_due:
            continue  # fakultative Mahnstufe: a later level is already due
        return level, None
    return None, None


class _Decider:
    """Decides one case's action (all inputs explicit: the same inputs give the same action)."""

    def __init__(self, date: dt.date, settings: Settings, procedures: dict[str, Procedure]) -> None:
        self.date = date
        self.settings = settings
        self.procedures = procedures

    def none(self, index: int, case_id: str | None, procedure: str | None, reason: str, de: str, en: str,
             **details: Any) -> Action:
        return Action(index, case_id, "none", procedure, reason, de, en, details)

    def rejected(self, index: int, case_id: str | None, procedure: str | None, profile: str,
                 errors: list[Objection]) -> Action:
        what_de = "gemahnt" if profile == "letter" else "an das Mahngericht gegeben"
        what_en = "dunned" if profile == "letter" else "taken to the dunning court"
        return Action(index, case_id, "none", procedure, "rejected",
                      f"Der Fall kann nicht {what_de} werden: {len(errors)} Beanstandung(en).",
                      f"The case cannot be {what_en}: {len(errors)} objection(s).",
                      {}, tuple(errors), profile)

    def decide(self, index: int, case: Any) -> Action:
        case_id = case.get("case_id") if isinstance(case, dict) and isinstance(case.get("case_id"), str) else None
        report = validate(case, "letter", settings=self.settings, today=self.date)
        if not isinstance(case, dict) or any(o.code == "schema_violation" for o in report.errors):
            return self.rejected(index, case_id, None, "letter", report.errors)
        dunning = case.get("dunning") if isinstance(case.get("dunning"), dict) else {}
        name = dunning.get("procedure") or DEFAULT_NAME
        amounts = _open(case)
        if amounts.total <= 0:
            return Action(index, case_id, "ended", name, None, "Nichts mehr offen: der Fall verlässt das Mahnwesen.",
                          "Nothing is open any more: the case leaves dunning.", {"open_total": ZERO})
        block = dunning.get("block") if isinstance(dunning.get("block"), dict) else None
        if block is not None:
            until = c.date(block.get("until"))
            if until is None or self.date <= until:
                reason = str(block.get("reason") or "")
                return self.none(index, case_id, name, "blocked",
                                 f"Mahnsperre ({reason}) " + (f"bis {_de(until)}." if until else "bis auf Weiteres."),
                                 f"Dunning block ({reason}) " + (f"until {until.isoformat()}." if until
                                                                 else "until lifted."),
                                 block_reason=reason, until=until)
        if amounts.undisputed <= 0:
            return self.none(index, case_id, name, "disputed",
                             "Alle offenen Forderungen sind bestritten: keine automatische Mahnung.",
                             "Every open claim is disputed: no automatic dunning.",
                             disputed_claims=[r["claim"] for r in amounts.claims if r["disputed"] and r["open"] > 0])
        errors = [o for o in report.errors if o.code not in NOT_BLOCKING]
        if errors:
            return self.rejected(index, case_id, name, "letter", errors)
        procedure = self.procedures[name]  # known: unknown_dunning_procedure is a letter error
        return self.timing(index, case_id, case, procedure, amounts, _history(dunning, self.date))

    def timing(self, index: int, case_id: str | None, case: dict[str, Any], procedure: Procedure, amounts: _Open,
               history: list[tuple[dt.date, int]]) -> Action:
        name, open_ = procedure.name, amounts.undisputed
        common: dict[str, Any] = {"open_total": open_}
        if amounts.settled:
            common["settled_claims"] = list(amounts.settled)
        disputed = [r["claim"] for r in amounts.claims if r["disputed"] and r["open"] > 0]
        if disputed:
            common["disputed_claims"] = disputed
        if open_ < procedure.minimum_open:
            return self.none(index, case_id, name, "below_minimum",
                             f"Offen sind {_eur_de(open_)}, weniger als das Minimum von "
                             f"{_eur_de(procedure.minimum_open)} für ein Mahnschreiben.",
                             f"{_eur_en(open_)} is open, less than the minimum of "
                             f"{_eur_en(procedure.minimum_open)} for a letter.", minimum=procedure.minimum_open, **common)
        highest = max((level for _, level in history), default=0)
        last_date = history[-1][0] if history else None
        if highest >= procedure.last.level and last_date is not None:
            return self.court(index, case_id, case, procedure, open_, highest, last_date, common)
        if amounts.oldest_due is None:
            return self.none(index, case_id, name, "not_yet_overdue",
                             "Keine Forderung nennt ihre Fälligkeit (due_date): Verzugstage lassen sich nicht zählen.",
                             "No claim gives its due date (due_date): days past due cannot be counted.", **common)
        days = (self.date - amounts.oldest_due).days
        common["days_past_due"] = days
        level, waiting = _next_level(procedure, highest, days)
        if level is None:
            upcoming = waiting or procedure.last
            from_day = amounts.oldest_due + dt.timedelta(days=upcoming.days_past_due)
            due = amounts.oldest_due
            now_de = f"{days} Tage überfällig" if days > 0 else f"fällig am {_de(due)}"
            now_en = f"{days} days past due" if days > 0 else f"due on {due.isoformat()}"
            return self.none(index, case_id, name, "not_yet_overdue",
                             f"Noch keine Stufe erreicht ({now_de}); {upcoming.name} (Stufe {upcoming.level}) ab "
                             f"{_de(from_day)}.",
                             f"No level reached yet ({now_en}); {upcoming.name} (level {upcoming.level}) from "
                             f"{from_day.isoformat()}.", next_level=upcoming.level, next_possible=from_day, **common)
        if last_date is not None and (self.date - last_date).days < level.min_days_since_previous:
            next_day = last_date + dt.timedelta(days=level.min_days_since_previous)
            return self.none(index, case_id, name, "rhythm",
                             f"Letztes Schreiben am {_de(last_date)}; {level.name} (Stufe {level.level}) frühestens am "
                             f"{_de(next_day)}.",
                             f"Last letter on {last_date.isoformat()}; {level.name} (level {level.level}) not before "
                             f"{next_day.isoformat()}.", last_letter=last_date, next_level=level.level,
                             next_possible=next_day, **common)
        return self.letter(index, case_id, procedure, level, common)

    def letter(self, index: int, case_id: str | None, procedure: Procedure, level: Level,
               common: dict[str, Any]) -> Action:
        deadline = self.date + dt.timedelta(days=level.deadline_days)
        return Action(index, case_id, "letter", procedure.name, None,
                      f"{level.name} (Stufe {level.level}), Zahlungsfrist bis {_de(deadline)}.",
                      f"{level.name} (level {level.level}), payment deadline {deadline.isoformat()}.",
                      {"level": level.level, "level_name": level.name, "tone": level.tone, "fee": level.fee,
                       "deadline": deadline, **common, "due_level": level.level})

    def court(self, index: int, case_id: str | None, case: dict[str, Any], procedure: Procedure, open_: Decimal,
              highest: int, last_date: dt.date, common: dict[str, Any]) -> Action:
        name = procedure.name
        sent = procedure.level(highest) or procedure.last
        deadline = last_date + dt.timedelta(days=sent.deadline_days)
        court_from = deadline + dt.timedelta(days=procedure.court.days_after_deadline)
        if self.date < court_from:
            return self.none(index, case_id, name, "rhythm",
                             f"Letztes Schreiben ({sent.name}) am {_de(last_date)}, Zahlungsfrist bis {_de(deadline)}; "
                             f"gerichtliches Mahnverfahren ab {_de(court_from)}.",
                             f"Last letter ({sent.name}) on {last_date.isoformat()}, payment deadline "
                             f"{deadline.isoformat()}; court step from {court_from.isoformat()}.",
                             last_letter=last_date, next_possible=court_from, **common)
        if open_ < procedure.court.minimum_open:
            return self.none(index, case_id, name, "below_minimum",
                             f"Offen sind {_eur_de(open_)}, weniger als das Minimum von "
                             f"{_eur_de(procedure.court.minimum_open)} für das gerichtliche Mahnverfahren.",
                             f"{_eur_en(open_)} is open, less than the minimum of "
                             f"{_eur_en(procedure.court.minimum_open)} for the court step.",
                             minimum=procedure.court.minimum_open, last_letter=last_date, **common)
        report = validate(case, "court", settings=self.settings, today=self.date)
        errors = [o for o in report.errors if o.code not in NOT_BLOCKING]
        if errors:
            return self.rejected(index, case_id, name, "court", errors)
        return Action(index, case_id, "court", name, None,
                      f"Gerichtliches Mahnverfahren: Zahlungsfrist der {sent.name} lief am {_de(deadline)} ab.",
                      f"Court step: the deadline of the {sent.name} passed on {deadline.isoformat()}.",
                      {"last_letter": last_date, "deadline_passed": deadline, **common})


# --- the whole run ----------------------------------------------------------------------------------------

def _consolidate(cases: Sequence[Any], actions: list[Action], procedures: dict[str, Procedure],
                 date: dt.date) -> tuple[list[Action], list[Letter]]:
    """Group the letters where the procedure says so; number every letter in case order."""
    groups: dict[tuple[str, ...], list[int]] = {}
    order: list[tuple[str, ...]] = []
    for position, action in enumerate(actions):
        if action.action != "letter" or action.procedure is None:
            continue
        procedure = procedures[action.procedure]
        case = cases[action.index]
        key = (procedure.name, creditor_key(case), debtor_key(case)) if procedure.consolidate \
            else ("single", str(action.index))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(position)
    letters: list[Letter] = []
    for number, key in enumerate(order, start=1):
        members = groups[key]
        procedure = procedures[actions[members[0]].procedure or DEFAULT_NAME]
        top = max(actions[p].details["level"] for p in members)
        level = procedure.level(top) or procedure.last
        deadline = date + dt.timedelta(days=level.deadline_days)
        total = sum((actions[p].details["open_total"] for p in members), ZERO)
        for p in members:
            action = actions[p]
            details = {**action.details, "level": level.level, "level_name": level.name, "tone": level.tone,
                       "fee": level.fee, "deadline": deadline, "letter": number}
            text_de, text_en = action.text_de, action.text_en
            if len(members) > 1:
                details["consolidated_with"] = [actions[q].index for q in members if q != p]
                text_de = (f"{level.name} (Stufe {level.level}), Zahlungsfrist bis {_de(deadline)}; ein Schreiben "
                           f"für {len(members)} Fälle dieses Schuldners.")
                text_en = (f"{level.name} (level {level.level}), payment deadline {deadline.isoformat()}; one letter "
                           f"for {len(members)} cases of this debtor.")
            actions[p] = replace(action, details=details, text_de=text_de, text_en=text_en)
        letters.append(Letter(number, procedure.name, level.level, level.name, level.tone, level.fee, deadline, total,
                              tuple(actions[p].index for p in members),
                              tuple(actions[p].case_id for p in members), len(members) > 1))
    return actions, letters


def propose(cases: Iterable[Any], date: dt.date, settings: Settings | None = None) -> Proposal:
    """The proposal of a dunning run on ``date`` for ``cases`` (no side effect; deterministic)."""
    settings = settings or default_settings()
    cases = list(cases)
    path = str(settings.dunning_procedures) if settings.dunning_procedures else None
    procedures = procedures_module.load(path)
    decider = _Decider(date, settings, procedures)
    actions = [decider.decide(i, case) for i, case in enumerate(cases)]
    actions, letters = _consolidate(cases, actions, procedures, date)
    return Proposal(proposal_id(cases, date, procedures), date, tuple(actions), tuple(letters))
