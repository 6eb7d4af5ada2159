"""The application's pypdf layer: a per-case copy of the blank form, page text and AcroForm widgets.

The blank form (labels, boxes, group titles) is laid out once by WeasyPrint
(:mod:`.form`); everything that depends on the case is added here with pypdf
by a :class:`FormFiller`: text printed into boxes (the case id, the summary,
the signature block, and when flattening the field values), ready
content-stream chunks (the declaration's cross, the "Vorschau" mark of
:meth:`FormFiller.preview_mark_ops`), and for every field a real AcroForm widget
(value + appearance stream, editable). Text uses the embedded field font
(:class:`~.fonts.EmbeddableFont`, Type0/Identity-H), so it is visible in every
viewer and extractable. What goes where is the caller's
(:mod:`formsvc.mahnantrag.document`); this module only knows PDF.

pypdf internals, behind the version guard (:mod:`.versions`):

- **fast** (pypdf 7.1 only): the font file and ToUnicode map, compressed once
  per process, are set as a stream's raw data (``stream._data``); the
  document's ``/CreationDate`` is dropped from its info dictionary
  (``writer._info``) and its ``/ID`` left out (``writer._ID``), so the same
  case gives the same bytes;
- **stock**: those streams compressed again for every PDF (``set_data`` and
  ``flate_encode``), the info dictionary rewritten through the public
  ``metadata`` setter, the blank form's ``/ID`` kept.

pypdf has no public call that adds a new indirect object (a font, an
appearance stream, a widget); ``PdfWriter._add_object`` is used on both paths
(:func:`_indirect`) and is the one pypdf internal an upgrade must keep.
``tests/test_render_fast_paths.py`` renders every valid sample both ways.
"""
from __future__ import annotations

import io
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, EncodedStreamObject, FloatObject, IndirectObject,
    NameObject, NumberObject, PdfObject, TextStringObject,
)

from .. import formatting as fmt
from .fonts import EmbeddableFont
from .form import Placement
from .versions import fast_paths

FONT_KEY = "/FsvF"
TEXT_SIZE = 8.0
MIN_TEXT_SIZE = 4.5
ELLIPSIS = "…"
PADDING = 2.0
PRINT_FLAG = 1 << 2
MM = 72 / 25.4
PREVIEW_STATE_KEY = "/FsvPreview"
BANNER_SIZE = 7.5
MARK_SIZE = 110.0
PRODUCER = "formsvc"


class FormField(Protocol):
    """What the filler needs of a field (``formsvc.mahnantrag.fields.Field`` is one)."""

    @property
    def name(self) -> str: ...  # the AcroForm field name (/T)

    @property
    def label(self) -> str: ...  # its tooltip (/TU)

    @property
    def kind(self) -> str: ...  # "checkbox" or a text kind


@dataclass(frozen=True)
class Overlay:
    """A piece of page text: the box it goes into and the text."""

    place: Placement
    text: str
    size: float = TEXT_SIZE


def _name(value: str) -> NameObject:
    return NameObject(value)


def _num(value: float) -> FloatObject | NumberObject:
    rounded = round(value, 2)
    return NumberObject(int(rounded)) if rounded == int(rounded) else FloatObject(rounded)


def _rect(values: tuple[float, ...]) -> ArrayObject:
    return ArrayObject([_num(v) for v in values])


def _indirect(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """``obj`` added to ``writer`` as a new indirect object (pypdf has no public call for it)."""
    return writer._add_object(obj)  # noqa: SLF001


def _fit(text: str, width: float, size: float, font: EmbeddableFont) -> tuple[str, float]:
    """The text and size that fit a box ``width`` wide: shrunk down to :data:`MIN_TEXT_SIZE`, and
    beyond that cut with "…" (a field's value keeps the whole text; only its print is cut)."""
    available = width - 2 * PADDING
    text_width = font.width(text, size)
    if text_width <= available or available <= 0:
        return text, size
    size = max(MIN_TEXT_SIZE, size * available / text_width)
    if font.width(text, size) <= available + 0.01:
        return text, size
    while text and font.width(text + ELLIPSIS, size) > available:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS, size


def text_ops(text: str, x: float, y: float, width: float, height: float, size: float,
             font: EmbeddableFont) -> bytes:
    """Content-stream operators that print ``text`` left-aligned, vertically centred in a box."""
    if not text:
        return b""
    text, size = _fit(text, width, size, font)
    baseline = y + (height - size * (font.ascent - font.descent) / 1000) / 2 - size * font.descent / 1000
    return (f"BT {FONT_KEY} {size:.2f} Tf 0 g {x + PADDING:.2f} {baseline:.2f} Td <".encode()
            + font.encode(text).hex().encode() + b"> Tj ET\n")


def cross_ops(x: float, y: float, width: float, height: float) -> bytes:
    """The cross of a ticked checkbox in the box at (x, y): the widgets' "on" appearance, and the printed
    mark of a box that is no field (the declaration "hängt nicht von einer Gegenleistung ab")."""
    inset = min(width, height) * 0.22
    left, bottom, right, top = x + inset, y + inset, x + width - inset, y + height - inset
    return (f"q 0 G {max(0.8, width / 9):.2f} w 1 J {left:.2f} {bottom:.2f} m {right:.2f} {top:.2f} l "
            f"{left:.2f} {top:.2f} m {right:.2f} {bottom:.2f} l S Q").encode()


def _glyphs(text: str, font: EmbeddableFont) -> bytes:
    return b"<" + font.encode(text).hex().encode() + b">"


class FormFiller:
    """One application PDF in the making: a copy of the blank form with the field font embedded.

    Call, in this order as needed, :meth:`preview_mark_ops`, :meth:`add_page_text`,
    :meth:`add_widgets`, then :meth:`to_bytes` once. ``fast`` chooses pypdf's fast
    paths or the stock ones (default: the version guard's answer for pypdf)."""

    def __init__(self, blank_pdf: bytes, font: EmbeddableFont, *, base_font: str, fast: bool | None = None) -> None:
        self.fast = fast_paths("pypdf") if fast is None else fast
        self.font = font
        self.base_font = base_font
        self.writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_pdf)))
        self.font_ref = self._add_font()

    def _stream(self, data: bytes, extra: Mapping[str, object]) -> IndirectObject:
        """A new content or form stream (compressed above 256 bytes)."""
        stream = DecodedStreamObject()
        stream.set_data(data)
        stream.update({_name(k): v for k, v in extra.items()})  # type: ignore[misc]
        return _indirect(self.writer, stream.flate_encode() if len(data) > 256 else stream)

    def _compressed_stream(self, compressed: bytes, extra: Mapping[str, object]) -> IndirectObject:
        """A stream of data that is already FlateDecode-compressed (once per process)."""
        if self.fast:
            stream = EncodedStreamObject()
            stream._data = compressed  # noqa: SLF001 (fast path: not compressed again per PDF)
            stream[_name("/Filter")] = _name("/FlateDecode")
        else:
            plain = DecodedStreamObject()
            plain.set_data(zlib.decompress(compressed))
            stream = plain.flate_encode()
        stream.update({_name(k): v for k, v in extra.items()})  # type: ignore[misc]
        return _indirect(self.writer, stream)

    def _add_font(self) -> IndirectObject:
        """Embed the field font (Type0, Identity-H, full ToUnicode); return its reference."""
        font, base = self.font, _name("/" + self.base_font)
        file_ref = self._compressed_stream(font.font_file, {"/Length1": NumberObject(font.font_file_length)})
        to_unicode = self._compressed_stream(font.to_unicode, {})
        descriptor = _indirect(self.writer, DictionaryObject({
            _name("/Type"): _name("/FontDescriptor"), _name("/FontName"): base,
            _name("/Flags"): NumberObject(32), _name("/FontBBox"): _rect(font.bbox),
            _name("/ItalicAngle"): NumberObject(0), _name("/Ascent"): NumberObject(font.ascent),
            _name("/Descent"): NumberObject(font.descent), _name("/CapHeight"): NumberObject(font.cap_height),
            _name("/StemV"): NumberObject(80), _name("/FontFile2"): file_ref,
        }))
        widths = ArrayObject()
        for gid in sorted(font.widths):
            widths.extend([NumberObject(gid), ArrayObject([NumberObject(font.widths[gid])])])
        cid_font = _indirect(self.writer, DictionaryObject({
            _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/CIDFontType2"),
            _name("/BaseFont"): base,
            _name("/CIDSystemInfo"): DictionaryObject({
                _name("/Registry"): TextStringObject("Adobe"), _name("/Ordering"): TextStringObject("Identity"),
                _name("/Supplement"): NumberObject(0)}),
            _name("/FontDescriptor"): descriptor, _name("/DW"): NumberObject(600), _name("/W"): widths,
            _name("/CIDToGIDMap"): _name("/Identity"),
        }))
        return _indirect(self.writer, DictionaryObject({
            _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type0"), _name("/BaseFont"): base,
            _name("/Encoding"): _name("/Identity-H"), _name("/DescendantFonts"): ArrayObject([cid_font]),
            _name("/ToUnicode"): to_unicode,
        }))

    def preview_mark_ops(self, mark: str, banner: str) -> dict[int, list[bytes]]:
        """The "Vorschau" mark for every page: a red banner with ``banner`` across the top margin and
        ``mark`` large, diagonal and translucent across the page. Both are real text in the field font
        (extractable; the banner runs horizontally so every text extractor finds it). Registers the
        translucency (``/ExtGState``) in each page's resources; returns the content-stream chunks per
        page index (for :meth:`add_page_text`)."""
        font = self.font
        state = DictionaryObject({_name("/Type"): _name("/ExtGState"), _name("/ca"): FloatObject(0.13),
                                  _name("/CA"): FloatObject(0.13)})
        state_ref = _indirect(self.writer, state)
        out: dict[int, list[bytes]] = {}
        for index, page in enumerate(self.writer.pages):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            resources = page[_name("/Resources")].get_object()
            states = resources.setdefault(_name("/ExtGState"), DictionaryObject()).get_object()
            states[_name(PREVIEW_STATE_KEY)] = state_ref
            # banner: 13 mm from each side, 3 mm to 10 mm below the top edge (the page's top margin is 12 mm)
            x1, x2, top, bottom = 13 * MM, width - 13 * MM, height - 3 * MM, height - 10 * MM
            text, size = _fit(banner, x2 - x1 - 2 * PADDING, BANNER_SIZE, font)
            baseline = bottom + (top - bottom - size * font.cap_height / 1000) / 2
            ops = (f"q 0.70 0.08 0.11 rg {x1:.2f} {bottom:.2f} {x2 - x1:.2f} {top - bottom:.2f} re f Q\n"
                   f"BT {FONT_KEY} {size:.2f} Tf 1 g {x1 + 2 * PADDING:.2f} {baseline:.2f} Td ").encode()
            ops += _glyphs(text, font) + b" Tj ET\n"
            # the diagonal mark: centred on the page, along its diagonal
            diagonal = math.atan2(height, width)
            cos, sin = math.cos(diagonal), math.sin(diagonal)
            mark_size = min(MARK_SIZE, 0.8 * math.hypot(width, height) * 1000 / max(1, font.width(mark, 1000)))
            run = font.width(mark, mark_size)
            rise = mark_size * font.cap_height / 1000
            x = width / 2 - cos * run / 2 + sin * rise / 2
            y = height / 2 - sin * run / 2 - cos * rise / 2
            ops += (f"q {PREVIEW_STATE_KEY} gs 0.70 0.08 0.11 rg BT {FONT_KEY} {mark_size:.2f} Tf "
                    f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm ").encode()
            ops += _glyphs(mark, font) + b" Tj ET Q\n"
            out[index] = [ops]
        return out

    def add_page_text(self, overlays: Sequence[Overlay], extra: Mapping[int, list[bytes]] | None = None) -> None:
        """Print ``overlays`` onto their pages (after the page's own content, in its own graphics state);
        ``extra`` adds ready content-stream chunks per page index (e.g. :meth:`preview_mark_ops`)."""
        by_page: dict[int, list[bytes]] = {}
        for item in overlays:
            x1, y1, x2, y2 = item.place.rect
            ops = text_ops(item.text, x1, y1, x2 - x1, y2 - y1, item.size, self.font)
            if ops:
                by_page.setdefault(item.place.page, []).append(ops)
        for index, chunks in (extra or {}).items():
            by_page.setdefault(index, []).extend(chunks)
        for index, chunks in sorted(by_page.items()):
            page = self.writer.pages[index]
            resources = page[_name("/Resources")].get_object()
            fonts = resources.setdefault(_name("/Font"), DictionaryObject()).get_object()
            fonts[_name(FONT_KEY)] = self.font_ref
            before = self._stream(b"q\n", {})
            after = self._stream(b"Q\nq\n" + b"".join(chunks) + b"Q\n", {})
            contents = page.raw_get(_name("/Contents"))  # the reference: a stream must stay an indirect object
            resolved = contents.get_object()
            existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
            page[_name("/Contents")] = ArrayObject([before, *existing, after])

    def add_widgets(self, fields: Sequence[FormField], values: Mapping[str, str | bool],
                    placements: Mapping[str, Placement]) -> None:
        """Add the AcroForm: one filled widget per field, each with its appearance stream."""
        writer, font = self.writer, self.font
        default_da = TextStringObject(f"{FONT_KEY} {TEXT_SIZE:g} Tf 0 g")
        font_resources = DictionaryObject({_name("/Font"): DictionaryObject({_name(FONT_KEY): self.font_ref})})
        all_fields = ArrayObject()
        for field in fields:
            place = placements[field.name]
            page = writer.pages[place.page]
            x1, y1, x2, y2 = place.rect
            width, height = x2 - x1, y2 - y1
            bbox = _rect((0, 0, width, height))
            widget = DictionaryObject({
                _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Widget"),
                _name("/F"): NumberObject(PRINT_FLAG), _name("/P"): page.indirect_reference,
                _name("/Rect"): _rect(place.rect), _name("/T"): TextStringObject(field.name),
                _name("/TU"): TextStringObject(field.label),
            })
            value = values[field.name]
            if field.kind == "checkbox":
                form = {"/Type": _name("/XObject"), "/Subtype": _name("/Form"), "/BBox": bbox}
                on = self._stream(cross_ops(0, 0, width, height), form)
                off = self._stream(b"", form)
                state = _name("/" + fmt.checkbox_state(bool(value)))
                widget.update({
                    _name("/FT"): _name("/Btn"), _name("/V"): state, _name("/AS"): state,
                    _name("/AP"): DictionaryObject({_name("/N"): DictionaryObject({
                        _name("/" + fmt.CHECKBOX_ON): on, _name("/" + fmt.CHECKBOX_OFF): off})}),
                    _name("/MK"): DictionaryObject({_name("/CA"): TextStringObject("8")}),
                    _name("/DA"): TextStringObject("/ZaDb 0 Tf 0 g"),
                })
            else:
                text = str(value)
                ops = b"/Tx BMC q 1 1 %.2f %.2f re W n\n" % (width - 2, height - 2)
                ops += text_ops(text, 0, 0, width, height, TEXT_SIZE, font) + b"Q EMC"
                appearance = self._stream(ops, {"/Type": _name("/XObject"), "/Subtype": _name("/Form"),
                                                "/BBox": bbox, "/Resources": font_resources})
                widget.update({
                    _name("/FT"): _name("/Tx"), _name("/V"): TextStringObject(text), _name("/DA"): default_da,
                    _name("/AP"): DictionaryObject({_name("/N"): appearance}),
                })
            ref = _indirect(writer, widget)
            if _name("/Annots") not in page:
                page[_name("/Annots")] = ArrayObject()
            page[_name("/Annots")].get_object().append(ref)
            all_fields.append(ref)
        writer.root_object[_name("/AcroForm")] = _indirect(writer, DictionaryObject({
            _name("/Fields"): all_fields, _name("/DA"): default_da,
            _name("/DR"): DictionaryObject({_name("/Font"): DictionaryObject({
                _name(FONT_KEY): self.font_ref,
                _name("/ZaDb"): DictionaryObject({_name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type1"),
                                                  _name("/BaseFont"): _name("/ZapfDingbats")}),
            })}),
        }))

    def to_bytes(self, *, title: str) -> bytes:
        """The finished PDF, titled ``title`` (no creation date; on the fast path no ``/ID`` either)."""
        writer = self.writer
        if self.fast:
            writer.add_metadata({"/Title": title, "/Producer": PRODUCER})
            writer._info.get_object().pop(NameObject("/CreationDate"), None)  # noqa: SLF001 (same bytes per case)
            writer._ID = None  # noqa: SLF001
        else:
            info = dict(writer.metadata or {})
            info.update({"/Title": title, "/Producer": PRODUCER})
            info.pop("/CreationDate", None)
            writer.metadata = info
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()


__all__ = ["FormField", "FormFiller", "Overlay", "Placement", "TEXT_SIZE", "cross_ops", "text_ops"]
