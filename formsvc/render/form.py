"""The application's WeasyPrint: a form laid out once, and where each of its marked boxes landed.

:func:`lay_out_form` takes the HTML of the blank application form, lays it
out with WeasyPrint (fetching only what :func:`~.fetcher.form_policy` allows:
the templates folder and the system fonts) and returns its PDF together with
the rectangle of every ``<span>`` carrying one of the given attributes
(``data-field``, ``data-slot``), in PDF points on its page. The per-case layer
(:mod:`.acroform`) draws into those rectangles. Two ways find them:

- **fast** (WeasyPrint 70 only, see :mod:`.versions`): one layout, then a walk
  over each page's box tree (``page._page_box`` and its ``children``), taking
  each span's border box;
- **stock**: WeasyPrint's documented ``Page.anchors`` (anchor name -> its
  border-box rectangle); WeasyPrint makes an anchor of every ``id``. The form
  is laid out once more per attribute from a copy of the HTML in which each
  marked span's ``id`` is the attribute's value and no other element has an
  ``id`` (ids change no layout as long as the stylesheet selects no ``#id``,
  which :func:`lay_out_form` checks); the PDF comes from the plain layout.

Both give the same rectangles and the same PDF bytes
(``tests/test_render_fast_paths.py`` compares them); the form is laid out
once per process, so the stock path's extra layouts cost start-up time only.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fetcher import form_policy, restricted_fetcher
from .versions import fast_paths

#: CSS pixels (1/96 in) to PDF points (1/72 in).
PX_TO_PT = 0.75
_ATTRIBUTE = re.compile(r"[a-z][a-z0-9-]*\Z")
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)(\s[^<>]*?)?(/?)>")
_ID = re.compile(r"""\sid\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


@dataclass(frozen=True)
class Placement:
    """Where a box landed: page index and rectangle in PDF points (x1, y1, x2, y2), origin bottom left."""

    page: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class FormLayout:
    """The laid-out form: its PDF, and per attribute the placement of each span carrying it (by value)."""

    pdf: bytes
    boxes: dict[str, dict[str, Placement]]


def lay_out_form(html: str, *, base_dir: Path, attributes: Sequence[str], fast: bool | None = None) -> FormLayout:
    """Lay out ``html`` (its relative URLs below ``base_dir``) and find the spans marked with each of
    ``attributes``; ``fast`` chooses the way (default: the version guard's answer for WeasyPrint)."""
    for attribute in attributes:
        if not _ATTRIBUTE.match(attribute):
            raise ValueError(f"not an HTML attribute name: {attribute!r}")
    use_fast = fast_paths("weasyprint") if fast is None else fast
    document = _render(html, base_dir)
    if use_fast:
        boxes = {attribute: _placements_from_boxes(document, attribute) for attribute in attributes}
    else:
        if _selects_by_id(_style_text(html)):
            raise ValueError("the form's stylesheet selects by #id: the stock way to find its boxes would move them")
        boxes = {attribute: _placements_from_anchors(_render(_with_anchor_ids(html, attribute), base_dir))
                 for attribute in attributes}
    return FormLayout(pdf=document.write_pdf(), boxes=boxes)


def _render(html: str, base_dir: Path) -> Any:
    """``html`` laid out by stock WeasyPrint, fetching what the application's policy allows."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = restricted_fetcher(form_policy(base_dir))
    return HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=FontConfiguration())


def _style_text(html: str) -> str:
    """The contents of the document's ``<style>`` elements."""
    return "".join(re.findall(r"<style\b[^>]*>(.*?)</style>", html, flags=re.S | re.I))


def _selects_by_id(css: str) -> bool:
    """True when a selector of ``css`` (nested at-rules included) names an ``#id``."""
    import tinycss2

    def walk(nodes: list[Any]) -> bool:
        for node in nodes:
            if node.type == "qualified-rule" and any(
                    token.type == "hash" and token.is_identifier for token in node.prelude):
                return True
            if node.type == "at-rule" and node.content is not None and walk(
                    tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)):
                return True
        return False

    return walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _with_anchor_ids(html: str, attribute: str) -> str:
    """``html`` with every ``id`` removed and each ``<span>`` carrying ``attribute`` given it as ``id``
    (so that WeasyPrint's anchors are exactly those spans, by value). The HTML is the form template's
    output: attribute values are escaped, ``<style>`` holds no ``<``."""
    value = re.compile(r"\s" + attribute + r'\s*=\s*"([^"]*)"')

    def retag(tag: re.Match[str]) -> str:
        name, attrs, close = tag.group(1), tag.group(2) or "", tag.group(3)
        attrs = _ID.sub("", attrs)
        marked = value.search(attrs) if name.lower() == "span" else None
        if marked:
            attrs = f' id="{marked.group(1)}"' + attrs
        return f"<{name}{attrs}{close}>"

    return _START_TAG.sub(retag, html)


def _to_pdf(index: int, page_height_px: float, x1: float, y1: float, x2: float, y2: float) -> Placement:
    """A CSS-pixel rectangle (origin top left) as a placement in PDF points (origin bottom left)."""
    height_pt = page_height_px * PX_TO_PT
    return Placement(index, (x1 * PX_TO_PT, height_pt - y2 * PX_TO_PT, x2 * PX_TO_PT, height_pt - y1 * PX_TO_PT))


def _placements_from_boxes(document: Any, attribute: str) -> dict[str, Placement]:
    """Fast: every span box with ``attribute`` found in the pages' box trees (WeasyPrint 70 internals)."""
    found: dict[str, Placement] = {}
    for index, page in enumerate(document.pages):
        stack = [page._page_box]  # noqa: SLF001 (the layout tree; the stock path uses Page.anchors)
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            name = element.get(attribute) if element is not None and getattr(box, "element_tag", "") == "span" else None
            if name and name not in found and getattr(box, "pseudo_type", None) is None:
                x, y = box.border_box_x(), box.border_box_y()
                w, h = box.border_width(), box.border_height()
                found[name] = _to_pdf(index, page.height, x, y, x + w, y + h)
            stack.extend(reversed(getattr(box, "children", ()) or ()))
    return found


def _placements_from_anchors(document: Any) -> dict[str, Placement]:
    """Stock: the pages' anchors (the first box of a name wins, as in the box walk)."""
    found: dict[str, Placement] = {}
    for index, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            if name not in found:
                found[name] = _to_pdf(index, page.height, x1, y1, x2, y2)
    return found


__all__ = ["FormLayout", "Placement", "PX_TO_PT", "lay_out_form"]
