"""One text rule for every field of the case: no character that no document can print.

Control characters (NUL, ESC, newlines, tabs, the C1 range), the bidirectional
overrides and isolates that reorder what a reader sees (U+202A–U+202E,
U+2066–U+2069, U+200E/U+200F, U+061C), line and paragraph separators and a
stray byte-order mark are refused wherever they stand (names, addresses, labels,
references …): no field of the contract is multi-line, a renderer would print
them as boxes or swallow them, and the bidi controls can make a PDF show another
name than the one the court file carries. The list is the character classes
below, not a word list; letters, accents and every script stay allowed (the EDA
profile's ``unsupported_character`` narrows to CP850 separately).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .rules import Context, Finding, rule

#: C0 and C1 controls, DEL, bidi marks/embeddings/overrides/isolates, LS/PS, BOM.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
NAMES = {0x00: "NUL", 0x09: "TAB", 0x0A: "LF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL", 0x202E: "RLO",
         0x202D: "LRO", 0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI", 0xFEFF: "BOM"}


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(JSON Pointer, text) of every string value below ``value``."""
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, dict):
            stack.extend((item, f"{where}/{key}") for key, item in node.items() if isinstance(key, str))
        elif isinstance(node, list):
            stack.extend((item, f"{where}/{i}") for i, item in enumerate(node))


@rule("unprintable_character")
def unprintable_character(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A control or bidi-override character in any text of the case (first one per field named)."""
    for path, text in sorted(_strings(case, "")):
        found = UNPRINTABLE.search(text)
        if found:
            point = ord(found.group())
            name = NAMES.get(point, "control character")
            yield path, {"char": f"U+{point:04X} ({name})", "position": found.start() + 1}
