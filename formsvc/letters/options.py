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
    debtor: int = 0  # which debtor the letter is addressed to

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
    if options.fee < 0 or options.fee != options.fee.quantize(Decimal("0.01")):
        raise BadParameter(f"letter option 'fee' must be a non-negative amount in cents (got {options.fee}).")


def language_of(tag: Any) -> str:
    """Primary subtag of a BCP 47 tag, lower case (``de-AT`` -> ``de``)."""
    return str(tag).replace("_", "-").split("-")[0].lower() if tag else ""


def _level(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadParameter(f"letter option 'level' must be 1, 2 or 3 (got {value!r}).") from None


def options_from(case: Any, overrides: Mapping[str, Any] | None = None) -> LetterOptions:
    """Combine ``overrides`` (query/CLI; ``None``/empty values ignored) with ``case["letter"]`` and defaults."""
    given = {k: v for k, v in (overrides or {}).items() if v is not None and v != ""}
    letter = c.get(case, "letter") if isinstance(c.get(case, "letter"), dict) else {}

    def pick(name: str, default: Any) -> Any:
        if name in given:
            return given[name]
        value = letter.get(name)
        return default if value is None else value

    language = given.get("language") or language_of(c.get(case, "language")) or "de"
    date = given.get("date") or letter.get("date")
    if isinstance(date, str):
        parsed = c.date(date)
        if parsed is None:
            raise BadParameter(f"letter option 'date' must be an ISO date YYYY-MM-DD (got {date!r}).")
        date = parsed
    fee = pick("fee", Decimal("0.00"))
    fee_amount = c.money(fee)
    if fee_amount is None:
        raise BadParameter(f"letter option 'fee' must be an amount such as \"5.00\" (got {fee!r}).")
    deadline_days = pick("deadline_days", 14)
    try:
        deadline_days = int(deadline_days)
    except (TypeError, ValueError):
        raise BadParameter(f"letter option 'deadline_days' must be a whole number (got {deadline_days!r}).") from None
    return LetterOptions(
        tone=str(pick("tone", "friendly")),
        level=_level(pick("level", 1)),
        language=language_of(language),
        format=str(given.get("format") or "pdf"),
        date=date,
        deadline_days=deadline_days,
        fee=fee_amount.quantize(Decimal("0.01")) if fee_amount == fee_amount.quantize(Decimal("0.01")) else fee_amount,
        flat_fee=pick("flat_fee", False) is True,
        pdf_variant=given.get("pdf_variant"),
        debtor=int(given.get("debtor", 0)),
    )
