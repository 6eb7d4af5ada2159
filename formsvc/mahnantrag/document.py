"""HTML and PDF of the application: template → blank form (once) → per-case layer.

One template serves two modes: ``html`` (a browser preview, values in
read-only inputs) and ``blank`` (the form without any case data). The blank
form is laid out once per process — its layout never depends on the case —
and the positions of its boxes are kept. Each application then copies the
blank PDF and adds the case: page text for the case id, the
summary and the closing slots (declaration mark, place, date, who signs;
:mod:`.closing`), the "Vorschau" mark on every page for an attorney of kind 1
or 2, and either AcroForm widgets (editable) or the values printed into the
boxes (``flatten``). The footer is part of the blank form (the same on every
page and for every case).

This module decides what goes where; the WeasyPrint and pypdf work is the
adapter room's: :func:`formsvc.render.form.lay_out_form` lays out the form
(reading only the templates folder and the system fonts) and finds its boxes,
:class:`formsvc.render.acroform.FormFiller` prints text and adds the widgets.
Both have a fast and a stock way, chosen by the version guard.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import resources
from ..render.acroform import TEXT_SIZE, FormFiller, Overlay, Placement, cross_ops
from ..render.form import lay_out_form
from . import closing as closing_texts
from .closing import Closing, closing
from .fields import fields, groups
from .form_font import BASE_FONT, field_font
from .summary import LABELS, summarize

Mode = Literal["html", "blank"]
TITLE = "Antrag auf Erlass eines Mahnbescheids"
#: Print size of the signature block's slots where it differs from the field text size.
SLOT_SIZES = {"signature-role": 6.0, "signature-name": 7.0}
DECLARATION_SLOT = "declaration-none"
#: The template's attributes marking a field's box and a printed slot.
FIELD_ATTRIBUTE, SLOT_ATTRIBUTE = "data-field", "data-slot"


@lru_cache(maxsize=1)
def template_dir() -> Path:
    """``templates/mahnantrag``."""
    return resources.templates_dir() / "mahnantrag"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(template_dir())), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _css() -> str:
    return (template_dir() / "form.css").read_text(encoding="utf-8")


#: The fixed texts of the declarations, the signature block, the footer and the "Vorschau" mark.
TEXTS = {
    "declaration_title": closing_texts.DECLARATION_TITLE, "declaration_none": closing_texts.DECLARATION_NONE,
    "signature_title": closing_texts.SIGNATURE_TITLE, "signature_lines": closing_texts.SIGNATURE_LINES,
    "footer": closing_texts.FOOTER, "preview_mark": closing_texts.PREVIEW_MARK,
    "preview_banner": closing_texts.PREVIEW_BANNER,
}


def build_html(case: dict[str, Any] | None, values: dict[str, str | bool] | None, mode: Mode) -> str:
    """The form as HTML: filled in (``html``) or without any case data (``blank``)."""
    end: Closing | None
    if mode == "blank" or case is None or values is None:
        case, values, summary_values, end = {}, {f.name: "" for f in fields()}, [""] * len(LABELS), None
        mode = "blank"
    else:
        summary_values = summarize(case).values()
        end = closing(case, str(values.get("antragsdatum") or ""))
    return _environment().get_template("form.html").render(
        case_id=str(case.get("case_id") or ""), groups=groups(), values=values, mode=mode, css=_css(),
        summary_labels=LABELS, summary_values=summary_values, closing=end, texts=TEXTS,
    )


@dataclass(frozen=True)
class BlankForm:
    """The laid-out empty form and where each field and slot box is."""

    pdf: bytes
    fields: dict[str, Placement]
    slots: dict[str, Placement]


def lay_out_blank(*, fast: bool | None = None) -> BlankForm:
    """Lay out the empty form (:func:`formsvc.render.form.lay_out_form`; ``fast`` as there) and check
    that every field and slot has its box."""
    layout = lay_out_form(build_html(None, None, "blank"), base_dir=template_dir(),
                          attributes=(FIELD_ATTRIBUTE, SLOT_ATTRIBUTE), fast=fast)
    placements, slots = layout.boxes[FIELD_ATTRIBUTE], layout.boxes[SLOT_ATTRIBUTE]
    missing = [f.name for f in fields() if f.name not in placements]
    if missing:
        raise RuntimeError(f"the form layout lost fields: {', '.join(missing[:5])}")
    lost = [name for name in ("case_id", *closing_texts.SLOTS, *(f"summary-{i}" for i in range(len(LABELS))))
            if name not in slots]
    if lost:
        raise RuntimeError(f"the form layout lost slots: {', '.join(lost[:5])}")
    field_font()  # prepare the field font now, not in the first request
    return BlankForm(pdf=layout.pdf, fields=placements, slots=slots)


@lru_cache(maxsize=1)
def blank_form() -> BlankForm:
    """The empty form, laid out once per process the way the version guard chooses (same bytes every time)."""
    return lay_out_blank()


@lru_cache(maxsize=2)
def _blank_form_with(fast: bool) -> BlankForm:
    """The empty form laid out the fast or the stock way (for comparing them)."""
    return lay_out_blank(fast=fast)


def write_pdf(case: dict[str, Any], values: dict[str, str | bool], *, flatten: bool,
              fast: bool | None = None) -> bytes:
    """The application PDF: editable AcroForm fields, or the values burnt in when ``flatten``.
    ``fast`` chooses the fast or stock WeasyPrint and pypdf paths (default: the version guard's)."""
    blank = blank_form() if fast is None else _blank_form_with(fast)
    filler = FormFiller(blank.pdf, field_font(), base_font=BASE_FONT, fast=fast)
    overlays = [Overlay(blank.slots["case_id"], str(case.get("case_id") or ""))]
    overlays += [Overlay(blank.slots[f"summary-{i}"], text) for i, text in enumerate(summarize(case).values())]
    end = closing(case, str(values.get("antragsdatum") or ""))
    extra: dict[int, list[bytes]] = {}
    for slot, text in end.slots().items():
        place = blank.slots[slot]
        if slot == DECLARATION_SLOT and text and not flatten:  # drawn like the ticked widgets beside it
            x1, y1, x2, y2 = place.rect
            extra.setdefault(place.page, []).append(cross_ops(x1, y1, x2 - x1, y2 - y1) + b"\n")
        else:  # flattened, the mark is an "X" like the burnt-in checkboxes
            overlays.append(Overlay(place, text, size=SLOT_SIZES.get(slot, TEXT_SIZE)))
    if flatten:
        for field in fields():
            value = values[field.name]
            if field.kind == "checkbox":
                overlays.append(Overlay(blank.fields[field.name], "X" if value else ""))
            else:
                overlays.append(Overlay(blank.fields[field.name], str(value)))
    if end.preview:
        for index, chunks in filler.preview_mark_ops(closing_texts.PREVIEW_MARK,
                                                     closing_texts.PREVIEW_BANNER).items():
            extra.setdefault(index, []).extend(chunks)
    filler.add_page_text(overlays, extra)
    if not flatten:
        filler.add_widgets(fields(), values, blank.fields)
    title = f"{TITLE} – {case.get('case_id') or ''}"
    return filler.to_bytes(title=f"{closing_texts.PREVIEW_MARK.title()}: {title}" if end.preview else title)


__all__ = ["build_html", "write_pdf", "blank_form", "lay_out_blank"]
