"""Dunning letters: friendly/firm × levels 1–3 × eight languages, DIN 5008, PDF or HTML.

Public API (the batch printer and the HTTP/CLI layers use exactly these):

``LetterOptions``
    frozen dataclass: ``tone`` ("friendly" | "firm"), ``level`` (1 reminder,
    2 Mahnung, 3 final notice), ``language`` (de en fr it es nl pl tr),
    ``format`` ("pdf" | "html"), ``date`` (letter date, ``None`` = today in
    Europe/Berlin), ``deadline_days`` (1–90, default 14), ``fee`` (Decimal,
    this letter's dunning fee), ``flat_fee`` (claim 40 EUR § 288 Abs. 5 BGB
    from a non-consumer, level ≥ 2), ``pdf_variant`` (``None`` or
    "pdf/a-3b"). The letter goes to the case's first debtor. Who writes is the
    case's ``letter.sender`` ("creditor", or "attorney": the lawyer or collection
    agency on the creditor's behalf, :mod:`.sender`).
    Invalid values raise :class:`~formsvc.errors.BadParameter`.

``options_from(case, query_overrides) -> LetterOptions``
    overrides (query parameters / CLI options; ``None`` or "" = not given) win
    over ``case["letter"]`` and ``case["language"]``, which win over defaults.

``render_letter(case, options, *, settings=None) -> RenderedLetter``
    validates with profile ``letter`` first (raises
    :class:`~formsvc.errors.CaseRejected`, nothing generated), then renders.
    ``RenderedLetter`` is a :class:`~formsvc.rendered.RenderedDocument`
    (``data``, ``mimetype``, ``filename`` from case id and level — no personal
    data —, ``warnings`` as :class:`~formsvc.validation.Objection`, e.g.
    ``base_rate_assumed`` or ``letter_fee_not_charged``, ``page_count``, ``None`` for HTML) plus
    ``statement`` (the amounts).

``lay_out_letter(case, options, *, settings=None) -> LaidOutLetter`` and
``write_letters(letters, *, duplex=False) -> bytes``
    the same PDF pages, for print files: several letters laid out, then written
    as one PDF with the fonts embedded once (batch printing).

``renderer()``
    the warm per-thread :class:`~formsvc.letters.renderer.LetterRenderer`
    (fonts, parsed CSS, Jinja environments and FontConfiguration built once).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import formatting as fmt
from ..config import Settings
from ..rendered import RenderedDocument, codes_of
from ..validation import Objection, ensure_valid
from ..validation.messages import make as make_objection
from . import model
from .amounts import Statement, statement
from .options import LetterOptions, options_from
from .payment import payment
from .renderer import renderer

__all__ = ["LetterOptions", "options_from", "render_letter", "RenderedLetter", "renderer", "letter_filename",
           "LaidOutLetter", "lay_out_letter", "write_letters"]


@dataclass(frozen=True)
class RenderedLetter(RenderedDocument):
    """One rendered letter: the document plus the amounts it states."""

    statement: Statement | None = None


def letter_filename(case: Any, options: LetterOptions) -> str:
    """``letter-<case_id>-level<n>.<pdf|html>`` with only safe characters (no personal data)."""
    case_id = str(case.get("case_id") or "case") if isinstance(case, dict) else "case"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", case_id).strip("._") or "case"
    return f"letter-{safe}-level{options.level}.{options.format}"


def _interest_warnings(result: Statement) -> list[Objection]:
    out = []
    for line in result.claims:
        interest = line.interest
        if interest is None or interest.assumed_from is None:
            continue
        rate = next(p.base_rate for p in interest.periods if p.assumed)
        out.append(make_objection("base_rate_assumed", f"/claims/{line.index}/interest",
                                  since=interest.assumed_from.isoformat(), rate=rate))
    return out


def _charge_warnings(result: Statement) -> list[Objection]:
    """``letter_fee_not_charged`` when the options asked for a fee the letter's level does not allow."""
    out = []
    for line in result.not_charged:
        if line.kind == "letter_fee":
            out.append(make_objection("letter_fee_not_charged", "/letter/fee",
                                      fee_de=f"{fmt.amount_de(line.amount)} EUR", fee_en=f"EUR {line.amount:,.2f}"))
    return out


def render_letter(case: Any, options: LetterOptions, *, settings: Settings | None = None) -> RenderedLetter:
    """Validate ``case`` (profile ``letter``) and render the letter described by ``options``."""
    context, warnings, result = _prepare(case, options, settings)
    filename = letter_filename(case, options)
    warm = renderer(settings)
    if options.format == "html":
        html = warm.html(context, options.language, standalone=True)
        return RenderedLetter(html.encode("utf-8"), "text/html", filename, warnings, None, result)
    pdf = warm.pdf(context, options.language, pdf_variant=options.pdf_variant)
    return RenderedLetter(pdf.data, "application/pdf", filename, warnings, pdf.page_count, result)


@dataclass(frozen=True)
class LaidOutLetter:
    """A letter laid out but not yet written: for printing several letters as one PDF."""

    document: Any  # the WeasyPrint document of this process's renderer
    page_count: int
    warnings: tuple[Objection, ...] = ()

    @property
    def warning_codes(self) -> list[str]:
        """The warnings' codes, each once."""
        return codes_of(self.warnings)


def lay_out_letter(case: Any, options: LetterOptions, *, settings: Settings | None = None) -> LaidOutLetter:
    """Validate ``case`` and lay out its PDF letter (the same pages :func:`render_letter` writes)."""
    context, warnings, _ = _prepare(case, options, settings)
    document = renderer(settings).layout(context, options.language)
    return LaidOutLetter(document, len(document.pages), warnings)


def write_letters(letters: Sequence[LaidOutLetter], *, duplex: bool = False) -> bytes:
    """Laid-out letters as one PDF in the given order, fonts embedded once; with ``duplex`` a blank
    page follows every letter with an odd page count, so the next one starts on a front side."""
    blanks = [duplex and letter.page_count % 2 == 1 for letter in letters]
    return renderer().write_pages([letter.document for letter in letters], blanks)


def _prepare(case: Any, options: LetterOptions,
             settings: Settings | None) -> tuple[model.LetterContext, tuple[Objection, ...], Statement]:
    """Validate, compute the amounts and build the template context of one letter."""
    report = ensure_valid(case, "letter", settings=settings)
    result = statement(case, letter_date=options.letter_date, level=options.level, fee=options.fee,
                       flat_fee=options.flat_fee)
    context = model.build(case, options, result, payment(case, result.total), settings=settings)
    return context, (*report.warnings, *_interest_warnings(result), *_charge_warnings(result)), result
