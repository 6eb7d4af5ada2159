"""The adapter room's fast paths against stock WeasyPrint and pypdf, and the version guard.

Every valid sample's letter is rendered both ways — fast path (expat tree, minimal
user-agent sheet, style memo, page-number box removed after layout) and stock
(``weasyprint.HTML(string=...)``, laid out again without the page number) — and
the PDFs' page texts are compared page by page. Every valid sample's
application is rendered both ways too — fast (the page box tree, raw
compressed font streams, no ``/ID``) and stock (WeasyPrint's anchors, public
pypdf calls) — and its field names and values and its page texts compared.
"""
from __future__ import annotations

import io
import logging
import threading
from importlib import import_module

import pytest
from pypdf import PdfReader

from formsvc.case import loads
from formsvc.claimed import court_case
from formsvc.letters import options_from, render_letter
from formsvc.mahnantrag import map_case
from formsvc.mahnantrag import render as render_application
from formsvc.render import versions
from formsvc.render.pdfstream import StreamingPdfWriter

from conftest import valid_sample_paths

RENDERER = import_module("formsvc.letters.renderer")
APPLICATION = import_module("formsvc.mahnantrag.document")


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


# --- the Mahnbescheid application: render/form.py (layout) and render/acroform.py (pypdf layer) ---

def _fields_and_texts(pdf: bytes) -> tuple[dict[str, object], list[str]]:
    """Every AcroForm field's value by name (read back with pypdf) and every page's text."""
    reader = PdfReader(io.BytesIO(pdf))
    fields = {name: field.get("/V") for name, field in (reader.get_fields() or {}).items()}
    return fields, [page.extract_text() for page in reader.pages]


def test_the_blank_application_form_is_the_same_both_ways() -> None:
    """The box walk (fast) and WeasyPrint's anchors (stock) find the same rectangles; same blank PDF."""
    fast, stock = APPLICATION._blank_form_with(True), APPLICATION._blank_form_with(False)
    assert fast.pdf == stock.pdf
    assert fast.fields == stock.fields and len(fast.fields) > 100
    assert fast.slots == stock.slots


@pytest.mark.parametrize("flatten", [False, True], ids=["editable", "flattened"])
def test_fast_and_stock_applications_have_the_same_fields_and_pages(samples, flatten: bool) -> None:
    """Every valid sample's application, fast path and stock WeasyPrint/pypdf: the same field names
    and values, the same page texts; the fast one is what the service renders."""
    for name, case in samples:
        claimed = court_case(case)
        values = map_case(claimed)
        fast = APPLICATION.write_pdf(claimed, values, flatten=flatten, fast=True)
        stock = APPLICATION.write_pdf(claimed, values, flatten=flatten, fast=False)
        fast_fields, fast_texts = _fields_and_texts(fast)
        stock_fields, stock_texts = _fields_and_texts(stock)
        assert fast_fields == stock_fields, name
        assert (len(fast_fields) > 100) is not flatten, name
        assert fast_texts == stock_texts, name
        assert fast == render_application(case, flatten=flatten).data, name
        assert b"/ID" not in fast.rpartition(b"trailer")[2] and b"/CreationDate" not in fast, name


def test_the_application_follows_the_version_guard(monkeypatch, tmp_path) -> None:
    """On unverified versions the application's layout finds its boxes through anchors and its
    pypdf layer uses public calls only; the result has the same fields."""
    from formsvc.mahnantrag.form_font import BASE_FONT, field_font
    from formsvc.render import acroform, form

    html = ('<html><body><p id="other">x</p><span style="display:block;height:10px" data-field="a"></span>'
            '<span style="display:inline-block;width:20px;height:5px" data-field="b" id="b"></span></body></html>')
    fast = form.lay_out_form(html, base_dir=tmp_path, attributes=("data-field",), fast=True)
    versions.fast_paths.cache_clear()
    monkeypatch.setattr(versions, "installed_version", lambda library: "999.0")
    monkeypatch.setattr(form, "_placements_from_boxes", lambda *args: pytest.fail("the box walk was used"))
    try:
        stock = form.lay_out_form(html, base_dir=tmp_path, attributes=("data-field",))
        filler = acroform.FormFiller(stock.pdf, field_font(), base_font=BASE_FONT)
        assert filler.fast is False
    finally:
        versions.fast_paths.cache_clear()
    assert stock.boxes == fast.boxes and set(stock.boxes["data-field"]) == {"a", "b"}
    assert stock.pdf == fast.pdf
    with pytest.raises(ValueError, match="#id"):
        form.lay_out_form("<style>#other { color: red }</style>" + html, base_dir=tmp_path,
                          attributes=("data-field",), fast=False)
