"""Contract 1.1 on the application: declarations, signature, footer, the "Vorschau" mark and its warning.

Everything is read back from the real output: PDF text with pdftotext, pypdf and
pdfium (character boxes), marks as pixels, AcroForm values with pypdf, the
HTML preview as markup, and the EDA file through its parser.
"""
from __future__ import annotations

import copy
import io
import json
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from formsvc.eda.parser import parse_eda
from formsvc.eda.writer import write_eda
from formsvc.mahnantrag import render
from formsvc.mahnantrag.closing import DECLARATION_NONE, FOOTER, PREVIEW_BANNER
from formsvc.mahnantrag.document import blank_form
from formsvc.mahnantrag.fields import fields
from formsvc.validation import validate
from tests.conftest import SAMPLES, SPEC, load_case, valid_sample_paths

EXAMPLE = SPEC / "case-example.json"
LAW_FIRM = SAMPLES / "valid" / "15_law_firm_instalment_purchase_counter_performance_rendered.json"
COLLECTION_AGENCY = SAMPLES / "invalid" / "machine_readable_filing_required.json"
DECLARATION_RENDERED = next(f.label for f in fields() if f.name == "gegenleistung_erbracht")
CODE = "machine_readable_filing_required"


def words(text: str) -> str:
    """``text`` with every run of white space (line breaks, no-break spaces) as one space."""
    return " ".join(text.split())


def case_of(path: Path, **changes: Any) -> dict[str, Any]:
    """A sample case with top-level keys replaced (``None`` removes a key)."""
    case = load_case(path)
    for key, value in changes.items():
        if value is None:
            case.pop(key, None)
        else:
            case[key] = value
    return case


def with_attorney_kind(path: Path, kind: int | None) -> dict[str, Any]:
    """The sample with its attorney's kind changed (kind 3 keeps no expenses: none are given)."""
    case = load_case(path)
    if kind is None:
        case.pop("attorney", None)
    else:
        case["attorney"]["kind"] = kind
    return case


@lru_cache(maxsize=None)
def _pdf(path: str, flatten: bool = False) -> bytes:
    return render(load_case(Path(path)), flatten=flatten).data


def page_texts(data: bytes) -> list[str]:
    """pdftotext of every page, one string per page (poppler also draws the widgets' appearances)."""
    pages = len(PdfReader(io.BytesIO(data)).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=data, capture_output=True,
                           check=True).stdout.decode() for n in range(1, pages + 1)]


def text_in_box(data: bytes, page: int, rect: tuple[float, float, float, float]) -> str:
    """The characters pdfium finds inside ``rect`` (PDF points) on ``page`` of the page text."""
    import pypdfium2

    textpage = pypdfium2.PdfDocument(data)[page].get_textpage()
    x1, y1, x2, y2 = rect
    out = []
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index)
        if x1 - 0.5 <= left and right <= x2 + 0.5 and y1 - 0.5 <= (bottom + top) / 2 <= y2 + 0.5:
            out.append(textpage.get_text_range(index, 1))
    return "".join(out).replace("\r", "").replace("\n", "").strip()


def ink(data: bytes, page: int, rect: tuple[float, float, float, float], forms: bool = True) -> float:
    """How dark the inside of ``rect`` prints (0 white … 255 black), widgets drawn as a viewer shows them."""
    import pypdfium2
    from PIL import ImageStat

    document = pypdfium2.PdfDocument(data)
    if forms:
        document.init_forms()
    scale = 4
    image = document[page].render(scale=scale, may_draw_forms=forms).to_pil().convert("L")
    height = document[page].get_height()
    x1, y1, x2, y2 = rect
    inset = 0.25 * (x2 - x1)  # the box's own border stays outside the measured area
    box = (int((x1 + inset) * scale), int((height - y2 + inset) * scale),
           int((x2 - inset) * scale), int((height - y1 - inset) * scale))
    return 255 - ImageStat.Stat(image.crop(box)).mean[0]


def marks(data: bytes) -> tuple[bool, bool]:
    """(first declaration marked, second declaration marked) as the printed page shows them."""
    blank = blank_form()
    none_box, rendered_box = blank.slots["declaration-none"], blank.fields["gegenleistung_erbracht"]
    return (ink(data, none_box.page, none_box.rect) > 20, ink(data, rendered_box.page, rendered_box.rect) > 20)


# --- § 690 Abs. 1 Nr. 4 ZPO: the declarations -------------------------------------------------------

@pytest.mark.parametrize("flatten", [False, True], ids=["editable", "flattened"])
@pytest.mark.parametrize(("counter_performance", "expected"), [
    (None, (True, False)), ("none", (True, False)), ("rendered", (False, True))])
def test_the_declaration_that_applies_is_marked(counter_performance: str | None, expected: tuple[bool, bool],
                                                flatten: bool) -> None:
    """Absent or "none" marks "hängt nicht von einer Gegenleistung ab", "rendered" marks the checkbox
    gegenleistung_erbracht — exactly one of the two, as printed, editable or flattened."""
    case = case_of(EXAMPLE, counter_performance=counter_performance)
    data = render(case, flatten=flatten).data
    assert marks(data) == expected
    if not flatten:
        field = PdfReader(io.BytesIO(data)).get_fields()["gegenleistung_erbracht"]
        assert (field["/V"] == "/Yes") is expected[1]


def test_both_declarations_are_printed_beside_their_boxes() -> None:
    """The two texts of the official form stand right of their boxes, on the line of the box."""
    import pypdfium2

    data = _pdf(str(EXAMPLE))
    blank = blank_form()
    for text, place in ((DECLARATION_NONE, blank.slots["declaration-none"]),
                        (DECLARATION_RENDERED, blank.fields["gegenleistung_erbracht"])):
        textpage = pypdfium2.PdfDocument(data)[place.page].get_textpage()
        searcher = textpage.search(text)
        found = searcher.get_next()
        assert found, text
        left, bottom, right, top = textpage.get_charbox(found[0])
        x1, y1, x2, y2 = place.rect
        assert x2 <= left <= x2 + 20 and y1 - 2 <= (bottom + top) / 2 <= y2 + 2, text
    assert DECLARATION_RENDERED == "Der Anspruch hängt von einer Gegenleistung ab, diese ist aber erbracht"


def test_rendered_sample_ticks_the_field_and_the_html() -> None:
    """The law-firm sample (counter_performance "rendered"): field on, first box empty, in PDF and HTML."""
    data = _pdf(str(LAW_FIRM))
    assert PdfReader(io.BytesIO(data)).get_fields()["gegenleistung_erbracht"]["/V"] == "/Yes"
    assert marks(data) == (False, True)
    html = render(load_case(LAW_FIRM), fmt="html").data.decode()
    assert DECLARATION_NONE in html and DECLARATION_RENDERED in html
    assert '<input type="checkbox" class="cbox" id="declaration-none" disabled>' in html
    assert 'name="gegenleistung_erbracht" id="f-gegenleistung_erbracht" checked disabled' in html


# --- § 690 Abs. 2 ZPO: the signature block ----------------------------------------------------------

@pytest.mark.parametrize("flatten", [False, True], ids=["editable", "flattened"])
def test_signature_block_with_attorney(flatten: bool) -> None:
    """With an attorney: the attorney's city, the application date, a line for the attorney's signature."""
    data = _pdf(str(LAW_FIRM), flatten)
    slots = blank_form().slots
    read = {name: text_in_box(data, slots[name].page, slots[name].rect)
            for name in ("signature-place", "signature-date", "signature-role", "signature-name")}
    assert read == {"signature-place": "Regensburg", "signature-date": "22.01.2026",
                    "signature-role": "Unterschrift des Prozessbevollmächtigten",
                    "signature-name": "Kanzlei Huber & Seidl PartG mbB"}
    last = words(page_texts(data)[-1])
    assert "Unterschrift (§ 690 Abs. 2 ZPO)" in last
    assert last.index("Unterschrift (§ 690 Abs. 2 ZPO)") > last.index(DECLARATION_RENDERED)  # it ends the form


def test_signature_block_without_attorney() -> None:
    """Without an attorney: the applicant's city and its legal representative signs for the company."""
    data = _pdf(str(EXAMPLE), True)
    slots = blank_form().slots
    read = {name: text_in_box(data, slots[name].page, slots[name].rect)
            for name in ("signature-place", "signature-date", "signature-role", "signature-name")}
    assert read == {"signature-place": "Hamburg", "signature-date": "20.01.2026",
                    "signature-role": "Unterschrift des gesetzlichen Vertreters des Antragstellers",
                    "signature-name": "Erika Muster (Geschäftsführerin) für Muster Bau GmbH"}


def test_signatory_of_persons_and_two_applicants() -> None:
    """A person signs herself; with a co-creditor both applicants sign."""
    from formsvc.mahnantrag.closing import signatory

    case = load_case(EXAMPLE)
    case["creditor"] = {"type": "person", "salutation": "frau", "title": "Dr.", "first_name": "Erika",
                        "last_name": "Beispiel", "address": case["creditor"]["address"]}
    assert signatory(case) == ("Unterschrift des Antragstellers", "Dr. Erika Beispiel")
    case["co_creditor"] = {"type": "person", "salutation": "herr", "first_name": "Jonas", "last_name": "Beispiel",
                           "address": case["creditor"]["address"]}
    assert signatory(case) == ("Unterschrift der Antragsteller", "Dr. Erika Beispiel; Jonas Beispiel")


def test_signature_date_defaults_with_the_application_date() -> None:
    """Without application_date the signature is dated today, like the field antragsdatum."""
    from formsvc.case import today

    case = case_of(EXAMPLE, application_date=None)
    html = render(case, fmt="html").data.decode()
    assert f'id="signature-date">{today().strftime("%d.%m.%Y")}</span>' in html


@pytest.mark.parametrize("flatten", [False, True], ids=["editable", "flattened"])
def test_long_signature_values_stay_inside_their_slots(flatten: bool) -> None:
    """An attorney name and city of 200 characters print smaller and cut with "…" inside their slots."""
    import pypdfium2

    case = load_case(LAW_FIRM)
    case["attorney"]["name"] = ("Kanzlei Huber Seidl Rechtsanwälte " * 7)[:200]
    case["attorney"]["address"]["city"] = ("Regensburg Innenstadt Süd " * 8)[:200]
    data = render(case, flatten=flatten).data
    slots = blank_form().slots
    for name in ("signature-place", "signature-name"):
        place = slots[name]
        textpage = pypdfium2.PdfDocument(data)[place.page].get_textpage()
        x1, y1, x2, y2 = place.rect
        boxes = [textpage.get_charbox(index) for index in range(textpage.count_chars())]
        inside = [box for box in boxes if x1 <= box[0] < x2 and y1 <= (box[1] + box[3]) / 2 <= y2]
        assert inside and all(right <= x2 + 0.5 for _, _, right, _ in inside), name
        assert text_in_box(data, place.page, place.rect).endswith("…"), name


def test_signature_block_adds_no_form_field() -> None:
    """Declaration mark and signature are print, not AcroForm fields: the field list stays the table's."""
    assert list(PdfReader(io.BytesIO(_pdf(str(LAW_FIRM)))).get_fields()) == [f.name for f in fields()]


# --- the footer: what this PDF is -------------------------------------------------------------------

@pytest.mark.parametrize("path", [EXAMPLE, LAW_FIRM], ids=["example", "law_firm"])
@pytest.mark.parametrize("flatten", [False, True], ids=["editable", "flattened"])
def test_footer_on_every_page(path: Path, flatten: bool) -> None:
    """Every page says it is a review copy of the EDA file and how filing works (§ 703c, § 702 ZPO)."""
    data = _pdf(str(path), flatten)
    texts = page_texts(data)
    assert len(texts) >= 4
    for number, text in enumerate(texts, start=1):
        assert words(FOOTER) in words(text), f"page {number}"
        assert f"Seite {number} von {len(texts)}" in text
    reader = PdfReader(io.BytesIO(data))
    assert all("kein einreichungsfähiger Antrag" in words(page.extract_text()) for page in reader.pages)
    for needle in ("Prüfexemplar", "EDA-Datei", "amtlichem Vordruck (§ 703c ZPO)", "Barcode-Ausdruck",
                   "Rechtsanwälte und registrierte Inkassodienstleister nur maschinell lesbar",
                   "(§ 702 Abs. 2 S. 2 ZPO)"):
        assert needle in words(FOOTER)


def test_footer_stays_in_the_bottom_margin() -> None:
    """The footer is below the last box of every page (it never covers the form)."""
    import pypdfium2

    data = _pdf(str(EXAMPLE), True)
    document = pypdfium2.PdfDocument(data)
    lowest = {}
    for place in [*blank_form().fields.values(), *blank_form().slots.values()]:
        lowest[place.page] = min(lowest.get(place.page, 1e9), place.rect[1])
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        found = textpage.search("Prüfexemplar").get_next()
        assert found
        _, _, _, top = textpage.get_charbox(found[0])
        assert top < lowest[index] and top < 14 * 72 / 25.4  # inside the 14 mm bottom margin


# --- attorney kinds 1 and 2: the "Vorschau" mark and the warning ------------------------------------

@pytest.mark.parametrize("kind", [1, 2, 3, 4, 9, None])
def test_preview_mark_only_for_kinds_1_and_2(kind: int | None) -> None:
    """Kinds 1 and 2 get the banner on every page and the diagonal mark; the other kinds and no attorney
    get neither. pb_art shows the kind."""
    case = with_attorney_kind(LAW_FIRM, kind)
    result = render(case)
    texts = [words(t) for t in page_texts(result.data)]
    reader = PdfReader(io.BytesIO(result.data))
    preview = kind in (1, 2)
    for text, page in zip(texts, reader.pages):
        assert (words(PREVIEW_BANNER) in text) is preview
        assert ("VORSCHAU" in text) is preview
        assert ("VORSCHAU" in words(page.extract_text())) is preview
    assert (CODE in result.warning_codes) is preview
    assert reader.get_fields()["pb_art"]["/V"] == ("" if kind is None else str(kind))
    assert str(reader.metadata["/Title"]).startswith("Vorschau: ") is preview


def _reddish(image: Any, threshold: int) -> int:
    """How many pixels of an RGB image are red by more than ``threshold`` over green."""
    from PIL import ImageChops

    red, green, _ = image.split()
    return sum(ImageChops.subtract(red, green).point(lambda v: 255 if v > threshold else 0).histogram()[255:])


def test_preview_mark_is_visible_on_every_page() -> None:
    """The red banner and the large translucent diagonal mark print on each page (pixels, pdfium)."""
    import pypdfium2

    plain = pypdfium2.PdfDocument(render(with_attorney_kind(LAW_FIRM, 3)).data)
    marked = pypdfium2.PdfDocument(_pdf(str(LAW_FIRM)))
    assert len(plain) == len(marked)
    for index in range(len(marked)):
        a = plain[index].render(scale=0.5).to_pil().convert("RGB")
        b = marked[index].render(scale=0.5).to_pil().convert("RGB")
        width, height = b.size
        banner = b.crop((int(width * 0.1), 10, int(width * 0.9), 16))
        assert _reddish(banner, 100) > 0.5 * banner.size[0] * banner.size[1], f"page {index + 1}: banner"
        assert _reddish(a, 10) < 0.001 * width * height  # the unmarked page has no red at all
        body = (0, int(height * 0.1), width, height)
        assert _reddish(b.crop(body), 10) > 0.015 * width * height, f"page {index + 1}: diagonal mark"


def test_preview_pdf_is_deterministic_and_editable_equals_flattened_look() -> None:
    """The marked PDF is byte-identical for the same case, and editable and flattened print alike."""
    import pypdfium2
    from PIL import ImageChops, ImageStat

    case = load_case(LAW_FIRM)
    assert render(case).data == render(copy.deepcopy(case)).data
    editable, flat = pypdfium2.PdfDocument(_pdf(str(LAW_FIRM))), pypdfium2.PdfDocument(_pdf(str(LAW_FIRM), True))
    editable.init_forms()
    flat.init_forms()
    for index in range(len(flat)):
        a = editable[index].render(scale=0.6, may_draw_forms=True).to_pil().convert("L")
        b = flat[index].render(scale=0.6, may_draw_forms=True).to_pil().convert("L")
        assert ImageStat.Stat(ImageChops.difference(a, b)).mean[0] < 0.15


@pytest.mark.parametrize("kind", [1, 2])
def test_warning_for_court_and_not_for_eda(kind: int) -> None:
    """validate(court) warns at /attorney/kind with a message naming § 702 Abs. 2 S. 2 ZPO; the eda profile,
    which includes every court rule, does not: the EDA file is what such an attorney files."""
    case = with_attorney_kind(LAW_FIRM, kind)
    court = validate(case, "court")
    assert court.codes() == [(CODE, "/attorney/kind")] and court.ok
    warning = court.warnings[0]
    assert warning.level == "warning" and "§ 702 Abs. 2 S. 2 ZPO" in warning.message_de
    assert f"(Art {kind})" in warning.message_de and f"(kind {kind})" in warning.message_en
    assert validate(case, "eda").codes() == []
    assert validate(case, "letter").codes() == []


def test_not_in_profiles_is_only_used_where_documented() -> None:
    """Only this code opts out of a profile, and only out of eda (profiles otherwise nest)."""
    from formsvc.validation.messages import table

    assert {code: e["not_in_profiles"] for code, e in table().items() if "not_in_profiles" in e} == {CODE: ["eda"]}


def test_http_header_and_validate_endpoint(client) -> None:
    """POST /v1/render/mahnantrag lists the code in Formsvc-Warnings; validate?for=court reports it,
    validate?for=eda does not."""
    case = json.loads(LAW_FIRM.read_text(encoding="utf-8"))
    for query in ("", "?flatten=true", "?format=html"):
        response = client.post(f"/v1/render/mahnantrag{query}", json=case)
        assert response.status_code == 200
        assert json.loads(response.headers["Formsvc-Warnings"]) == [CODE]
    court = client.post("/v1/validate?for=court", json=case).get_json()
    assert court["valid"] is True and [(w["code"], w["path"]) for w in court["warnings"]] == [(CODE, "/attorney/kind")]
    eda = client.post("/v1/validate?for=eda", json=case).get_json()
    assert eda == {"valid": True, "warnings": []}
    agency = json.loads(COLLECTION_AGENCY.read_text(encoding="utf-8"))
    response = client.post("/v1/render/mahnantrag", json=agency)
    assert json.loads(response.headers["Formsvc-Warnings"]) == [CODE]
    assert client.post("/v1/render/eda", json=agency).status_code == 200


@pytest.mark.parametrize("path", [LAW_FIRM, COLLECTION_AGENCY], ids=["kind_1", "kind_2"])
def test_eda_file_writes_kinds_1_and_2(path: Path) -> None:
    """The EDA layout's attorney record carries kind 1 or 2 (pb_art) and parses back to it."""
    import datetime as dt

    from formsvc.config import Settings

    case = load_case(path)
    out = io.BytesIO()
    write_eda(iter([case]), out, eda_id=7, created=dt.date(2026, 1, 22),
              settings=Settings.from_mapping({"EDA_SENDER_ID": "12345678", "EDA_PREFIX": "ABC"}, "instance"))
    layout = json.loads((Path(__file__).parent.parent / "schemas" / "eda-layout.json").read_text(encoding="utf-8"))
    spec = next(f for r in layout["records"] if r["type"] == "EA" for f in r["fields"] if f["name"] == "kind")
    assert spec["form_field"] == "pb_art"
    record = next(line for line in out.getvalue().decode("cp850").split("\r\n") if line.startswith("EA"))
    assert record[spec["start"] - 1:spec["start"] - 1 + spec["length"]] == str(case["attorney"]["kind"])
    parsed = parse_eda(out.getvalue())["applications"][0]
    assert parsed["attorney"]["kind"] == case["attorney"]["kind"]
    assert parsed["attorney"]["name"] == case["attorney"]["name"]
    pdf_kind = PdfReader(io.BytesIO(render(case).data)).get_fields()["pb_art"]["/V"]
    assert pdf_kind == str(parsed["attorney"]["kind"])  # the PDF and the EDA file say the same


# --- the HTML preview -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [1, 2, 4, None])
def test_html_preview_has_declarations_signature_footer_and_mark(kind: int | None) -> None:
    """format=html shows both declarations, the signature block, the footer text, and the banner and
    watermark exactly for kinds 1 and 2."""
    html = render(with_attorney_kind(LAW_FIRM, kind), fmt="html").data.decode()
    assert DECLARATION_NONE in html and DECLARATION_RENDERED in html
    assert "Unterschrift (§ 690 Abs. 2 ZPO)" in html
    place = "Regensburg" if kind else "Straubing"
    assert f'id="signature-place">{place}</span>' in html
    assert 'id="signature-date">22.01.2026</span>' in html
    role = "Unterschrift des Prozessbevollmächtigten" if kind else \
        "Unterschrift des gesetzlichen Vertreters des Antragstellers"
    assert f'id="signature-role">{role}</span>' in html
    assert f'<footer class="filing-note">{FOOTER}</footer>' in html
    preview = kind in (1, 2)
    assert ('class="preview-banner"' in html) is preview
    assert ('class="preview-watermark"' in html) is preview
    assert (PREVIEW_BANNER in html) is preview
    assert html.index(DECLARATION_RENDERED) < html.index("Unterschrift (§ 690 Abs. 2 ZPO)") < html.index("<footer")


def test_valid_samples_cover_kind_1_and_counter_performance() -> None:
    """The valid samples include a law firm (kind 1) and a rendered counter-performance."""
    cases = [load_case(p) for p in valid_sample_paths()]
    assert any((case.get("attorney") or {}).get("kind") == 1 for case in cases)
    assert any(case.get("counter_performance") == "rendered" for case in cases)
