"""The Mahnbescheid application: field table, mapping and the PDF read back with pypdf."""
from __future__ import annotations

import copy
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from formsvc.case import loads
from formsvc.claimed import claimed_case
from formsvc.errors import CaseRejected
from formsvc.mahnantrag import map_case, render
from formsvc.mahnantrag.fields import fields, groups
from tests.conftest import SPEC, load_case, valid_sample_paths

SEED_FORM = next((SPEC.parent / "seeds").glob("002_*.txt"))
EXAMPLE = SPEC / "case-example.json"
CASE_PATHS = [EXAMPLE, *valid_sample_paths()]
FORBIDDEN_TEXT = {"None", "none", "null", "nan", "NaN", "undefined"}

RICH_CASE = {
    "case_id": "TEST-RICH-7",
    "reference": "AZ 7/26",
    "creditor": {
        "type": "person", "salutation": "frau", "title": "Dr.", "first_name": "Erika", "last_name": "Beispiel",
        "address": {"street": "Lindenallee 5", "postal_code": "50667", "city": "Köln", "country": "DE"},
    },
    "co_creditor": {
        "type": "person", "salutation": "herr", "first_name": "Jonas", "last_name": "Beispiel",
        "address": {"street": "Lindenallee 5", "postal_code": "50667", "city": "Köln"},
    },
    "debtors": [
        {"type": "company", "name": "Schuldner Handels GmbH",
         "address": {"street": "Industriestraße 9", "postal_code": "40210", "city": "Düsseldorf", "country": "DE"},
         "representatives": [{"role": "Geschäftsführer", "salutation": "herr", "first_name": "Paul",
                              "last_name": "Zahler"}]},
        {"type": "person", "salutation": "frau", "first_name": "Anna", "last_name": "Nachbar",
         "address": {"street": "Hauptplatz 2", "postal_code": "4020", "city": "Linz", "country": "AT"}},
    ],
    "jointly_liable": True,
    "claims": [
        {"catalog_no": 11, "description": "Rechnung", "document_no": "R-1001", "date": "2025-03-01",
         "amount": "1200.50",
         "interest": {"rate": "9", "above_base_rate": True, "mode": 1, "from": "2025-04-01"}},
        {"catalog_no": 5, "description": "Rechnung", "document_no": "R-1002", "date": "2025-04-01",
         "amount": "800.00",
         "interest": {"rate": "0.5", "mode": 2, "principal": "500.00", "from": "2025-05-01", "until": "2025-10-31"}},
        {"catalog_no": 11, "description": "Rechnung", "document_no": "R-1003", "date": "2025-05-01",
         "amount": "99.99",
         "interest": {"rate": "0.025", "mode": 3, "from": "2025-06-01"}},
    ],
    "costs": {"dunning": "7.50", "collection": "120.00", "other": {"label": "Fahrtkosten", "amount": "12.40"},
              "postage": "3.45"},
    "assignment": {"date": "2025-09-15",
                   "previous_creditor": {"name": "Alt Gläubiger AG", "postal_code": "1010", "city": "Wien",
                                         "country": "AT"}},
    "attorney": {"kind": 4, "name": "Rechtsanwältin Clara Recht",
                 "address": {"street": "Kanzleiweg 1", "postal_code": "50668", "city": "Köln"},
                 "bank_account": {"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX"},
                 "no_input_tax_deduction": True},
    "courts": {"dunning": {"name": "Amtsgericht Euskirchen", "street": "Kölner Straße 40", "postal_code": "53902",
                           "city": "Euskirchen"},
               "trial": {"type": 1, "postal_code": "40227", "city": "Düsseldorf"}},
    "contested_proceedings": False,
    "application_date": "2026-02-02",
}

#: The spec example's fields, written out by hand (every field not listed is empty / off).
EXAMPLE_EXPECTED: dict[str, str | bool] = {
    "as1_firma": "Muster Bau GmbH", "as1_strasse": "Hafenstraße 12", "as1_plz": "20457", "as1_ort": "Hamburg",
    "as1_gv_stellung": "Geschäftsführerin", "as1_gv_vorname": "Erika", "as1_gv_nachname": "Muster",
    "ag1_maennlich": True, "ag1_vorname": "Max", "ag1_nachname": "Zahlmann", "ag1_strasse": "Eulenweg 4",
    "ag1_plz": "22145", "ag1_ort": "Hamburg",
    "mg_name": "Amtsgericht Hamburg-Altona", "mg_strasse": "Max-Brauer-Allee 89", "mg_plz": "22765",
    "mg_ort": "Hamburg",
    "hf1_katalog_nr": "8", "hf1_bezeichnung": "Rechnung", "hf1_nummer": "2024 1045476", "hf1_datum": "01.10.2025",
    "hf1_betrag": "10.000,00", "hf1_zinssatz": "5", "hf1_ueber_basiszins": True, "hf1_zinsart": "1",
    "hf1_zins_ab": "02.12.2025",
    "nf_mahnkosten": "5,00", "auslagen_porto": "1,80",
    "pg_art": "1", "pg_plz": "22041", "pg_ort": "Hamburg", "streitiges_verfahren": True,
    "antragsdatum": "20.01.2026", "geschaeftszeichen": "MB-2026-42",
}

#: The rich case's fields, written out by hand: co-creditor, two debtors, three interest modes, assignment, attorney.
RICH_EXPECTED: dict[str, str | bool] = {
    "as1_vorname": "Dr. Erika", "as1_nachname": "Beispiel", "as1_strasse": "Lindenallee 5", "as1_plz": "50667",
    "as1_ort": "Köln",
    "as2_maennlich": True, "as2_vorname": "Jonas", "as2_nachname": "Beispiel", "as2_strasse": "Lindenallee 5",
    "as2_plz": "50667", "as2_ort": "Köln",
    "ag1_firma": "Schuldner Handels GmbH", "ag1_strasse": "Industriestraße 9", "ag1_plz": "40210",
    "ag1_ort": "Düsseldorf",
    "ag1_gv_stellung": "Geschäftsführer", "ag1_gv_vorname": "Paul", "ag1_gv_nachname": "Zahler",
    "ag2_vorname": "Anna", "ag2_nachname": "Nachbar", "ag2_strasse": "Hauptplatz 2", "ag2_plz": "4020",
    "ag2_ort": "Linz", "ag2_land": "A", "gesamtschuldner": True,
    "mg_name": "Amtsgericht Euskirchen", "mg_strasse": "Kölner Straße 40", "mg_plz": "53902", "mg_ort": "Euskirchen",
    "hf1_katalog_nr": "11", "hf1_bezeichnung": "Rechnung", "hf1_nummer": "R-1001", "hf1_datum": "01.03.2025",
    "hf1_betrag": "1.200,50", "hf1_zinssatz": "9", "hf1_ueber_basiszins": True, "hf1_zinsart": "1",
    "hf1_zins_ab": "01.04.2025",
    "hf2_katalog_nr": "5", "hf2_bezeichnung": "Rechnung", "hf2_nummer": "R-1002", "hf2_datum": "01.04.2025",
    "hf2_betrag": "800,00", "hf2_zinssatz": "0,5", "hf2_zinsart": "2", "hf2_zins_betrag": "500,00",
    "hf2_zins_ab": "01.05.2025", "hf2_zins_bis": "31.10.2025",
    "hf3_katalog_nr": "11", "hf3_bezeichnung": "Rechnung", "hf3_nummer": "R-1003", "hf3_datum": "01.05.2025",
    "hf3_betrag": "99,99", "hf3_zinssatz": "0,025", "hf3_zinsart": "3", "hf3_zins_ab": "01.06.2025",
    "nf_mahnkosten": "7,50", "nf_inkasso": "120,00", "nf_weitere_bezeichnung": "Fahrtkosten",
    "nf_weitere_betrag": "12,40", "auslagen_porto": "3,45",
    "abtretung_datum": "15.09.2025", "zedent_name": "Alt Gläubiger AG", "zedent_plz": "1010", "zedent_ort": "Wien",
    "zedent_land": "A",
    "pb_art": "4", "pb_name": "Rechtsanwältin Clara Recht", "pb_strasse": "Kanzleiweg 1", "pb_plz": "50668",
    "pb_ort": "Köln", "pb_bic": "COBADEFFXXX", "pb_iban": "DE89370400440532013000", "pb_kein_vorsteuerabzug": True,
    "pg_art": "1", "pg_plz": "40227", "pg_ort": "Düsseldorf",
    "antragsdatum": "02.02.2026", "geschaeftszeichen": "AZ 7/26",
}


def complete(expected: dict[str, str | bool]) -> dict[str, str | bool]:
    """Every field of the table: the listed values, the rest empty or off."""
    return {f.name: expected.get(f.name, False if f.kind == "checkbox" else "") for f in fields()}


@lru_cache(maxsize=None)
def _pdf_of(path: str, flatten: bool = False) -> bytes:
    return render(load_case(Path(path)), flatten=flatten).data


def pdf_fields(data: bytes) -> dict[str, str | bool]:
    """Field name -> value as a PDF reader sees it (checkboxes as on/off)."""
    out: dict[str, str | bool] = {}
    for name, field in PdfReader(io.BytesIO(data)).get_fields().items():
        value = field.get("/V")
        if field.get("/FT") == "/Btn":
            out[name] = value == "/Yes"
        else:
            out[name] = "" if value is None else str(value)
    return out


def spec_field_table() -> list[tuple[str, list[str]]]:
    """(group, field names) in order, parsed from the field table in shared/spec/mahnantrag.md."""
    text = (SPEC / "mahnantrag.md").read_text(encoding="utf-8")
    rows = []
    for line in text.split("## Field names", 1)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or "`" not in cells[1]:
            continue
        names = re.findall(r"`([a-zN0-9_]+)`", cells[1])
        if any("N" in n for n in names):
            for n in (1, 2, 3):
                rows.append((cells[0], [name.replace("N", str(n)) for name in names]))
        else:
            rows.append((cells[0], names))
    return rows


def test_field_table_equals_the_spec_field_list():
    """The table has exactly the spec's field names, in the spec's groups and order."""
    spec = spec_field_table()
    assert [names for _, names in spec] == [[f.name for f in g.fields] for g in groups()]
    assert len(fields()) == 155  # 148 of contract 1.0, plus hfN_vd_datum, hfN_vd_jahreszins, gegenleistung_erbracht


def test_group_titles_come_from_the_seed_in_its_order():
    """Every group is titled as in the official preview, and the groups follow the preview's order."""
    seed = SEED_FORM.read_text(encoding="utf-8")
    positions = [seed.index("\n" + g.title + "\n") for g in groups()]
    assert positions == sorted(positions)


def test_labels_are_the_seeds_field_texts():
    """Each field label is the German field text of the preview (a few spec-only fields excepted)."""
    seed = SEED_FORM.read_text(encoding="utf-8")
    from formsvc import resources
    raw = {f["name"]: f for g in resources.data("mahnantrag_fields.json")["groups"] for f in g["fields"]}
    for field in fields():
        if raw[field.name].get("label_from") != "spec":
            assert "• " + field.label in seed, field.name
    repeated = {f"hf{n}_{name}" for n in (2, 3)
                for name in ("vertragsart", "objekt_plz", "objekt_ort", "objekt_land", "sonstiger_anspruch")}
    added_in_1_1 = {f"hf{n}_{name}" for n in (1, 2, 3) for name in ("vd_datum", "vd_jahreszins")}
    added_in_1_1.add("gegenleistung_erbracht")
    unlabelled_in_preview = {"ag2_firma", "mg_name"}
    assert {name for name, f in raw.items() if f.get("label_from") == "spec"} == \
        repeated | added_in_1_1 | unlabelled_in_preview


def test_example_maps_to_the_hand_written_fields(example_case):
    """The spec example fills exactly the fields a clerk would fill by hand."""
    assert map_case(example_case) == complete(EXAMPLE_EXPECTED)


def test_rich_case_maps_to_the_hand_written_fields():
    """Co-creditor, company and Austrian debtors, three interest modes, assignment and attorney land in their fields."""
    assert map_case(RICH_CASE) == complete(RICH_EXPECTED)


def test_example_pdf_fields_read_back_exactly():
    """The example PDF, read back with pypdf, holds every table field with the hand-written value."""
    assert pdf_fields(_pdf_of(str(EXAMPLE))) == complete(EXAMPLE_EXPECTED)


def test_rich_case_pdf_fields_read_back_exactly():
    """The rich case PDF, read back with pypdf, holds every field with the hand-written value."""
    result = render(copy.deepcopy(RICH_CASE))
    assert pdf_fields(result.data) == complete(RICH_EXPECTED)
    # the Austrian debtor leads to AG Hagen (§ 703d ZPO, trial court Düsseldorf), the German one to AG Euskirchen:
    # the court tables cannot confirm either, so the validator warns (formsvc/courts.py)
    assert result.warning_codes == ["consumer_interest_above_statutory", "dunning_court_unverified"]


@pytest.mark.parametrize("path", CASE_PATHS, ids=lambda p: p.stem)
def test_every_valid_case_fills_exactly_the_table_fields(path):
    """For every valid sample the PDF has exactly the table's fields, each holding the formatted case value."""
    data = _pdf_of(str(path))
    found = pdf_fields(data)
    assert list(found) == [f.name for f in fields()]
    assert found == map_case(claimed_case(load_case(path)))
    assert not FORBIDDEN_TEXT & {v for v in found.values() if isinstance(v, str)}
    assert not any(re.search(r"\b(None|null|nan)\b", v) for v in found.values() if isinstance(v, str))


@pytest.mark.parametrize("path", CASE_PATHS, ids=lambda p: p.stem)
def test_every_field_has_a_visible_appearance(path):
    """Every widget has an appearance stream; text fields show their value, ticked boxes are in state Yes."""
    reader = PdfReader(io.BytesIO(_pdf_of(str(path))))
    values = map_case(load_case(path))
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert len(widgets) == len(fields())
    for widget in widgets:
        name, normal = str(widget["/T"]), widget["/AP"]["/N"]
        if widget["/FT"] == "/Btn":
            assert set(normal.keys()) == {"/Yes", "/Off"}
            assert widget["/AS"] == ("/Yes" if values[name] else "/Off")
        elif values[name]:
            assert b"Tj" in normal.get_object().get_data(), name
    assert reader.trailer["/Root"]["/AcroForm"].get("/NeedAppearances") in (None, False)


def test_values_are_extractable_text_of_the_editable_pdf():
    """pdftotext-style extraction of the appearance streams gives the values back (poppler renders widgets)."""
    import subprocess
    data = _pdf_of(str(EXAMPLE))
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    for value in ("Muster Bau GmbH", "Zahlmann", "10.000,00", "02.12.2025", "MB-2026-42"):
        assert value in text


def test_flattened_pdf_has_no_fields_and_values_in_the_text():
    """flatten burns the values in: no AcroForm, no widgets, every value in the page text."""
    data = _pdf_of(str(EXAMPLE), True)
    reader = PdfReader(io.BytesIO(data))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert not reader.get_fields()
    assert all("/Annots" not in page for page in reader.pages)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for value in EXAMPLE_EXPECTED.values():
        if isinstance(value, str):
            assert value in text, value


def test_editable_and_flattened_look_the_same():
    """Rendered to pixels (pdfium and poppler), the widget appearances look like the burnt-in values."""
    import subprocess

    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageStat

    def pdfium_page(data: bytes, forms: bool):
        pdf = pdfium.PdfDocument(data)
        if forms:
            pdf.init_forms()
        return pdf[0].render(scale=0.6, may_draw_forms=forms).to_pil().convert("L")

    def poppler_page(data: bytes):
        png = subprocess.run(["pdftoppm", "-r", "43", "-f", "1", "-l", "1", "-gray", "-png", "-"], input=data,
                             capture_output=True, check=True).stdout
        return Image.open(io.BytesIO(png)).convert("L")

    def difference(a, b) -> float:
        return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]

    editable, flat = _pdf_of(str(EXAMPLE)), _pdf_of(str(EXAMPLE), True)
    assert difference(pdfium_page(editable, True), pdfium_page(flat, True)) < 0.15
    assert difference(pdfium_page(editable, False), pdfium_page(flat, False)) > 0.3  # values live in the widgets
    assert difference(poppler_page(editable), poppler_page(flat)) < 0.1


def test_summary_block_shows_totals_debtors_and_courts():
    """The summary (page text, not fields) shows the claim and cost sums, the debtor count and both courts."""
    text = PdfReader(io.BytesIO(render(copy.deepcopy(RICH_CASE), flatten=True).data)).pages[0].extract_text()
    assert "Summe der Hauptforderungen (EUR)" in text and "2.100,49" in text
    assert "143,35" in text
    assert "Anzahl der Antragsgegner" in text
    assert "Amtsgericht Euskirchen, 53902 Euskirchen" in text
    assert "Amtsgericht, 40227 Düsseldorf" in text


def test_every_group_is_shown_even_when_empty():
    """All 17 group titles appear in order in the PDF text, including the empty optional groups."""
    reader = PdfReader(io.BytesIO(_pdf_of(str(EXAMPLE))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    positions = [text.find(g.title) for g in groups()]
    assert -1 not in positions and positions == sorted(positions)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.5)


def test_same_case_gives_identical_bytes():
    """Rendering the same case twice gives byte-identical PDFs (no dates or random ids)."""
    case = load_case(EXAMPLE)
    assert render(case).data == render(copy.deepcopy(case)).data
    assert render(case, flatten=True).data == render(copy.deepcopy(case), flatten=True).data


def test_second_representative_slot_and_extra_representatives():
    """The creditor's 2nd representative fills gv2; a debtor's 2nd representative is listed, not dropped."""
    case = load_case(EXAMPLE)
    case["creditor"]["representatives"].append(
        {"role": "Prokurist", "salutation": "herr", "first_name": "Olaf", "last_name": "Zweit"})
    case["debtors"][0]["representatives"] = [
        {"role": "Mutter", "first_name": "Ina", "last_name": "Zahlmann",
         "address": {"street": "Eulenweg 4", "postal_code": "22145", "city": "Hamburg"}},
        {"role": "Vater", "first_name": "Udo", "last_name": "Zahlmann",
         "address": {"street": "Eulenweg 4", "postal_code": "22145", "city": "Hamburg"}}]
    values = map_case(case)
    assert (values["gv2_stellung"], values["gv2_vorname"], values["gv2_nachname"]) == ("Prokurist", "Olaf", "Zweit")
    assert (values["ag1_gv_stellung"], values["ag1_gv_vorname"]) == ("Mutter", "Ina")
    result = render(case, flatten=True)
    assert "representative_not_on_form" in result.warning_codes
    assert "Udo Zahlmann (Vater) – 1. Antragsgegner" in PdfReader(io.BytesIO(result.data)).pages[0].extract_text()


def test_co_creditors_representative_takes_the_second_slot():
    """A co-creditor's representative goes to gv2 ahead of the creditor's second representative."""
    case = copy.deepcopy(RICH_CASE)
    case["co_creditor"]["representatives"] = [{"role": "Betreuerin", "first_name": "Bea", "last_name": "Treu",
                                               "address": {"street": "Weg 1", "postal_code": "50667",
                                                           "city": "Köln"}}]
    values = map_case(case)
    assert (values["gv2_stellung"], values["gv2_ort"], values["gv2_land"]) == ("Betreuerin", "Köln", "")


def test_absent_optional_values_leave_fields_empty():
    """Absent or null values give empty fields — never None, null or 0,00."""
    case = load_case(EXAMPLE)
    case["costs"] = {"dunning": None}
    case["claims"][0]["interest"] = None
    case["reference"] = None
    values = map_case(case)
    assert values["nf_mahnkosten"] == "" and values["auslagen_porto"] == ""
    assert values["hf1_zinssatz"] == values["hf1_zinsart"] == values["hf1_zins_ab"] == ""
    assert values["hf1_ueber_basiszins"] is False
    assert values["geschaeftszeichen"] == ""


def test_application_date_defaults_to_today_in_berlin():
    """Without application_date the form is dated today (Europe/Berlin)."""
    from formsvc.case import today
    case = load_case(EXAMPLE)
    del case["application_date"]
    assert map_case(case)["antragsdatum"] == today().strftime("%d.%m.%Y")


def test_court_objection_means_no_pdf():
    """A case the court would object to (no dunning court the tables can decide) raises CaseRejected."""
    case = load_case(EXAMPLE)
    del case["courts"]["dunning"]
    case["creditor"]["address"]["postal_code"] = "22145"  # Hamburg / Schleswig-Holstein: the tables do not decide
    with pytest.raises(CaseRejected) as caught:
        render(case)
    assert ("missing_dunning_court", "/courts/dunning") in caught.value.report.codes()


def test_html_preview_has_every_field_with_its_value(example_case):
    """format=html gives the same form as HTML: every field an input with its value, group titles in order."""
    html = render(example_case, fmt="html").data.decode()
    for field in fields():
        assert f'name="{field.name}"' in html
    assert 'name="hf1_betrag" id="f-hf1_betrag" value="10.000,00"' in html
    assert re.search(r'name="ag1_maennlich"[^>]*checked', html)
    assert not re.search(r'name="gesamtschuldner"[^>]*checked', html)
    assert "Übersicht" in html and "10.000,00" in html


def test_markup_in_values_stays_inert_text():
    """A value with HTML markup is escaped in the HTML and stored verbatim in the PDF field."""
    case = load_case(EXAMPLE)
    case["reference"] = '<img src="file:///etc/passwd">'
    assert "<img" not in render(case, fmt="html").data.decode()
    assert pdf_fields(render(case).data)["geschaeftszeichen"] == '<img src="file:///etc/passwd">'



def test_longest_values_stay_inside_their_boxes(example_case):
    """Streets and cities at the contract's 200 characters: printed smaller and, past the smallest
    size, cut with "…" — never beyond the right edge of their box, flattened or as the editable
    form's appearances print; the editable field still holds the whole value."""
    import pypdfium2

    from formsvc.mahnantrag.document import blank_form

    case = copy.deepcopy(example_case)
    for party in (case["creditor"], case["debtors"][0]):
        party["address"]["street"] = ("Lange Straße am Hafen " * 10)[:200]
        party["address"]["city"] = ("Hamburg Altona Nord " * 11)[:200]
    boxes = blank_form().fields
    for flatten in (True, False):
        document = pypdfium2.PdfDocument(render(case, flatten=flatten).data)
        if not flatten:  # the editable form's widgets, drawn into the pages as they print
            document.init_forms()
            for index in range(len(document)):
                document[index].flatten()
            printed = io.BytesIO()
            document.save(printed)
            document = pypdfium2.PdfDocument(printed.getvalue())
        cut = 0
        for place in boxes.values():
            textpage = document[place.page].get_textpage()
            x1, y1, x2, y2 = place.rect
            for index in range(textpage.count_chars()):
                left, bottom, right, top = textpage.get_charbox(index)
                if x1 <= left < x2 and y1 <= (bottom + top) / 2 <= y2:
                    assert right <= x2 + 0.5, f"flatten={flatten}: text runs out of its box"
                    cut += textpage.get_text_range(index, 1) == "…"
        assert cut >= 2, f"flatten={flatten}: both cities (narrower boxes than the streets) end in \"…\""
    editable = PdfReader(io.BytesIO(render(case).data)).get_fields()
    assert any(str(f.get("/V")) == case["creditor"]["address"]["city"].strip() for f in editable.values())


def test_two_processes_render_identical_bytes(tmp_path: Path) -> None:
    """The same case rendered in two fresh processes (two gunicorn workers) gives the same PDF bytes."""
    import subprocess
    import sys

    script = ("import sys; from pathlib import Path; from formsvc.case import loads; "
              "from formsvc.mahnantrag import render; "
              "sys.stdout.buffer.write(render(loads(Path(sys.argv[1]).read_bytes())).data)")
    outputs = [subprocess.run([sys.executable, "-c", script, str(EXAMPLE)], capture_output=True, check=True,
                              timeout=120).stdout for _ in range(2)]
    assert outputs[0][:5] == b"%PDF-" and outputs[0] == outputs[1]
