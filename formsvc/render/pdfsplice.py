"""A fast reader for the PDFs our letter renderer writes, for splicing them into the print file.

:class:`~.pdfstream.StreamingPdfWriter` used to parse every letter with pypdf
(every object of every object stream turned into Python objects, then written
back out): about 5 ms of the batch parent's time per letter. WeasyPrint's
writer (pydyf) produces a small, regular file: one cross-reference stream (or
a classic table), objects either on their own or in flate-compressed object
streams, references always as ``<n> 0 R``, strings with every parenthesis
escaped. This module reads exactly that shape at the byte level: it finds each
object's bytes and renumbers its references with one regular expression;
stream data is copied untouched.

Anything outside that shape (encryption, incremental updates, predictors,
generation numbers other than 0, a nested page tree, attributes inherited from
the page tree, an indirect ``/Length``, unbalanced or unescaped parentheses,
a missing object) raises :class:`Unsupported`, and the caller falls back to
the general pypdf path. The fast path never guesses.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

#: A literal string (pydyf escapes every parenthesis), a hex string, or a reference ``<n> 0 R``.
_TOKEN = re.compile(rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w.+\-])(\d+)\s+0\s+R(?![^\s/\[\]<>(){}%])",
                    re.S)
_STRINGS = re.compile(rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>", re.S)
_OBJ_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b\s*")
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n)")
_ENDOBJ = re.compile(rb"\s*endobj\b")
_ENDSTREAM = re.compile(rb"\s*endstream\b")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_INT = rb"\s+(\d+)"
_REF = rb"\s+(\d+)\s+0\s+R"
_INHERITABLE = re.compile(rb"/(?:Resources|MediaBox|CropBox|Rotate)\b")
_FORBIDDEN_TRAILER = re.compile(rb"/(?:Encrypt|Prev|XRefStm)\b")


class Unsupported(Exception):
    """The file is not in the shape this reader handles; use the general path."""


@dataclass
class SourceObject:
    """One source object: its direct part (dictionary, array ...) and, for streams, the raw stream bytes."""

    head: bytes
    stream: bytes | None = None


@dataclass
class SourcePdf:
    """A parsed letter: its objects by number, its pages in order, and what not to copy."""

    objects: dict[int, SourceObject]
    pages: list[int]
    root: int
    page_tree: int


def _strip_strings(head: bytes) -> bytes:
    """``head`` with every string blanked out (so names or numbers inside strings are not read)."""
    stripped = _STRINGS.sub(b"()", head)
    rest = stripped.replace(b"()", b"")
    if b"(" in rest or b")" in rest or b"%" in rest:
        raise Unsupported("unbalanced or unescaped parenthesis, or a comment")
    return stripped


def _field(head: bytes, key: bytes, pattern: bytes = _INT) -> int | None:
    """An integer (or reference number) stored under ``key`` in a flat dictionary, else ``None``."""
    found = re.search(rb"/" + key + pattern + rb"(?![\w.])", head)
    return int(found.group(1)) if found else None


def _read_indirect(data: bytes, offset: int, number: int | None = None) -> tuple[int, SourceObject]:
    """The object starting at ``offset`` (``<n> 0 obj ... endobj``): its number and parts."""
    header = _OBJ_HEADER.match(data, offset)
    if header is None or header.group(2) != b"0" or (number is not None and int(header.group(1)) != number):
        raise Unsupported("object not where the cross-reference table says")
    start = header.end()
    if data.startswith(b"<<", start):
        stream_at = _STREAM_START.search(data, start)
        end_at = _ENDOBJ.search(data, start)
        if end_at is None:
            raise Unsupported("object without endobj")
        if stream_at is not None and stream_at.start() < end_at.start():
            head = data[start:stream_at.start() + 2]
            if re.search(rb"/Length" + _REF, _strip_strings(head)):
                raise Unsupported("indirect stream length")
            length = _field(_strip_strings(head), b"Length")
            if length is None:
                raise Unsupported("stream without length")
            body_end = stream_at.end() + length
            if _ENDSTREAM.match(data, body_end) is None:
                raise Unsupported("stream length does not match")
            return int(header.group(1)), SourceObject(head, data[stream_at.end():body_end])
    end_at = _ENDOBJ.search(data, start)
    if end_at is None:
        raise Unsupported("object without endobj")
    return int(header.group(1)), SourceObject(data[start:end_at.start()].rstrip())


def _inflate(obj: SourceObject) -> bytes:
    """The decoded data of a stream that is flate-compressed or not compressed at all."""
    head = _strip_strings(obj.head)
    if b"/DecodeParms" in head:
        raise Unsupported("stream with decode parameters")
    filters = re.search(rb"/Filter\s*(\[[^\]]*\]|/\w+)", head)
    if filters is None:
        return obj.stream or b""
    if filters.group(1).strip(b"[] \n\r\t") != b"/FlateDecode":
        raise Unsupported("filter other than FlateDecode")
    try:
        return zlib.decompress(obj.stream or b"")
    except zlib.error as exc:
        raise Unsupported("bad flate data") from exc


def _xref_entries(data: bytes, offset: int) -> tuple[bytes, dict[int, tuple[int, int, int]]]:
    """Trailer (dictionary bytes) and entries ``number -> (type, field2, field3)`` of the one xref section."""
    if data.startswith(b"xref", offset):
        return _classic_xref(data, offset)
    _, xref = _read_indirect(data, offset)
    head = _strip_strings(xref.head)
    widths = re.search(rb"/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]", head)
    size = _field(head, b"Size")
    if widths is None or size is None or b"/XRef" not in head:
        raise Unsupported("not a cross-reference stream")
    index = re.search(rb"/Index\s*\[([\d\s]*)\]", head)
    ranges = [int(v) for v in index.group(1).split()] if index else [0, size]
    w1, w2, w3 = (int(v) for v in widths.groups())
    raw = _inflate(xref)
    row = w1 + w2 + w3
    entries: dict[int, tuple[int, int, int]] = {}
    at = 0
    for first, count in zip(ranges[::2], ranges[1::2]):
        for number in range(first, first + count):
            if at + row > len(raw):
                raise Unsupported("short cross-reference stream")
            kind = int.from_bytes(raw[at:at + w1], "big") if w1 else 1
            two = int.from_bytes(raw[at + w1:at + w1 + w2], "big")
            three = int.from_bytes(raw[at + w1 + w2:at + row], "big")
            entries[number] = (kind, two, three)
            at += row
    return xref.head, entries


def _classic_xref(data: bytes, offset: int) -> tuple[bytes, dict[int, tuple[int, int, int]]]:
    """A classic ``xref`` table with its ``trailer`` (single section, as pydyf writes it)."""
    trailer_at = data.find(b"trailer", offset)
    if trailer_at < 0:
        raise Unsupported("xref table without trailer")
    lines = data[offset + 4:trailer_at].split()
    entries: dict[int, tuple[int, int, int]] = {}
    at = 0
    while at < len(lines):
        first, count = int(lines[at]), int(lines[at + 1])
        at += 2
        for number in range(first, first + count):
            position, generation, kind = lines[at:at + 3]
            at += 3
            if kind == b"n":
                entries[number] = (1, int(position), int(generation))
    end = data.find(b"startxref", trailer_at)
    return data[trailer_at + 7:end], entries


def read(data: bytes) -> SourcePdf:
    """Parse one letter's PDF bytes into its objects and pages; :class:`Unsupported` when unsure."""
    tail = _STARTXREF.search(data, max(0, len(data) - 64))
    if tail is None:
        raise Unsupported("no startxref at the end")
    trailer, entries = _xref_entries(data, int(tail.group(1)))
    trailer = _strip_strings(trailer)
    if _FORBIDDEN_TRAILER.search(trailer):
        raise Unsupported("encrypted file or incremental update")
    root = _field(trailer, b"Root", _REF)
    if root is None:
        raise Unsupported("no catalogue")
    objects: dict[int, SourceObject] = {}
    streams: dict[int, list[int]] = {}
    for number, (kind, two, three) in entries.items():
        if kind == 1:
            if three != 0:
                raise Unsupported("generation number other than 0")
            _, objects[number] = _read_indirect(data, two, number)
        elif kind == 2:
            streams.setdefault(two, []).append(number)
    for container, wanted in streams.items():
        objects.update(_unpack(objects.get(container), set(wanted)))
    return _with_pages(objects, root)


def _unpack(container: SourceObject | None, wanted: set[int]) -> dict[int, SourceObject]:
    """The objects ``wanted`` out of one object stream."""
    if container is None or container.stream is None:
        raise Unsupported("missing object stream")
    head = _strip_strings(container.head)
    count, first = _field(head, b"N"), _field(head, b"First")
    if count is None or first is None or b"/Extends" in head:
        raise Unsupported("object stream without N/First or with Extends")
    raw = _inflate(container)
    numbers = [int(v) for v in raw[:first].split()]
    if len(numbers) != 2 * count:
        raise Unsupported("object stream header does not match N")
    offsets = numbers[1::2] + [len(raw) - first]
    out: dict[int, SourceObject] = {}
    for i, number in enumerate(numbers[::2]):
        if number in wanted:
            out[number] = SourceObject(raw[first + offsets[i]:first + offsets[i + 1]].strip())
    if set(out) != wanted:
        raise Unsupported("object stream lacks an object")
    return out


def _with_pages(objects: dict[int, SourceObject], root: int) -> SourcePdf:
    """Find the flat page tree under the catalogue; refuse inherited attributes and nested trees."""
    if root not in objects:
        raise Unsupported("no catalogue")
    tree = _field(_strip_strings(objects[root].head), b"Pages", _REF)
    if tree is None or tree not in objects:
        raise Unsupported("no page tree")
    tree_head = _strip_strings(objects[tree].head)
    if _INHERITABLE.search(tree_head):
        raise Unsupported("page tree with inherited attributes")
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree_head)
    if kids is None:
        raise Unsupported("page tree without kids")
    pages = [int(n) for n in re.findall(rb"(\d+)\s+0\s+R", kids.group(1))]
    for page in pages:
        page_head = objects[page].head if page in objects else b""
        if not re.search(rb"/Type\s*/Page(?![\w])", _strip_strings(page_head)):
            raise Unsupported("nested page tree")
    return SourcePdf(objects, pages, root, tree)


def renumber(head: bytes, number_of: Callable[[int], bytes]) -> bytes:
    """``head`` with each reference ``<n> 0 R`` replaced by ``number_of(n)`` (strings left untouched)."""
    _strip_strings(head)  # refuses what the one-pass pattern below could misread

    def swap(match: re.Match[bytes]) -> bytes:
        """A reference renumbered; a string as it was."""
        return match.group(0) if match.group(1) is None else number_of(int(match.group(1)))

    return _TOKEN.sub(swap, head)
