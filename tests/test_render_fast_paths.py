"""The adapter room's fast paths against stock WeasyPrint and pypdf, and the version guard.

Every valid sample's letter is rendered both ways — fast path (expat tree, minimal
user-agent sheet, style memo, page-number box removed after layout) and stock
(``weasyprint.HTML(string=...)``, laid out again without the page number) — and
the PDFs' page texts are compared page by page.
"""
from __future__ import annotations

import io
import logging
import threading
from importlib import import_module

import pytest
from pypdf import PdfReader

from formsvc.case import loads
from formsvc.letters import options_from, render_letter
from formsvc.render import versions
from formsvc.render.pdfstream import StreamingPdfWriter

from conftest import valid_sample_paths

RENDERER = import_module("formsvc.letters.renderer")


def _page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _letters_with(fast: bool, cases: list[tuple[str, dict]], **overrides) -> dict[str, bytes]:
    """Each case's letter PDF from a renderer of its own (``fast`` or stock), in a fresh thread."""
    out: dict[str, bytes] = {}
    failure: list[BaseException] = []

    def run() -> None:
        try:
            RENDERER._local.renderer = RENDERER.LetterRenderer(fast=fast)
            for name, case in cases:
                out[name] = render_letter(case, options_from(case, overrides)).data
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)
        finally:
            RENDERER._local.__dict__.pop("renderer", None)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return out


@pytest.fixture(scope="module")
def samples() -> list[tuple[str, dict]]:
    return [(path.stem, loads(path.read_bytes())) for path in valid_sample_paths()]


@pytest.mark.parametrize("overrides", [{}, {"level": 3, "tone": "firm", "language": "pl"}],
                         ids=["as-the-case-says", "level3-firm-pl"])
def test_fast_and_stock_letters_have_the_same_pages(samples, overrides) -> None:
    """Same page count and the same text on every page, for every valid sample."""
    fast = _letters_with(True, samples, **overrides)
    stock = _letters_with(False, samples, **overrides)
    assert fast.keys() == stock.keys() == {name for name, _ in samples}
    for name in fast:
        assert _page_texts(fast[name]) == _page_texts(stock[name]), name


def test_the_stock_renderer_uses_no_fast_path() -> None:
    """The stock renderer has no style memo and no replaced HTML class."""
    holder: dict = {}
    thread = threading.Thread(target=lambda: holder.setdefault("r", RENDERER.LetterRenderer(fast=False)))
    thread.start()
    thread.join()
    stock = holder["r"]
    assert stock.style_memo is None and stock.engine._html_class is None and not stock.engine.fast


def test_an_unverified_version_switches_the_fast_paths_off_and_says_so(monkeypatch, caplog) -> None:
    """On a WeasyPrint or pypdf version the fast paths were not verified on, they are off, logged once."""
    versions.fast_paths.cache_clear()
    monkeypatch.setattr(versions, "installed_version", lambda library: "999.0")
    try:
        with caplog.at_level(logging.WARNING, logger="formsvc.render"):
            assert versions.fast_paths("weasyprint") is False
            assert versions.fast_paths("weasyprint") is False
            assert versions.fast_paths("pypdf") is False
        messages = [r.getMessage() for r in caplog.records if r.name == "formsvc.render"]
        assert len(messages) == 2 and "weasyprint 999.0" in messages[0] and "fast paths off" in messages[0]
        holder: dict = {}
        thread = threading.Thread(target=lambda: holder.setdefault("r", RENDERER.LetterRenderer()))
        thread.start()
        thread.join()
        assert holder["r"].engine.fast is False  # the default follows the guard
    finally:
        versions.fast_paths.cache_clear()


def test_the_pinned_versions_are_the_verified_ones() -> None:
    """The versions installed (pinned in pyproject.toml) are those the fast paths were verified on."""
    versions.fast_paths.cache_clear()
    assert versions.fast_paths("weasyprint") and versions.fast_paths("pypdf")


def test_the_print_file_is_the_same_without_the_splice_fast_path(samples, monkeypatch) -> None:
    """The streaming writer gives the same pages through pypdf as through the byte-level splice."""
    letters = list(_letters_with(True, samples[:4]).values())

    def merged() -> list[str]:
        out = io.BytesIO()
        writer = StreamingPdfWriter(out)
        for pdf in letters:
            writer.append_pdf(io.BytesIO(pdf))
        writer.close()
        return _page_texts(out.getvalue())

    fast = merged()
    versions.fast_paths.cache_clear()
    monkeypatch.setattr(versions, "installed_version", lambda library: "999.0")
    try:
        assert merged() == fast
    finally:
        versions.fast_paths.cache_clear()
