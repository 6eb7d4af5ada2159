"""The one font subsetter of the letters and the application: one lookup, one error, one cut.

- :func:`find_font` picks the first installed file of a family's candidates and
  otherwise raises :class:`~formsvc.errors.FontNotFound` (a ``ConfigurationError``
  and a :class:`FileNotFoundError`), naming the Debian package to install and
  every path looked at.
- :func:`subset` cuts a font down to a :class:`SubsetSpec` (Unicode ranges,
  layout features kept, tables dropped) with fontTools' subsetter and returns
  the new file's bytes; :func:`write_font` stores them atomically.
- :func:`embeddable` reads the metrics and glyph map the application's PDF
  layer needs to embed a cut font as Type0/Identity-H (:class:`EmbeddableFont`).

Each family writes its spec once (:mod:`formsvc.letters.assets`,
:mod:`formsvc.mahnantrag.form_font`). ``SubsetSpec.loader`` keeps how each
family has always opened and saved the font, so the cut files stay
byte-identical to what they were: ``"subsetter"`` (fontTools' ``load_font`` /
``save_font`` with the subsetter's options: the source's timestamp and
bounds kept) for the letters, ``"ttfont"`` (a plain ``TTFont``: bounds and
the ``head.modified`` timestamp recomputed on save) for the application.
"""
from __future__ import annotations

import io
import os
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import FontNotFound


@dataclass(frozen=True)
class SubsetSpec:
    """What a cut font keeps, and how its file is opened and saved (see the module)."""

    ranges: tuple[tuple[int, int], ...]  # inclusive Unicode ranges kept
    layout_features: tuple[str, ...] = ()  # OpenType features kept
    drop_tables: tuple[str, ...] = ()  # tables dropped besides fontTools' default list
    loader: Literal["subsetter", "ttfont"] = "subsetter"

    def unicodes(self) -> list[int]:
        """Every code point of :attr:`ranges`."""
        return [cp for low, high in self.ranges for cp in range(low, high + 1)]


def find_font(candidates: Sequence[str | Path], *, purpose: str, packages: str) -> Path:
    """The first of ``candidates`` that is an installed file; :class:`~formsvc.errors.FontNotFound` otherwise."""
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontNotFound(f"no font for {purpose}: install the Debian package {packages} (./dev does); "
                       f"looked for {', '.join(str(c) for c in candidates)}")


def subset(source: Path, spec: SubsetSpec) -> bytes:
    """The bytes of ``source`` cut down to ``spec``."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.layout_features = list(spec.layout_features)
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += list(spec.drop_tables)
    font = ft_subset.load_font(str(source), options) if spec.loader == "subsetter" else TTFont(str(source))
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=spec.unicodes())
    subsetter.subset(font)
    buffer = io.BytesIO()
    if spec.loader == "subsetter":
        ft_subset.save_font(font, buffer, options)
    else:
        font.save(buffer)
    return buffer.getvalue()


def write_font(data: bytes, target: Path) -> None:
    """Store a cut font at ``target`` (readable by all; written beside it, then renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as handle:
        tmp = Path(handle.name)
    try:
        tmp.write_bytes(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class EmbeddableFont:
    """A cut font ready to embed in a PDF (Type0, Identity-H) and to set text with."""

    font_file: bytes  # zlib-compressed TrueType file
    font_file_length: int  # uncompressed length (Length1)
    to_unicode: bytes  # zlib-compressed ToUnicode CMap
    widths: dict[int, int]  # glyph id -> advance in 1/1000 em
    glyph_ids: dict[int, int]  # code point -> glyph id
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]

    def encode(self, text: str) -> bytes:
        """``text`` as 2-byte glyph ids (Identity-H); a character the font lacks shows as .notdef."""
        return b"".join(self.glyph_ids.get(ord(ch), 0).to_bytes(2, "big") for ch in text)

    def width(self, text: str, size: float) -> float:
        """The advance width of ``text`` at ``size`` points."""
        return sum(self.widths.get(self.glyph_ids.get(ord(ch), 0), 600) for ch in text) * size / 1000


def embeddable(raw: bytes) -> EmbeddableFont:
    """The PDF tables of the TrueType file ``raw``: compressed file, ToUnicode map, widths, metrics."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(raw))
    upem = font["head"].unitsPerEm
    scale = 1000 / upem
    order = font.getGlyphOrder()
    gid_of = {name: i for i, name in enumerate(order)}
    glyph_ids = {cp: gid_of[name] for cp, name in font.getBestCmap().items()}
    hmtx = font["hmtx"]
    widths = {i: round(hmtx[name][0] * scale) for i, name in enumerate(order)}
    head, os2 = font["head"], font["OS/2"]
    return EmbeddableFont(
        font_file=zlib.compress(raw, 9), font_file_length=len(raw),
        to_unicode=zlib.compress(_to_unicode(glyph_ids), 9), widths=widths, glyph_ids=glyph_ids,
        ascent=round(os2.sTypoAscender * scale), descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", 0) * scale) or 700,
        bbox=(round(head.xMin * scale), round(head.yMin * scale), round(head.xMax * scale), round(head.yMax * scale)),
    )


def _to_unicode(glyph_ids: dict[int, int]) -> bytes:
    """A ToUnicode CMap mapping each glyph id to the first code point that uses it."""
    by_gid: dict[int, int] = {}
    for cp, gid in sorted(glyph_ids.items()):
        by_gid.setdefault(gid, cp)
    items = sorted(by_gid.items())
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{gid:04X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for gid, cp in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")
