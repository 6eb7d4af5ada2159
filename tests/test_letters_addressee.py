"""The right addressee (issue 12): a minor, or a debtor person with a legal representative, is written to
through the representative (§ 131 Abs. 2 BGB) — window, salutation and subject, in HTML and PDF, in every
language (docs/letters.md "Who the letter is written to")."""
from __future__ import annotations

import copy
import io
import re
from typing import Any

import pypdfium2
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from formsvc.errors import CaseRejected
from formsvc.letters import options_from, render_letter
from formsvc.letters.options import LANGUAGES
from formsvc.validation import validate

from conftest import SAMPLES, load_case
from test_letters import RECIPIENT_BOX, RETURN_BOX, WINDOW, ink_boxes_outside, page_image

MINOR = SAMPLES / "valid" / "13_minor_debtor_with_parents.json"
MM = 72 / 25.4
CHILD = "Zoë Müller-Lüdenscheidt"
MOTHER = "Anja Müller-Lüdenscheidt"
FATHER = "Frank Lüdenscheidt"

#: language -> (window lines, salutation, subject) of sample 13's level-1 letter, written to the mother
EXPECTED: dict[str, tuple[list[str], str, str]] = {
    "de": ([f"Frau {MOTHER}", f"als gesetzliche Vertreterin von {CHILD}"],
           "Sehr geehrte Frau Müller-Lüdenscheidt,", f"Zahlungserinnerung in Sachen {CHILD} – Rechnungsnr. KW-2025-0907"),
    "en": ([f"Ms {MOTHER}", f"as legal representative of {CHILD}"],
           "Dear Ms Müller-Lüdenscheidt,", f"Payment reminder regarding {CHILD} – Invoice no. KW-2025-0907"),
    "fr": ([f"Madame {MOTHER}", f"en qualité de représentante légale de {CHILD}"],
           "Madame,", f"Rappel de paiement concernant {CHILD} – Facture n° KW-2025-0907"),
    "it": ([f"Sig.ra {MOTHER}", f"in qualità di rappresentante legale di {CHILD}"],
           "Gentile Signora Müller-Lüdenscheidt,", f"Sollecito di pagamento relativo a {CHILD} – Fattura n. KW-2025-0907"),
    "es": ([f"Sra. {MOTHER}", f"en calidad de representante legal de {CHILD}"],
           "Estimada Sra. Müller-Lüdenscheidt:", f"Recordatorio de pago relativo a {CHILD} – N.º de factura KW-2025-0907"),
    "nl": ([f"Mevrouw {MOTHER}", f"als wettelijk vertegenwoordiger van {CHILD}"],
           "Geachte mevrouw Müller-Lüdenscheidt,", f"Betalingsherinnering inzake {CHILD} – Factuurnr. KW-2025-0907"),
    "pl": ([f"Pani {MOTHER}", f"jako przedstawicielka ustawowa dłużnika: {CHILD}"],
           "Szanowna Pani,", f"Przypomnienie o płatności (dłużnik: {CHILD}) – Nr faktury KW-2025-0907"),
    "tr": ([f"{MOTHER}", f"{CHILD} adına kanuni temsilci"],
           f"Sayın {MOTHER},", f"Ödeme hatırlatması (borçlu: {CHILD}) – Fatura no. KW-2025-0907"),
}
ADDRESS = ["Am Rosengarten 3", "36037 Fulda"]


def fold(text: str) -> str:
    """Every run of spaces (no-break and narrow ones included) as one blank, trimmed."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def html_parts(case: dict[str, Any], **overrides: Any) -> tuple[list[str], str, str]:
    """(recipient lines, salutation, subject) of the HTML preview."""
    letter = render_letter(case, options_from(case, {"format": "html", **overrides}))
    tree = lxml_html.fromstring(letter.data)
    lines = [fold(p.text_content()) for p in tree.xpath('//div[@class="recipient"]/p')]
    salutation = fold(tree.xpath('//p[@class="salutation"]')[0].text_content())
    subject = fold(tree.xpath('//h1[@class="subject"]')[0].text_content())
    return lines, salutation, subject


def pdf_parts(case: dict[str, Any], **overrides: Any) -> tuple[list[str], str, bytes]:
    """(lines printed in the window's recipient zone, the whole text, the PDF) of the PDF letter."""
    data = render_letter(case, options_from(case, overrides)).data
    page = pypdfium2.PdfDocument(data)[0]
    height = page.get_height()
    left, top, right, bottom = RECIPIENT_BOX
    zone = page.get_textpage().get_text_bounded(left * MM, height - bottom * MM, right * MM, height - top * MM)
    text = fold(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    return [fold(line) for line in zone.splitlines() if line.strip()], text, data


def unwrapped(lines: list[str]) -> str:
    """The window's lines as one text: a line may wrap in the 75 mm zone (pdfium marks a break after a
    hyphen with U+0002 or ends the line with the hyphen), so lines are joined before they are compared."""
    return re.sub(r"-\s+", "-", " ".join(lines).replace("\x02", "-"))


@pytest.fixture
def minor_case() -> dict[str, Any]:
    """Sample 13: a 16-year-old with mother and father as legal representatives."""
    return load_case(MINOR)


@pytest.mark.parametrize("language", LANGUAGES)
def test_minor_is_written_to_through_the_mother_html(minor_case: dict[str, Any], language: str) -> None:
    """HTML: window = mother, "as legal representative of" the child, the mother's address; the
    salutation greets the mother; the subject names the child."""
    window, salutation, subject = EXPECTED[language]
    assert html_parts(minor_case, language=language) == (window + ADDRESS, salutation, subject)


@pytest.mark.parametrize("language", LANGUAGES)
def test_minor_is_written_to_through_the_mother_pdf(minor_case: dict[str, Any], language: str) -> None:
    """PDF: the same lines stand in the window's recipient zone, salutation and subject in the text,
    and the window holds nothing but the return line and the recipient."""
    window, salutation, subject = EXPECTED[language]
    lines, text, data = pdf_parts(minor_case, language=language)
    assert lines[0] == window[0] and lines[-2:] == ADDRESS
    assert unwrapped(lines) == " ".join(window + ADDRESS)
    assert salutation in text
    assert subject in text
    assert ink_boxes_outside(page_image(data), WINDOW, [RETURN_BOX, RECIPIENT_BOX]) == []


@pytest.mark.parametrize("language, first, line, salutation", [
    ("de", f"Herrn {FATHER}", f"als gesetzlicher Vertreter von {CHILD}", "Sehr geehrter Herr Lüdenscheidt,"),
    ("fr", f"Monsieur {FATHER}", f"en qualité de représentant légal de {CHILD}", "Monsieur,"),
    ("pl", f"Pan {FATHER}", f"jako przedstawiciel ustawowy dłużnika: {CHILD}", "Szanowny Panie,"),
    ("en", f"Mr {FATHER}", f"as legal representative of {CHILD}", "Dear Mr Lüdenscheidt,"),
])
def test_a_father_first_is_written_to_in_his_grammatical_gender(minor_case: dict[str, Any], language: str,
                                                               first: str, line: str, salutation: str) -> None:
    """The first representative decides: the father, at his own address, as "gesetzlicher Vertreter"."""
    minor_case["debtors"][0]["representatives"].reverse()
    lines, greeting, subject = html_parts(minor_case, language=language)
    assert lines == [first, line, "Petersberger Straße 66", "36037 Fulda"]
    assert greeting == salutation and CHILD in subject
    pdf_lines, text, _ = pdf_parts(minor_case, language=language)
    assert unwrapped(pdf_lines) == " ".join(lines) and salutation in text


def test_an_adult_with_a_betreuer_is_written_to_through_the_betreuer(example_case: dict[str, Any]) -> None:
    """Not only minors: any debtor person with representatives (here a Betreuerin) is written to through them."""
    example_case["debtors"][0]["representatives"] = [{
        "role": "Betreuerin", "salutation": "frau", "first_name": "Petra", "last_name": "Vormund",
        "address": {"street": "Kanzleistraße 1", "postal_code": "20095", "city": "Hamburg"}}]
    assert html_parts(example_case) == (
        ["Frau Petra Vormund", "als gesetzliche Vertreterin von Max Zahlmann", "Kanzleistraße 1", "20095 Hamburg"],
        "Sehr geehrte Frau Vormund,", "Zahlungserinnerung in Sachen Max Zahlmann – Rechnungsnr. 2024 1045476")


def test_a_representative_without_address_gets_the_letter_at_the_debtors(minor_case: dict[str, Any]) -> None:
    """The letter profile does not require the representative's address: then the debtor's is used."""
    del minor_case["debtors"][0]["representatives"][0]["address"]
    lines, _, _ = html_parts(minor_case)
    assert lines == [f"Frau {MOTHER}", f"als gesetzliche Vertreterin von {CHILD}", *ADDRESS]


def test_adults_and_companies_are_written_to_directly(example_case: dict[str, Any]) -> None:
    """An adult without representatives and a company (its managing director acts for it) get the letter
    themselves: no representative line, no debtor in the subject."""
    lines, salutation, subject = html_parts(example_case)
    assert lines == ["Herrn Max Zahlmann", "Eulenweg 4", "22145 Hamburg"]
    assert salutation == "Sehr geehrter Herr Zahlmann," and subject == "Zahlungserinnerung – Rechnungsnr. 2024 1045476"
    company = copy.deepcopy(example_case)
    company["debtors"] = [{"type": "company", "name": "Beispiel Handel GmbH",
                           "address": {"street": "Industriestraße 7", "postal_code": "50667", "city": "Köln"},
                           "representatives": [{"role": "Geschäftsführer", "salutation": "herr",
                                                "first_name": "Karl", "last_name": "Kaufmann"}]}]
    lines, salutation, subject = html_parts(company)
    assert lines == ["Beispiel Handel GmbH", "Industriestraße 7", "50667 Köln"]
    assert salutation == "Sehr geehrte Damen und Herren," and "in Sachen" not in subject


def test_minor_without_representative_blocks_the_letter(minor_case: dict[str, Any]) -> None:
    """minor_without_representative is in the letter profile: the letter is rejected, nothing rendered."""
    del minor_case["debtors"][0]["representatives"]
    assert ("minor_without_representative", "/debtors/0/representatives") in validate(minor_case, "letter").codes()
    with pytest.raises(CaseRejected) as caught:
        render_letter(minor_case, options_from(minor_case, {}))
    assert caught.value.report.codes() == [("minor_without_representative", "/debtors/0/representatives")]


@pytest.mark.parametrize("birth_date, adult_from", [("2008-01-05", None), ("2008-01-06", "06.01.2026"),
                                                     ("2008-02-29", "01.03.2026")])
def test_the_letter_date_decides_who_is_a_minor(minor_case: dict[str, Any], birth_date: str,
                                                adult_from: str | None) -> None:
    """Of age on the 18th birthday (§ 2 BGB; 29 February: 1 March) counted on the letter date (2026-01-05),
    even when the application date (2026-01-20) is later: born 2008-01-06 is of age for the application
    but a minor for the letter, which is refused without representatives; born 2008-01-05 is an adult
    on the letter date and is written to directly."""
    debtor = minor_case["debtors"][0]
    debtor["birth_date"] = birth_date
    del debtor["representatives"]
    if adult_from is None:
        assert html_parts(minor_case)[0][0] == f"Frau {CHILD}"
        return
    with pytest.raises(CaseRejected) as caught:
        render_letter(minor_case, options_from(minor_case, {}))
    assert caught.value.report.codes() == [("minor_without_representative", "/debtors/0/representatives")]
    assert f"volljährig erst ab {adult_from}" in caught.value.report.objections[0].message_de


def test_a_representative_without_salutation_is_rejected(minor_case: dict[str, Any]) -> None:
    """The representative is greeted, and a salutation is never guessed: missing_salutation at the representative."""
    del minor_case["debtors"][0]["representatives"][0]["salutation"]
    with pytest.raises(CaseRejected) as caught:
        render_letter(minor_case, options_from(minor_case, {}))
    assert caught.value.report.codes() == [("missing_salutation", "/debtors/0/representatives/0/salutation")]


def test_refused_addressee_is_a_422_over_http(client: Any, minor_case: dict[str, Any]) -> None:
    """The letter endpoint answers a refused addressee like any invalid case: 422 naming code and path."""
    debtor = minor_case["debtors"][0]
    debtor["birth_date"] = "2008-01-06"  # of age for the application (2026-01-20), a minor on the letter
    del debtor["representatives"]
    response = client.post("/v1/render/letter", json=minor_case)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [(e["code"], e["path"]) for e in response.get_json()["errors"]] == [
        ("minor_without_representative", "/debtors/0/representatives")]


@pytest.mark.parametrize("language", ["de", "pl"])
@pytest.mark.parametrize("length", [40, 100])
def test_long_names_through_a_representative_stay_whole_in_the_window(minor_case: dict[str, Any], language: str,
                                                                      length: int) -> None:
    """Long names of representative and child, an address line extra and a country line: the block with its
    added line shrinks instead of being clipped (the window hides overflow), so the last line, the country,
    is still printed inside the recipient zone, and nothing else enters the window. ``length`` 100 is the
    contract's longest first and last name."""
    debtor = minor_case["debtors"][0]
    rep = debtor["representatives"][0]
    for person, first, last in ((debtor, "Maximiliane Alexandra", "von Hohenzollern-Sigmaringen"),
                                (rep, "Maria-Theresia Konstanze", "von Hohenzollern-Sigmaringen")):
        person["first_name"] = (first * 5)[:length].strip()
        person["last_name"] = (last * 5)[:length].strip()
    rep["address"] = {"street": "Schloßplatz 1", "extra": "Hinterhaus, 3. Obergeschoss, bei Familie Huber",
                      "postal_code": "5020", "city": "Salzburg", "country": "AT"}
    lines, _, data = pdf_parts(minor_case, language=language)
    assert lines[-3:] == ["Schloßplatz 1", "5020 Salzburg", "ÖSTERREICH"]
    assert "Hinterhaus" in " ".join(lines)
    assert ink_boxes_outside(page_image(data), WINDOW, [RETURN_BOX, RECIPIENT_BOX]) == []
