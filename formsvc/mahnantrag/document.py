"""HTML and PDF of the application: template → blank form (once) → per-case layer.

One template serves two modes: ``html`` (a browser preview, values in
read-only inputs) and ``blank`` (the form without any case data). The blank
form is laid out by WeasyPrint once per process — its layout never depends on
the case — and the positions of its boxes are kept. Each application then
copies the blank PDF and adds the case: page text for the case id and the
summary, and either AcroForm widgets (editable) or the values printed into the
boxes (``flatten``). WeasyPrint may only read the project's templates and the
system fonts (:class:`RestrictedFetcher`).
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
from .fields import fields, groups
from .form_font import field_font
from .summary import LABELS, summarize
from .widgets import Overlay, Placement, add_font, add_page_text, add_widgets

Mode = Literal["html", "blank"]
PX_TO_PT = 0.75
ALLOWED_DIRS = (Path("/usr/share/fonts"),)
TITLE = "Antrag auf Erlass eines Mahnbescheids"


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


def build_html(case: dict[str, Any] | None, values: dict[str, str | bool] | None, mode: Mode) -> str:
    """The form as HTML: filled in (``html``) or without any case data (``blank``)."""
    if mode == "blank" or case is None or values is None:
        case, values, summary_values = {}, {f.name: "" for f in fields()}, [""] * len(LABELS)
    else:
        summary_values = summarize(case).values()
    return _environment().get_template("form.html").render(
        case_id=str(case.get("case_id") or ""), groups=groups(), values=values, mode=mode, css=_css(),
        summary_labels=LABELS, summary_values=summary_values,
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
    field_font()  # prepare the field font now, not in the first request
    return BlankForm(pdf=document.write_pdf(), fields=placements, slots=_placements(document, "data-slot"))


def write_pdf(case: dict[str, Any], values: dict[str, str | bool], *, flatten: bool) -> bytes:
    """The application PDF: editable AcroForm fields, or the values burnt in when ``flatten``."""
    blank = blank_form()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank.pdf)))
    font_ref = add_font(writer, field_font())
    overlays = [Overlay(blank.slots["case_id"], str(case.get("case_id") or ""))]
    overlays += [Overlay(blank.slots[f"summary-{i}"], text) for i, text in enumerate(summarize(case).values())]
    if flatten:
        for field in fields():
            value = values[field.name]
            if field.kind == "checkbox":
                overlays.append(Overlay(blank.fields[field.name], "X" if value else ""))
            else:
                overlays.append(Overlay(blank.fields[field.name], str(value)))
    add_page_text(writer, font_ref, overlays)
    if not flatten:
        add_widgets(writer, font_ref, fields(), values, blank.fields)
    writer.add_metadata({"/Title": f"{TITLE} – {case.get('case_id') or ''}", "/Producer": "formsvc"})
    writer._info.get_object().pop(NameObject("/CreationDate"), None)  # noqa: SLF001 (deterministic output)
    writer._ID = None  # noqa: SLF001
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


__all__ = ["build_html", "write_pdf", "blank_form"]
