"""Build-time assets of the letters: compiled catalogs and small subset fonts.

``prepare()`` (run by ``./dev`` through :mod:`formsvc.setup_assets`) is
idempotent: it compiles every ``messages.po`` to ``messages.mo`` when the
``.mo`` is missing or older, and writes the letter fonts — Noto Sans (Debian
``fonts-noto-core``; DejaVu Sans from ``fonts-dejavu-core`` as fallback)
reduced by the one font subsetter (:mod:`formsvc.render.fonts`) to the Latin ranges the eight letter
languages need (German, English, French, Italian, Spanish, Dutch, Polish
ł ś ż ą ę, Turkish ğ ş ı İ) — into ``Settings.cache_dir`` (``FORMSVC_CACHE_DIR``;
its default is written in :mod:`formsvc.config`). Without settings the
process's ``FORMSVC_*`` environment decides. The renderer calls
:func:`font_files` and so builds a missing font once on first use; nothing is
ever downloaded.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..config import Settings, environment_settings
from ..render import fonts
from .i18n import compile_po, locale_dir

#: Bump when the subset specification changes (invalidates cached fonts).
SUBSET_VERSION = "1"
#: Unicode ranges kept in the letter fonts.
UNICODE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A (Polish, Turkish, Czech ...)
    (0x0218, 0x021B),  # Romanian comma-below letters
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x202F, 0x202F),  # narrow no-break space (French number grouping)
    (0x2030, 0x203A),  # per mille, guillemets
    (0x20AC, 0x20AC),  # euro sign
    (0x20BA, 0x20BA),  # Turkish lira sign
    (0x2116, 0x2116),  # numero sign
    (0x2212, 0x2212),  # minus sign
)
#: What the letter fonts keep (cut by the one subsetter, :mod:`formsvc.render.fonts`).
SUBSET = fonts.SubsetSpec(ranges=UNICODE_RANGES,
                          layout_features=("kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk"),
                          drop_tables=("DSIG",), loader="subsetter")
#: style -> candidate source files, first existing wins.
SOURCES = {
    "regular": ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "bold": ("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
             "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}


def cache_dir(settings: Settings | None = None) -> Path:
    """Where generated assets are kept: ``settings.cache_dir`` (default: from the environment)."""
    return (settings or environment_settings()).cache_dir


def source_font(style: str) -> Path:
    """The installed font a letter style is made from (:class:`~formsvc.errors.FontNotFound`
    when none is)."""
    return fonts.find_font(SOURCES[style], purpose=f"the letters' {style} style",
                           packages="fonts-noto-core (or fonts-dejavu-core)")


def subset_font(source: Path, target: Path) -> None:
    """Write a reduced copy of ``source`` with only :data:`UNICODE_RANGES` (atomic replace)."""
    fonts.write_font(fonts.subset(source, SUBSET), target)


def font_path(style: str, settings: Settings | None = None) -> Path:
    """The cached subset font for ``style``, named by source file and subset version."""
    source = source_font(style)
    stamp = hashlib.sha256(f"{source}:{source.stat().st_size}:{source.stat().st_mtime_ns}:"
                           f"{SUBSET_VERSION}".encode()).hexdigest()[:12]
    return cache_dir(settings) / "fonts" / f"letter-{style}-{stamp}.ttf"


def font_files(settings: Settings | None = None) -> dict[str, Path]:
    """style -> subset font file, building any that is missing."""
    out = {}
    for style in SOURCES:
        path = font_path(style, settings)
        if not path.is_file():
            subset_font(source_font(style), path)
        out[style] = path
    return out


def compile_catalogs() -> list[Path]:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older; return the written files."""
    written = []
    for po in sorted(locale_dir().glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            mo.write_bytes(compile_po(po))
        except OSError:  # read-only install: the renderer compiles in memory instead
            continue
        written.append(mo)
    return written


def prepare(settings: Settings | None = None) -> None:
    """Compile catalogs and build the subset fonts (idempotent)."""
    compile_catalogs()
    font_files(settings)
