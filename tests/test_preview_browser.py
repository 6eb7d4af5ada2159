"""The lawyers' preview page, driven in a real headless Chromium against a live service."""
from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from werkzeug.serving import make_server

from formsvc import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class LiveServer:
    """The app served by werkzeug on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One headless Chromium (Debian's) for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _live(tmp_path: Path, **config) -> LiveServer:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}", **config})
    return LiveServer(app)


@pytest.fixture
def live(tmp_path) -> Iterator[LiveServer]:
    """A live service with no API key."""
    server = _live(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def page(browser, live):
    """A fresh browser page on the preview page, samples loaded."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live.url + "/")
    page.wait_for_selector("#sample optgroup option", state="attached")
    yield page
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"preview-{name}.png"), full_page=True)


def _first_valid(page) -> str:
    return page.eval_on_selector("#sample optgroup option[value^='valid/']", "o => o.value")


def test_valid_sample_shows_no_objections(page):
    """Loading a valid sample from the list shows 'Keine Beanstandungen'."""
    page.select_option("#sample", _first_valid(page))
    page.wait_for_selector(".verdict.ok")
    assert "Keine Beanstandungen" in page.inner_text("#verdict")
    assert page.locator("#outline tbody tr").count() > 10
    _shot(page, "valid")


def test_invalid_sample_shows_objection_at_its_field(page):
    """The missing-salutation sample shows the objection in the row of /debtors/0/salutation."""
    page.select_option("#sample", "invalid/missing_salutation")
    page.wait_for_selector(".verdict.bad")
    row = page.locator("#outline tr[data-path='/debtors/0/salutation']")
    assert row.count() == 1
    assert "missing_salutation" in row.inner_text()
    assert "Anrede" in row.inner_text()
    assert "has-error" in row.get_attribute("class")
    page.select_option("#msg-lang", "en")
    page.wait_for_function("document.querySelector(\"#outline tr[data-path='/debtors/0/salutation']\").innerText.includes('salutation is missing')")
    _shot(page, "objection")


def test_pasted_case_is_validated_and_bad_json_explained(page):
    """Pasted JSON is checked; broken JSON gets a readable message instead of a request."""
    page.fill("#case-json", "{ not json")
    page.click("#validate")
    assert "Kein gültiges JSON" in page.inner_text("#verdict")


def test_letter_preview_follows_tone_and_language(page):
    """The HTML letter preview changes when tone and language are switched."""
    page.select_option("#sample", _first_valid(page))
    page.wait_for_selector(".verdict.ok")
    page.click("#letter-html")
    page.wait_for_function("document.querySelector('#letter-status').innerText.startsWith('fertig')")
    frame = page.frame_locator("#letter-frame")
    german = frame.locator("body").inner_text()
    page.select_option("#language", "en")
    page.wait_for_function(
        "t => document.querySelector('#letter-frame').srcdoc !== t", arg=page.eval_on_selector("#letter-frame", "f => f.srcdoc"))
    english = frame.locator("body").inner_text()
    assert german != english
    assert "Dear" in english
    before = english
    page.select_option("#tone", "firm")
    page.wait_for_function(
        "t => document.querySelector('#letter-frame').srcdoc !== t", arg=page.eval_on_selector("#letter-frame", "f => f.srcdoc"))
    assert frame.locator("body").inner_text() != before
    _shot(page, "letter")


def test_application_pdf_downloads_with_filled_fields(page):
    """The Mahnbescheid application can be downloaded; pypdf finds its filled fields."""
    page.select_option("#sample", _first_valid(page))
    page.wait_for_selector(".verdict.ok")
    page.click("#tab-mahnantrag")
    page.click("#antrag-pdf")
    page.wait_for_selector("#antrag-download:not([hidden])")
    with page.expect_download() as info:
        page.click("#antrag-download")
    data = Path(info.value.path()).read_bytes()
    fields = PdfReader(io.BytesIO(data)).get_fields()
    assert fields and "as1_strasse" in fields and fields["as1_strasse"].get("/V")


def test_eda_preview_shows_records_without_consuming_an_id(page, live):
    """The EDA tab shows 128-character records and leaves the ledger untouched."""
    page.select_option("#sample", _first_valid(page))
    page.wait_for_selector(".verdict.ok")
    page.click("#tab-eda")
    page.click("#eda-show")
    page.wait_for_function("document.querySelector('#eda-text').innerText.length > 0")
    lines = [l for l in page.inner_text("#eda-text").split("\n") if l]
    assert lines[0].startswith("AA")
    assert all(len(line) == 128 for line in lines)
    ledger = page.evaluate("fetch('/v1/eda/ledger').then(r => r.json())")
    entries = ledger["entries"] if isinstance(ledger, dict) else ledger
    assert entries == []
    _shot(page, "eda")


def test_api_key_is_asked_for_and_kept_for_the_session(browser, tmp_path):
    """With keys configured the page explains the 401 and works once the key is entered."""
    server = _live(tmp_path, API_KEYS="s3cret")
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_function("document.querySelector('#verdict').innerText.includes('API-Schlüssel')")
        page.fill("#api-key", "s3cret")
        page.press("#api-key", "Enter")
        page.wait_for_selector("#sample optgroup option", state="attached")
        assert page.evaluate("sessionStorage.getItem('formsvc-api-key')") == "s3cret"
        assert page.evaluate("localStorage.length") == 0
        context.close()
    finally:
        server.stop()


def test_controls_are_labelled_and_keyboard_usable(page):
    """Every control has a label; the sample list and the check work from the keyboard alone."""
    unlabelled = page.evaluate("""Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label')).map(el => el.id)""")
    assert unlabelled == []
    page.focus("#sample")
    page.keyboard.press("ArrowDown")  # first valid sample
    page.wait_for_selector(".verdict.ok, .verdict.bad")
    page.focus("#validate")
    page.keyboard.press("Enter")
    page.wait_for_selector(".verdict.ok, .verdict.bad")
    page.focus("#tab-letter")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-mahnantrag"
    assert page.is_visible("#pane-mahnantrag")


def test_readable_at_200_percent_zoom(browser, live):
    """At 200 % zoom (half the CSS width) nothing needs horizontal scrolling."""
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(live.url + "/")
    page.wait_for_selector("#sample optgroup option", state="attached")
    page.select_option("#sample", "invalid/missing_salutation")
    page.wait_for_selector(".verdict.bad")
    overflow = page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    _shot(page, "zoom200")
    context.close()
    assert overflow <= 0
