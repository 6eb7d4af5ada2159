"""The letters' WeasyPrint: documents from template output, fast or stock.

:class:`LetterEngine` holds what is built once per renderer (font
configuration, parsed stylesheet, fetcher, style memo) and lays out documents
in one of two ways:

- **fast** (WeasyPrint 70 only, see :mod:`.versions`): the template's XHTML
  parsed by the caller (expat), a minimal user-agent stylesheet instead of
  WeasyPrint's HTML5 one, computed styles pre-filled from the
  :class:`~.style_memo.StyleMemo` (``HTML.__init__`` and ``_ua_stylesheets``
  replaced, ``Document._render`` and ``_build_layout_context`` hooked), and
  "page x of y" removed from a laid-out one-page letter by editing its page box;
- **stock**: ``weasyprint.HTML(string=...)`` as documented, and a one-page
  letter laid out a second time without the page number.

Both give the same pages (``tests/test_render_fast_paths.py`` compares them for
every valid sample). The URL fetcher is the one of :mod:`.fetcher`, with the
letters' policy: only the fonts it is given and ``data:`` URIs of the allowed
image types; everything else (``http:``, ``file:`` ...) is refused, so case
text can never make WeasyPrint read the network or the file system.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from .fetcher import LETTER_DATA_TYPES, letter_policy, restricted_fetcher
from .style_memo import StyleMemo
from .versions import fast_paths

# WeasyPrint reports refused fetches as warnings; they are expected for hostile input.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

ALLOWED_DATA_TYPES = LETTER_DATA_TYPES
BLANK_PAGE = '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>-</title></head><body/></html>'


def _fast_html_class(ua_stylesheet: Any, memo: StyleMemo, parse: Callable[[str], Any]) -> type:
    """A ``weasyprint.HTML`` that takes the tree ``parse`` makes of the source, uses ``ua_stylesheet``
    and pre-fills computed styles from ``memo`` (WeasyPrint 70 internals)."""
    import cssselect2
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
        """The letter document: a parsed tree, the minimal user-agent stylesheet."""

        def __init__(self, source: str, base_url: str, url_fetcher: Any) -> None:  # noqa: D107
            root = parse(source)
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


class LetterEngine:
    """WeasyPrint state of one renderer and the two ways of laying out a letter (see the module)."""

    def __init__(self, *, stylesheet: str, ua_stylesheet: str, files: dict[str, bytes], scheme: str,
                 parse: Callable[[str], Any], fast: bool | None = None) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.fast = fast_paths("weasyprint") if fast is None else fast
        self.base_url = f"{scheme}/"
        self.fetcher = restricted_fetcher(letter_policy(files, scheme=scheme))
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(string=stylesheet, base_url=self.base_url, url_fetcher=self.fetcher,
                              font_config=self.font_config)
        self.style_memo: StyleMemo | None = None
        self._html_class: Any = None
        if self.fast:
            self.style_memo = StyleMemo()
            self._html_class = _fast_html_class(CSS(string=ua_stylesheet), self.style_memo, parse)
        self._blank: Any = None

    def document(self, source: str) -> Any:
        """``source`` laid out (a WeasyPrint ``Document``)."""
        if self._html_class is not None:
            html = self._html_class(source, self.base_url, self.fetcher)
        else:
            from weasyprint import HTML

            html = HTML(string=source, base_url=self.base_url, url_fetcher=self.fetcher)
        return html.render(stylesheets=[self.stylesheet], font_config=self.font_config)

    def drop_margin_box(self, page: Any, at_keyword: str) -> bool:
        """Remove the margin box ``at_keyword`` from a laid-out page (fast path: WeasyPrint 70's
        ``page._page_box``); ``False`` when the stock path is in use and the caller must lay out
        again without it."""
        if not self.fast:
            return False
        box = page._page_box
        box.children = [child for child in box.children if getattr(child, "at_keyword", None) != at_keyword]
        return True

    def write_pdf(self, document: Any, **options: Any) -> bytes:
        """The document as PDF (``pdf_variant`` and other ``write_pdf`` options as WeasyPrint's)."""
        return document.write_pdf(**options)

    def write_pages(self, documents: Sequence[Any], blank_after: Sequence[bool]) -> bytes:
        """Several laid-out documents as one PDF, each followed by a blank page where ``blank_after``
        says so; fonts are embedded once for all of them."""
        pages = []
        for document, blank in zip(documents, blank_after, strict=True):
            pages.extend(document.pages)
            if blank:
                pages.append(self._blank_page())
        return documents[0].copy(pages).write_pdf()

    def _blank_page(self) -> Any:
        """An empty page of the documents' size (laid out once)."""
        if self._blank is None:
            self._blank = self.document(BLANK_PAGE).pages[0]
        return self._blank
