"""A streaming PDF concatenator: letters in, one print file out, memory flat.

pypdf's ``PdfWriter`` keeps every object of every appended document in memory
until it writes, so its memory grows with the number of letters. This writer
uses pypdf only to *read* one letter at a time: each page and everything it
references (contents, fonts, images, annotations) is renumbered and written to
the output at once; the source is then dropped. What stays in memory is one
byte offset per written object and one object number per page, a few bytes per
letter. The page tree, catalogue, info dictionary and cross-reference table are
written at the end.

Letters in the shape our renderer writes (WeasyPrint/pydyf) take a fast path
(:mod:`.pdfsplice`): their objects are found and renumbered at the byte level,
stream data copied untouched, about ten times cheaper than a pypdf parse.
Any other PDF takes the general pypdf path described above, and so does every
PDF when the installed WeasyPrint is not the verified one (:mod:`.versions`).

A pypdf reader caches every object it resolves and so holds reference cycles;
left to the garbage collector they pile up in its oldest generation, which a
big process collects rarely. The writer therefore empties each reader's caches
when done with it (its objects are freed at once; pypdf's attribute names, so
only on the verified pypdf) and, as a safety net, runs a full collection every
:data:`COLLECT_EVERY` source files. The peak stays flat
(``tests/test_batch_pdfstream.py`` measures it).
"""
from __future__ import annotations

import gc
import io
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    TextStringObject,
)

from . import pdfsplice
from .versions import fast_paths

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
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source.read()
        if fast_paths("weasyprint"):  # the byte-level reader knows the shape pydyf writes for WeasyPrint 70
            try:
                return self._splice(pdfsplice.read(data))
            except pdfsplice.Unsupported:
                pass
        return self._append_with_pypdf(io.BytesIO(data))

    def _splice(self, source: pdfsplice.SourcePdf) -> int:
        """Fast path: copy a letter in our renderer's shape byte by byte, references renumbered.

        Every object is renumbered before the first byte is written, so a file
        that turns out not to fit (:class:`~.pdfsplice.Unsupported`) leaves the
        output untouched and can still take the general path.
        """
        objects_mark = len(self._offsets)
        try:
            chunks = self._spliced_objects(source)
        except pdfsplice.Unsupported:
            del self._offsets[objects_mark:]
            raise
        for number, chunk in chunks:
            self._offsets[number] = self._out.position
            self._out.write(chunk)
        return len(source.pages)

    def _spliced_objects(self, source: pdfsplice.SourcePdf) -> list[tuple[int, bytes]]:
        """Each copied object's new number and bytes: pages in order, then what they reach."""
        mapping: dict[int, int | None] = {source.root: None, source.page_tree: self._pages_root}
        page_numbers = [self._allocate() for _ in source.pages]  # first: links between pages stay intact
        mapping.update(zip(source.pages, page_numbers))
        pending: list[int] = []

        def number_of(old: int) -> bytes:
            """The new reference for source object ``old`` (numbered and queued on first sight)."""
            if old not in mapping:
                if old not in source.objects:
                    raise pdfsplice.Unsupported("reference to a missing object")
                mapping[old] = self._allocate()
                pending.append(old)
            new = mapping[old]
            return b"null" if new is None else b"%d 0 R" % new

        chunks: list[tuple[int, bytes]] = []
        for old_page, number in zip(source.pages, page_numbers):
            chunks.append((number, _object_bytes(number, source.objects[old_page], number_of)))
            while pending:
                old = pending.pop()
                new = mapping[old]
                assert new is not None
                chunks.append((new, _object_bytes(new, source.objects[old], number_of)))
        self._pages.extend(page_numbers)
        return chunks

    def _append_with_pypdf(self, source: IO[bytes]) -> int:
        """General path: any PDF pypdf reads, parsed object by object."""
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
    """Drop the reader's object caches, which close the reference cycles (pypdf 7 attribute names;
    on another pypdf the periodic full collection alone frees them)."""
    if not fast_paths("pypdf"):
        return
    cache = getattr(reader, "resolved_objects", None)
    if isinstance(cache, dict):
        cache.clear()
    if hasattr(reader, "flattened_pages"):
        reader.flattened_pages = None


def _object_bytes(number: int, obj: pdfsplice.SourceObject, number_of: Callable[[int], bytes]) -> bytes:
    """One object, renumbered, as it goes into the output (stream data copied untouched)."""
    head = pdfsplice.renumber(obj.head, number_of)
    if obj.stream is None:
        return b"%d 0 obj\n%s\nendobj\n" % (number, head)
    return b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, head, obj.stream)
