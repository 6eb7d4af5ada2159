"""What a letter charges, and nothing more (issue 12, "What is owed"; docs/letters.md "What the letter charges").

* no Auslagen of the Mahnverfahren (``costs.postage``, ``costs.other_expenses``) before it exists;
* the 40 EUR flat fee set off against collection and lawyer's costs (§ 288 Abs. 5 S. 3 BGB);
* a fixed rate above the statutory default rate is contractual interest, named so in every language;
* consumer_interest_above_statutory and fixed_rate_implausible come back with the letter;
* no fee for the level-1 reminder that first puts the debtor in default (§ 286 Abs. 1 BGB).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from decimal import Decimal as D
from typing import Any

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from formsvc.letters import i18n, options_from, render_letter
from formsvc.letters.amounts import FLAT_FEE, is_contractual, statement, statutory_rate
from formsvc.letters.i18n import translations
from formsvc.letters.options import LANGUAGES

LETTER_DAY = dt.date(2026, 1, 5)


def pdf_text(data: bytes) -> str:
    """The PDF's text with every kind of space folded to one blank."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(page.extract_text() for page in reader.pages))


def item_rows(case: dict[str, Any], **overrides: Any) -> list[tuple[str, str]]:
    """(label, amount) of every sub-line of the letter's items table (interest and costs), HTML preview."""
    letter = render_letter(case, options_from(case, {"format": "html", **overrides}))
    tree = lxml_html.fromstring(letter.data)
    rows = tree.xpath('//table[@class="items"]/tbody/tr[@class="sub" or @class="sum"]')
    return [(fold(row.xpath("./td")[0].text_content()), fold(row.xpath("./td")[-1].text_content()))
            for row in rows]


def fold(text: str) -> str:
    """Every run of spaces (no-break and narrow ones included) as one blank, trimmed."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


@pytest.fixture
def business_case(example_case: dict[str, Any]) -> dict[str, Any]:
    """The example against a company (not a consumer), asking for the flat fee, without costs."""
    case = copy.deepcopy(example_case)
    case["debtors"] = [{"type": "company", "name": "Beispiel Handel GmbH",
                        "address": {"street": "Industriestraße 7", "postal_code": "50667", "city": "Köln"},
                        "representatives": [{"role": "Geschäftsführer", "salutation": "herr",
                                             "first_name": "Karl", "last_name": "Kaufmann"}]}]
    case["costs"] = {}
    case["letter"]["flat_fee"] = True
    return case


# --- no Auslagen of the court procedure --------------------------------------------------------------

def test_court_procedure_expenses_are_not_charged(example_case: dict[str, Any]) -> None:
    """Postage and further Auslagen für das Mahnverfahren stay out of the statement and the total:
    10,000.00 + 60.12 interest + 5.00 dunning costs = 10,065.12 (not 10,076.92 with 1.80 + 10.00)."""
    example_case["costs"]["other_expenses"] = {"label": "Vordruck Mahnantrag", "amount": "10.00"}
    result = statement(example_case, letter_date=LETTER_DAY, level=2, fee=D("0"), flat_fee=False)
    assert [(line.kind, line.amount) for line in result.costs] == [("dunning", D("5.00"))]
    assert [(line.kind, line.amount) for line in result.not_charged] == [("postage", D("1.80")),
                                                                         ("other_expenses", D("10.00"))]
    assert result.total == D("10065.12")
    letter = render_letter(example_case, options_from(example_case, {"level": 2}))
    assert letter.statement.total == D("10065.12")
    text = pdf_text(letter.data)
    assert "10.065,12 €" in text and "10.076,92 €" not in text
    assert "Porto" not in text and "Vordruck Mahnantrag" not in text and "1,80 €" not in text


def test_earlier_pre_court_costs_are_still_charged(example_case: dict[str, Any]) -> None:
    """Only the two court-procedure keys are left out; the creditor's own costs stay (contract order)."""
    example_case["costs"] = {"dunning": "5.00", "information": "8.00", "return_debit": "3.00",
                             "other": {"label": "Kontoführung", "amount": "2.00"}, "postage": "1.80"}
    result = statement(example_case, letter_date=LETTER_DAY, level=2, fee=D("2.50"), flat_fee=False)
    assert [line.kind for line in result.costs] == ["dunning", "information", "return_debit", "other", "letter_fee"]
    assert result.total == D("10000.00") + D("60.12") + D("5.00") + D("8.00") + D("3.00") + D("2.00") + D("2.50")


# --- the flat fee set off against collection and lawyer's costs -------------------------------------

@pytest.mark.parametrize("collection, lawyer, charged", [
    (None, None, D("40.00")),  # nothing to set off
    ("30.00", None, D("10.00")),
    ("39.99", None, D("0.01")),  # just below the edge: one cent is still owed
    ("40.00", None, None),  # at the edge: nothing left
    ("40.01", None, None),  # above it: never negative
    (None, "25.00", D("15.00")),  # lawyer's costs count the same
    ("20.00", "19.99", D("0.01")),  # both together
    ("20.00", "20.00", None),
    ("159.94", "70.20", None),
])
def test_flat_fee_is_set_off_against_collection_and_lawyer_costs(business_case: dict[str, Any], collection: Any,
                                                                  lawyer: Any, charged: D | None) -> None:
    """§ 288 Abs. 5 S. 3 BGB: 40 − (collection + lawyer_out_of_court), never below 0; a fee set off to
    nothing is no line of the letter."""
    costs = {key: value for key, value in (("collection", collection), ("lawyer_out_of_court", lawyer)) if value}
    business_case["costs"] = costs
    result = statement(business_case, letter_date=LETTER_DAY, level=2, fee=D("0"), flat_fee=True)
    flat = [line for line in result.costs if line.kind == "flat_fee"]
    costs_total = sum((D(v) for v in costs.values()), D("0"))
    if charged is None:
        assert flat == []
        assert [line.kind for line in result.not_charged] == ["flat_fee"]
    else:
        assert [line.amount for line in flat] == [charged]
        assert flat[0].set_off == FLAT_FEE - charged
    assert result.total == D("10000.00") + D("60.12") + costs_total + (charged or D("0"))


def test_set_off_is_printed_with_its_source(business_case: dict[str, Any]) -> None:
    """The reduced flat fee says what was set off against it; the full fee keeps its plain label."""
    business_case["costs"] = {"collection": "30.00"}
    rows = dict(item_rows(business_case, level=2))
    label = ("Verzugspauschale (§ 288 Abs. 5 BGB) abzüglich angerechneter Inkasso- und Anwaltskosten von "
             "30,00 € (§ 288 Abs. 5 S. 3 BGB)")
    assert rows[label] == "10,00 €"
    assert rows["Inkassokosten"] == "30,00 €"
    assert rows["Gesamtforderung"] == "10.100,12 €"  # 10,000.00 + 60.12 + 30.00 + 10.00
    business_case["costs"] = {}
    assert dict(item_rows(business_case, level=2))["Verzugspauschale (§ 288 Abs. 5 BGB)"] == "40,00 €"


# --- contractual interest ---------------------------------------------------------------------------

def _fixed(case: dict[str, Any], rate: str, mode: int = 1) -> dict[str, Any]:
    case["claims"][0]["interest"] = {"rate": rate, "above_base_rate": False, "mode": mode, "from": "2025-12-02"}
    return case


@pytest.mark.parametrize("language", LANGUAGES)
def test_contractual_interest_is_named_so_in_every_language(example_case: dict[str, Any], language: str) -> None:
    """24 % a year against a consumer (statutory: 1.27 + 5 = 6.27 %) is contractual interest: the letter
    says so and never calls it default interest."""
    _fixed(example_case, "24")
    t = translations(language)
    values = {"document": "2024 1045476", "start": fold(i18n.date(dt.date(2025, 12, 2), language)),
              "end": fold(i18n.date(LETTER_DAY, language))}
    contractual = t.gettext("Contractual interest on %(document)s, %(start)s to %(end)s") % values
    default = t.gettext("Default interest on %(document)s, %(start)s to %(end)s") % values
    assert contractual != default
    labels = [label for label, _ in item_rows(example_case, language=language)]
    assert contractual in labels and default not in labels


def test_contractual_interest_in_the_german_pdf(example_case: dict[str, Any]) -> None:
    """The PDF prints "Vertragszinsen auf Rechnung …", the warning fixed_rate_implausible comes back."""
    _fixed(example_case, "24")
    letter = render_letter(example_case, options_from(example_case, {}))
    text = pdf_text(letter.data)
    assert "Vertragszinsen auf 2024 1045476, 02.12.2025 bis 05.01.2026" in text
    assert "Verzugszinsen" not in text
    assert ("fixed_rate_implausible", "/claims/0/interest/rate") in [(w.code, w.path) for w in letter.warnings]


@pytest.mark.parametrize("debtor, rate, mode, contractual", [
    ("consumer", "6.27", 1, False),  # exactly base rate 1.27 % + 5 points: default interest
    ("consumer", "6.28", 1, True),
    ("consumer", "0.6", 2, True),  # 7.2 % a year
    ("company", "10.27", 1, False),  # base rate + 9 points (§ 288 Abs. 2 BGB): still statutory
    ("company", "10.28", 1, True),
    ("company", "0.03", 3, True),  # 10.95 % a year
])
def test_contractual_is_above_the_statutory_rate_of_the_debtor(example_case: dict[str, Any], debtor: str, rate: str,
                                                               mode: int, contractual: bool) -> None:
    """The statutory default rate is the base rate at interest start + 5 points, + 9 between businesses."""
    if debtor == "company":
        example_case["debtors"] = [{"type": "company", "name": "X GmbH"}]
    claim = _fixed(example_case, rate, mode)["claims"][0]
    assert statutory_rate(example_case, claim, dt.date(2025, 12, 2)) == (D("10.27") if debtor == "company"
                                                                         else D("6.27"))
    assert is_contractual(example_case, claim) is contractual


def test_points_above_the_base_rate_stay_default_interest_with_a_warning(example_case: dict[str, Any]) -> None:
    """9 points above the base rate against a consumer: default interest (its measure is the statute),
    and consumer_interest_above_statutory is returned with the letter (profile letter)."""
    example_case["claims"][0]["interest"]["rate"] = "9"
    letter = render_letter(example_case, options_from(example_case, {}))
    assert "Verzugszinsen auf 2024 1045476" in pdf_text(letter.data)
    assert [(w.code, w.path) for w in letter.warnings] == [("consumer_interest_above_statutory",
                                                            "/claims/0/interest/rate")]


def test_interest_warnings_reach_the_http_header(client: Any, example_case: dict[str, Any]) -> None:
    """Formsvc-Warnings carries both interest warnings of the letter profile."""
    example_case["claims"][0]["interest"]["rate"] = "9"
    response = client.post("/v1/render/letter", json=example_case)
    assert json.loads(response.headers["Formsvc-Warnings"]) == ["consumer_interest_above_statutory"]
    _fixed(example_case, "24")
    response = client.post("/v1/render/letter", json=example_case)
    assert json.loads(response.headers["Formsvc-Warnings"]) == ["fixed_rate_implausible"]


# --- no fee for the reminder that first puts the debtor in default ----------------------------------

def test_level_one_fee_is_not_charged_and_says_why(example_case: dict[str, Any]) -> None:
    """letter.fee 5.00 on a level-1 reminder: not in the letter, not in the total, warning letter_fee_not_charged;
    the same fee on a level-2 Mahnung is charged without warning."""
    example_case["letter"]["fee"] = "5.00"
    reminder = render_letter(example_case, options_from(example_case, {"level": 1}))
    assert "letter_fee" not in [line.kind for line in reminder.statement.costs]
    assert reminder.statement.total == D("10065.12")
    assert [(w.code, w.path, w.level) for w in reminder.warnings] == [("letter_fee_not_charged", "/letter/fee",
                                                                       "warning")]
    assert "5,00 EUR" in reminder.warnings[0].message_de and "§ 286 Abs. 1 BGB" in reminder.warnings[0].message_de
    assert "Mahngebühr für dieses Schreiben" not in pdf_text(reminder.data)
    notice = render_letter(example_case, options_from(example_case, {"level": 2}))
    assert [(line.kind, line.amount) for line in notice.statement.costs][-1] == ("letter_fee", D("5.00"))
    assert notice.statement.total == D("10070.12")
    assert notice.warnings == ()
    assert "Mahngebühr für dieses Schreiben" in pdf_text(notice.data)
