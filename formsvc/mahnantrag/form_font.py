"""The font of the form fields' appearance streams, prepared once per process.

DejaVu Sans (Debian's fonts-dejavu-core), cut down to the Latin, Greek and
Cyrillic blocks and embedded as a Type0/Identity-H font with a complete
ToUnicode map: field values are visible in every viewer and extractable as
text, and a viewer that regenerates an edited field finds every Latin glyph.
This module only says which font and what it keeps; the lookup, the cut and
the PDF tables are the one font subsetter's, :mod:`formsvc.render.fonts`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..render.fonts import EmbeddableFont, SubsetSpec, embeddable, find_font, subset

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
#: Unicode blocks kept: Basic Latin … Cyrillic Supplement, Latin Extended Additional, punctuation, currency, letterlike.
KEPT_RANGES = ((0x20, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x20CF), (0x2100, 0x214F))
#: What the field font keeps (no layout features: the appearance streams place glyphs one by one).
SUBSET = SubsetSpec(ranges=KEPT_RANGES, drop_tables=("FFTM",), loader="subsetter")
BASE_FONT = "FormsvcFieldSans"


@lru_cache(maxsize=1)
def field_font() -> EmbeddableFont:
    """Build (once) the subset font and its PDF tables."""
    source = find_font(FONT_CANDIDATES, purpose="the application's form fields", packages="fonts-dejavu-core")
    return embeddable(subset(source, SUBSET))


__all__ = ["BASE_FONT", "field_font", "KEPT_RANGES", "SUBSET"]
