"""Letter options: what to write (tone, level, language, format ...), from query, case and defaults.

Precedence: an explicit override (query parameter / CLI option) wins over the
case's ``letter`` object (and ``language``), which wins over the defaults.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import case as c
from ..errors import BadParameter

TONES = ("friendly", "firm")
LEVELS = (1, 2, 3)
LANGUAGES = ("de", "en", "fr", "it", "es", "nl", "pl", "tr")
FORMATS = ("pdf", "html")
PDF_VARIANTS = ("pdf/a-3b",)


@dataclass(frozen=True)
class LetterOptions:
    """Everything that shapes one letter besides the case itself."""

    tone: str = "friendly"
    level: int = 1
    language: str = "de"
    format: str = "pdf"
    date: dt.date | None = None  # None: today (Europe/Berlin)
    deadline_days: int = 14
    fee: Decimal = Decimal("0.00")
    flat_fee: bool = False
    pdf_variant: str | None = None

    def __post_init__(self) -> None:
        check(self)

    @property
    def letter_date(self) -> dt.date:
        """The letter's date: the override or today in Europe/Berlin."""
        return self.date or c.today()

    @property
    def deadline(self) -> dt.date:
        """Payment deadline: letter date + ``deadline_days``."""
        return self.letter_date + dt.timedelta(days=self.deadline_days)


def check(options: LetterOptions) -> None:
    """Refuse option values the renderer cannot honour, naming the option and the fix."""
    def bad(name: str, allowed: Any, got: Any) -> BadParameter:
        return BadParameter(f"letter option '{name}' must be one of {allowed} (got {got!r}).")

    if options.tone not in TONES:
        raise bad("tone", ", ".join(TONES), options.tone)
    if options.level not in LEVELS:
        raise bad("level", "1, 2, 3", options.level)
    if options.language not in LANGUAGES:
        raise bad("language", ", ".join(LANGUAGES), options.language)
    if options.format not in FORMATS:
        raise bad("format", ", ".join(FORMATS), options.format)
    if options.pdf_variant not in (None, *PDF_VARIANTS):
        raise bad("pdf_variant", ", ".join(PDF_VARIANTS), options.pdf_variant)
    if not 1 <= options.deadline_days <= 90:
        raise BadParameter(f"letter option 'deadline_days' must be 1 to 90 (got {options.deadline_days!r}).")
    if not _is_cent_amount(options.fee):
        raise BadParameter(f"letter option 'fee' must be an amount from 0 to {MAX_FEE} with at most two "
                           f"decimals (got {options.fee}).")


#: The largest fee a letter accepts (the contract's amount limit).
MAX_FEE = Decimal("999999999999.99")


def _is_cent_amount(value: Decimal) -> bool:
    """0 <= value <= MAX_FEE with at most two decimals (never raises on absurd input)."""
    exponent = value.as_tuple().exponent
    return value.is_finite() and isinstance(exponent, int) and exponent >= -2 and 0 <= value <= MAX_FEE


def language_of(tag: Any) -> str:
    """Primary subtag of a BCP 47 tag, lower case (``de-AT`` -> ``de``)."""
    return str(tag).replace("_", "-").split("-")[0].lower() if tag else ""


def _level(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadParameter(f"letter option 'level' must be 1, 2 or 3 (got {value!r}).") from None


def _case_letter(case: Any) -> dict[str, Any]:
    """The case's ``letter`` values that are usable; malformed ones are left to the schema check (422)."""
    letter = c.get(case, "letter")
    if not isinstance(letter, dict):
        return {}
    out: dict[str, Any] = {}
    if letter.get("tone") in TONES:
        out["tone"] = letter["tone"]
    if letter.get("level") in LEVELS and not isinstance(letter.get("level"), bool):
        out["level"] = letter["level"]
    if c.date(letter.get("date")) is not None:
        out["date"] = c.date(letter["date"])
    days = letter.get("deadline_days")
    if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 90:
        out["deadline_days"] = days
    fee = c.money(letter.get("fee"))
    if fee is not None and _is_cent_amount(fee):
        out["fee"] = fee
    if letter.get("flat_fee") is True:
        out["flat_fee"] = True
    return out


def options_from(case: Any, overrides: Mapping[str, Any] | None = None) -> LetterOptions:
    """Combine ``overrides`` (query/CLI; ``None``/empty values ignored) with ``case["letter"]`` and defaults.

    Overrides are checked strictly (:class:`BadParameter`); malformed values in the case are
    ignored here because validation of the case reports them as objections.
    """
    given = {k: v for k, v in (overrides or {}).items() if v is not None and v != ""}
    merged = {**_case_letter(case), **given}
    language = given.get("language") or language_of(c.get(case, "language")) or "de"
    date = merged.get("date")
    if isinstance(date, str):
        parsed = c.date(date)
        if parsed is None:
            raise BadParameter(f"letter option 'date' must be an ISO date YYYY-MM-DD (got {date!r}).")
        date = parsed
    fee = merged.get("fee", Decimal("0.00"))
    fee_amount = c.money(fee)
    if fee_amount is None:
        raise BadParameter(f"letter option 'fee' must be an amount such as \"5.00\" (got {fee!r}).")
    deadline_days = merged.get("deadline_days", 14)
    try:
        deadline_days = int(deadline_days)
    except (TypeError, ValueError):
        raise BadParameter(f"letter option 'deadline_days' must be a whole number (got {deadline_days!r}).") from None
    if language_of(language) not in LANGUAGES:
        raise BadParameter(f"letters are written in {', '.join(LANGUAGES)}; the case's 'language' is "
                           f"{language!r}: set it (or the query parameter 'language') to one of these.")
    return LetterOptions(
        tone=str(merged.get("tone", "friendly")),
        level=_level(merged.get("level", 1)),
        language=language_of(language),
        format=str(merged.get("format") or "pdf"),
        date=date,
        deadline_days=deadline_days,
        fee=fee_amount,
        flat_fee=merged.get("flat_fee", False) in (True, "true", "1", "yes"),
        pdf_variant=merged.get("pdf_variant"),
    )
