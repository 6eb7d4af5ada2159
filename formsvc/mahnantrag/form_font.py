"""The font of the form fields' appearance streams, prepared once per process.

DejaVu Sans (Debian's fonts-dejavu-core), cut down to the Latin, Greek and
Cyrillic blocks and embedded as a Type0/Identity-H font with a complete
ToUnicode map: field values are visible in every viewer and extractable as
text, and a viewer that regenerates an edited field finds every Latin glyph.
"""
from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from ..errors import ConfigurationError

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
#: Unicode blocks kept: Basic Latin … Cyrillic Supplement, Latin Extended Additional, punctuation, currency, letterlike.
KEPT_RANGES = ((0x20, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x20CF), (0x2100, 0x214F))
BASE_FONT = "FormsvcFieldSans"


@dataclass(frozen=True)
class FieldFont:
    """Everything needed to embed the font and to write text with it."""

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


def _font_path() -> Path:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    raise ConfigurationError("DejaVu Sans not found: install the Debian package fonts-dejavu-core (./dev does).")


@lru_cache(maxsize=1)
def field_font() -> FieldFont:
    """Build (once) the subset font and its PDF tables."""
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["FFTM"]
    font = TTFont(str(_font_path()))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[cp for lo, hi in KEPT_RANGES for cp in range(lo, hi + 1)])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    raw = buffer.getvalue()
    font = TTFont(io.BytesIO(raw))
    upem = font["head"].unitsPerEm
    scale = 1000 / upem
    order = font.getGlyphOrder()
    gid_of = {name: i for i, name in enumerate(order)}
    glyph_ids = {cp: gid_of[name] for cp, name in font.getBestCmap().items()}
    hmtx = font["hmtx"]
    widths = {i: round(hmtx[name][0] * scale) for i, name in enumerate(order)}
    head, os2 = font["head"], font["OS/2"]
    return FieldFont(
        font_file=zlib.compress(raw, 9), font_file_length=len(raw),
        to_unicode=zlib.compress(_to_unicode(glyph_ids), 9), widths=widths, glyph_ids=glyph_ids,
        ascent=round(os2.sTypoAscender * scale), descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", 0) * scale) or 700,
        bbox=(round(head.xMin * scale), round(head.yMin * scale), round(head.xMax * scale), round(head.yMax * scale)),
    )


def _to_unicode(glyph_ids: dict[int, int]) -> bytes:
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
