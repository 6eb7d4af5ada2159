"""The text-fitting estimates use the stylesheet's boxes: every millimetre, line height and first
size in :mod:`formsvc.letters.fitting` is checked against ``templates/letters/letter.css``."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from formsvc.letters import fitting as f

CSS = Path(__file__).resolve().parent.parent / "templates" / "letters" / "letter.css"
PT = 25.4 / 72


def _rules(css: str) -> dict[str, dict[str, str]]:
    """selector -> declarations of every innermost rule (``@page`` margin boxes by their at-keyword)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"([^{};]+)\{([^{}]*)\}", css):
        selector = " ".join(match.group(1).split())
        declarations = {}
        for part in match.group(2).split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        rules.setdefault(selector, {}).update(declarations)
    page = re.search(r"@page\s*\{([^{}]*)", css)
    assert page, "no @page rule"
    rules["@page"] = {k.strip(): v.strip() for k, v in (p.split(":", 1) for p in page.group(1).split(";") if ":" in p)}
    return rules


def _mm(value: str) -> float:
    """One CSS length in mm (mm or pt)."""
    if value.strip() == "0":
        return 0.0
    number = re.fullmatch(r"(-?[0-9.]+)(mm|pt)", value.strip())
    assert number, f"not a length in mm or pt: {value!r}"
    amount = float(number.group(1))
    return amount if number.group(2) == "mm" else amount * PT


def _pt(value: str) -> float:
    number = re.fullmatch(r"([0-9.]+)pt", value.strip())
    assert number, f"not a size in pt: {value!r}"
    return float(number.group(1))


def _edges(value: str) -> list[float]:
    """A margin/padding shorthand as [top, right, bottom, left] in mm."""
    parts = [_mm(v) for v in value.split()]
    return {1: parts * 4, 2: parts * 2, 3: [parts[0], parts[1], parts[2], parts[1]], 4: parts}[len(parts)]


@pytest.fixture(scope="module")
def css() -> dict[str, dict[str, str]]:
    return _rules(CSS.read_text(encoding="utf-8"))


def test_the_window_boxes(css) -> None:
    """Recipient and return line: width, height, line height, first sizes."""
    recipient = css[".window .recipient"]
    assert _mm(recipient["width"]) == f.RECIPIENT_WIDTH_MM
    assert _mm(recipient["height"]) == f.RECIPIENT_HEIGHT_MM
    assert float(recipient["line-height"]) == f.LINE_HEIGHT
    assert _pt(css["html"]["font-size"]) == f.RECIPIENT_SIZES[0]
    back = css[".window .return"]
    assert _mm(back["width"]) == f.RETURN_WIDTH_MM
    assert _pt(back["font-size"]) == f.RETURN_SIZES[0]
    assert back["white-space"] == "nowrap"  # one line: the estimate counts characters of one line


def test_the_letterhead(css) -> None:
    """The name column and its first size and line limit."""
    assert _mm(css[".letterhead"]["width"]) == f.HEAD_WIDTH_MM
    name = css[".letterhead .name"]
    assert _pt(name["font-size"]) == f.HEAD_NAME_SIZES[0]
    assert int(name["line-clamp"]) == f.HEAD_NAME_MAX_LINES
    assert name["font-weight"] == "700"  # hence the bold character width


def test_the_information_block(css) -> None:
    """Value column = block width - label column - label padding; height above the subject line."""
    info = css[".info"]
    label_padding = _edges(css[".info th"]["padding"])[1]
    value_column = _mm(info["width"]) - _mm(css[".info col.label"]["width"]) - label_padding
    assert value_column == pytest.approx(f.INFO_VALUE_MM)
    assert _mm(info["top"]) == f.INFO_TOP_MM
    assert _mm(css[".first-page"]["height"]) == f.FIRST_PAGE_MM
    assert f.INFO_HEIGHT_MM == pytest.approx(f.FIRST_PAGE_MM - f.INFO_TOP_MM - f.INFO_CLEARANCE_MM)
    assert _pt(info["font-size"]) == f.INFO_SIZES[0]
    assert float(info["line-height"]) == f.TEXT_LINE_HEIGHT
    value = css[".info td"]
    assert int(value["line-clamp"]) == f.INFO_MAX_LINES
    assert _edges(value["padding"])[2] == pytest.approx(f.INFO_ROW_GAP_MM)


def test_the_footer(css) -> None:
    """Column width from the table and its padding; height from the page's bottom margin."""
    footer = css[".footer"]
    assert _pt(footer["font-size"]) == f.FOOTER_SIZES[0]
    assert float(footer["line-height"]) == f.TEXT_LINE_HEIGHT
    column = _mm(css[".footer table"]["width"]) / f.FOOTER_COLUMNS - _edges(css[".footer td"]["padding"])[1]
    assert f.FOOTER_COLUMN_MM <= column < f.FOOTER_COLUMN_MM + 1  # rounded down: never wider than the box
    bottom_margin = _edges(css["@page"]["margin"])[2]
    margin_box_padding = _mm(css["@bottom-left"]["padding-top"])
    footer_padding = _mm(footer["padding-top"])
    assert bottom_margin - margin_box_padding - footer_padding - f.PAGE_LAST_MM == pytest.approx(f.FOOTER_HEIGHT_MM)


def test_the_running_text_line_height(css) -> None:
    """The line height the info block and footer estimates use is the page's own."""
    assert float(css["html"]["line-height"]) == f.TEXT_LINE_HEIGHT


def test_estimates_shrink_long_text() -> None:
    """A long value gets a smaller size than a short one, never below the last size."""
    assert f.recipient_font_pt(["Max Mustermann", "Hauptstr. 1", "10115 Berlin"]) == f.RECIPIENT_SIZES[0]
    assert f.recipient_font_pt(["x" * 200] * 8) == f.RECIPIENT_SIZES[-1]
    assert f.head_name_pt("A" * 120) < f.head_name_pt("Muster GmbH")
    text, size = f.return_line("N" * 200, ["Hauptstr. 1", "10115 Berlin"])
    assert size == f.RETURN_SIZES[-1] and text.endswith("… · Hauptstr. 1 · 10115 Berlin")
