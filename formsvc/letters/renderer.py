"""The warm letter renderer: everything expensive is built once per process (per thread).

* one Jinja2 environment per language (autoescape, i18n extension with that
  language's compiled catalog), the template compiled once;
* WeasyPrint's state, in :class:`formsvc.render.weasy.LetterEngine` (the only
  place that touches WeasyPrint): the stylesheet parsed once, bound to one
  ``FontConfiguration`` that already knows the two small subset fonts, and a
  restricted URL fetcher that serves only the project's own fonts and the
  ``data:`` image URIs the template itself embeds (the GiroCode) — anything
  else (``http:``, ``file:`` ...) is refused, so case text can never make
  WeasyPrint read the network or the file system;
* the speed shortcuts (see docs/letters.md, "Performance"), on the WeasyPrint
  version they were verified on (:mod:`formsvc.render.versions`): the template
  writes well-formed XHTML, parsed with expat (:func:`parse_xhtml`) instead of
  the HTML5 parser (which stays as fallback); a minimal user-agent stylesheet
  (``ua.css``) instead of WeasyPrint's full HTML5 one; and a
  :class:`~formsvc.render.style_memo.StyleMemo` that carries computed CSS
  values from one letter to the next. None of them changes a byte of the
  output (tests/test_letters_fast_path.py), and the stock path gives the same
  pages (tests/test_render_fast_paths.py).

PDFs are deterministic: creation and modification dates come from the letter
date (``<meta name="dcterms.created">``), nothing else varies between runs.
"""
from __future__ import annotations

import atexit
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from ..config import Settings
from ..render.weasy import LetterEngine
from . import assets, i18n
from .model import LetterContext

TEMPLATE = "letter.html"
STYLESHEET = "letter.css"
UA_STYLESHEET = "ua.css"
ASSET_SCHEME = "formsvc-asset:"
BETWEEN_TAGS = re.compile(r">\n\s*<")
#: The margin box that carries "page x of y" (letter.html).
PAGE_NUMBER_BOX = "@bottom-right"


def css_counters(text: str) -> Markup:
    """Turn a translated "Seite {page} von {pages}" into a CSS ``content`` value with counters."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", str(text)):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            safe = re.sub(r'[\\"<>\n]', "", piece)
            parts.append(f'"{safe}"')
    return Markup(" ".join(parts) or '""')


FIRST_LETTER = re.compile(r"^((?:\s|<[^>]*>)*)(\w)")


def upper_first(text: str, enabled: bool = True) -> Markup:
    """``text`` (template output, already escaped) with its first letter outside tags in upper case, when
    ``enabled``. A German letter goes on in lower case after the salutation's comma; when a paragraph is put
    before the usual first one (the attorney's "in Vollmacht und im Auftrag …"), that one starts a new
    sentence and is capitalised here."""
    markup = Markup(text)
    if not enabled:
        return markup
    return Markup(FIRST_LETTER.sub(lambda m: m.group(1) + m.group(2).upper(), str(markup), count=1))


def parse_xhtml(source: str) -> Any:
    """The template's output as an element tree: expat for the well-formed XHTML the template writes
    (~20x faster than an HTML5 parser), the HTML5 parser when expat refuses it (e.g. a control
    character in case text: the same tree, slower)."""
    try:
        return ElementTree.fromstring(source)
    except ElementTree.ParseError:
        import tinyhtml5

        return tinyhtml5.parse(source, namespace_html_elements=False)


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and its number of pages."""

    data: bytes
    page_count: int


class LetterRenderer:
    """Holds the warm state; use :func:`renderer` to get the one for this thread.

    ``fast`` chooses WeasyPrint's fast paths or the stock ones (default: the version guard's
    answer, :func:`formsvc.render.versions.fast_paths`)."""

    def __init__(self, settings: Settings | None = None, *, fast: bool | None = None) -> None:
        base = i18n.letters_dir()
        self.css_text = (base / STYLESHEET).read_text(encoding="utf-8")
        fonts = assets.font_files(settings)
        self.engine = LetterEngine(
            stylesheet=self.css_text, ua_stylesheet=(base / UA_STYLESHEET).read_text(encoding="utf-8"),
            files={f"{ASSET_SCHEME}/fonts/{style}.ttf": path.read_bytes() for style, path in fonts.items()},
            scheme=ASSET_SCHEME, parse=parse_xhtml, fast=fast)
        self.fetcher = self.engine.fetcher
        self.style_memo = self.engine.style_memo  # None on the stock path
        self.loader = jinja2.FileSystemLoader(str(base))
        self.environments: dict[str, jinja2.Environment] = {}

    def environment(self, language: str) -> jinja2.Environment:
        """The Jinja2 environment of ``language`` (built on first use)."""
        env = self.environments.get(language)
        if env is None:
            env = jinja2.Environment(loader=self.loader, autoescape=True, extensions=["jinja2.ext.i18n"],
                                     undefined=jinja2.StrictUndefined, auto_reload=False)
            # gettext/ngettext look up the letter's grammatical voice first (i18n.voice)
            env.install_gettext_callables(**i18n.voiced_callables(i18n.translations(language)),  # type: ignore[attr-defined]
                                          newstyle=True)
            env.filters["css_counters"] = css_counters
            env.filters["upper_first"] = upper_first
            env.get_template(TEMPLATE)
            self.environments[language] = env
        return env

    def html(self, context: LetterContext, language: str, *, standalone: bool,
             page_numbers: bool = False) -> str:
        """The letter as HTML; ``standalone`` inlines the stylesheet (preview, naive baseline)."""
        template = self.environment(language).get_template(TEMPLATE)
        html = template.render(**context.as_dict(), inline_css=standalone, css=Markup(self.css_text),
                               page_numbers=page_numbers)
        # Line breaks between tags are layout-neutral here; dropping them spares WeasyPrint
        # hundreds of anonymous whitespace boxes (tables especially).
        return BETWEEN_TAGS.sub("><", html)

    def pdf(self, context: LetterContext, language: str, *, pdf_variant: str | None = None) -> PdfResult:
        """The letter as PDF (see :meth:`layout`)."""
        document = self.layout(context, language)
        options: dict[str, Any] = {}
        if pdf_variant:
            options["pdf_variant"] = pdf_variant
        data = self.engine.write_pdf(document, **options)
        return PdfResult(data, len(document.pages))

    def layout(self, context: LetterContext, language: str) -> Any:
        """The letter laid out (a WeasyPrint document), once: "page x of y" is dropped again from a
        one-page letter (on the stock path the letter is laid out again without it).

        The margin box sits in the page's bottom-right margin, beside the footer whose width is
        fixed, so removing it after layout leaves everything else where it was."""
        document = self._document(context, language, page_numbers=True)
        if len(document.pages) == 1 and not self.engine.drop_margin_box(document.pages[0], PAGE_NUMBER_BOX):
            document = self._document(context, language, page_numbers=False)
        return document

    def write_pages(self, documents: Sequence[Any], blank_after: Sequence[bool]) -> bytes:
        """Several laid-out letters as one PDF, each followed by a blank page where ``blank_after``
        says so. Fonts are embedded once for all of them, not once per letter."""
        return self.engine.write_pages(documents, blank_after)

    def _document(self, context: LetterContext, language: str, *, page_numbers: bool) -> Any:
        return self.engine.document(self.html(context, language, standalone=False, page_numbers=page_numbers))


_local = threading.local()


@atexit.register
def _release() -> None:
    """Drop this thread's renderer while WeasyPrint's modules are still alive.

    Otherwise ``FontConfiguration.__del__`` runs during interpreter shutdown and
    prints an ignored ``TypeError``.
    """
    _local.__dict__.pop("renderer", None)


def renderer(settings: Settings | None = None) -> LetterRenderer:
    """The warm renderer of the current thread, created on first use with the fonts of
    ``settings.cache_dir`` (later calls reuse it: the fonts are the same wherever cached)."""
    current = getattr(_local, "renderer", None)
    if current is None:
        current = LetterRenderer(settings)
        _local.renderer = current
    return current
