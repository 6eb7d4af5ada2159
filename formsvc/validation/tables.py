"""The limits and word lists of ``formsvc/data/validation_rules.json``, loaded once.

Rules read their numbers from here (value limits, interest points, the
court-fee words, Postfach patterns) so that a change of law
or layout is a change of data, not of code.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import resources

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "", "-": "", ".": "", "/": "", "_": ""})


@dataclass(frozen=True)
class RuleTables:
    """Everything numeric or textual the rules need, typed."""

    value_limits: tuple[tuple[dt.date, Decimal], ...]
    amtsgericht_types: frozenset[int]
    amtsgericht_any_value_types: frozenset[int]
    landgericht_types: frozenset[int]
    sozialgericht_types: frozenset[int]
    max_points: Decimal
    consumer_points: Decimal
    consumer_credit_max_points: Decimal
    limitation_years: int
    majority_age: int
    court_cost_words: tuple[str, ...]
    po_box: re.Pattern[str]

    def value_limit(self, day: dt.date) -> Decimal:
        """The Amtsgericht's value limit for an application on ``day``."""
        limit = self.value_limits[0][1]
        for start, amount in self.value_limits:
            if day >= start:
                limit = amount
        return limit


def fold(text: str) -> str:
    """Lower-case, umlauts spelled out, separators removed: for word matching."""
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


@lru_cache(maxsize=1)
def tables() -> RuleTables:
    """The shipped rule tables (read once per process)."""
    raw: dict[str, Any] = resources.data("validation_rules.json")
    limits = sorted((dt.date.fromisoformat(x["from"]), Decimal(x["limit"]))
                    for x in raw["amtsgericht_value_limits"]["limits"])
    types = raw["trial_court_types"]
    return RuleTables(
        value_limits=tuple(limits),
        amtsgericht_types=frozenset(types["amtsgericht"]),
        amtsgericht_any_value_types=frozenset(types["amtsgericht_any_value"]),
        landgericht_types=frozenset(types["landgericht"]),
        sozialgericht_types=frozenset(types["sozialgericht"]),
        max_points=Decimal(raw["interest"]["max_points_above_base_rate"]),
        consumer_points=Decimal(raw["interest"]["consumer_points_above_base_rate"]),
        consumer_credit_max_points=Decimal(raw["consumer_credit"]["max_points_above_base_rate"]),
        limitation_years=int(raw["limitation"]["years"]),
        majority_age=int(raw["majority_age"]["years"]),
        court_cost_words=tuple(fold(w) for w in raw["court_cost_words"]["words"]),
        po_box=re.compile("|".join(f"(?:{p})" for p in raw["po_box_patterns"]["patterns"]), re.IGNORECASE),
    )
