"""Dunning procedures as data: the shipped default merged with a deployment's file.

A procedure file (``schemas/dunning-procedures.schema.json``) holds named
procedures. :func:`load` reads the shipped ``formsvc/data/dunning_procedures.json``
and, when ``FORMSVC_DUNNING_PROCEDURES`` names one, the deployment's file, and
merges them by procedure name: a deployment's procedure replaces the shipped one
of the same name as a whole (a half-merged procedure would mix two rhythms).

A file that does not fit raises :class:`~formsvc.errors.ConfigurationError`
naming the setting, the file and the field by JSON Pointer; ``Settings.check``
calls :func:`load` so that a bad file stops the service at start-up, never a
request. Beyond the schema the levels must ascend, their days past due must not
decrease, and the fees of all levels together must stay within what courts
accept for reminders (``validation_rules.json``, ``interest_and_costs.dunning_costs``).

This module does not import :mod:`formsvc.config` (the settings check imports
it); callers pass the configured path.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .. import resources
from ..errors import ConfigurationError

SETTING = "FORMSVC_DUNNING_PROCEDURES"
SCHEMA_NAME = "dunning-procedures.schema.json"
SHIPPED = "dunning_procedures.json"
DEFAULT_NAME = "default"


@dataclass(frozen=True)
class Level:
    """One Mahnstufe."""

    level: int
    name: str
    days_past_due: int
    min_days_since_previous: int
    tone: str
    fee: Decimal
    deadline_days: int
    optional: bool


@dataclass(frozen=True)
class CourtStep:
    """The step to the gerichtliches Mahnverfahren after the last level."""

    days_after_deadline: int
    minimum_open: Decimal


@dataclass(frozen=True)
class Procedure:
    """One named dunning procedure (Mahnverfahren)."""

    name: str
    levels: tuple[Level, ...]
    court: CourtStep
    minimum_open: Decimal
    consolidate: bool
    raw: dict[str, Any]  # the procedure as written (for the proposal's id and its answer)

    def level(self, number: int) -> Level | None:
        """The level with this number, if the procedure has it."""
        return next((lv for lv in self.levels if lv.level == number), None)

    @property
    def last(self) -> Level:
        """The highest level: after it comes the court step."""
        return self.levels[-1]


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def _fail(origin: str, pointer: str, message: str) -> ConfigurationError:
    return ConfigurationError(f"{SETTING}: {origin}: {pointer}: {message}")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = resources.schema(SCHEMA_NAME)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _fee_threshold() -> Decimal:
    """The most courts accept for reminders in all (validation_rules.json)."""
    return Decimal(resources.data("validation_rules.json")["interest_and_costs"]["dunning_costs"]["threshold"])


def check_document(document: Any, origin: str) -> None:
    """Raise :class:`ConfigurationError` naming the first bad field of a procedure file (JSON Pointer)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise _fail(origin, _pointer(first.absolute_path), first.message[:200] + more)
    threshold = _fee_threshold()
    for name, procedure in document["procedures"].items():
        previous_level, previous_days, fees = 0, -1, Decimal(0)
        for i, level in enumerate(procedure["levels"]):
            where = f"/procedures/{name}/levels/{i}"
            if level["level"] <= previous_level:
                raise _fail(origin, f"{where}/level", "levels must ascend (1, 2, 3; each at most once)")
            if level["days_past_due"] < previous_days:
                raise _fail(origin, f"{where}/days_past_due", "must not be fewer than the previous level's")
            fees += Decimal(level["fee"])
            if fees > threshold:
                raise _fail(origin, f"{where}/fee", f"the fees of all levels together exceed {threshold} EUR, "
                                                    "more than courts accept for reminders (validation_rules.json "
                                                    "interest_and_costs.dunning_costs)")
            previous_level, previous_days = level["level"], level["days_past_due"]


def _procedure(name: str, raw: dict[str, Any]) -> Procedure:
    levels = tuple(Level(level=lv["level"], name=lv.get("name") or f"level {lv['level']}",
                         days_past_due=lv["days_past_due"], min_days_since_previous=lv["min_days_since_previous"],
                         tone=lv["tone"], fee=Decimal(lv["fee"]), deadline_days=lv["deadline_days"],
                         optional=lv["optional"]) for lv in raw["levels"])
    court = raw["court"]
    step = CourtStep(court["days_after_deadline"], Decimal(court["minimum_open"]))
    return Procedure(name, levels, step, Decimal(raw["minimum_open"]), raw["consolidate"], raw)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{SETTING}: cannot read {path} ({exc.strerror or type(exc).__name__})") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{SETTING}: {path} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConfigurationError(f"{SETTING}: {path} is not JSON ({exc})") from None


@lru_cache(maxsize=8)
def load(path: str | None = None) -> dict[str, Procedure]:
    """Every procedure by name: the shipped ones, replaced or extended by the file at ``path``."""
    shipped = resources.data(SHIPPED)
    check_document(shipped, f"shipped {SHIPPED}")
    merged: dict[str, Any] = dict(shipped["procedures"])
    if path:
        document = _read(Path(path))
        check_document(document, str(path))
        merged.update(document["procedures"])
    return {name: _procedure(name, raw) for name, raw in sorted(merged.items())}
