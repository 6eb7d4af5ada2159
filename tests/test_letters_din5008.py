"""DIN 5008 form B to the millimetre, checked on the characters of the rendered PDF (pypdfium2 boxes).

Address field 85 × 45 mm, 45 mm from the top and 20 mm from the left edge: the top 17.7 mm (five
lines) are the Zusatz- und Vermerkzone, whose first line holds the return line; the recipient stands
only in the Anschriftzone below it (27.3 mm, six lines, from 62.7 mm). The information block ends
with the date.
"""
from __future__ import annotations

import copy
import pypdfium2
import pytest

from formsvc.letters import options_from, render_letter
from formsvc.letters.i18n import translations
from formsvc.letters.options import LANGUAGES

from conftest import SAMPLES, load_case

MM = 72 / 25.4
PAGE_HEIGHT_MM = 297
FIELD = (20.0, 45.0, 105.0, 90.0)  # left, top, right, bottom in mm from the top-left corner
VERMERKZONE_END_MM = 45.0 + 17.7
RETURN_LINE_END_MM = 45.0 + 17.7 / 5  # the first of the zone's five lines


def _chars(page: pypdfium2.PdfPage) -> list[tuple[str, float, float, float, float]]:
    """Every printed character as (char, left, top, right, bottom) in mm from the top-left corner."""
    textpage = page.get_textpage()
    found = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        left, bottom, right, top = textpage.get_charbox(index)
        if char.strip() and right > left:
            found.append((char, left / MM, PAGE_HEIGHT_MM - top / MM, right / MM, PAGE_HEIGHT_MM - bottom / MM))
    return found


def _in_field(chars):
    x0, y0, x1, y1 = FIELD
    return [c for c in chars if x0 <= c[1] and c[3] <= x1 and y0 <= c[2] and c[4] <= y1]


def _field_lines(case, **overrides) -> tuple[str, str]:
    """The text of the return line (first Vermerkzone line) and of the Anschriftzone, after checking
    that nothing else in the field is printed and nothing runs out of it."""
    letter = render_letter(case, options_from(case, overrides))
    page = pypdfium2.PdfDocument(letter.data)[0]
    chars = _in_field(_chars(page))
    back = [c for c in chars if c[4] <= RETURN_LINE_END_MM + 0.2]
    address = [c for c in chars if c[2] >= VERMERKZONE_END_MM - 0.2]
    stray = [c for c in chars if c not in back and c not in address]
    assert stray == [], "characters between the return line and the Anschriftzone"
    assert all(c[4] <= FIELD[3] for c in address)
    return "".join(c[0] for c in back), "".join(c[0] for c in address)


@pytest.mark.parametrize("language", LANGUAGES)
def test_recipient_only_in_the_anschriftzone(example_case, language):
    """The return line sits in the field's first line; every recipient character lies in the
    Anschriftzone (62.7 to 90 mm), none in the Zusatz- und Vermerkzone."""
    back, address = _field_lines(example_case, language=language)
    assert "MusterBauGmbH" in back
    assert "Zahlmann" in address and "22145Hamburg" in address


def test_representative_and_long_address_stay_in_the_anschriftzone(example_case):
    """Six and more recipient lines (minor with parents; a company with extra line abroad) start in the
    Anschriftzone and shrink to end inside the field."""
    minor = load_case(SAMPLES / "valid" / "13_minor_debtor_with_parents.json")
    _, address = _field_lines(minor)
    assert address
    case = copy.deepcopy(example_case)
    case["debtors"] = [{"type": "company", "name": "Internationale Bau- und Projektentwicklungsgesellschaft mbH",
                        "address": {"street": "Am Langen Wege der Handwerkskammer 117", "extra": "Hinterhaus, 3. OG",
                                    "postal_code": "1010", "city": "Wien", "country": "AT"}}]
    _, address = _field_lines(case)
    assert "ÖSTERREICH" in address


def _row_top(chars, label: str) -> float:
    """Top (mm) of the first run of characters spelling ``label`` in the information block."""
    info = [c for c in chars if c[1] >= 124 and 45 <= c[2] <= 97]
    text = "".join(c[0] for c in info)
    at = text.find(label.replace(" ", ""))
    assert at >= 0, f"{label!r} not in the information block"
    return info[at][2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_information_block_in_din_5008_order(example_case, language):
    """Unser Zeichen, the documents, Telefon, E-Mail and the date last, top to bottom."""
    t = translations(language)
    labels = [t.gettext("Our reference"), t.ngettext("Invoice no.", "Invoice nos.", 1), t.gettext("Phone"),
              t.gettext("Email"), t.gettext("Date")]
    letter = render_letter(example_case, options_from(example_case, {"language": language}))
    chars = _chars(pypdfium2.PdfDocument(letter.data)[0])
    tops = [_row_top(chars, label) for label in labels]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), tops


@pytest.fixture
def company_case(example_case):
    """The example with a company debtor (not a consumer)."""
    case = copy.deepcopy(example_case)
    case["debtors"] = [{"type": "company", "name": "Beispiel Handel GmbH & Co. KG",
                        "address": {"street": "Industriestraße 7", "postal_code": "50667", "city": "Köln"}}]
    return case


def _page_texts(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


@pytest.mark.parametrize("bank", [True, False])
@pytest.mark.parametrize("length", [5, 20, 40])
def test_closing_never_stands_alone_on_a_page(company_case, bank, length):
    """Descriptions long enough to push the letter over a page (with and without the payment block):
    the page with the closing starts with the end of the text the closing follows, never the closing."""
    base = company_case["claims"][0]
    company_case["costs"] = {"dunning": "5.00", "information": "8.00", "return_debit": "3.00", "collection": "70.20"}
    if not bank:
        company_case["creditor"].pop("bank_account", None)
    company_case["claims"] = [dict(base, document_no=f"RE-2025-{n}", amount=f"{n}.00",
                                   description=("Rechnung über Bauleistungen gemäß Auftrag " * 2)[:20 + length])
                              for n in (100, 101, 102)]
    letter = render_letter(company_case, options_from(company_case, {"level": 3, "tone": "firm"}))
    assert letter.page_count == 2
    page = _page_texts(letter.data)[1]
    assert "Mit freundlichen Grüßen" in page
    assert page.index("Mit freundlichen Grüßen") > 0, "the closing is alone on page 2"
