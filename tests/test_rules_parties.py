"""Word lists and party rules: Postfach spellings, court-fee labels, house numbers, legal forms, catalogue flags.

Every list is tested both ways: the spellings it must catch in each of the eight
letter languages (de en fr it es nl pl tr) and the near misses it must let pass.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from formsvc.catalog import FLAGS
from formsvc.catalog import load as load_catalog
from formsvc.config import Settings
from formsvc.errors import ConfigurationError
from formsvc.validation import validate
from formsvc.validation.party_rules import has_house_number, has_legal_form, is_merchant, is_po_box
from formsvc.validation.tables import fold_label, tables

from conftest import SAMPLES, load_case

VALID = SAMPLES / "valid"
TRIAL = ("trial_court_mismatch", "/courts/trial/type")


def codes(case: Any, profile: str = "court", **kwargs: Any) -> set[tuple[str, str]]:
    """The (code, path) pairs validation reports."""
    return set(validate(case, profile, **kwargs).codes())


def sample(stem: str) -> dict[str, Any]:
    """A valid sample by its number prefix, e.g. "07"."""
    return load_case(next(VALID.glob(f"{stem}_*.json")))


# --- po_box_address ------------------------------------------------------------------------------

PO_BOXES = [
    # de
    "Postfach 10 20 30", "postfach 1234", "POSTFACH 7", "Postfachnr. 55", "Postfach-Nr. 12", "Postf. 4711", "PF 1234",
    "Pf. 12 34", "Postschließfach 4", "Postschliessfach 4", "Postlagernd", "postlagernde Sendung", "Packstation 105",
    "Großkundenpostfach", "Postfiliale 512",
    # en
    "P.O. Box 77", "PO Box 12", "P. O. Box 3", "POBox 9", "Post Office Box 4", "GPO Box 1", "Postbox 5", "POB 44",
    "Poste restante",
    # fr
    "B.P. 45", "BP 1200", "Boîte postale 12", "Boite Postale 12", "Case postale 3",
    # it
    "Casella postale 7", "C.P. 12", "CP 88", "Fermo posta",
    # es
    "Apartado de Correos 55", "Apartado 3", "Apdo. 12", "Lista de Correos",
    # nl
    "Postbus 100", "Antwoordnummer 1234",
    # pl
    "Skrytka pocztowa 5", "skr. poczt. 17", "Skrytka 9",
    # tr
    "Posta Kutusu 3", "P.K. 12", "PK 7",
]
STREETS = [
    # de: streets that contain the letters but are no Postfach
    "Postfachweg 3", "Pfarrgasse 2", "Boxhagener Straße 12", "Postplatz 1", "Bopstraße 4", "Postgasse 3",
    "Kampstraße 8", "Alte Poststraße 1", "Am Postamt 2", "Pfefferstraße 9", "Bachstraße 5", "Kapellenweg 1",
    # en / fr / it / es / nl / pl / tr
    "12 Box Lane", "Boxwood Road 4", "12 rue de la Paix", "Place de la Poste 1", "Via Posta Vecchia 8",
    "Calle de Correos 4", "Postweg 12", "Kerkstraat 1", "ul. Pocztowa 5", "Postane Caddesi 3", "Bpk 2",
]


@pytest.mark.parametrize("street", PO_BOXES)
def test_po_box_spellings_are_caught(street: str) -> None:
    """Every spelling and abbreviation, in any spacing, marks a Postfach."""
    assert is_po_box(street)


@pytest.mark.parametrize("street", STREETS)
def test_street_names_are_no_po_box(street: str) -> None:
    """Words are matched as words: no hit inside a street name ("Postfachweg" is a street too)."""
    assert not is_po_box(street)


def test_po_box_of_a_debtors_representative_and_not_of_the_creditor(example_case: dict[str, Any]) -> None:
    """The debtor's side is refused; a creditor may receive mail at a Postfach (and gets no house-number warning)."""
    example_case["creditor"]["address"]["street"] = "Postfach 11 22 33"
    assert codes(example_case) == set()
    example_case["debtors"][0]["address"]["street"] = "Boîte postale 12"
    assert codes(example_case) == {("po_box_address", "/debtors/0/address/street")}


# --- court_costs_not_allowed ---------------------------------------------------------------------

COURT_COSTS = [
    "Gerichtskosten", "Gerichtskostenvorschuss", "Gerichts-Kosten-Vorschuss", "Mahngerichtskosten",
    "Gebühr Mahngericht",
    "Kosten gerichtliches Mahnverfahren", "Vorschuss Amtsgericht", "Vorschuss Landgericht Hamburg", "GKG",
    "Gebühr nach GKG", "KV 1100 GKG", "Gebühr nach VV 3305", "Verfahrensgebühr RA", "Anwaltsgebühr Mahnverfahren",
    "Kosten Mahnverfahren", "Gebühren des Gerichts", "Gerichtsgebühr", "Gerichtsgebuehr", "Einzahlung Gerichtskasse",
    "Kosten Mahnbescheid", "Vollstreckungsbescheid", "court fees", "Court costs", "frais de justice",
]
NOT_COURT_COSTS = [
    "Gerichtsvollzieherkosten", "Kosten Gerichtsvollzieher Amtsgericht Hamburg", "Mahngebühr", "Mahnkosten",
    "Kosten außergerichtliches Mahnverfahren", "vorgerichtliche Mahnkosten", "Porto Mahnverfahren",
    "Auslagen Mahnverfahren", "Fahrtkosten", "Kontoführungsgebühr", "Rücklastschriftgebühr",
    "Auskunft Einwohnermeldeamt",
    "Gebühr Schufa Holding AG", "Rechnung Müller KG", "Inkassokosten", "Kosten Schiedsverfahren",
    "Bearbeitungsgebühr", "Gutachterkosten",
]


@pytest.mark.parametrize("label", COURT_COSTS)
def test_court_fee_labels_are_refused(label: str) -> None:
    """Fees and advances of the court or of this procedure, in any spelling."""
    assert tables().court_costs.search(fold_label(label)), fold_label(label)


@pytest.mark.parametrize("label", NOT_COURT_COSTS)
def test_near_misses_pass(label: str) -> None:
    """The creditor's own reminder costs, the Gerichtsvollzieher's enforcement costs and outlays pass."""
    assert not tables().court_costs.search(fold_label(label)), fold_label(label)


def test_court_advance_is_refused_at_its_label(example_case: dict[str, Any]) -> None:
    """The objection names the label's place."""
    example_case["costs"]["other"] = {"label": "Gerichtskostenvorschuss", "amount": "38.00"}
    assert codes(example_case) == {("court_costs_not_allowed", "/costs/other/label")}


# --- missing_house_number ------------------------------------------------------------------------

NUMBERED = [
    "Straße des 17. Juni 5", "Am Markt 3a", "Am Markt 3 a", "Hauptstr. 12-14", "Hauptstr. 12 - 14", "Hafenstraße 12",
    "12 rue de la Paix", "Kerkstraat 1", "ul. Długa 5/7", "350 Fifth Avenue", "Via Roma 10", "Calle Mayor 5, 3º",
    "Atatürk Cad. No: 15", "Währinger Straße 45", "Platz der Republik 1", "Karl-Liebknecht-Straße 140",
]
UNNUMBERED = [
    "Straße des 17. Juni", "Mühlenkamp", "Am Markt", "Hauptstraße", "Rue de la Paix", "Kerkstraat", "ul. Długa",
    "1st Avenue", "Am Sportplatz", "Allee des 1. Mai",
]


@pytest.mark.parametrize("street", NUMBERED)
def test_house_numbers_are_found(street: str) -> None:
    """Numbers after or before the street, letters, ranges and pairs count; an ordinal in the name does not."""
    assert has_house_number(street)


@pytest.mark.parametrize("street", UNNUMBERED)
def test_streets_without_house_number(street: str) -> None:
    """An ordinal of the street's name ("17. Juni") or a number glued to letters ("1st") is no house number."""
    assert not has_house_number(street)


def test_house_number_warning_for_every_party_and_the_attorney(example_case: dict[str, Any]) -> None:
    """Creditor, debtor, a representative with an address and the attorney; a letter-profile warning."""
    example_case["creditor"]["address"]["street"] = "Hafenstraße"
    example_case["creditor"]["representatives"][0]["address"] = {"street": "Am Deich", "postal_code": "20457",
                                                                  "city": "Hamburg"}
    example_case["debtors"][0]["address"]["street"] = "Straße des 17. Juni"
    example_case["attorney"] = {"kind": 9, "name": "Verbraucherzentrale Hamburg e.V.",
                                "address": {"street": "Kirchenallee", "postal_code": "20099", "city": "Hamburg"}}
    report = validate(example_case, "letter")
    assert report.ok
    assert set(report.codes()) == {("missing_house_number", "/creditor/address/street"),
                                   ("missing_house_number", "/creditor/representatives/0/address/street"),
                                   ("missing_house_number", "/debtors/0/address/street"),
                                   ("missing_house_number", "/attorney/address/street")}


def test_missing_street_is_incomplete_address_only(example_case: dict[str, Any]) -> None:
    """No street at all is incomplete_address, not also a missing house number."""
    example_case["debtors"][0]["address"]["street"] = " "
    assert codes(example_case, "letter") == {("incomplete_address", "/debtors/0/address/street")}


# --- company_legal_form_missing ------------------------------------------------------------------

WITH_FORM = [
    "Muster Bau GmbH", "Muster Bau GmbH & Co. KG", "Muster Bau GmbH&Co.KG", "Bau-GmbH Nord", "Möbelhaus Krüger e.K.",
    "Möbelhaus Krüger e. K.", "Möbelhaus Krüger eK", "Raumdesign UG (haftungsbeschränkt)", "Raumdesign UG (haftungsb.)",
    "Hansa Logistik AG", "Brückner & Söhne OHG", "Schmidt KG", "Kinderladen Sonnenschein e.V.", "Kinderladen e. V.",
    "Planer Partnerschaft mbB", "Müller & Kollegen PartG mbB", "Huber GbR", "WEG Lindenstraße 7, Leipzig",
    "Wohnungseigentümergemeinschaft Lindenstraße 7", "Volksbank Musterstadt eG", "Sparkasse Musterstadt AöR",
    "Sparkasse Musterstadt", "Kreissparkasse Köln", "Stadt Leipzig", "Landkreis Harburg", "Universität Hamburg",
    "Allianz SE", "Merck KGaA", "Lebenshilfe gGmbH",
    "Alpenblick GesmbH", "Alpenblick Ges.m.b.H.", "De Vries Design B.V.", "Philips N.V.", "Dupont S.A.",
    "Conseil S.à r.l.", "Conseil Sàrl", "Rossi S.r.l.", "Fiat S.p.A.", "Kowalski Sp. z o.o.", "Kowalski sp. z o. o.",
    "Yılmaz Tekstil A.Ş.", "Yılmaz Ltd. Şti.", "Smith Trading Ltd", "Smith Trading Limited", "Acme Inc.",
    "García y Asociados S.L.", "Stichting Vrienden",
]
WITHOUT_FORM = ["Ökobau Süd", "Bäckerei Schäfer", "Agentur Kagel", "Egon Sagel Handel", "Kaiser Logistik",
                "Sales & Service Partner", "Gmbhaus Vertrieb", "Sparkassenberatung Nord", "Altstadtgalerie"]


@pytest.mark.parametrize("name", WITH_FORM)
def test_legal_forms_are_found_in_any_spacing(name: str) -> None:
    """German and foreign legal forms, with or without dots and spaces."""
    assert has_legal_form(name)


@pytest.mark.parametrize("name", WITHOUT_FORM)
def test_names_without_legal_form(name: str) -> None:
    """Letters of a form inside a word ("Agentur", "Sagel", "Gmbhaus") are no legal form."""
    assert not has_legal_form(name)


def test_legal_form_warning_is_court_only(example_case: dict[str, Any]) -> None:
    """A court warning at the name; an empty name is missing_name alone."""
    example_case["creditor"]["name"] = "Muster Bau"
    report = validate(example_case, "court")
    assert report.ok and report.codes() == [("company_legal_form_missing", "/creditor/name")]
    assert codes(example_case, "letter") == set()
    example_case["creditor"]["name"] = ""
    assert codes(example_case) == {("missing_name", "/creditor/name")}


# --- catalogue flags -----------------------------------------------------------------------------

def test_shipped_catalogue_flags() -> None:
    """Which entries carry which flag, each with its source; the description names every flag."""
    catalog = load_catalog()
    flagged = {flag: {no for no, e in catalog.entries.items() if e.has(flag)} for flag in FLAGS}
    assert flagged == {"needs_period": {17, 19, 70}, "consumer_credit": {4, 15}, "medical": {2, 13}, "family": set()}
    assert all(source for e in catalog.entries.values() for _, source in e.flag_sources)
    raw = json.loads((Path(__file__).resolve().parent.parent / "formsvc/data/catalog.json").read_text("utf-8"))
    assert all(f"'{flag}'" in raw["description"] for flag in FLAGS)
    assert catalog.as_json()["entries"][1]["flags"]["medical"].startswith("§ 71 Abs. 2 Nr. 9 GVG")


def test_deployment_catalogue_flags_and_legacy_requires(example_case: dict[str, Any], tmp_path: Path) -> None:
    """A deployment file uses the same flags; 1.0 files' requires: period / consumer_credit still work."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"entries": [
        {"no": 8, "label": "Handwerkerleistung", "requires": ["consumer_credit"]},
        {"no": 60, "label": "Unterhalt", "flags": {"family": "§ 231 FamFG"}}]}), encoding="utf-8")
    settings = Settings.from_mapping({"CATALOG_PATH": str(path)}, tmp_path)
    assert load_catalog(settings).get(8).has("consumer_credit")
    assert codes(example_case, settings=settings) == {("consumer_credit_details_required", "/claims/0/consumer_credit")}
    example_case["claims"][0]["catalog_no"] = 60
    example_case["courts"]["trial"]["type"] = 4
    assert codes(example_case, settings=settings) == set()


def test_unknown_catalogue_flag_is_a_configuration_error(tmp_path: Path) -> None:
    """A misspelt flag fails at start-up with the entry named."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"entries": [{"no": 8, "label": "Handwerk", "flags": {"medicine": True}}]}), "utf-8")
    with pytest.raises(ConfigurationError, match="no. 8"):
        load_catalog(Settings.from_mapping({"CATALOG_PATH": str(path)}, tmp_path))


def test_rent_for_months_needs_a_period_and_service_charges_do_not() -> None:
    """No. 19 without period end is refused; no. 20 (settlement, individualised by its date) is not."""
    case = sample("05")
    assert case["claims"][1]["catalog_no"] == 20 and "period_end" not in case["claims"][1]
    del case["claims"][0]["period_end"]
    assert codes(case) == {("period_required", "/claims/0/period_end")}


def test_finance_leasing_against_a_consumer_needs_credit_details() -> None:
    """No. 15 (leasing/Mietkauf, § 506 BGB) is a consumer credit like no. 4; against a company it is not asked."""
    case = sample("09")
    case["claims"][0]["catalog_no"] = 15
    assert codes(case) == set()
    del case["claims"][0]["consumer_credit"]
    assert codes(case) == {("consumer_credit_details_required", "/claims/0/consumer_credit")}
    case["debtors"][0]["is_consumer"] = False
    assert codes(case) == set()


# --- trial_court_mismatch: medical, KfH, family ---------------------------------------------------

@pytest.mark.parametrize("application_date, court_type, objection", [
    ("2025-12-31", 1, False), ("2025-12-31", 2, True), ("2026-01-01", 1, True), ("2026-01-01", 2, False),
])
def test_medical_claims_go_to_the_landgericht_from_2026(example_case: dict[str, Any], application_date: str,
                                                         court_type: int, objection: bool) -> None:
    """No. 2 for 480 EUR: Amtsgericht before 2026-01-01 (value rule), Landgericht from then on (§ 71 II Nr. 9 GVG)."""
    example_case.update(application_date=application_date)
    claim = example_case["claims"][0]
    claim.update(catalog_no=2, amount="480.00", date="2025-10-01", due_date="2025-10-15")
    claim["interest"]["from"] = "2025-10-16"
    example_case["courts"]["trial"]["type"] = court_type
    assert (TRIAL in codes(example_case)) is objection


def test_hospital_costs_are_medical(example_case: dict[str, Any]) -> None:
    """No. 13 (Krankenhauskosten) at the Amtsgericht is refused with the reason in the message."""
    example_case["claims"][0]["catalog_no"] = 13
    report = validate(example_case)
    assert set(report.codes()) == {TRIAL}
    assert "§ 71 Abs. 2 Nr. 9 GVG" in report.errors[0].message_de and "Katalog-Nr. 13" in report.errors[0].message_de


@pytest.mark.parametrize("debtor, merchant", [
    ({"type": "person", "is_consumer": False}, False),     # an unregistered trader is no registered merchant
    ({"type": "person", "is_consumer": True}, False),
    ({"type": "company", "name": "Großhandel Fröhlich GmbH"}, True),
    ({"type": "company", "name": "Möbelhaus Krüger e. K."}, True),
    ({"type": "company", "name": "Stadtwerke Musterstadt GmbH"}, True),
    ({"type": "company", "name": "Kinderladen Sonnenschein e.V."}, False),
    ({"type": "company", "name": "Huber & Maier GbR"}, False),
    ({"type": "company", "name": "WEG Lindenstraße 7"}, False),
    ({"type": "company", "name": "Stadt Leipzig"}, False),
    ({"type": "company", "name": "De Vries Design B.V."}, True),
    ({"type": "company", "name": "Kreissparkasse Köln"}, None),  # names its bearer, does not decide
    ({"type": "company", "name": "Fröhlich Handel"}, None),  # no form: not judged (company_legal_form_missing warns)
])
def test_kammer_fuer_handelssachen_only_against_merchants(debtor: dict[str, Any], merchant: bool | None) -> None:
    """§ 95 Abs. 1 Nr. 1 GVG: the KfH hears claims against registered merchants only."""
    case = sample("07")
    case["courts"]["trial"]["type"] = 3
    assert codes(case) == set()
    party = case["debtors"][0]
    for key in ("type", "name", "is_consumer"):
        party.pop(key, None)
    party.update(debtor)
    if debtor["type"] == "person":
        party.pop("representatives", None)
        party.update(salutation="herr", first_name="Fritz", last_name="Fröhlich")
    assert is_merchant(party) is merchant
    assert (TRIAL in codes(case)) is (merchant is False)


def test_familiengericht_is_always_refused_with_the_shipped_catalogue() -> None:
    """No shipped entry is a family matter, so type 4 is a mismatch for every catalogued claim."""
    for stem in ("01", "05", "11", "12"):
        case = sample(stem)
        case["courts"]["trial"]["type"] = 4
        assert TRIAL in codes(case), stem


def test_contract_example_stays_clean(example_case: dict[str, Any]) -> None:
    """shared/spec/case-example.json gets no new objection for any profile."""
    for profile in ("letter", "court", "eda"):
        assert codes(example_case, profile) == set()
