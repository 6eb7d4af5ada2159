"""Text fitting: how small a block of the letter must be set so that its text fits its box.

WeasyPrint does not shrink text to fit, so the letter model picks each block's
font size before layout from an estimate of how its text wraps: characters per
line from the column width, the font size and an average character width, lines
from the text's length. The boxes are those of ``templates/letters/letter.css``;
every millimetre, line height and first size below is written there too, and
``tests/test_letters_fitting.py`` reads the stylesheet and checks them.

The blocks, largest size first:

- recipient (the window's Anschriftzone, 75 × 27.3 mm, line height 1.2)
- return line (one line of 75 mm in the window, 7 pt down to 4 pt)
- letterhead name (bold, two lines of the 165 mm letterhead)
- information block (value column 75 − 29 − 2 = 44 mm, at most three lines a value,
  above the subject line)
- footer (three columns of the 140 mm footer, above the page's last 5 mm)
"""
from __future__ import annotations

#: 1 pt in mm.
PT_TO_MM = 25.4 / 72
#: Average advance of a character in em (regular, bold): Noto Sans over letter-like text.
AVG_CHAR_EM = 0.56
BOLD_CHAR_EM = 0.62

#: Window: ``.window .recipient`` (width, height, line-height) and ``.window .return``.
RECIPIENT_WIDTH_MM = 75.0
RECIPIENT_HEIGHT_MM = 27.3  # DIN 5008 form B: the Anschriftzone below the 17.7 mm Vermerkzone
LINE_HEIGHT = 1.2
RECIPIENT_SIZES = (10.0, 9.0, 8.0, 7.0, 6.0, 5.0)  # 10 pt: ``html``'s font-size
RETURN_WIDTH_MM = 75.0
RETURN_SIZES = (7.0, 6.5, 6.0, 5.5, 5.0, 4.5, 4.0)  # 7 pt: ``.window .return``

#: Letterhead: the creditor's name (bold) on at most two lines of the ``.letterhead`` column.
HEAD_WIDTH_MM = 165.0
HEAD_NAME_SIZES = (15.0, 13.0, 11.0)  # 15 pt: ``.letterhead .name``
HEAD_NAME_MAX_LINES = 2  # ``.letterhead .name { line-clamp: 2 }``

#: Line height of running text (``html``, ``.info``, ``.footer``).
TEXT_LINE_HEIGHT = 1.3

#: Information block: ``.info`` (width 75 mm at 125/50 mm) less ``col.label`` (29 mm) and the
#: label's right padding (2 mm) is the value column; it must end above the subject line, which
#: follows the 97 mm ``.first-page`` box, with 4 mm to spare.
INFO_VALUE_MM = 44.0
INFO_TOP_MM = 50.0
FIRST_PAGE_MM = 97.0
INFO_CLEARANCE_MM = 4.0
INFO_HEIGHT_MM = FIRST_PAGE_MM - INFO_TOP_MM - INFO_CLEARANCE_MM
INFO_ROW_GAP_MM = 0.6  # ``.info td { padding-bottom }``
INFO_SIZES = (8.5, 7.5, 6.5, 6.0)  # 8.5 pt: ``.info``
INFO_MAX_LINES = 3  # ``.info td { line-clamp: 3 }``

#: Footer: one of the three columns of the 140 mm ``.footer table`` less its 3 mm right padding
#: (46.7 − 3 = 43.7 mm, taken as 43 mm), and the height it has: the page's 26 mm bottom margin
#: less the margin box's 3 mm and the footer's 1.5 mm top padding and the page's last 5 mm.
FOOTER_COLUMNS = 3
FOOTER_COLUMN_MM = 43.0
PAGE_LAST_MM = 5.0
FOOTER_HEIGHT_MM = 16.5
FOOTER_SIZES = (7.0, 6.5, 6.0, 5.5, 5.0)  # 7 pt: ``.footer``


def chars_per_line(font_pt: float, width_mm: float, em: float = AVG_CHAR_EM) -> int:
    """Estimated characters that fit one line of a column ``width_mm`` wide (at least one)."""
    return max(1, int(width_mm / (font_pt * PT_TO_MM * em)))


def lines(text: str, font_pt: float, width_mm: float, em: float = AVG_CHAR_EM) -> int:
    """Estimated lines ``text`` wraps to in a column ``width_mm`` wide (at least one)."""
    return max(1, -(-len(text) // chars_per_line(font_pt, width_mm, em)))


def recipient_font_pt(address: list[str]) -> float:
    """The largest font size at which the wrapped recipient lines fit the window's height."""
    for size in RECIPIENT_SIZES:
        wrapped = sum(lines(line, size, RECIPIENT_WIDTH_MM) for line in address)
        if wrapped * size * PT_TO_MM * LINE_HEIGHT <= RECIPIENT_HEIGHT_MM:
            return size
    return RECIPIENT_SIZES[-1]


def head_name_pt(name: str) -> float:
    """The letterhead's name size: the largest that keeps the name on two lines (longer names
    are cut to two lines with "…" by the stylesheet)."""
    for size in HEAD_NAME_SIZES:
        if lines(name, size, HEAD_WIDTH_MM, BOLD_CHAR_EM) <= HEAD_NAME_MAX_LINES:
            return size
    return HEAD_NAME_SIZES[-1]


def info_pt(values: list[str]) -> float:
    """The information block's size: the largest at which its values (each at most three lines,
    as the stylesheet cuts them) end above the subject line."""
    for size in INFO_SIZES:
        count = sum(min(INFO_MAX_LINES, lines(value, size, INFO_VALUE_MM)) for value in values)
        if count * size * PT_TO_MM * TEXT_LINE_HEIGHT + INFO_ROW_GAP_MM * len(values) <= INFO_HEIGHT_MM:
            return size
    return INFO_SIZES[-1]


def footer_fit(columns: list[list[str]]) -> tuple[float, int]:
    """The footer's size and how many lines a column may have: the largest size at which every
    column fits above the page's last 5 mm; at the smallest, longer columns end in "…"."""
    room = 1
    for size in FOOTER_SIZES:
        room = int(FOOTER_HEIGHT_MM / (size * PT_TO_MM * TEXT_LINE_HEIGHT))
        need = max((sum(lines(part, size, FOOTER_COLUMN_MM) for part in column if part) for column in columns),
                   default=0)
        if need <= room:
            return size, room
    return FOOTER_SIZES[-1], room


def return_font_pt(text: str) -> float:
    """Font size that keeps the one-line return address inside the window (7 pt down to 4 pt)."""
    for size in RETURN_SIZES:
        if len(text) <= chars_per_line(size, RETURN_WIDTH_MM):
            return size
    return RETURN_SIZES[-1]


def return_line(name: str, address: list[str]) -> tuple[str, float]:
    """The one-line return address and its font size. When it does not fit even at the smallest
    size, the name is shortened (ending in "…"): street, postal code and city are what brings
    undeliverable mail back, so they always stay whole."""
    text = " · ".join([name, *address])
    size = return_font_pt(text)
    room = chars_per_line(size, RETURN_WIDTH_MM)
    joined = " · ".join(address)
    keep = room - len(joined) - len(" · …")
    if len(text) > room and joined and keep > 0:
        text = f"{name[:keep].rstrip()}… · {joined}"
    return text, size
