"""The dunning court tables (formsvc/courts.py): postal code -> Land / OLG district, the competent court, fill-in.

The known postal codes per Land and at the NRW OLG borders are checked by hand
against the Kreis they lie in; the outputs (application PDF, EDA file) carry
the filled-in court.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from conftest import SPEC, load_case
from formsvc.config import Settings
from formsvc.courts import (competent_dunning_court, decide, match_court, normalise_name, regions_of, servable,
                            tables, with_dunning_court)
from formsvc.eda.export import export
from formsvc.eda.ledger import Ledger
from formsvc.eda.parser import parse_eda
from formsvc.mahnantrag import render
from formsvc.validation import validate
from tests.test_mahnantrag import pdf_fields

EXAMPLE = SPEC / "case-example.json"

#: One postal code per Land (a Land capital or big city), by hand.
LAND_CODES = {
    "70173": "BW", "80331": "BY", "10115": "BE", "14467": "BB", "03046": "BB", "28195": "HB", "20095": "HH",
    "60311": "HE", "34117": "HE", "19053": "MV", "18055": "MV", "30159": "NI", "26122": "NI", "55116": "RP",
    "66111": "SL", "01067": "SN", "39104": "ST", "06108": "ST", "24103": "SH", "99084": "TH", "07743": "TH",
    "55252": "HE",  # Mainz-Kastel: a Mainz postal code, but part of Wiesbaden
    "68519": "HE",  # Viernheim, beside Mannheim (BW)
    "27568": "HB",  # Bremerhaven, inside Niedersachsen
    "21029": "HH",  # Hamburg-Bergedorf; 21502 Geesthacht next door is SH
    "21502": "SH",
}

#: NRW: the OLG district follows the Landgericht district (Kreis level), not the Regierungsbezirk.
NRW_CODES = {
    "45127": "NW-Hamm",         # Essen (Reg.-Bez. Düsseldorf, but LG Essen -> OLG Hamm)
    "45130": "NW-Hamm",         # Essen-Rüttenscheid
    "45468": "NW-Duesseldorf",  # Mülheim an der Ruhr (LG Duisburg), Essen's neighbour
    "46045": "NW-Duesseldorf",  # Oberhausen (LG Duisburg)
    "47051": "NW-Duesseldorf",  # Duisburg
    "46236": "NW-Hamm",         # Bottrop (LG Essen)
    "45879": "NW-Hamm",         # Gelsenkirchen (LG Essen)
    "45525": "NW-Hamm",         # Hattingen, Ennepe-Ruhr-Kreis (LG Essen)
    "45657": "NW-Hamm",         # Recklinghausen
    "44135": "NW-Hamm",         # Dortmund
    "58095": "NW-Hamm",         # Hagen
    "33602": "NW-Hamm",         # Bielefeld
    "48143": "NW-Hamm",         # Münster
    "57072": "NW-Hamm",         # Siegen
    "40212": "NW-Duesseldorf",  # Düsseldorf
    "41460": "NW-Duesseldorf",  # Neuss
    "42103": "NW-Duesseldorf",  # Wuppertal
    "42853": "NW-Duesseldorf",  # Remscheid
    "42651": "NW-Duesseldorf",  # Solingen
    "47798": "NW-Duesseldorf",  # Krefeld
    "51373": "NW-Koeln",        # Leverkusen (LG Köln), Solingen's neighbour
    "51643": "NW-Koeln",        # Gummersbach, Oberbergischer Kreis
    "53111": "NW-Koeln",        # Bonn
    "52062": "NW-Koeln",        # Aachen
    "52349": "NW-Koeln",        # Düren
    "53879": "NW-Koeln",        # Euskirchen
}


@pytest.mark.parametrize(("code", "land"), sorted(LAND_CODES.items()))
def test_postal_code_per_land(code: str, land: str) -> None:
    """A postal code well inside a Land maps to exactly that Land."""
    assert regions_of(code) == (land,)


@pytest.mark.parametrize(("code", "region"), sorted(NRW_CODES.items()))
def test_nrw_postal_codes_follow_the_landgericht_districts(code: str, region: str) -> None:
    """Essen, Bottrop, Gelsenkirchen, Hattingen: OLG Hamm; Mülheim, Oberhausen: Düsseldorf; Leverkusen: Köln."""
    assert regions_of(code) == (region,)


@pytest.mark.parametrize(("code", "regions"), [("22145", ("HH", "SH")), ("21039", ("HH", "SH")),
                                               ("59969", ("HE", "NW-Hamm")), ("65391", ("HE", "RP")),
                                               ("19273", ("MV", "NI"))])
def test_border_postal_codes_are_ambiguous(code: str, regions: tuple[str, ...]) -> None:
    """A postal code whose places lie in two Länder yields both: the rule warns instead of guessing."""
    assert regions_of(code) == regions


@pytest.mark.parametrize("code", ["00999", "99999", "1234", "", None, "ABCDE"])
def test_unknown_or_malformed_postal_codes_yield_nothing(code: Any) -> None:
    """Outside every range (or no postal code at all): no region."""
    assert regions_of(code) == ()


def test_ambiguous_postal_code_of_one_court_decides() -> None:
    """15569 lies in Berlin and Brandenburg: both go to AG Wedding, so the tables decide."""
    assert set(regions_of("15569")) == {"BB", "BE"}
    case = load_case(EXAMPLE)
    case["creditor"]["address"]["postal_code"] = "15569"
    assert competent_dunning_court(case).name == "Amtsgericht Wedding"


def test_every_region_has_one_court_and_names_are_unique() -> None:
    """16 Länder, NRW in three OLG districts, 12 courts; no two courts share a name after normalising."""
    t = tables()
    assert len(t.by_region) == 18 and len(t.courts) == 12
    assert t.by_region["NW-Hamm"] is t.by_region["NW-Duesseldorf"] is t.courts["hagen"]
    assert t.by_region["NW-Koeln"] is t.courts["euskirchen"]
    assert t.by_region["MV"] is t.courts["hamburg_altona"] and t.by_region["SL"] is t.courts["mayen"]
    assert {t.by_region[x].key for x in ("SN", "ST", "TH")} == {"aschersleben"}


@pytest.mark.parametrize(("name", "key"), [
    ("Amtsgericht Hamburg-Altona", "hamburg_altona"), ("AG Hamburg Altona", "hamburg_altona"),
    ("amtsgericht hamburg-altona", "hamburg_altona"), ("AG Hünfeld", "huenfeld"), ("Amtsgericht Huenfeld", "huenfeld"),
    ("Amtsgericht Coburg – Mahngericht –", "coburg"), ("AG Berlin-Wedding", "wedding"),
    ("Amtsgericht Aschersleben - Zweigstelle Staßfurt", "aschersleben"), ("AG. Uelzen", "uelzen"),
    ("Amtsgericht Hamburg-Altona – Gemeinsames Mahngericht der Länder Hamburg und Mecklenburg-Vorpommern –",
     "hamburg_altona"),
    ("Zentrales Mahngericht Berlin-Brandenburg beim Amtsgericht Wedding", "wedding"),
    ("Amtsgericht Stuttgart – Zentrales Mahngericht –", "stuttgart"),
])
def test_court_names_match_after_normalising(name: str, key: str) -> None:
    """"AG"/"Amtsgericht", case, umlauts, spaces, hyphens and a "Mahngericht" suffix do not matter."""
    court = match_court(name)
    assert court is not None and court.key == key


@pytest.mark.parametrize("name", ["Amtsgericht Hamburg-Mitte", "Landgericht Hagen", "Hagen", "", None,
                                  "Amtsgericht Hagenow", "Amtsgericht Mayen-Koblenz"])
def test_other_names_match_no_court(name: Any) -> None:
    """Another court, or no name: no match."""
    assert match_court(name) is None
    assert normalise_name("AG  Hamburg-Altona") == normalise_name("Amtsgericht Hamburg Altona")


def _case(creditor: dict[str, Any] | None = None, debtor: dict[str, Any] | None = None,
          trial: str | None = None) -> dict[str, Any]:
    case = load_case(EXAMPLE)
    if creditor:
        case["creditor"]["address"].update(creditor)
    if debtor:
        case["debtors"][0]["address"].update(debtor)
    if trial:
        case["courts"]["trial"]["postal_code"] = trial
    return case


@pytest.mark.parametrize(("case", "court"), [
    (_case(), "Amtsgericht Hamburg-Altona"),
    (_case(creditor={"postal_code": "45127", "city": "Essen"}), "Amtsgericht Hagen"),
    (_case(creditor={"postal_code": "50670", "city": "Köln"}), "Amtsgericht Euskirchen"),
    (_case(creditor={"postal_code": "19053", "city": "Schwerin"}), "Amtsgericht Hamburg-Altona"),
    (_case(creditor={"postal_code": "99084", "city": "Erfurt"}), "Amtsgericht Aschersleben"),
    (_case(creditor={"postal_code": "1010", "city": "Wien", "country": "AT"}), "Amtsgericht Wedding"),
    # § 703d ZPO: a debtor abroad -> the court for the trial court's place, whoever the applicant is
    (_case(debtor={"postal_code": "1090", "city": "Wien", "country": "AT"}, trial="80331"), "Amtsgericht Coburg"),
    (_case(creditor={"postal_code": "1010", "city": "Wien", "country": "AT"},
           debtor={"postal_code": "8001", "city": "Zürich", "country": "CH"}, trial="70173"), "Amtsgericht Stuttgart"),
], ids=["hamburg", "essen", "koeln", "schwerin", "erfurt", "creditor_abroad", "debtor_abroad", "both_abroad"])
def test_competent_court(case: dict[str, Any], court: str) -> None:
    """§ 689 Abs. 2, 3 ZPO, § 689 Abs. 2 S. 2 (Wedding) and § 703d ZPO (trial court's place)."""
    assert competent_dunning_court(case).name == court


def test_undecided_cases_name_their_candidates() -> None:
    """A border postal code leaves both courts; a debtor abroad without trial court leaves nothing."""
    border = decide(_case(creditor={"postal_code": "22145"}))
    assert border.court is None and {c.key for c in border.candidates} == {"hamburg_altona", "schleswig"}
    no_trial = _case(debtor={"country": "AT", "postal_code": "1090"})
    del no_trial["courts"]["trial"]
    assert decide(no_trial).court is None and decide(no_trial).candidates == ()


def test_with_dunning_court_fills_a_copy_only_when_absent() -> None:
    """The court goes into a copy; a given court (right or wrong) is left alone; undecided cases stay as they are."""
    case = load_case(EXAMPLE)
    assert with_dunning_court(case) is case
    del case["courts"]["dunning"]
    filled = with_dunning_court(case)
    assert "dunning" not in case["courts"]
    assert filled["courts"]["dunning"] == {"name": "Amtsgericht Hamburg-Altona", "street": "Max-Brauer-Allee 89",
                                           "postal_code": "22765", "city": "Hamburg"}
    assert filled["courts"]["trial"] == case["courts"]["trial"]
    case["creditor"]["address"]["postal_code"] = "22145"
    assert with_dunning_court(case) is case


@pytest.mark.parametrize(("country", "ok"), [("DE", True), ("AT", True), ("NL", True), ("DK", True), ("CH", True),
                                             ("NO", True), ("IS", True), ("IL", True), ("US", False), ("GB", False),
                                             ("TR", False), ("LI", False), ("CN", False)])
def test_servable_countries(country: str, ok: bool) -> None:
    """EU, Lugano states and Israel (§ 688 Abs. 3 ZPO, § 32 AVAG); the UK only until 2020."""
    assert servable(country) is ok


@pytest.mark.parametrize(("country", "code", "ok"), [
    ("DE", "20457", True), ("DE", "00000", False), ("DE", "2045", False), ("AT", "1090", True), ("AT", "10900", False),
    ("CH", "8001", True), ("NL", "1015 CJ", True), ("NL", "1015CJ", True), ("NL", "1015", False),
    ("PL", "00-950", True), ("PL", "00950", False), ("BE", "1000", True), ("FR", "75008", True), ("FR", "7500", False),
    ("IT", "00184", True), ("ES", "28013", True), ("LU", "L-1009", True), ("DK", "1050", True),
    ("CZ", "110 00", True), ("GB", "SW1A 1AA", True), ("GB", "12345", False), ("US", "10118", True),
    ("US", "10118-0110", True), ("US", "1011", False),
])
def test_postal_code_formats(country: str, code: str, ok: bool) -> None:
    """invalid_postal_code uses the format table for every listed country."""
    case = load_case(EXAMPLE)
    case["debtors"][0]["address"].update({"postal_code": code, "country": country})
    found = ("invalid_postal_code", "/debtors/0/address/postal_code") in validate(case, "letter").codes()
    assert found is not ok


def test_application_pdf_carries_the_filled_in_court() -> None:
    """No courts.dunning: the PDF's mg_* fields hold the competent court, with the warning."""
    case = load_case(EXAMPLE)
    del case["courts"]["dunning"]
    result = render(case)
    fields = pdf_fields(result.data)
    assert (fields["mg_name"], fields["mg_strasse"], fields["mg_plz"], fields["mg_ort"]) == (
        "Amtsgericht Hamburg-Altona", "Max-Brauer-Allee 89", "22765", "Hamburg")
    assert "dunning_court_filled_in" in result.warning_codes


def test_eda_export_carries_the_filled_in_court(tmp_path: Path) -> None:
    """No courts.dunning: the exported file's dunning court record, parsed back, is the competent court."""
    case = load_case(EXAMPLE)
    del case["courts"]["dunning"]
    settings = Settings.from_mapping({"DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.sqlite3'}"}, tmp_path)
    result = export(lambda: [copy.deepcopy(case)], [case["case_id"]], settings=settings, out_dir=tmp_path / "out",
                    ledger=Ledger.for_settings(settings), created=dt.date(2026, 1, 20))
    parsed = parse_eda(result.path.read_bytes())
    court = parsed["applications"][0]["dunning_court"]
    assert (court["name"], court["street"], court["postal_code"], court["city"]) == (
        "Amtsgericht Hamburg-Altona", "Max-Brauer-Allee 89", "22765", "Hamburg")


def test_mismatch_on_a_border_names_both_possible_courts() -> None:
    """A creditor at 22145 (Hamburg / Schleswig-Holstein) at AG Coburg: refused, both possible courts named."""
    case = load_case(EXAMPLE)
    case["creditor"]["address"]["postal_code"] = "22145"
    case["courts"]["dunning"]["name"] = "Amtsgericht Coburg"
    (objection,) = validate(case, "court").objections
    assert (objection.code, objection.path) == ("dunning_court_mismatch", "/courts/dunning/name")
    assert "Amtsgericht Hamburg-Altona oder Amtsgericht Schleswig" in objection.message_de
    assert "Amtsgericht Hamburg-Altona or Amtsgericht Schleswig" in objection.message_en
