"""Native in every language (issue 12, item 4): the grammar of the addressee and the claims, dates
and typography as each country's business letters have them. Read on the HTML letter (the same
template as the PDF)."""
from __future__ import annotations

import copy
import datetime as dt
import html
import re

import pytest

from formsvc.letters import options_from, render_letter
from formsvc.letters.i18n import date as letter_date
from formsvc.letters.options import LANGUAGES, LEVELS, TONES

from conftest import SAMPLES, load_case


def text(case, **overrides) -> str:
    """The letter's visible text (HTML without styles and tags), spaces kept as they are."""
    markup = render_letter(case, options_from(case, {"format": "html", **overrides})).data.decode()
    body = markup[markup.index("<body>"):]
    body = re.sub(r"<img[^>]*>", "", body)
    body = re.sub(r"</(p|tr|h1|div|th|td)>|<br/>", "\n", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def window(case, **overrides) -> str:
    """The recipient block's text."""
    markup = render_letter(case, options_from(case, {"format": "html", **overrides})).data.decode()
    block = markup[markup.index('<div class="recipient"'):]
    return html.unescape(re.sub(r"<[^>]+>", " ", block[:block.index("</div>")]))


@pytest.fixture
def company_case(example_case):
    """The example with a company debtor and three claims."""
    case = copy.deepcopy(example_case)
    case["debtors"] = [{"type": "company", "name": "Beispiel Handel GmbH & Co. KG",
                        "address": {"street": "Industriestraße 7", "postal_code": "50667", "city": "Köln"}}]
    base = case["claims"][0]
    case["claims"] = [dict(base, document_no=f"RE-2025-{n}", amount=f"{n}00.00") for n in (101, 102, 103)]
    return case


@pytest.fixture
def private_case():
    """A private creditor (a person, Dr. Jürgen Weiß) writing to a company."""
    return load_case(SAMPLES / "valid" / "02_person_creditor_with_co_creditor_vs_company.json")


# --- dates ---------------------------------------------------------------------------------------

#: Letter date 5 January 2026 and deadline 19 January 2026 of the example, as running text prints them.
LONG_DATES = {
    "de": ("05.01.2026", "19.01.2026"), "en": ("5 January 2026", "19 January 2026"),
    "fr": ("5 janvier 2026", "19 janvier 2026"), "it": ("5 gennaio 2026", "19 gennaio 2026"),
    "es": ("5 de enero de 2026", "19 de enero de 2026"), "nl": ("5 januari 2026", "19 januari 2026"),
    "pl": ("5 stycznia 2026", "19 stycznia 2026"), "tr": ("5 Ocak 2026", "19 Ocak 2026"),
}
#: The claim's date (1 October 2025) in the table's date column.
TABLE_DATES = {"de": "01.10.2025", "en": "01/10/2025", "fr": "01/10/2025", "it": "01/10/2025",
               "es": "01/10/2025", "nl": "01-10-2025", "pl": "01.10.2025", "tr": "01.10.2025"}
#: What the locales' medium form printed before: month abbreviations no business letter uses.
ABBREVIATIONS = re.compile(r"\b(Jan|janv\.|gen|ene|jan\.|sty|Oca|Oct|oct\.|ott|okt\.|paź|Eki|Dec|déc\.|dic|gru|Ara)\b")


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_with_full_month_names_and_numeric_in_the_table(example_case, language):
    """Letter date and deadline in running text with the month's full name (German numerically,
    DIN 5008); the table's date columns numerically with the country's separator; no abbreviations."""
    for level in LEVELS:
        letter = text(example_case, language=language, level=level)
        day, deadline = LONG_DATES[language]
        assert day in letter and deadline in letter
        assert TABLE_DATES[language] in letter
        assert not ABBREVIATIONS.search(letter), ABBREVIATIONS.search(letter).group(0)


@pytest.mark.parametrize("language,expected", [("fr", "1er janvier 2026"), ("it", "1º gennaio 2026"),
                                               ("en", "1 January 2026"), ("es", "1 de enero de 2026")])
def test_first_day_of_the_month(language, expected):
    """French and Italian write the first of the month as an ordinal."""
    assert letter_date(dt.date(2026, 1, 1), language) == expected


# --- French typography ---------------------------------------------------------------------------

@pytest.mark.parametrize("party", ["consumer", "company", "private"])
def test_french_narrow_no_break_space_before_punctuation(example_case, company_case, private_case, party):
    """French: a narrow no-break space (U+202F) before ; : ! ? and %, inside « », never a plain or
    missing space, in every tone and level."""
    case = {"consumer": example_case, "company": company_case, "private": private_case}[party]
    for tone in TONES:
        for level in LEVELS:
            letter = text(case, language="fr", tone=tone, level=level)
            wrong = re.findall(r".{0,20}(?:[ \u00a0]|(?<=\w))[;:!?%].{0,5}|«[ \u00a0]|[ \u00a0]»", letter)
            assert wrong == [], (tone, level, wrong)
            assert "\u202f:" in letter or "\u202f;" in letter


# --- salutations ---------------------------------------------------------------------------------

@pytest.mark.parametrize("salutation", ["herr", "frau"])
def test_turkish_honorific_once(example_case, salutation):
    """Turkish: "Sayın" with the full name, without Bey/Hanım after it (TDK: not both), and only in the
    salutation, not again in the window."""
    example_case["debtors"][0]["salutation"] = salutation
    letter = text(example_case, language="tr")
    assert "Sayın Max Zahlmann," in letter
    assert letter.count("Sayın") == 1
    assert "Bey" not in letter and "Hanım" not in letter
    assert window(example_case, language="tr").split() [:2] == ["Max", "Zahlmann"]


# --- singular and plural of the claims -----------------------------------------------------------

#: (one claim, friendly reminder) and (three claims, firm final notice): the claim(s) in the number
#: the letter has (before, the reminder always spoke of "invoices" and the final notice of "the claim").
NUMBER = {
    "de": ("die unten aufgeführte Forderung konnten", "die unten aufgeführten Forderungen nicht beglichen"),
    "en": ("the amount listed below has not yet been paid", "you have not settled the claims listed below"),
    "fr": ("la somme ci-dessous reste impayée", "vous n'avez pas réglé les créances ci-dessous"),
    "it": ("l'importo sotto elencato non è ancora stato pagato", "saldato i crediti sotto elencati"),
    "es": ("el importe que se indica a continuación aún no ha sido pagado",
           "saldado las deudas que se indican a continuación"),
    "nl": ("is het hieronder vermelde bedrag nog niet betaald", "de hieronder vermelde vorderingen niet voldaan"),
    "pl": ("należność wymieniona poniżej nie została dotychczas uregulowana",
           "należności wymienione poniżej nie zostały uregulowane"),
    "tr": ("belirtilen tutar henüz ödenmemiştir", "belirtilen alacakları ödemediniz"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_claims_in_the_singular_or_plural_by_their_number(example_case, company_case, language):
    """One claim is "the claim", three are "the claims", in every tone and level."""
    one, three = NUMBER[language]
    assert one in text(example_case, language=language, tone="friendly", level=1)
    assert three in text(company_case, language=language, tone="firm", level=3)
    plural = re.compile(r"Forderungen|Rechnungen|amounts|claims|invoices|sommes|créances|factures|importi|crediti"
                        r"|fatture|importes|deudas|facturas|bedragen|vorderingen|facturen|należności wymienione|Kwoty"
                        r"|tutarlar|alacaklar|faturalar|Beträge|montants")
    for tone in TONES:
        for level in LEVELS:
            body = text(example_case, language=language, tone=tone, level=level).split("\n")
            paragraphs = [p for p in body if len(p) > 60 and "%" not in p and "§" not in p]
            assert not [p for p in paragraphs[:3] if plural.search(p)], (tone, level)


# --- each document named by what it is ----------------------------------------------------------

@pytest.mark.parametrize("description,kind", [
    ("Rechnung", "invoice"), ("Honorarrechnung", "invoice"), ("Kaufvertrag/Rechnung", "invoice"),
    ("Mietrückstand laut Aufstellung", "rent"), ("Betriebskostenabrechnung 2024", "statement"),
    ("Jahresabrechnung Strom", "statement"), ("Beitragsaufstellung", "statement"),
    ("Darlehensvertrag (gekündigt)", "contract"), ("Teilzahlungskauf Einbauküche", "document"),
])
def test_document_kind_from_the_description(description, kind):
    from formsvc.letters.model import document_kind
    assert document_kind(description) == kind


LABELS = {  # rent account, one; contracts, two; mixed kinds: documents
    "de": ("Mietkonto", "Vertragsnr.", "Beleg-Nr."), "en": ("Rent account", "Contract nos.", "Document nos."),
    "fr": ("Compte de loyer", "Contrats n°", "Pièces n°"), "it": ("Conto locazione", "Contratti n.", "Documenti n."),
    "es": ("Cuenta de alquiler", "N.º de contratos", "N.º de documentos"),
    "nl": ("Huurrekening", "Contractnrs.", "Documentnrs."), "pl": ("Konto czynszowe", "Nr umów", "Nr dokumentów"),
    "tr": ("Kira hesabı", "Sözleşme no.", "Belge no."),
}
INVOICE = {"de": "Rechnungsnr.", "en": "Invoice", "fr": "Facture", "it": "Fattur", "es": "factura",
           "nl": "Factuur", "pl": "faktur", "tr": "Fatura"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_documents_named_by_their_description(example_case, language):
    """The information block and the subject name a rent account as a rent account, contracts as
    contracts, mixed documents as documents — never "invoice number" for what is no invoice."""
    rent, contracts, mixed = LABELS[language]
    claim = example_case["claims"][0]
    for descriptions, label in ((["Mietrückstand laut Aufstellung"], rent),
                                (["Darlehensvertrag", "Kaufvertrag"], contracts),
                                (["Darlehensvertrag", "Rechnung"], mixed)):
        example_case["claims"] = [dict(claim, description=d, document_no=f"D-{n}") for n, d in enumerate(descriptions)]
        letter = text(example_case, language=language)
        lines = [line for line in letter.split("\n") if line.strip()]
        at = next(i for i, line in enumerate(lines) if LONG_DATES[language][0] in line)
        head = "\n".join(lines[:at + 2])  # the information block (its date last) and the subject
        assert head.count(label) == 2, (label, head)  # information block and subject
        assert INVOICE[language] not in head


# --- a company addressed as a company ------------------------------------------------------------

#: The polite singular that addresses one person ("Lei", "La preghiamo", "usted", "Le rogamos"), which
#: a letter to a firm does not use: Italian writes to a company with "Voi" ("Vi preghiamo", "Vostro"),
#: Spanish with "ustedes" ("Les rogamos", "abonen").
SINGULAR_YOU = {
    "it": re.compile(r"\b(Lei|La preghiamo|La invitiamo|La diffidiamo|Suo|Sua|Le offriamo|Le è|esiti|avesse)\b"),
    "es": re.compile(r"\b(usted|Usted|Le rogamos|Le requerimos|Le ofrecemos|Le agradeceríamos|se le haya|Escanee"
                     r"|tiene|desea|dude|ha realizado)\b"),
}
PLURAL_YOU = {"it": re.compile(r"\b(Vi|Vostro|Vostra|Siete|avete|aveste)\b"),
              "es": re.compile(r"\b(Les|les|ustedes|Ustedes|abonen|transfieran|Escaneen)\b")}


@pytest.mark.parametrize("language", ["it", "es"])
def test_company_is_addressed_in_the_plural(example_case, company_case, language):
    """Italian and Spanish address a company in the plural (Vi/Vostro, ustedes) in every tone and
    level, and a person in the polite singular (Lei, usted)."""
    for tone in TONES:
        for level in LEVELS:
            firm = text(company_case, language=language, tone=tone, level=level)
            assert not SINGULAR_YOU[language].search(firm), (tone, level, SINGULAR_YOU[language].search(firm))
            assert PLURAL_YOU[language].search(firm)
            person = text(example_case, language=language, tone=tone, level=level)
            assert SINGULAR_YOU[language].search(person) and not PLURAL_YOU[language].search(person)


# --- a private creditor writes "I" ---------------------------------------------------------------

#: The first person plural of a creditor speaking for itself ("we", "our", "nous", "rogamos", "ederiz").
WE = {
    "de": r"\b(wir|Wir|uns|unser\w*|Unser\w*)\b",
    "en": r"\b(we|We|our|Our|us)\b",
    "fr": r"\b(nous|Nous|notre|Notre|nos|Nos)\b",
    "it": r"\b(nostr\w+|Nostr\w+|preghiamo|invitiamo|diffidiamo|abbiamo|offriamo|chiederemo|avvieremo|contattarci)\b",
    "es": r"\b(nuestr\w+|Nuestr\w+|rogamos|requerimos|hemos|ofrecemos|agradeceríamos|nosotros|solicitaremos|iniciaremos)\b",
    "nl": r"\b(wij|Wij|we|onze|Onze|ons|Ons)\b",
    "pl": r"\b(nasz\w*|Nasz\w*|prosimy|Prosimy|wzywamy|Wzywamy|otrzymaliśmy|Dajemy|wystąpimy|wszczniemy|przypominamy)\b",
    "tr": r"\w*(ımız|imiz|ımıza|ederiz|yoruz|ceğiz|cağız)\w*",
}


@pytest.fixture
def person_creditor(example_case, private_case):
    """Dr. Jürgen Weiß writing alone (no co-creditor) in his own name to the consumer Max Zahlmann."""
    example_case["creditor"] = copy.deepcopy(private_case["creditor"])
    return example_case


@pytest.mark.parametrize("language", LANGUAGES)
def test_private_creditor_writes_in_the_first_person_singular(person_creditor, private_case, language):
    """A person writing alone says "I" (ich, je, io, yo, ik, ja, ben) to a person and to a company, in
    every tone and level; with a co-creditor the letter speaks for both ("we")."""
    alone = copy.deepcopy(private_case)
    alone.pop("co_creditor")
    we = re.compile(WE[language])
    for case in (person_creditor, alone):
        for tone in TONES:
            for level in LEVELS:
                letter = text(case, language=language, tone=tone, level=level)
                assert not we.search(letter), (tone, level, we.search(letter).group(0))
    assert we.search(text(private_case, language=language, tone="firm", level=3))  # two creditors: "we"


@pytest.mark.parametrize("language", LANGUAGES)
def test_attorney_for_a_private_creditor_keeps_we(person_creditor, language):
    """The lawyer or collection agency writing for a private creditor speaks as "we" (it is a firm)."""
    agency = load_case(SAMPLES / "valid" / "17_collection_agency_for_debt_buyer_assigned_energy_claim_consumer.json")
    person_creditor["attorney"] = agency["attorney"]
    person_creditor["letter"]["sender"] = "attorney"
    assert re.search(WE[language], text(person_creditor, language=language, tone="firm", level=2))


def test_italian_window_names_a_company_spettabile(company_case, example_case):
    """Italian: "Spett.le" before a firm's name in the window (and "Spettabile Ditta," as salutation);
    a person keeps "Sig."; no other language puts anything before a firm's name."""
    assert window(company_case, language="it").split()[:2] == ["Spett.le", "Beispiel"]
    assert "Spettabile Ditta," in text(company_case, language="it")
    assert window(example_case, language="it").split()[0] == "Sig."
    for language in set(LANGUAGES) - {"it"}:
        assert window(company_case, language=language).split()[0] == "Beispiel"


# --- a doctorate: the language's own form, not after Mr/Ms ---------------------------------------

DOCTOR = {  # window line, salutation of Dr. Erika Muster
    "de": ("Frau Dr. Erika Muster", "Sehr geehrte Frau Dr. Muster,"), "en": ("Dr Erika Muster", "Dear Dr Muster,"),
    "fr": ("Madame Erika Muster", "Madame,"), "it": ("Dott.ssa Erika Muster", "Gentile Dott.ssa Muster,"),
    "es": ("Dra. Erika Muster", "Estimada Dra. Muster:"), "nl": ("Mevrouw dr. Erika Muster", "Geachte mevrouw Muster,"),
    "pl": ("Pani dr Erika Muster", "Szanowna Pani Doktor,"), "tr": ("Dr. Erika Muster", "Sayın Dr. Erika Muster,"),
}
MALE_DOCTOR = {"de": "Sehr geehrter Herr Dr. Zahlmann,", "en": "Dear Dr Zahlmann,", "fr": "Monsieur,",
               "it": "Egregio Dott. Zahlmann,", "es": "Estimado Dr. Zahlmann:", "nl": "Geachte heer Zahlmann,",
               "pl": "Szanowny Panie Doktorze,", "tr": "Sayın Dr. Max Zahlmann,"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_doctor_title_without_doubled_honorific(example_case, language):
    """A doctorate takes each language's own form ("Dr Muster", "Dott.ssa Muster", "Dra. Muster"),
    never "Ms Dr." or "Sig.ra Dr."; German keeps "Frau Dr."."""
    example_case["debtors"][0]["title"] = "Dr."
    assert MALE_DOCTOR[language] in text(example_case, language=language)
    example_case["debtors"][0].update(salutation="frau", first_name="Erika", last_name="Muster")
    line, salutation = DOCTOR[language]
    assert " ".join(window(example_case, language=language).split()[:len(line.split())]) == line
    letter = text(example_case, language=language)
    assert salutation in letter
    assert not re.search(r"\b(Ms|Sig\.ra|Sra\.|Signora) Dr", letter)


@pytest.mark.parametrize("party", ["consumer", "company"])
def test_polish_final_notice_does_not_speak_of_the_reader_as_the_debtor(example_case, company_case, party):
    """Polish: the costs of the court procedure "are added to the amount claimed", not "charged to the
    debtor" (the reader, spoken of in the third person)."""
    case = example_case if party == "consumer" else company_case
    for tone in TONES:
        letter = text(case, language="pl", tone=tone, level=3)
        assert "obciążony dłużnik" not in letter and "Kosztami postępowania zostanie" not in letter
        assert "doliczone do dochodzonej kwoty" in letter


PROFESSOR = {  # window line, salutation of Prof. Dr. Erika Muster
    "de": ("Frau Prof. Dr. Erika Muster", "Sehr geehrte Frau Prof. Dr. Muster,"),
    "en": ("Professor Erika Muster", "Dear Professor Muster,"), "fr": ("Madame Erika Muster", "Madame,"),
    "it": ("Prof.ssa Erika Muster", "Gentile Prof.ssa Muster,"), "es": ("Prof.ª Erika Muster", "Estimada Prof.ª Muster:"),
    "nl": ("Mevrouw prof. Erika Muster", "Geachte mevrouw Muster,"), "pl": ("Pani prof. Erika Muster", "Szanowna Pani Profesor,"),
    "tr": ("Prof. Dr. Erika Muster", "Sayın Prof. Dr. Erika Muster,"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_professor_title_without_doubled_honorific(example_case, language):
    """A professor is "Professor Muster", "Prof.ssa", "Pani Profesor" — never "Ms Prof. Dr."."""
    example_case["debtors"][0].update(salutation="frau", title="Prof. Dr.", first_name="Erika", last_name="Muster")
    line, salutation = PROFESSOR[language]
    assert " ".join(window(example_case, language=language).split()[:len(line.split())]) == line
    letter = text(example_case, language=language)
    assert salutation in letter
    assert not re.search(r"\b(Ms|Sig\.ra|Sra\.|Signora|Pani) Prof\. Dr", letter)
