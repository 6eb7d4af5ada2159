"""HTML and PDF of the application: template → blank form (once) → per-case layer.

One template serves two modes: ``html`` (a browser preview, values in
read-only inputs) and ``blank`` (the form without any case data). The blank
form is laid out by WeasyPrint once per process — its layout never depends on
the case — and the positions of its boxes are kept. Each application then
copies the blank PDF and adds the case: page text for the case id, the
summary and the closing slots (declaration mark, place, date, who signs;
:mod:`.closing`), the "Vorschau" mark on every page for an attorney of kind 1
or 2, and either AcroForm widgets (editable) or the values printed into the
boxes (``flatten``). The footer is part of the blank form (the same on every
page and for every case). WeasyPrint may only read the project's templates and
the system fonts (:class:`RestrictedFetcher`).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from weasyprint.text.fonts import FontConfiguration

from .. import resources
from . import closing as closing_texts
from .closing import Closing, closing
from .fields import fields, groups
from .form_font import field_font
from .summary import LABELS, summarize
from .widgets import (
    TEXT_SIZE, Overlay, Placement, add_font, add_page_text, add_widgets, cross_ops, preview_mark_ops,
)

Mode = Literal["html", "blank"]
PX_TO_PT = 0.75
ALLOWED_DIRS = (Path("/usr/share/fonts"),)
TITLE = "Antrag auf Erlass eines Mahnbescheids"
#: Print size of the signature block's slots where it differs from the field text size.
SLOT_SIZES = {"signature-role": 6.0, "signature-name": 7.0}
DECLARATION_SLOT = "declaration-none"


class RestrictedFetcher(weasyprint.URLFetcher):
    """Serve only ``file:`` URLs below the templates folder and the system fonts; refuse the rest."""

    def fetch(self, url: str, headers: Any = None) -> Any:  # noqa: D102 (documented on the class)
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            for allowed in (template_dir(), *ALLOWED_DIRS):
                if path.is_relative_to(allowed.resolve()) and path.is_file():
                    return super().fetch(url, headers)
        raise ValueError(f"resource not allowed in the application PDF: {url[:80]}")


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


def _placements(document: Any, attribute: str) -> dict[str, Placement]:
    """Every box with ``attribute`` in the laid-out pages: page index and PDF rectangle."""
    found: dict[str, Placement] = {}
    for index, page in enumerate(document.pages):
        height_pt = page.height * PX_TO_PT
        stack = [page._page_box]  # noqa: SLF001 (the layout tree is how WeasyPrint exposes positions)
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            name = element.get(attribute) if element is not None and getattr(box, "element_tag", "") == "span" else None
            if name and name not in found and getattr(box, "pseudo_type", None) is None:
                x, y = box.border_box_x(), box.border_box_y()
                w, h = box.border_width(), box.border_height()
                found[name] = Placement(index, (x * PX_TO_PT, height_pt - (y + h) * PX_TO_PT,
                                                (x + w) * PX_TO_PT, height_pt - y * PX_TO_PT))
            stack.extend(reversed(getattr(box, "children", ()) or ()))
    return found


@lru_cache(maxsize=1)
def blank_form() -> BlankForm:
    """Lay out the empty form once per process (fixed metadata: same bytes every time)."""
    html = build_html(None, None, "blank")
    document = weasyprint.HTML(string=html, base_url=template_dir().as_uri() + "/",
                               url_fetcher=RestrictedFetcher()).render(font_config=FontConfiguration())
    placements = _placements(document, "data-field")
    missing = [f.name for f in fields() if f.name not in placements]
    if missing:
        raise RuntimeError(f"the form layout lost fields: {', '.join(missing[:5])}")
    slots = _placements(document, "data-slot")
    lost = [name for name in ("case_id", *closing_texts.SLOTS, *(f"summary-{i}" for i in range(len(LABELS))))
            if name not in slots]
    if lost:
        raise RuntimeError(f"the form layout lost slots: {', '.join(lost[:5])}")
    field_font()  # prepare the field font now, not in the first request
    return BlankForm(pdf=document.write_pdf(), fields=placements, slots=slots)


def write_pdf(case: dict[str, Any], values: dict[str, str | bool], *, flatten: bool) -> bytes:
    """The application PDF: editable AcroForm fields, or the values burnt in when ``flatten``."""
    blank = blank_form()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank.pdf)))
    font_ref = add_font(writer, field_font())
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
        for index, chunks in preview_mark_ops(writer, closing_texts.PREVIEW_MARK,
                                              closing_texts.PREVIEW_BANNER).items():
            extra.setdefault(index, []).extend(chunks)
    add_page_text(writer, font_ref, overlays, extra)
    if not flatten:
        add_widgets(writer, font_ref, fields(), values, blank.fields)
    title = f"{TITLE} – {case.get('case_id') or ''}"
    writer.add_metadata({"/Title": f"{closing_texts.PREVIEW_MARK.title()}: {title}" if end.preview else title,
                         "/Producer": "formsvc"})
    writer._info.get_object().pop(NameObject("/CreationDate"), None)  # noqa: SLF001 (deterministic output)
    writer._ID = None  # noqa: SLF001
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


__all__ = ["build_html", "write_pdf", "blank_form"]
