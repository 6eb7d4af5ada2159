"""The warm letter renderer: everything expensive is built once per process (per thread).

* one Jinja2 environment per language (autoescape, i18n extension with that
  language's compiled catalog), the template compiled once;
* the stylesheet parsed once into a WeasyPrint ``CSS`` bound to one
  ``FontConfiguration`` that already knows the two small subset fonts;
* a restricted URL fetcher that serves only the project's own fonts and the
  ``data:`` image URIs the template itself embeds (the GiroCode) — anything
  else (``http:``, ``file:`` ...) is refused, so case text can never make
  WeasyPrint read the network or the file system;
* the speed shortcuts (see docs/letters.md, "Performance"): the template writes
  well-formed XHTML, parsed with expat instead of the HTML5 parser (which stays
  as fallback); a minimal user-agent stylesheet (``ua.css``) instead of
  WeasyPrint's full HTML5 one; and a :class:`~.style_memo.StyleMemo` that
  carries computed CSS values from one letter to the next. None of them
  changes a byte of the output (tests/test_letters_fast_path.py).

PDFs are deterministic: creation and modification dates come from the letter
date (``<meta name="dcterms.created">``), nothing else varies between runs.
"""
from __future__ import annotations

import atexit
import base64
import logging
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from ..config import Settings
from . import assets, i18n
from .model import LetterContext
from .style_memo import StyleMemo

TEMPLATE = "letter.html"
STYLESHEET = "letter.css"
UA_STYLESHEET = "ua.css"
ASSET_SCHEME = "formsvc-asset:"
ALLOWED_DATA_TYPES = ("image/svg+xml", "image/png")
BETWEEN_TAGS = re.compile(r">\n\s*<")
#: The margin box that carries "page x of y" (letter.html).
PAGE_NUMBER_BOX = "@bottom-right"

# WeasyPrint reports refused fetches as warnings; they are expected for hostile input.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


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


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        """Serve the project's fonts and embedded data images; refuse everything else."""

        def __init__(self, files: dict[str, bytes]) -> None:
            super().__init__(allowed_protocols=("formsvc-asset", "data"), fail_on_errors=False)
            self.files = files

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(ASSET_SCHEME) and url in self.files:
                return URLFetcherResponse(url, self.files[url], {"Content-Type": "font/ttf"})
            if url.startswith("data:"):
                header, _, payload = url[5:].partition(",")
                mime = header.split(";")[0]
                if mime in ALLOWED_DATA_TYPES and header.endswith(";base64"):
                    return URLFetcherResponse(url, base64.b64decode(payload), {"Content-Type": mime})
            raise ValueError(f"resource refused by the letter renderer: {urllib.parse.quote(url[:60])}")

    return RestrictedFetcher


def _html_class(ua_stylesheet: Any, memo: StyleMemo) -> type:
    """A ``weasyprint.HTML`` that parses the template's XHTML with expat, uses ``ua_stylesheet``
    and pre-fills computed styles from ``memo``."""
    import cssselect2
    import tinyhtml5
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.document import Document

    class LetterDocument(Document):
        """A WeasyPrint document whose element styles start from the values of earlier letters."""

        @classmethod
        def _build_layout_context(cls, html: Any, font_config: Any, counter_style: Any,
                                  color_profiles: Any, options: Any) -> Any:
            context = super()._build_layout_context(html, font_config, counter_style, color_profiles,
                                                    options)
            memo.attach(context.style_for)
            return context

    class LetterHTML(HTML):
        """The letter document: well-formed template output, minimal user-agent stylesheet."""

        def __init__(self, source: str, base_url: str, url_fetcher: Any) -> None:  # noqa: D107
            try:  # the template writes well-formed XHTML; expat is ~20x faster than the HTML5 parser
                root = ElementTree.fromstring(source)
            except ElementTree.ParseError:  # e.g. a control character in case text: same tree, slower
                root = tinyhtml5.parse(source, namespace_html_elements=False)
            self.base_url = base_url
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [ua_stylesheet]

        def render(self, font_config: Any = None, counter_style: Any = None, color_profiles: Any = None,
                   **options: Any) -> Any:
            """Lay out like ``HTML.render``, through :class:`LetterDocument`."""
            return LetterDocument._render(self, font_config, counter_style, color_profiles,
                                          {**DEFAULT_OPTIONS, **options})

    return LetterHTML


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF and its number of pages."""

    data: bytes
    page_count: int


class LetterRenderer:
    """Holds the warm state; use :func:`renderer` to get the one for this thread."""

    def __init__(self, settings: Settings | None = None) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        base = i18n.letters_dir()
        self.css_text = (base / STYLESHEET).read_text(encoding="utf-8")
        fonts = assets.font_files(settings)
        self.fetcher = _fetcher_class()({
            f"{ASSET_SCHEME}/fonts/{style}.ttf": path.read_bytes() for style, path in fonts.items()})
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(string=self.css_text, base_url=f"{ASSET_SCHEME}/", url_fetcher=self.fetcher,
                              font_config=self.font_config)
        self.style_memo = StyleMemo()
        self.html_class = _html_class(CSS(string=(base / UA_STYLESHEET).read_text(encoding="utf-8")),
                                      self.style_memo)
        self.loader = jinja2.FileSystemLoader(str(base))
        self.environments: dict[str, jinja2.Environment] = {}
        self._blank: Any = None

    def environment(self, language: str) -> jinja2.Environment:
        """The Jinja2 environment of ``language`` (built on first use)."""
        env = self.environments.get(language)
        if env is None:
            env = jinja2.Environment(loader=self.loader, autoescape=True, extensions=["jinja2.ext.i18n"],
                                     undefined=jinja2.StrictUndefined, auto_reload=False)
            env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
            env.filters["css_counters"] = css_counters
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
        data = document.write_pdf(**options)
        return PdfResult(data, len(document.pages))

    def layout(self, context: LetterContext, language: str) -> Any:
        """The letter laid out (a WeasyPrint document), once: "page x of y" is dropped again from a
        one-page letter."""
        document = self._document(context, language, page_numbers=True)
        if len(document.pages) == 1:
            _drop_page_number(document.pages[0])
        return document

    def write_pages(self, documents: Sequence[Any], blank_after: Sequence[bool]) -> bytes:
        """Several laid-out letters as one PDF, each followed by a blank page where ``blank_after``
        says so. Fonts are embedded once for all of them, not once per letter."""
        pages = []
        for document, blank in zip(documents, blank_after, strict=True):
            pages.extend(document.pages)
            if blank:
                pages.append(self._blank_page())
        return documents[0].copy(pages).write_pdf()

    def _blank_page(self) -> Any:
        """An empty page of the letters' size (laid out once)."""
        if self._blank is None:
            source = '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>-</title></head><body/></html>'
            document = self.html_class(source, f"{ASSET_SCHEME}/", self.fetcher).render(
                stylesheets=[self.stylesheet], font_config=self.font_config)
            self._blank = document.pages[0]
        return self._blank

    def _document(self, context: LetterContext, language: str, *, page_numbers: bool) -> Any:
        source = self.html(context, language, standalone=False, page_numbers=page_numbers)
        return self.html_class(source, f"{ASSET_SCHEME}/", self.fetcher).render(
            stylesheets=[self.stylesheet], font_config=self.font_config)


def _drop_page_number(page: Any) -> None:
    """Remove the "page x of y" margin box from a laid-out page (WeasyPrint 70 ``Page``).

    The margin box sits in the page's bottom-right margin, beside the footer whose width
    is fixed, so removing it after layout leaves everything else where it was.
    """
    box = page._page_box
    box.children = [child for child in box.children if getattr(child, "at_keyword", None) != PAGE_NUMBER_BOX]


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
