"""A streaming PDF concatenator: letters in, one print file out, memory flat.

pypdf's ``PdfWriter`` keeps every object of every appended document in memory
until it writes, so its memory grows with the number of letters. This writer
uses pypdf only to *read* one letter at a time: each page and everything it
references (contents, fonts, images, annotations) is renumbered and written to
the output at once; the source is then dropped. What stays in memory is one
byte offset per written object and one object number per page, a few bytes per
letter. The page tree, catalogue, info dictionary and cross-reference table are
written at the end.

A pypdf reader caches every object it resolves and so holds reference cycles;
left to the garbage collector they pile up in its oldest generation, which a
big process collects rarely. The writer therefore empties each reader's caches
when done with it (its objects are freed at once) and, as a safety net, runs a
full collection every :data:`COLLECT_EVERY` source files. The peak stays flat
(``tests/test_batch_pdfstream.py`` measures it).
"""
from __future__ import annotations

import gc
from array import array
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    FloatObject,
    PdfObject,
    TextStringObject,
)

A4_POINTS = (595.28, 841.89)
COLLECT_EVERY = 200
SLICE = 256  # page-tree entries / xref lines written at a time


class _CountingStream:
    """Wraps the output and counts bytes, so it need not be seekable."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.position = 0

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.position += len(data)
        return len(data)


class StreamingPdfWriter:
    """Append whole PDFs and blank pages to one output PDF, page by page."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = _CountingStream(out)
        self._offsets = array("q", [0])  # index = object number; 0 is the free-list head (8 bytes each)
        self._pages = array("q")
        self._pages_root = self._allocate()
        self._closed = False
        self._sources = 0
        #: Width and height (points) of the last page appended, for matching blank pages.
        self.last_page_size: tuple[float, float] = A4_POINTS
        self._out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    @property
    def page_count(self) -> int:
        """Pages written so far."""
        return len(self._pages)

    def _allocate(self) -> int:
        self._offsets.append(-1)
        return len(self._offsets) - 1

    def _write_object(self, number: int, obj: PdfObject) -> None:
        self._offsets[number] = self._out.position
        self._out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self._out)
        self._out.write(b"\nendobj\n")

    def append_pdf(self, source: str | Path | IO[bytes]) -> int:
        """Copy every page of ``source`` (in order); return how many pages it had."""
        reader = PdfReader(source)
        mapping: dict[int, int | None] = {}
        root_ref = reader.trailer.raw_get("/Root")
        if isinstance(root_ref, IndirectObject):
            mapping[root_ref.idnum] = None  # never copy the source's catalogue ...
            pages_ref = reader.trailer["/Root"].raw_get("/Pages")
            if isinstance(pages_ref, IndirectObject):
                mapping[pages_ref.idnum] = None  # ... nor its page tree
        pages = list(reader.pages)
        numbers = []
        for page in pages:  # number the pages first: links between them stay intact
            number = self._allocate()
            numbers.append(number)
            if page.indirect_reference is not None:
                mapping[page.indirect_reference.idnum] = number
        pending: list[tuple[int, PdfObject]] = []
        for page, number in zip(pages, numbers):
            page_dict = DictionaryObject(page)  # inherited attributes are already flattened in
            page_dict[NameObject("/Parent")] = IndirectObject(self._pages_root, 0, None)
            self._rewrite(page_dict, mapping, pending, skip_parent=True)
            self._write_object(number, page_dict)
            self._pages.append(number)
            while pending:
                obj_number, obj = pending.pop()
                self._write_object(obj_number, obj)
        if pages:
            box = pages[-1].mediabox
            self.last_page_size = (float(box.width), float(box.height))
        _release(reader)
        self._sources += 1
        if self._sources % COLLECT_EVERY == 0:
            del reader, pages
            gc.collect()
        return len(numbers)

    def _rewrite(self, obj: Any, mapping: dict[int, int | None],
                 pending: list[tuple[int, PdfObject]], *, skip_parent: bool = False) -> Any:
        """Renumber every reference inside ``obj`` (in place); queue newly reached objects."""
        if isinstance(obj, IndirectObject):
            if obj.idnum not in mapping:
                number = self._allocate()
                mapping[obj.idnum] = number
                pending.append((number, self._rewrite(obj.get_object(), mapping, pending)))
            number = mapping[obj.idnum]
            return NullObject() if number is None else IndirectObject(number, 0, None)
        if isinstance(obj, DictionaryObject):  # includes StreamObject
            for key in list(obj.keys()):
                if skip_parent and key == "/Parent":
                    continue
                obj[key] = self._rewrite(obj.raw_get(key), mapping, pending)
            return obj
        if isinstance(obj, ArrayObject):
            for i, item in enumerate(obj):
                obj[i] = self._rewrite(item, mapping, pending)
            return obj
        return obj

    def append_blank_page(self, width: float = A4_POINTS[0], height: float = A4_POINTS[1]) -> None:
        """Add an empty page (e.g. the back of an odd-page letter in duplex printing)."""
        number = self._allocate()
        page = DictionaryObject({
            NameObject("/Type"): NameObject("/Page"),
            NameObject("/Parent"): IndirectObject(self._pages_root, 0, None),
            NameObject("/MediaBox"): ArrayObject([NumberObject(0), NumberObject(0),
                                                  _number(width), _number(height)]),
            NameObject("/Resources"): DictionaryObject(),
        })
        self._write_object(number, page)
        self._pages.append(number)

    def close(self, *, title: str = "", producer: str = "formsvc") -> None:
        """Write the page tree, catalogue, info and cross-reference table."""
        if self._closed:
            return
        self._closed = True
        self._offsets[self._pages_root] = self._out.position  # the page tree, written in slices
        self._out.write(f"{self._pages_root} 0 obj\n<< /Type /Pages /Count {len(self._pages)} /Kids [".encode())
        for start in range(0, len(self._pages), SLICE):
            self._out.write(b"".join(b"%d 0 R " % n for n in self._pages[start:start + SLICE]))
        self._out.write(b"] >>\nendobj\n")
        catalog = self._allocate()
        self._write_object(catalog, DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(self._pages_root, 0, None),
        }))
        info = self._allocate()
        info_dict = DictionaryObject({NameObject("/Producer"): TextStringObject(producer)})
        if title:
            info_dict[NameObject("/Title")] = TextStringObject(title)
        self._write_object(info, info_dict)
        xref_at = self._out.position
        self._out.write(f"xref\n0 {len(self._offsets)}\n".encode() + b"0000000000 65535 f \n")
        for start in range(1, len(self._offsets), SLICE):
            self._out.write(b"".join(b"%010d 00000 n \n" % offset
                                     for offset in self._offsets[start:start + SLICE]))
        self._out.write(f"trailer\n<< /Size {len(self._offsets)} /Root {catalog} 0 R /Info {info} 0 R >>\n"
                        f"startxref\n{xref_at}\n%%EOF\n".encode())


def _release(reader: PdfReader) -> None:
    """Drop the reader's object caches, which close the reference cycles (pypdf 7 attribute names)."""
    cache = getattr(reader, "resolved_objects", None)
    if isinstance(cache, dict):
        cache.clear()
    if hasattr(reader, "flattened_pages"):
        reader.flattened_pages = None


def _number(value: float) -> PdfObject:
    return NumberObject(int(value)) if float(value).is_integer() else FloatObject(value)

