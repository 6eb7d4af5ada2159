"""Per-case layer on the cached blank form: text overlays and the AcroForm widgets.

The blank form (labels, boxes, group titles) is laid out once by WeasyPrint;
everything that depends on the case is added here with pypdf: the case id and
the summary values as page text, and for every field either a real AcroForm
widget (value + appearance stream, editable) or, when flattening, the value
printed into its box as page text. Text uses the embedded field font
(:mod:`.form_font`), so it is visible in every viewer and extractable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, EncodedStreamObject, FloatObject, IndirectObject,
    NameObject, NumberObject, TextStringObject,
)

from .. import formatting as fmt
from .fields import Field
from .form_font import BASE_FONT, FieldFont, field_font

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


@dataclass(frozen=True)
class Placement:
    """Where a box landed: page index and rectangle in PDF points (x1, y1, x2, y2)."""

    page: int
    rect: tuple[float, float, float, float]


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


def _stream(writer: PdfWriter, data: bytes, extra: dict[str, object]) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({_name(k): v for k, v in extra.items()})  # type: ignore[misc]
    return writer._add_object(stream.flate_encode() if len(data) > 256 else stream)  # noqa: SLF001


def _raw_stream(writer: PdfWriter, compressed: bytes, extra: dict[str, object]) -> IndirectObject:
    stream = EncodedStreamObject()
    stream._data = compressed  # noqa: SLF001 (already FlateDecode-compressed once per process)
    stream[_name("/Filter")] = _name("/FlateDecode")
    stream.update({_name(k): v for k, v in extra.items()})  # type: ignore[misc]
    return writer._add_object(stream)  # noqa: SLF001


def add_font(writer: PdfWriter, font: FieldFont) -> IndirectObject:
    """Embed the field font (Type0, Identity-H, full ToUnicode); return its reference."""
    file_ref = _raw_stream(writer, font.font_file, {"/Length1": NumberObject(font.font_file_length)})
    to_unicode = _raw_stream(writer, font.to_unicode, {})
    descriptor = writer._add_object(DictionaryObject({  # noqa: SLF001
        _name("/Type"): _name("/FontDescriptor"), _name("/FontName"): _name("/" + BASE_FONT),
        _name("/Flags"): NumberObject(32), _name("/FontBBox"): _rect(font.bbox),
        _name("/ItalicAngle"): NumberObject(0), _name("/Ascent"): NumberObject(font.ascent),
        _name("/Descent"): NumberObject(font.descent), _name("/CapHeight"): NumberObject(font.cap_height),
        _name("/StemV"): NumberObject(80), _name("/FontFile2"): file_ref,
    }))
    widths = ArrayObject()
    for gid in sorted(font.widths):
        widths.extend([NumberObject(gid), ArrayObject([NumberObject(font.widths[gid])])])
    cid_font = writer._add_object(DictionaryObject({  # noqa: SLF001
        _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/CIDFontType2"),
        _name("/BaseFont"): _name("/" + BASE_FONT),
        _name("/CIDSystemInfo"): DictionaryObject({
            _name("/Registry"): TextStringObject("Adobe"), _name("/Ordering"): TextStringObject("Identity"),
            _name("/Supplement"): NumberObject(0)}),
        _name("/FontDescriptor"): descriptor, _name("/DW"): NumberObject(600), _name("/W"): widths,
        _name("/CIDToGIDMap"): _name("/Identity"),
    }))
    return writer._add_object(DictionaryObject({  # noqa: SLF001
        _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type0"), _name("/BaseFont"): _name("/" + BASE_FONT),
        _name("/Encoding"): _name("/Identity-H"), _name("/DescendantFonts"): ArrayObject([cid_font]),
        _name("/ToUnicode"): to_unicode,
    }))


def _fit(text: str, width: float, size: float, font: FieldFont) -> tuple[str, float]:
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


def text_ops(text: str, x: float, y: float, width: float, height: float, size: float, font: FieldFont) -> bytes:
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


def add_page_text(writer: PdfWriter, font_ref: IndirectObject, overlays: list[Overlay],
                  extra: dict[int, list[bytes]] | None = None) -> None:
    """Print ``overlays`` onto their pages (after the page's own content, in its own graphics state);
    ``extra`` adds ready content-stream chunks per page index (e.g. :func:`preview_mark_ops`)."""
    font = field_font()
    by_page: dict[int, list[bytes]] = {}
    for item in overlays:
        x1, y1, x2, y2 = item.place.rect
        ops = text_ops(item.text, x1, y1, x2 - x1, y2 - y1, item.size, font)
        if ops:
            by_page.setdefault(item.place.page, []).append(ops)
    for index, chunks in (extra or {}).items():
        by_page.setdefault(index, []).extend(chunks)
    for index, chunks in sorted(by_page.items()):
        page = writer.pages[index]
        resources = page[_name("/Resources")].get_object()
        fonts = resources.setdefault(_name("/Font"), DictionaryObject()).get_object()
        fonts[_name(FONT_KEY)] = font_ref
        before = _stream(writer, b"q\n", {})
        after = _stream(writer, b"Q\nq\n" + b"".join(chunks) + b"Q\n", {})
        contents = page.raw_get(_name("/Contents"))  # the reference: a stream must stay an indirect object
        resolved = contents.get_object()
        existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[_name("/Contents")] = ArrayObject([before, *existing, after])


def _glyphs(text: str, font: FieldFont) -> bytes:
    return b"<" + font.encode(text).hex().encode() + b">"


def preview_mark_ops(writer: PdfWriter, mark: str, banner: str) -> dict[int, list[bytes]]:
    """The "Vorschau" mark for every page: a red banner with ``banner`` across the top margin and ``mark``
    large, diagonal and translucent across the page. Both are real text in the field font (extractable;
    the banner runs horizontally so every text extractor finds it). Registers the translucency
    (``/ExtGState``) in each page's resources; returns the content-stream chunks per page index."""
    font = field_font()
    state = DictionaryObject({_name("/Type"): _name("/ExtGState"), _name("/ca"): FloatObject(0.13),
                              _name("/CA"): FloatObject(0.13)})
    state_ref = writer._add_object(state)  # noqa: SLF001
    out: dict[int, list[bytes]] = {}
    for index, page in enumerate(writer.pages):
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


def add_widgets(writer: PdfWriter, font_ref: IndirectObject, fields: tuple[Field, ...],
                values: dict[str, str | bool], placements: dict[str, Placement]) -> None:
    """Add the AcroForm: one filled widget per field, each with its appearance stream."""
    font = field_font()
    default_da = TextStringObject(f"{FONT_KEY} {TEXT_SIZE:g} Tf 0 g")
    font_resources = DictionaryObject({_name("/Font"): DictionaryObject({_name(FONT_KEY): font_ref})})
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
            on = _stream(writer, cross_ops(0, 0, width, height), form)
            off = _stream(writer, b"", form)
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
            appearance = _stream(writer, ops, {"/Type": _name("/XObject"), "/Subtype": _name("/Form"),
                                               "/BBox": bbox, "/Resources": font_resources})
            widget.update({
                _name("/FT"): _name("/Tx"), _name("/V"): TextStringObject(text), _name("/DA"): default_da,
                _name("/AP"): DictionaryObject({_name("/N"): appearance}),
            })
        ref = writer._add_object(widget)  # noqa: SLF001
        if _name("/Annots") not in page:
            page[_name("/Annots")] = ArrayObject()
        page[_name("/Annots")].get_object().append(ref)
        all_fields.append(ref)
    writer._root_object[_name("/AcroForm")] = writer._add_object(DictionaryObject({  # noqa: SLF001
        _name("/Fields"): all_fields, _name("/DA"): default_da,
        _name("/DR"): DictionaryObject({_name("/Font"): DictionaryObject({
            _name(FONT_KEY): font_ref,
            _name("/ZaDb"): DictionaryObject({_name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type1"),
                                              _name("/BaseFont"): _name("/ZapfDingbats")}),
        })}),
    }))
