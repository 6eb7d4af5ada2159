"""Dunning letters rendered for real: PDF text, salutations, amounts, GiroCode, window, determinism."""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pypdfium2
import pytest
from babel.numbers import format_currency
from pypdf import PdfReader
from pyzbar.pyzbar import decode as zbar_decode

from formsvc.errors import BadParameter, CaseRejected
from formsvc.letters import LetterOptions, options_from, render_letter
from formsvc.letters.i18n import LOCALES, translations
from formsvc.letters.options import LANGUAGES, LEVELS, TONES
from formsvc.letters.renderer import renderer

from conftest import load_case, valid_sample_paths

MM = 72 / 25.4  # PDF points per millimetre


def text_of(data: bytes) -> str:
    """All extracted text of a PDF with every kind of space folded to one blank."""
    reader = PdfReader(io.BytesIO(data))
    return normalise(" ".join(page.extract_text() for page in reader.pages))


def normalise(text: str) -> str:
    """Fold no-break and narrow spaces and line breaks to a single blank."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def page_image(data: bytes, index: int = 0, dpi: int = 100):
    """Render one page to a greyscale PIL image."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return pdf[index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        pdf.close()


def ink_boxes_outside(image, window, allowed, dpi: int = 100) -> list[tuple[int, int]]:
    """Dark pixels inside ``window`` (mm box) that lie outside every ``allowed`` (mm) box."""
    px = dpi / 25.4
    x0, y0, x1, y1 = (round(v * px) for v in window)
    allowed_px = [tuple(round(v * px) for v in box) for box in allowed]
    pixels = image.load()
    stray = []
    for y in range(y0, y1):
        for x in range(x0, x1):
            if pixels[x, y] < 128 and not any(a <= x < c and b <= y < d for a, b, c, d in allowed_px):
                stray.append((x, y))
    return stray


def render(case, **overrides) -> bytes:
    """Render a PDF letter with the given option overrides."""
    return render_letter(case, options_from(case, overrides)).data


@pytest.fixture
def company_case(example_case):
    """The example with a company debtor (not a consumer) and three claims."""
    case = copy.deepcopy(example_case)
    case["debtors"] = [{"type": "company", "name": "Beispiel Handel GmbH & Co. KG",
                        "address": {"street": "Industriestraße 7", "postal_code": "50667", "city": "Köln"},
                        "representatives": [{"role": "Geschäftsführer", "salutation": "herr",
                                             "first_name": "Karl", "last_name": "Kaufmann"}]}]
    base = case["claims"][0]
    case["claims"] = [dict(base, document_no=f"RE-2025-{n}", amount=f"{n}00.00") for n in (101, 102, 103)]
    return case


ALL_COMBINATIONS = [(t, lv, lang) for t in TONES for lv in LEVELS for lang in LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_tone_and_level_renders_in_each_language(example_case, language):
    """All 48 tone × level × language letters render as PDF with the debtor, total and deadline.

    10,000.00 open + 60.12 interest + 5.00 earlier dunning costs; the example's 1.80 postage is an
    Auslage of the Mahnverfahren and not charged by a letter."""
    total = format_currency(Decimal("10065.12"), "EUR", locale=LOCALES[language])
    texts = set()
    for tone in TONES:
        for level in LEVELS:
            letter = render_letter(example_case, options_from(example_case, {
                "tone": tone, "level": level, "language": language}))
            text = text_of(letter.data)
            assert "Zahlmann" in text
            assert normalise(total) in text
            texts.add(text)
    assert len(texts) == 6  # every tone × level reads differently


@pytest.mark.parametrize("language, person, company", [
    ("de", "Sehr geehrter Herr Zahlmann,", "Sehr geehrte Damen und Herren,"),
    ("en", "Dear Mr Zahlmann,", "Dear Sir or Madam,"),
    ("fr", "Monsieur,", "Madame, Monsieur,"),
    ("it", "Egregio Signor Zahlmann,", "Spettabile Ditta,"),
    ("es", "Estimado Sr. Zahlmann:", "Estimados señores:"),
    ("nl", "Geachte heer Zahlmann,", "Geachte heer, mevrouw,"),
    ("pl", "Szanowny Panie,", "Szanowni Państwo,"),
    ("tr", "Sayın Max Zahlmann,", "Sayın Yetkili,"),  # TDK: "Sayın" without Bey/Hanım after it
])
def test_salutation_by_language_and_party(example_case, company_case, language, person, company):
    """A man, and a company, are greeted the way business letters in that language do."""
    assert person in text_of(render(example_case, language=language))
    assert company in text_of(render(company_case, language=language))


def test_woman_with_title(example_case):
    """"Sehr geehrte Frau Dr. Muster," — title kept, female form chosen."""
    case = copy.deepcopy(example_case)
    case["debtors"][0].update(salutation="frau", title="Dr.", first_name="Erika", last_name="Muster")
    text = text_of(render(case))
    assert "Sehr geehrte Frau Dr. Muster," in text
    assert "Frau Dr. Erika Muster" in text  # recipient block


def test_every_document_number_and_deadline(company_case):
    """The itemised table lists every invoice number; the deadline is letter date + 14 days."""
    text = text_of(render(company_case, level=2))
    for number in ("RE-2025-101", "RE-2025-102", "RE-2025-103"):
        assert number in text
    assert "19.01.2026" in text  # 2026-01-05 + 14 days
    assert "Mahnung" in text


@pytest.mark.parametrize("language, expected", [("de", "10.065,12 €"), ("en", "€10,065.12"),
                                                ("fr", "10 065,12 €"), ("pl", "10 065,12 €")])
def test_total_is_formatted_for_the_locale(example_case, language, expected):
    """Totals follow the letter's locale: 10.065,12 € / €10,065.12 / 10 065,12 €."""
    assert expected in text_of(render(example_case, language=language))


def test_interest_rate_and_method_are_stated(example_case):
    """The letter names the interest (60.12 EUR), the rate over the base rate and the day count."""
    text = text_of(render(example_case))
    assert "60,12 €" in text
    assert "5 Prozentpunkte über dem Basiszinssatz" in text
    assert "6,27 % p. a. vom 02.12.2025 bis 31.12.2025" in text
    assert "tatsächliche Tage/365" in text


def test_level_three_names_the_dunning_court(example_case):
    """The final notice announces the Mahnverfahren at the court named in the case."""
    text = text_of(render(example_case, level=3, tone="firm"))
    assert "Letzte Mahnung" in text
    assert "gerichtliche Mahnverfahren beim Amtsgericht Hamburg-Altona" in text


def test_flat_fee_for_business_debtor_from_level_two(company_case):
    """40 EUR § 288 Abs. 5 BGB appears at level 2 when asked for, never at level 1."""
    company_case["letter"]["flat_fee"] = True
    assert "Verzugspauschale" in text_of(render(company_case, level=2))
    assert "Verzugspauschale" not in text_of(render(company_case, level=1))


def test_girocode_decodes_to_the_epc_payload(example_case):
    """The QR code scans as EPC069-12 v002 with the creditor's IBAN, BIC, the total and the reference."""
    data = render(example_case)
    codes = zbar_decode(page_image(data, dpi=200))
    assert len(codes) == 1
    lines = codes[0].data.decode("utf-8").split("\n")
    assert lines[:8] == ["BCD", "002", "1", "SCT", "COBADEFFXXX", "Muster Bau GmbH",
                         "DE89370400440532013000", "EUR10065.12"]
    assert lines[10] == "MB-2026-42 2024 1045476"
    assert "MB-2026-42 2024 1045476" in text_of(data)


def test_no_bank_account_means_no_payment_block(example_case):
    """Without a creditor account the letter has no IBAN and no QR code."""
    del example_case["creditor"]["bank_account"]
    data = render(example_case)
    assert "IBAN" not in text_of(data)
    assert zbar_decode(page_image(data, dpi=150)) == []


WINDOW = (20, 45, 105, 90)
RETURN_BOX = (24.5, 44.5, 100.5, 49)  # the first line of the Zusatz- und Vermerkzone (DIN 5008 form B)
RECIPIENT_BOX = (24.5, 62.5, 100.5, 90)  # the Anschriftzone, 62.7 to 90 mm


def test_window_holds_only_return_line_and_recipient(example_case):
    """In the 85 × 45 mm window there is ink only in the return line and the recipient block."""
    image = page_image(render(example_case))
    assert ink_boxes_outside(image, WINDOW, [RETURN_BOX, RECIPIENT_BOX]) == []
    assert ink_boxes_outside(image, RECIPIENT_BOX, [])  # the recipient is really there


def test_fold_and_hole_marks(example_case):
    """Fold marks at 105 and 210 mm and the hole mark at 148.5 mm are printed on the left edge."""
    image = page_image(render(example_case), dpi=200)
    for y_mm in (105, 148.5, 210):
        band = (3, y_mm - 0.6, 10, y_mm + 0.6)
        assert ink_boxes_outside(image, band, [], dpi=200), f"no mark at {y_mm} mm"


def test_long_names_shrink_but_stay_in_the_window(example_case):
    """A 200-character company name and street still fit the window on one page, fully printed."""
    case = copy.deepcopy(example_case)
    long_name = "Internationale Bau- und Projektentwicklungsgesellschaft " * 4
    case["debtors"] = [{"type": "company", "name": long_name[:200].strip(),
                        "address": {"street": ("Am Langen Wege der Handwerkskammer " * 6)[:200].strip(),
                                    "extra": "Hinterhaus, 3. Obergeschoss, Zimmer 301", "postal_code": "22145",
                                    "city": "Hamburg"}}]
    case["creditor"]["name"] = "Muster Bau und Sanierung Gesellschaft mit beschränkter Haftung"
    letter = render_letter(case, options_from(case, {}))
    assert letter.page_count == 1
    image = page_image(letter.data)
    assert ink_boxes_outside(image, WINDOW, [RETURN_BOX, RECIPIENT_BOX]) == []
    assert ink_boxes_outside(image, (0, 0, 210, 45), [(24.5, 10, 190.5, 45)]) == []


def test_many_items_run_to_two_pages_with_page_numbers(company_case):
    """A letter over one page says "Seite 1 von 2" and keeps the footer on both pages."""
    for claim in company_case["claims"]:
        claim["description"] = "Rechnung über Bauleistungen gemäß Auftrag und Nachtrag " * 3
    company_case["costs"] = {"dunning": "5.00", "information": "8.00", "return_debit": "3.00",
                             "collection": "70.20", "lawyer_out_of_court": "159.94", "postage": "1.80",
                             "other": {"label": "Kontoführung", "amount": "2.00"},
                             "other_expenses": {"label": "Meldeamtsauskunft", "amount": "10.00"}}
    company_case["letter"].update(flat_fee=True, fee="5.00")
    letter = render_letter(company_case, options_from(company_case, {"level": 3, "tone": "firm"}))
    assert letter.page_count == 2
    reader = PdfReader(io.BytesIO(letter.data))
    assert "Seite 1 von 2" in normalise(reader.pages[0].extract_text())
    assert "Seite 2 von 2" in normalise(reader.pages[1].extract_text())
    assert all("HRB 123456" in normalise(page.extract_text()) for page in reader.pages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_page_letter_has_no_page_number(example_case, language):
    """Laid out once with the page-number box, a one-page letter drops it: no "Seite 1 von 1"."""
    letter = render_letter(example_case, options_from(example_case, {"language": language}))
    assert letter.page_count == 1
    text = normalise(PdfReader(io.BytesIO(letter.data)).pages[0].extract_text())
    page_of = translations(language).gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": 1}
    assert normalise(page_of) not in text
    assert "HRB 123456" in text  # the footer beside it is still there


def _text_boxes(page: pypdfium2.PdfPage, text: str) -> list[tuple[float, float, float, float]]:
    """Left, bottom, right, top (points) of every occurrence of ``text`` on ``page``."""
    textpage = page.get_textpage()
    searcher = textpage.search(text, match_case=True)
    found = []
    while (hit := searcher.get_next()) is not None:
        boxes = [textpage.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
        found.append((min(b[0] for b in boxes), min(b[1] for b in boxes),
                      max(b[2] for b in boxes), max(b[3] for b in boxes)))
    assert found, f"{text!r} not on the page"
    return found


INFO_BLOCK_LEFT = 125 / 25.4 * 72 - 1  # points: the information block starts 125 mm from the left edge


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_never_run_into_their_values(example_case, language):
    """In the information and payment blocks each label ends before its value starts, in every language."""
    letter = render_letter(example_case, options_from(example_case, {"language": language}))
    page = pypdfium2.PdfDocument(letter.data)[0]
    t = translations(language)
    info_value = [b for b in _text_boxes(page, "MB-2026-42") if b[0] > INFO_BLOCK_LEFT][0]
    for label in (t.gettext("Date"), t.gettext("Our reference"), t.ngettext("Invoice no.", "Invoice nos.", 1),
                  t.gettext("Email")):
        box = [b for b in _text_boxes(page, label) if b[0] > INFO_BLOCK_LEFT][0]
        assert box[2] + 2 <= info_value[0], f"{language}: {label!r} runs into its value"
    payment_value = _text_boxes(page, "DE89 3704")[0]  # the IBAN: first in the payment block's value column
    for label in (t.gettext("Account holder"), t.gettext("Payment reference")):
        box = [b for b in _text_boxes(page, label) if b[0] < payment_value[0]][0]
        assert box[2] + 2 <= payment_value[0], f"{language}: {label!r} runs into its value"


def _overlapping_characters(page: pypdfium2.PdfPage) -> list[str]:
    """Pairs of printed characters whose boxes overlap (text running into text).

    A ligature ("ffi") gives its characters one shared box, so identical boxes are exempt;
    neighbours in reading order may overlap by kerning ("r." in "Dr."), so they count only
    from three quarters of the smaller box, any other pair from 5 %.
    """
    textpage = page.get_textpage()
    boxes = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        left, bottom, right, top = textpage.get_charbox(index)
        if char.strip() and right > left and top > bottom:
            boxes.append((left, bottom, right, top, index))
    boxes.sort()
    found = []
    for position, first in enumerate(boxes):
        for second in boxes[position + 1:]:
            if second[0] >= first[2]:
                break
            width = min(first[2], second[2]) - max(first[0], second[0])
            height = min(first[3], second[3]) - max(first[1], second[1])
            smaller = min((b[2] - b[0]) * (b[3] - b[1]) for b in (first, second))
            neighbours = abs(first[4] - second[4]) == 1
            if (width > 0 and height > 0 and first[:4] != second[:4]
                    and width * height > smaller * (0.75 if neighbours else 0.05)):
                found.append(textpage.get_text_range(max(0, first[4] - 10), 20) + " / "
                             + textpage.get_text_range(max(0, second[4] - 10), 20))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_runs_into_other_text_in_any_sample(language):
    """Every valid sample's final notice (the longest texts) prints without any two characters overlapping."""
    for path in valid_sample_paths():
        case = load_case(path)
        letter = render_letter(case, options_from(case, {"language": language, "level": 3, "tone": "firm"}))
        document = pypdfium2.PdfDocument(letter.data)
        for number in range(len(document)):
            assert _overlapping_characters(document[number]) == [], f"{path.name}, page {number + 1}"


def test_long_creditor_keeps_its_whole_address_in_the_return_line(example_case):
    """Name and street too long for the return line even at 4 pt: the name is shortened with "…",
    street, postal code and city stay whole, and nothing runs out of the window into the page."""
    case = copy.deepcopy(example_case)
    case["creditor"]["name"] = "Grundstücksverwaltungsgesellschaft Nordelbische Immobilien und Beteiligungen mbH"
    case["creditor"]["address"]["street"] = "Große Elbstraße am Altonaer Fischmarkt und Hafen 123a Hinterhaus 4. OG"
    letter = render_letter(case, options_from(case, {}))
    page = pypdfium2.PdfDocument(letter.data)[0]
    mm = 72 / 25.4
    height = page.get_height()
    # the first line of the Zusatz- und Vermerkzone, 45 to 48.5 mm from the top (DIN 5008 form B)
    return_zone = page.get_textpage().get_text_bounded(25 * mm, height - 48.6 * mm, 100 * mm, height - 45 * mm)
    assert return_zone.startswith("Grun") and "… · Große Elbstraße am Altonaer Fischmarkt" in return_zone
    assert return_zone.endswith("4. OG · 20457 Hamburg")
    assert _overlapping_characters(page) == []


def _longest(words: str, length: int) -> str:
    """``words`` repeated and cut to exactly ``length`` characters (no trailing space)."""
    return ((words + " ") * (length // len(words) + 1))[:length].rstrip().ljust(length, "x")


@pytest.mark.parametrize("language", ["de", "fr"])
def test_longest_values_the_contract_allows_stay_on_the_page(example_case, language):
    """Creditor and debtor name, street and city and the register at 200 characters, a 254-character
    e-mail, a 40-character phone number: the letter still prints every line inside the page
    (5 mm clear of each edge), and no text runs into other text."""
    case = copy.deepcopy(example_case)
    for party in (case["creditor"], case["debtors"][0]):
        party["address"]["street"] = _longest("Lange Straße am Hafen", 200)
        party["address"]["city"] = _longest("Hamburg Altona Nord", 200)
    case["creditor"]["name"] = _longest("Grundstücksverwaltung Nordelbische Beteiligungen", 200)
    case["debtors"][0]["first_name"] = _longest("Maximilian Alexander", 100)
    case["debtors"][0]["last_name"] = _longest("Zahlmann-Schulze", 100)
    case["creditor"]["register"] = _longest("Amtsgericht Hamburg HRB 123456", 200)
    case["creditor"]["email"] = "forderungen@" + "a" * 238 + ".de"
    case["creditor"]["phone"] = "+49 40 1234560 12345678901234567890 1234"
    letter = render_letter(case, options_from(case, {"language": language, "level": 3, "tone": "firm"}))
    document = pypdfium2.PdfDocument(letter.data)
    edge = 5 * 72 / 25.4
    for number in range(len(document)):
        page = document[number]
        width, height = page.get_size()
        textpage = page.get_textpage()
        for index in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(index)
            if right > left:
                assert edge <= left and right <= width - edge and edge <= bottom and top <= height - edge, (
                    f"page {number + 1}: {textpage.get_text_range(max(0, index - 10), 20)!r} is off the page")
        assert _overlapping_characters(page) == [], f"page {number + 1}"


def test_long_but_real_values_are_printed_in_full(example_case):
    """A long company name, street, register entry and e-mail shrink the letterhead, information
    block and footer instead of being cut: every one of them is printed whole, and no "…" appears
    but in the return line (which shortens the name by design, see the test above)."""
    case = copy.deepcopy(example_case)
    creditor = case["creditor"]
    creditor["name"] = "Grundstücksverwaltungsgesellschaft Nordelbische Immobilien und Beteiligungen mbH & Co. KG"
    creditor["address"]["street"] = "Große Elbstraße am Altonaer Fischmarkt 123a, Hinterhaus"
    creditor["register"] = "Amtsgericht Hamburg HRA 123456, persönlich haftende Gesellschafterin: Verwaltungs-GmbH"
    creditor["email"] = "forderungsmanagement.buchhaltung@grundstuecksverwaltung-nordelbe.example"
    letter = render_letter(case, options_from(case, {}))
    page = pypdfium2.PdfDocument(letter.data)[0]
    text = page.get_textpage().get_text_range()
    flat = re.sub(r"[\s\-]+", "", text)
    mm, height = 72 / 25.4, page.get_height()
    # the first line of the Zusatz- und Vermerkzone, 45 to 48.5 mm from the top (DIN 5008 form B)
    return_zone = page.get_textpage().get_text_bounded(25 * mm, height - 48.6 * mm, 100 * mm, height - 45 * mm)
    assert text.count("…") == return_zone.count("…")
    for value in (creditor["name"], creditor["address"]["street"], creditor["register"], creditor["email"]):
        assert re.sub(r"[\s\-]+", "", value) in flat, value
    assert _overlapping_characters(page) == []


def test_pdf_metadata_fonts_and_language(example_case):
    """Title, author (the creditor) and language are set; the fonts are embedded subsets."""
    reader = PdfReader(io.BytesIO(render(example_case, language="pl")))
    assert reader.metadata.title.startswith("Zahlungserinnerung") is False
    assert reader.metadata.title.startswith("Przypomnienie o płatności")
    assert reader.metadata.author == "Muster Bau GmbH"
    assert reader.trailer["/Root"]["/Lang"] == "pl"
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert re.match(r"^/[A-Z]{6}\+", font["/BaseFont"])  # subset tag
        assert "/FontFile2" in descriptor


def test_polish_and_turkish_letters_are_extractable(example_case):
    """ł ś ż and ğ ş ı İ come out of the PDF as text (fonts cover them, ToUnicode maps them)."""
    case = copy.deepcopy(example_case)
    case["debtors"][0].update(first_name="Łukasz", last_name="Żółkiewski-Iğdır Şişli")
    assert "Łukasz Żółkiewski-Iğdır Şişli" in text_of(render(case, language="pl"))
    assert "Sayın Łukasz Żółkiewski-Iğdır Şişli," in text_of(render(case, language="tr"))


def test_same_input_gives_identical_bytes(example_case):
    """Rendering twice (also as PDF/A-3b) gives byte-identical PDFs."""
    assert render(example_case) == render(example_case)
    assert render(example_case, pdf_variant="pdf/a-3b") == render(example_case, pdf_variant="pdf/a-3b")


def test_pdf_a_3b_variant(example_case):
    """pdf_variant=pdf/a-3b writes the PDF/A identification into the XMP metadata."""
    reader = PdfReader(io.BytesIO(render(example_case, pdf_variant="pdf/a-3b")))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    pdfaid = "http://www.aiim.org/pdfa/ns/id/"
    root = ElementTree.fromstring(xmp)
    values = {}
    for element in root.iter():  # pdfaid:part / pdfaid:conformance as elements or as attributes
        for name, value in element.attrib.items():
            if name.startswith("{" + pdfaid + "}"):
                values[name.split("}", 1)[1]] = value
        if element.tag.startswith("{" + pdfaid + "}"):
            values[element.tag.split("}", 1)[1]] = (element.text or "").strip()
    assert values.get("part") == "3" and values.get("conformance") == "B", values


def test_hostile_text_renders_inert(example_case):
    """Markup and file URLs in case data are printed as text; nothing is fetched."""
    case = copy.deepcopy(example_case)
    case["debtors"][0]["last_name"] = '<img src="http://127.0.0.1:9/x.png">'
    case["debtors"][0]["address"]["street"] = "file:///etc/passwd"
    text = text_of(render(case))
    assert '<img src="http://127.0.0.1:9/x.png">' in text.replace("> ", ">")
    assert "file:///etc/passwd" in text
    html = render_letter(case, options_from(case, {"format": "html"})).data.decode()
    assert "&lt;img src=" in html and "<img src=\"http" not in html


def test_fetcher_refuses_network_and_files():
    """The renderer's URL fetcher serves its own fonts only and refuses http: and file: URLs."""
    fetcher = renderer().fetcher
    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd", "formsvc-asset:/../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("formsvc-asset:/fonts/regular.ttf").read()[:4] == b"\x00\x01\x00\x00"


def test_html_preview_is_the_same_letter(example_case):
    """format=html gives a standalone page with the stylesheet, salutation, total and QR code."""
    letter = render_letter(example_case, options_from(example_case, {"format": "html", "language": "en"}))
    html = letter.data.decode("utf-8")
    assert letter.mimetype == "text/html" and letter.filename == "letter-2026-000042-level1.html"
    assert '<html lang="en">' in html and "<style>" in html
    assert "Dear Mr Zahlmann," in html and "€10,065.12" in html
    assert 'src="data:image/png;base64,' in html


def test_person_without_salutation_is_rejected(example_case):
    """missing_salutation blocks the letter: nothing is rendered."""
    del example_case["debtors"][0]["salutation"]
    with pytest.raises(CaseRejected) as info:
        render_letter(example_case, options_from(example_case, {}))
    assert ("missing_salutation", "/debtors/0/salutation") in info.value.report.codes()


def test_options_precedence(example_case):
    """Overrides win over the case's letter object, which wins over the defaults."""
    example_case["letter"].update(tone="firm", level=2, deadline_days=7)
    options = options_from(example_case, {"level": "3", "tone": None})
    assert (options.tone, options.level, options.deadline_days) == ("firm", 3, 7)
    assert options.deadline == dt.date(2026, 1, 12)
    assert options_from({"case_id": "x"}, {}) == LetterOptions(date=None)
    with pytest.raises(BadParameter, match="tone"):
        options_from(example_case, {"tone": "rude"})
    with pytest.raises(BadParameter, match="language"):
        options_from({**example_case, "language": "ru"}, {})


@pytest.mark.parametrize("path", valid_sample_paths(), ids=lambda p: p.stem)
def test_valid_samples_render(path):
    """Every valid sample renders as a PDF letter that names its first debtor."""
    case = load_case(path)
    letter = render_letter(case, options_from(case, {"date": "2026-01-05"}))
    debtor = case["debtors"][0]
    name = debtor.get("last_name") if debtor.get("type") == "person" else debtor.get("name")
    assert normalise(str(name)).split(" ")[0] in text_of(letter.data)
