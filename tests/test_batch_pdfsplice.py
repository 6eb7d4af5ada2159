"""The fast splice path: our letters take it and come out as the pypdf path writes them; other PDFs fall back."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from formsvc.render import pdfsplice
from formsvc.render.pdfstream import StreamingPdfWriter
from formsvc.letters import options_from, render_letter


@pytest.fixture
def letter_pdf(example_case) -> bytes:
    """One rendered example letter (WeasyPrint's shape)."""
    return render_letter(example_case, options_from(example_case, {})).data


def _merge(pdfs: list[bytes], *, fast: bool) -> bytes:
    """Merge ``pdfs`` by the fast or the pypdf path."""
    out = io.BytesIO()
    writer = StreamingPdfWriter(out)
    for data in pdfs:
        if fast:
            writer.append_pdf(io.BytesIO(data))
        else:
            writer._append_with_pypdf(io.BytesIO(data))  # noqa: SLF001 - the reference path
    writer.close(title="t")
    return out.getvalue()


def test_rendered_letter_takes_the_fast_path(letter_pdf):
    """The renderer's PDF is read without falling back: pages, catalogue and page tree found."""
    source = pdfsplice.read(letter_pdf)
    assert source.root in source.objects and source.page_tree in source.objects
    assert len(source.pages) == len(PdfReader(io.BytesIO(letter_pdf)).pages)


def test_fast_path_output_matches_the_pypdf_path(letter_pdf):
    """Same pages, text and boxes as the general path; the result parses strictly."""
    fast, slow = _merge([letter_pdf] * 3, fast=True), _merge([letter_pdf] * 3, fast=False)
    fast_reader, slow_reader = PdfReader(io.BytesIO(fast), strict=True), PdfReader(io.BytesIO(slow))
    assert len(fast_reader.pages) == len(slow_reader.pages) == 3 * len(PdfReader(io.BytesIO(letter_pdf)).pages)
    for mine, theirs in zip(fast_reader.pages, slow_reader.pages):
        assert mine.extract_text() == theirs.extract_text()
        assert [float(v) for v in mine.mediabox] == [float(v) for v in theirs.mediabox]
        assert mine.get("/Parent").get_object()["/Type"] == "/Pages"


def test_other_pdfs_fall_back_to_pypdf(letter_pdf, monkeypatch):
    """A PDF whose page tree passes attributes down (not our renderer's shape) merges via the general path."""
    other = PdfWriter(clone_from=PdfReader(io.BytesIO(letter_pdf)))
    other._root_object["/Pages"][NameObject("/Rotate")] = NumberObject(0)  # noqa: SLF001 - inherited attribute
    rewritten = io.BytesIO()
    other.write(rewritten)
    with pytest.raises(pdfsplice.Unsupported):
        pdfsplice.read(rewritten.getvalue())
    fallbacks = []
    general = StreamingPdfWriter._append_with_pypdf  # noqa: SLF001
    monkeypatch.setattr(StreamingPdfWriter, "_append_with_pypdf",
                        lambda self, source: fallbacks.append(1) or general(self, source))
    out = io.BytesIO()
    writer = StreamingPdfWriter(out)
    pages = writer.append_pdf(io.BytesIO(rewritten.getvalue())) + writer.append_pdf(io.BytesIO(letter_pdf))
    writer.close()
    assert fallbacks == [1]
    assert len(PdfReader(io.BytesIO(out.getvalue()), strict=True).pages) == pages


@pytest.mark.parametrize("head", [
    b"<</Title (a (nested) string)/P 3 0 R>>",   # unescaped nested parentheses: not pydyf's shape
    b"<</Title (unbalanced \\) 3 0 R>>",
    b"<</P 3 0 R % a comment 4 0 R\n>>",
])
def test_heads_the_fast_path_cannot_read_safely_are_refused(head):
    """Anything the one-pass renumbering could misread raises Unsupported (the caller falls back)."""
    with pytest.raises(pdfsplice.Unsupported):
        pdfsplice.renumber(head, lambda n: b"%d 0 R" % (n + 100))


def test_references_are_renumbered_but_strings_are_not():
    """References change; the same digits inside literal and hex strings stay as they are."""
    head = b"<</A 3 0 R/K [3 0 R 12 0 R]/T (see 3 0 R \\(x\\))/H <0033>/N 595 3 0 R/W [1 [260] 7 [750]]>>"
    out = pdfsplice.renumber(head, lambda n: b"%d 0 R" % (n + 100))
    assert out == (b"<</A 103 0 R/K [103 0 R 112 0 R]/T (see 3 0 R \\(x\\))/H <0033>/N 595 103 0 R"
                   b"/W [1 [260] 7 [750]]>>")
