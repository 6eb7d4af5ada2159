"""Letters written by the creditor's lawyer or collection agency (issue 12, item 3; docs/letters.md,
"Letters from the creditor's lawyer or collection agency"): letterhead, return line, footer and account are
the attorney's, the letter says for whom it writes, a consumer gets the § 13a RDG / § 43d BRAO information,
an assignment is notified in any letter, and ``letter_sender_incomplete`` refuses what cannot be written."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from decimal import Decimal
from typing import Any

import pypdfium2
import pytest
from pyzbar.pyzbar import decode as zbar_decode

from formsvc.errors import CaseRejected
from formsvc.letters import options_from, render_letter
from formsvc.letters.i18n import date, money, number, translations
from formsvc.letters.options import LANGUAGES
from formsvc.letters.sender import SUPERVISORY_AUTHORITY
from formsvc.validation import validate

from conftest import SAMPLES, load_case
from test_letters import normalise, page_image, text_of

AGENCY_SAMPLE = SAMPLES / "valid" / "17_collection_agency_for_debt_buyer_assigned_energy_claim_consumer.json"
LAW_FIRM_SAMPLE = SAMPLES / "valid" / "15_law_firm_instalment_purchase_counter_performance_rendered.json"
CREDITOR_ASSIGNMENT_SAMPLE = SAMPLES / "valid" / "04_assignment_collection_agency_all_costs.json"

AGENCY = "Neckar Inkasso GmbH"
AGENCY_IBAN = "DE02 1203 0000 0000 2020 51"
CREDITOR = "Kurpfalz Forderungsankauf GmbH"
CREDITOR_ADDRESS = "Augustaanlage 54, 68165 Mannheim"
CREDITOR_IBAN = "DE89 3704 0044 0532 0130 00"

ON_BEHALF_LAWYER = ("On behalf of our client, %(creditor)s, %(address)s, we write to you about the amounts set out "
                    "below. We are duly authorised to act for our client.")
ON_BEHALF_AGENCY = ("On behalf of our client, %(creditor)s, %(address)s, we write to you as a registered debt "
                    "collection agency about the amounts set out below.")
INFO_RDG = "Information under § 13a RDG"
INFO_BRAO = "Information under § 43d BRAO"
ASSIGNMENT = "Notice of assignment"
NO_VAT = "No VAT is claimed on the costs."
WITH_VAT = "The costs include VAT, which the creditor cannot deduct as input tax."
COLLECTION_BASIS = ("the fee of the collection agency instructed, as damages for delay (§§ 280, 286 BGB), at most "
                    "what a lawyer could charge (§ 13e RDG, RVG)")


def t(language: str, msgid: str, **params: Any) -> str:
    """The catalog's text of ``msgid`` in ``language`` with ``params`` filled in, spaces folded."""
    text = translations(language).gettext(msgid)
    return normalise(text % params if params else text)


def agency_case() -> dict[str, Any]:
    """Sample 17: a registered collection agency (kind 2) writes for a debt buyer to a consumer."""
    return load_case(AGENCY_SAMPLE)


def law_firm_case() -> dict[str, Any]:
    """Sample 15 with the law firm (kind 1) writing, its bar in ``register``, and contact data."""
    case = load_case(LAW_FIRM_SAMPLE)
    case["letter"]["sender"] = "attorney"
    case["attorney"].update({"register": "Rechtsanwaltskammer Nürnberg", "phone": "+49 941 599 77-0",
                             "email": "kanzlei@huber-seidl.example"})
    return case


def pdf(case: dict[str, Any], **overrides: Any) -> bytes:
    """The PDF letter with the given option overrides."""
    return render_letter(case, options_from(case, overrides)).data


def html_text(case: dict[str, Any], **overrides: Any) -> str:
    """The HTML letter's visible text (tags dropped, entities decoded, spaces folded)."""
    data = render_letter(case, options_from(case, {**overrides, "format": "html"})).data.decode("utf-8")
    body = re.sub(r"<style>.*?</style>", " ", data, flags=re.S)
    return normalise(html.unescape(re.sub(r"<[^>]+>", " ", body)))


MM = 72 / 25.4
#: Regions of a DIN 5008 form B page (mm from the left and from the top: left, top, right, bottom).
REGIONS = {"letterhead": (0, 0, 210, 40), "return line": (20, 45, 105, 53), "footer": (0, 272, 210, 297)}


def region_text(data: bytes, region: str, page: int = 0) -> str:
    """The text inside one region of a page, spaces folded."""
    left, top, right, bottom = REGIONS[region]
    document = pypdfium2.PdfDocument(data)
    try:
        height = document[page].get_height()
        textpage = document[page].get_textpage()
        return normalise(textpage.get_text_bounded(left * MM, height - bottom * MM, right * MM, height - top * MM))
    finally:
        document.close()


def qr_payloads(data: bytes) -> list[list[str]]:
    """Every QR code on any page, as its payload lines."""
    document = pypdfium2.PdfDocument(data)
    pages = len(document)
    document.close()
    return [code.data.decode("utf-8").split("\n")
            for index in range(pages) for code in zbar_decode(page_image(data, index, dpi=200))]


@pytest.mark.parametrize("language", LANGUAGES)
def test_agency_letter_is_the_agencys_in_every_language(language: str) -> None:
    """Kind 2: the agency's letterhead (first text of page 1), return line, footer with its register entry
    on every page, the on-behalf paragraph naming the creditor with its address, the § 13a RDG block with
    the supervisory authority, and the agency's account; the creditor's account is nowhere."""
    case = agency_case()
    data = pdf(case, language=language)
    text = text_of(data)
    assert region_text(data, "letterhead").strip() == f"{AGENCY} Bergheimer Straße 147 · 69115 Heidelberg"
    assert region_text(data, "return line").strip() == f"{AGENCY} · Bergheimer Straße 147 · 69115 Heidelberg"
    register = normalise(case["attorney"]["register"])
    for page in (0, 1):  # the footer of both pages
        footer = region_text(data, "footer", page)
        assert AGENCY in footer and register in footer and "+49 6221 4471-0" in footer
        assert "forderung@neckar-inkasso.example" in footer and CREDITOR not in footer
    assert t(language, ON_BEHALF_AGENCY, creditor=CREDITOR, address=CREDITOR_ADDRESS) in text
    assert t(language, INFO_RDG) in text and t(language, INFO_BRAO) not in text
    assert SUPERVISORY_AUTHORITY in text
    assert t(language, COLLECTION_BASIS) in text and t(language, NO_VAT) in text
    # § 13a Abs. 1 Nr. 3: the interest calculation with principal, rate and each period
    rate = t(language, "%(points)s percentage points above the base rate", points="5")
    assert t(language, "Interest on %(document)s: %(rate)s on %(principal)s", document="JA-2025-0081234",
             rate=rate, principal=normalise(money(Decimal("612.40"), language))) in text
    for start, end in ((dt.date(2025, 8, 20), dt.date(2025, 12, 31)), (dt.date(2026, 1, 1), dt.date(2026, 1, 12))):
        assert t(language, "%(rate)s %% p.a. from %(start)s to %(end)s", rate=number(Decimal("6.27"), language),
                 start=date(start, language), end=date(end, language)) in text
    assert AGENCY_IBAN in text and CREDITOR_IBAN not in text
    assert t(language, "Yours sincerely") + f" {AGENCY}" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_preview_carries_the_same_attorney_texts(language: str) -> None:
    """The HTML letter (same template) has the agency's head, the on-behalf paragraph, both notices and the
    agency's IBAN."""
    text = html_text(agency_case(), language=language)
    assert f"{AGENCY} Bergheimer Straße 147 · 69115 Heidelberg" in text
    assert t(language, ON_BEHALF_AGENCY, creditor=CREDITOR, address=CREDITOR_ADDRESS) in text
    assert t(language, INFO_RDG) in text and t(language, ASSIGNMENT) in text
    assert AGENCY_IBAN in text and CREDITOR_IBAN not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_law_firm_letter_names_the_bar_and_section_43d(language: str) -> None:
    """Kind 1: the law firm's head and footer with its bar (``register``), the lawyer's on-behalf paragraph
    and the § 43d BRAO block without a supervisory-authority row (the bar is in the footer)."""
    case = law_firm_case()
    data = pdf(case, language=language)
    text = text_of(data)
    assert region_text(data, "letterhead").startswith("Kanzlei Huber & Seidl PartG mbB")
    assert "Rechtsanwaltskammer Nürnberg" in region_text(data, "footer")
    creditor = case["creditor"]["name"]
    address = ", ".join([case["creditor"]["address"]["street"],
                         f"{case['creditor']['address']['postal_code']} {case['creditor']['address']['city']}"])
    assert t(language, ON_BEHALF_LAWYER, creditor=creditor, address=address) in text
    assert t(language, INFO_BRAO) in text and t(language, INFO_RDG) not in text
    assert SUPERVISORY_AUTHORITY not in text
    assert "DE19 7505 0000 0026 4077 15" in text  # the law firm's account


@pytest.mark.parametrize("language", LANGUAGES)
def test_information_block_is_for_consumers_only(language: str) -> None:
    """A company debtor gets the on-behalf paragraph but no § 13a RDG block (§ 13a Abs. 1: a Privatperson)."""
    case = agency_case()
    case["debtors"][0] = {"type": "company", "name": "Weißenborn Grafikdesign GmbH",
                          "address": case["debtors"][0]["address"]}
    text = text_of(pdf(case, language=language))
    assert t(language, ON_BEHALF_AGENCY, creditor=CREDITOR, address=CREDITOR_ADDRESS) in text
    assert t(language, INFO_RDG) not in text and SUPERVISORY_AUTHORITY not in text
    assert t(language, ASSIGNMENT) in text  # the assignment is notified to anyone


@pytest.mark.parametrize("language", LANGUAGES)
def test_assignment_is_notified_in_every_letter(language: str) -> None:
    """Sample 17 (agency) and sample 04 (the assignee writes itself): original creditor, new creditor and date
    of the assignment; a case without assignment has no notice."""
    text = text_of(pdf(agency_case(), language=language))
    assert t(language, ASSIGNMENT) in text
    assert f"{t(language, 'Original creditor')} Bergstraße Energie GmbH, 69469 Weinheim" in text
    assert f"{t(language, 'New creditor')} {CREDITOR}" in text
    own = text_of(pdf(load_case(CREDITOR_ASSIGNMENT_SAMPLE), language=language))
    assert f"{t(language, 'Original creditor')} Funkwelle Telekom GmbH, 10117 Berlin" in own
    assert t(language, INFO_RDG) not in own  # the creditor writes itself: no § 13a block
    plain = agency_case()
    del plain["assignment"]
    assert t(language, ASSIGNMENT) not in text_of(pdf(plain, language=language))


def test_girocode_carries_the_attorneys_account() -> None:
    """The EPC QR code pays the agency (its name as beneficiary, its IBAN and BIC), the same total."""
    case = agency_case()
    payloads = qr_payloads(pdf(case))
    assert len(payloads) == 1
    assert payloads[0][:8] == ["BCD", "002", "1", "SCT", "BYLADEM1001", AGENCY, "DE02120300000000202051",
                               "EUR733.20"]


def test_without_an_attorney_account_the_creditors_is_used() -> None:
    """An agency without a usable IBAN account: the debtor pays the creditor (payment to it discharges too)."""
    case = agency_case()
    case["attorney"]["bank_account"] = {"blz": "12030000", "account_no": "202051"}
    payloads = qr_payloads(pdf(case))
    assert payloads[0][5:7] == [CREDITOR, "DE89370400440532013000"]


def test_creditor_remains_the_default_sender() -> None:
    """Without ``letter.sender`` (or with "creditor") the creditor's letterhead, footer and account."""
    case = agency_case()
    del case["letter"]["sender"]
    data = pdf(case)
    text = text_of(data)
    assert region_text(data, "letterhead").startswith(CREDITOR)
    assert CREDITOR_IBAN in text and AGENCY not in text
    assert t("de", INFO_RDG) not in text and t("de", ASSIGNMENT) in text


def test_german_letter_goes_on_in_capitals_after_the_on_behalf_paragraph() -> None:
    """German continues in lower case after the salutation; the on-behalf paragraph is that continuation,
    so the level text after it begins a sentence ("Trotz …"), and without it stays lower case."""
    case = agency_case()
    assert ", in Vollmacht und im Auftrag unserer Mandantschaft" in text_of(pdf(case))
    assert "Beträge an Sie. Trotz unserer Zahlungserinnerung" in text_of(pdf(case))
    del case["letter"]["sender"]
    assert "Weißenborn, trotz unserer Zahlungserinnerung" in text_of(pdf(case))


def test_vat_is_stated_from_no_input_tax_deduction() -> None:
    """A creditor not entitled to deduct input tax: the costs are claimed with VAT, and the letter says so
    (§ 13a Abs. 1 Nr. 6 RDG)."""
    case = agency_case()
    case["attorney"]["no_input_tax_deduction"] = True
    case["costs"]["collection"] = "119.52"  # the 0.9 fee and flat expenses with 19 % VAT
    text = text_of(pdf(case, language="en"))
    assert WITH_VAT in text and NO_VAT not in text


def test_interest_above_the_statutory_rate_is_pointed_out() -> None:
    """A contractual rate above the statutory default rate gets the separate note of § 13a Abs. 1 Nr. 4 RDG."""
    case = agency_case()
    case["claims"][0]["interest"] = {"rate": "12", "mode": 1, "from": "2025-08-20"}
    text = text_of(pdf(case, language="en"))
    assert ("The rate on JA-2025-0081234 exceeds the statutory default rate; it is claimed on the basis of the "
            "contract.") in text


def _gap(case: dict[str, Any], what: str) -> None:
    """Remove ``what`` from the case's attorney (sample 17)."""
    attorney = case["attorney"]
    if what == "attorney":
        del case["attorney"]
    elif what == "kind":
        attorney["kind"] = 4
    elif what == "name":
        del attorney["name"]
    elif what == "address":
        attorney["address"] = {"street": "Bergheimer Straße 147", "postal_code": "69115", "city": ""}
    elif what == "register":
        attorney["register"] = "  "


@pytest.mark.parametrize("what, expected", [
    ("attorney", {("letter_sender_incomplete", "/attorney")}),
    ("kind", {("letter_sender_incomplete", "/attorney/kind")}),
    ("name", {("letter_sender_incomplete", "/attorney/name"), ("missing_name", "/attorney/name")}),
    ("address", {("letter_sender_incomplete", "/attorney/address"),
                 ("incomplete_address", "/attorney/address/city")}),
    ("register", {("letter_sender_incomplete", "/attorney/register")}),
])
def test_letter_sender_incomplete_names_each_missing_piece(what: str, expected: set[tuple[str, str]]) -> None:
    """Each missing piece is its own error at its path (with the rule that reports it for the court, where
    one does), and the letter is not written."""
    case = agency_case()
    _gap(case, what)
    report = validate(case, "letter")
    assert set(report.codes()) == expected
    objection = next(o for o in report.objections if o.code == "letter_sender_incomplete")
    assert objection.level == "error" and "letter.sender" in objection.message_de
    with pytest.raises(CaseRejected):
        render_letter(case, options_from(case, {}))


def test_register_is_only_required_of_a_collection_agency() -> None:
    """A law firm without ``register`` may write (the bar is optional in its footer); several gaps come
    back at once."""
    case = law_firm_case()
    del case["attorney"]["register"]
    assert ("letter_sender_incomplete", "/attorney/register") not in set(validate(case, "letter").codes())
    case = agency_case()
    _gap(case, "register")
    del case["attorney"]["name"]
    assert {path for code, path in validate(case, "letter").codes() if code == "letter_sender_incomplete"} == {
        "/attorney/name", "/attorney/register"}


def test_a_creditor_written_letter_needs_nothing_of_the_attorney() -> None:
    """``letter.sender`` "creditor": an attorney without register or kind 1/2 is no objection for letters."""
    case = agency_case()
    case["letter"]["sender"] = "creditor"
    case["attorney"]["kind"] = 3
    del case["attorney"]["register"]
    assert "letter_sender_incomplete" not in {code for code, _ in validate(case, "letter").codes()}


def test_http_renders_the_agency_letter_and_refuses_an_incomplete_sender(client) -> None:
    """POST /v1/render/letter: sample 17 is a clean 200 PDF from the agency; the invalid sample (agency
    without register entry) is a 422 naming ``letter_sender_incomplete`` at ``/attorney/register``."""
    response = client.post("/v1/render/letter", data=AGENCY_SAMPLE.read_bytes(), content_type="application/json")
    assert response.status_code == 200
    assert json.loads(response.headers["Formsvc-Warnings"]) == []
    assert region_text(response.data, "letterhead").startswith(AGENCY)
    invalid = SAMPLES / "invalid" / "letter_sender_incomplete.json"
    response = client.post("/v1/render/letter", data=invalid.read_bytes(), content_type="application/json")
    assert response.status_code == 422
    errors = [(e["code"], e["path"]) for e in response.get_json()["errors"]]
    assert errors == [("letter_sender_incomplete", "/attorney/register")]
