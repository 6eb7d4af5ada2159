"""The Basiszinssatz (§ 247 BGB) by half-year, from ``formsvc/data/base_rates.json``.

The table ends at its ``valid_until`` date; for a day after that the latest
rate is used and flagged ``assumed`` (letters report it as the warning
``base_rate_assumed``), never guessed silently.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from . import resources


@dataclass(frozen=True)
class RatePeriod:
    """A stretch of days [start, end] (both inclusive) with one base rate."""

    start: dt.date
    end: dt.date
    rate: Decimal
    assumed: bool


@dataclass(frozen=True)
class BaseRateTable:
    """Start dates and rates in ascending order, and the last day the table covers."""

    starts: tuple[dt.date, ...]
    rates: tuple[Decimal, ...]
    valid_until: dt.date
    source: str

    def rate_on(self, day: dt.date) -> tuple[Decimal, bool]:
        """(rate, assumed) on ``day``; ``assumed`` when ``day`` is past the table's end."""
        index = bisect.bisect_right(self.starts, day) - 1
        if index < 0:
            raise ValueError(f"no base rate before {self.starts[0].isoformat()}")
        return self.rates[index], day > self.valid_until

    def periods(self, start: dt.date, end: dt.date) -> list[RatePeriod]:
        """Split [start, end] at every rate change (and at the table's end)."""
        if end < start:
            return []
        cuts = sorted({d for d in self.starts if start < d <= end}
                      | ({self.valid_until + dt.timedelta(days=1)} if start <= self.valid_until < end else set()))
        out: list[RatePeriod] = []
        begin = start
        for cut in [*cuts, end + dt.timedelta(days=1)]:
            rate, assumed = self.rate_on(begin)
            out.append(RatePeriod(begin, cut - dt.timedelta(days=1), rate, assumed))
            begin = cut
        return out


@lru_cache(maxsize=1)
def table() -> BaseRateTable:
    """The shipped table (read once)."""
    raw = resources.data("base_rates.json")
    rows = sorted((dt.date.fromisoformat(r["valid_from"]), Decimal(r["rate"])) for r in raw["rates"])
    return BaseRateTable(
        starts=tuple(d for d, _ in rows), rates=tuple(r for _, r in rows),
        valid_until=dt.date.fromisoformat(raw["valid_until"]), source=raw["source"],
    )


def rate_on(day: dt.date) -> tuple[Decimal, bool]:
    """(base rate in percent, assumed?) on ``day``."""
    return table().rate_on(day)
