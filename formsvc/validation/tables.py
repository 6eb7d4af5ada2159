"""The limits and word lists of ``formsvc/data/validation_rules.json``, loaded once.

Rules read their numbers from here (value limits, interest points, the
court-fee words, Postfach words, legal forms, the house-number pattern) so that
a change of law or layout is a change of data, not of code. Each word list is
compiled once into one regular expression (:func:`word_regex`) over text folded
by :func:`fold_words`.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import resources

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "", "-": "", ".": "", "/": "", "_": ""})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_JOIN = re.compile(r"[-\u00ad\u2010\u2011]+")  # hyphens (and soft hyphens) join the parts of a compound
_SEPARATORS = re.compile(r"[\W_]+")
#: Between two letter groups of a phrase: any spacing, dots, hyphens, "&" ... ("P.O. Box" = "PO Box" = "POBox").
_GAP = r"[\W_]*"
_NO_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"


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
    court_costs: re.Pattern[str]
    po_box: re.Pattern[str]
    legal_form: re.Pattern[str]
    non_merchant_form: re.Pattern[str]
    merchant_form: re.Pattern[str]
    house_number: re.Pattern[str]
    medical_landgericht_from: dt.date
    familiengericht_types: frozenset[int]
    kfh_types: frozenset[int]

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


@lru_cache(maxsize=8192)
def fold_words(text: str) -> str:
    """Case-folded (ß -> ss), German umlauts spelled out, other accents dropped; separators kept.

    "Boîte Postale" -> "boite postale", "Postschließfach" -> "postschliessfach",
    "Gebühr" -> "gebuehr", "A.Ş." -> "a.s.". Cached: batches repeat names and streets.
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _groups(phrase: str) -> list[str]:
    """The letter/digit groups of a phrase after folding: "S.à r.l." -> ["s", "a", "r", "l"]."""
    return [g for g in _SEPARATORS.split(fold_words(phrase)) if g]


def word_regex(phrases: Sequence[str], *, with_number: Sequence[str] = ()) -> re.Pattern[str]:
    """One pattern matching any phrase as a word in any spacing; ``with_number`` phrases only before a number.

    Text must be folded with :func:`fold_words` first. No letter may touch a match on either side,
    so "Postfach" does not hit "Postfachweg" and "B.P." does not hit "Bopstraße".
    """
    def alternation(items: Sequence[str]) -> str:
        bodies = {_GAP.join(map(re.escape, _groups(p))) for p in items if _groups(p)}
        return "|".join(sorted(bodies, key=lambda b: (-len(b), b)))

    parts = []
    if phrases:
        parts.append(f"{_NO_LETTER_BEFORE}(?:{alternation(phrases)}){_NO_LETTER_AFTER}")
    if with_number:
        parts.append(f"{_NO_LETTER_BEFORE}(?:{alternation(list(with_number))}){_GAP}(?=\\d)")
    return re.compile("|".join(parts) or r"(?!)")


def fold_label(text: str) -> str:
    """A cost label for the court-cost words: :func:`fold_words`, hyphens joined, other separators one space."""
    return " ".join(_SEPARATORS.split(_JOIN.sub("", fold_words(text)))).strip()


def _court_cost_regex(raw: dict[str, Any]) -> re.Pattern[str]:
    """Stems (inside compounds) or words alone, or a fee stem together with a court stem/word (see the data)."""
    def alt(items: list[str]) -> str:
        return "|".join(re.escape(fold_label(w)).replace("\\ ", r"\s*") for w in sorted(items, key=len, reverse=True))

    word = r"(?<![a-z0-9])(?:{})(?![a-z0-9])"
    alone = f"(?:{alt(raw['stems'])})|{word.format(alt(raw['words']))}"
    court = f"(?:{alt(raw['court_stems'])}|{word.format(alt(raw['court_words']))})"
    together = f"^(?!.*(?:{alt(raw['not_with'])}))(?=.*(?:{alt(raw['fee_stems'])}))(?=.*{court})"
    return re.compile(f"{alone}|{together}")


@lru_cache(maxsize=1)
def tables() -> RuleTables:
    """The shipped rule tables (read once per process)."""
    raw: dict[str, Any] = resources.data("validation_rules.json")
    limits = sorted((dt.date.fromisoformat(x["from"]), Decimal(x["limit"]))
                    for x in raw["amtsgericht_value_limits"]["limits"])
    types = raw["trial_court_types"]
    forms = raw["company_legal_forms"]["groups"]
    po_box = raw["po_box_patterns"]
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
        court_costs=_court_cost_regex(raw["court_cost_words"]),
        po_box=word_regex(po_box["words"], with_number=po_box["with_number"]),
        legal_form=word_regex([f for g in forms for f in g["forms"]]),
        non_merchant_form=word_regex([f for g in forms if g["merchant"] is False for f in g["forms"]]),
        merchant_form=word_regex([f for g in forms if g["merchant"] is True for f in g["forms"]]),
        house_number=re.compile(raw["house_number"]["pattern"]),
        medical_landgericht_from=dt.date.fromisoformat(raw["medical_landgericht"]["from"]),
        familiengericht_types=frozenset(types["familiengericht"]),
        kfh_types=frozenset(types["kammer_fuer_handelssachen"]),
    )
