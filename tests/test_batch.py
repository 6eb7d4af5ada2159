"""Batch printing over HTTP and the CLI: real letters, merged, read back with pypdf."""
from __future__ import annotations

import base64
import copy
import io
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from formsvc import create_app
from formsvc.batch import Screening, render_screened
from formsvc.batch.demo import demo_cases, marker
from formsvc.case import dumps
from formsvc.errors import BatchRejected

COUNT = 25


def make_app(folder: Path):
    """An app whose database and job files live in ``folder``, rendering on two worker processes."""
    return create_app({"TESTING": True, "WORKERS": 2, "INSTANCE_PATH": str(folder),
                       "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"})


def page_texts(pdf: bytes) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def ndjson(cases: list) -> bytes:
    """Cases as NDJSON (one per line)."""
    return "".join(dumps(case) + "\n" for case in cases).encode()


def broken(cases: list, *indexes: int) -> list:
    """A copy of ``cases`` where the first index lacks the debtor's salutation and the others a valid amount."""
    out = copy.deepcopy(cases)
    for n, index in enumerate(indexes):
        if n == 0:
            out[index]["debtors"][0]["type"] = "person"
            out[index]["debtors"][0].pop("salutation", None)
            out[index]["debtors"][0].setdefault("first_name", "Max")
            out[index]["debtors"][0].setdefault("last_name", out[index]["debtors"][0].pop("name", "Muster"))
        else:
            out[index]["claims"][0]["amount"] = "zehn Euro"
    return out


def assert_letters_in_order(texts: list[str], entries: list[dict], *, duplex: bool) -> None:
    """Each letter starts on its first page with its own marker; its pages hold no other letter's."""
    assert [e["index"] for e in entries] == sorted(e["index"] for e in entries)
    page = 1
    for entry in entries:
        assert entry["first_page"] == page
        tag = marker(entry["index"])
        assert tag in texts[page - 1], f"letter {entry['index']} not on page {page}"
        own = texts[page - 1: page - 1 + entry["pages"]]
        others = [marker(e["index"]) for e in entries if e is not entry]
        assert not any(o in text for o in others for text in own)
        page += entry["pages"]
        if duplex:
            assert entry["first_page"] % 2 == 1, "a duplex letter must start on a front side"
            if entry["pages"] % 2:
                assert entry["blank_after"] and texts[page - 1].strip() == ""
                page += 1
    assert page - 1 == len(texts)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One app and 25 demo cases from the valid samples, shared by this module's tests."""
    folder = tmp_path_factory.mktemp("batch")
    app = make_app(folder)
    return app, demo_cases(COUNT), folder


@pytest.fixture(scope="module")
def duplex_print(batch):
    """The synchronous duplex batch of 25 letters with its JSON manifest."""
    app, cases, _ = batch
    response = app.test_client().post("/v1/batch/letters?duplex=true&manifest=json", json=cases)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def test_duplex_batch_puts_every_letter_on_a_front_side_in_input_order(duplex_print):
    """25 letters, duplex: page count, each letter's first page and its text are where the manifest says."""
    body = duplex_print.get_json()
    pdf = base64.b64decode(body["document"]["data"])
    texts = page_texts(pdf)
    assert body["letters"] == COUNT and body["skipped"] == []
    assert body["pages"] == len(texts) == int(duplex_print.headers["Formsvc-Pages"])
    assert duplex_print.headers["Formsvc-Letters"] == str(COUNT)
    assert [e["case_id"] for e in body["first_pages"]] == [f"BATCH-{i + 1:06d}" for i in range(COUNT)]
    assert any(e["pages"] > 1 for e in body["first_pages"]) and any(e["blank_after"] for e in body["first_pages"])
    assert_letters_in_order(texts, body["first_pages"], duplex=True)


def test_plain_pdf_answer_matches_the_manifest_document(batch, duplex_print):
    """Without manifest=json the answer is the same PDF, with the counts in headers."""
    app, cases, _ = batch
    response = app.test_client().post("/v1/batch/letters?duplex=1", json=cases)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Formsvc-Skipped"] == "0"
    assert response.data == base64.b64decode(duplex_print.get_json()["document"]["data"])


def test_batch_with_two_bad_cases_is_rejected_listing_both(batch):
    """Two bad cases: 422 naming both by index and case_id, with paths below /<index>."""
    app, cases, _ = batch
    bad = broken(cases[:8], 2, 5)
    response = app.test_client().post("/v1/batch/letters", json=bad)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert [(c["index"], c["case_id"]) for c in body["cases"]] == [(2, "BATCH-000003"), (5, "BATCH-000006")]
    assert ("missing_salutation", "/2/debtors/0/salutation") in [(e["code"], e["path"]) for e in body["errors"]]
    assert ("schema_violation", "/5/claims/0/amount") in [(e["code"], e["path"]) for e in body["errors"]]


def test_skip_invalid_prints_the_others_and_lists_the_skipped(batch):
    """skip_invalid: the PDF holds the six good letters in order, the answer lists the two skipped."""
    app, cases, _ = batch
    bad = broken(cases[:8], 2, 5)
    response = app.test_client().post("/v1/batch/letters?skip_invalid=true&manifest=json", json=bad)
    assert response.status_code == 200
    body = response.get_json()
    assert [(s["index"], s["case_id"]) for s in body["skipped"]] == [(2, "BATCH-000003"), (5, "BATCH-000006")]
    assert body["skipped"][0]["codes"] == ["missing_salutation"]
    assert [e["index"] for e in body["first_pages"]] == [0, 1, 3, 4, 6, 7]
    assert response.headers["Formsvc-Skipped-Indexes"] == "2,5"
    texts = page_texts(base64.b64decode(body["document"]["data"]))
    assert_letters_in_order(texts, body["first_pages"], duplex=False)
    assert not any(marker(i) in text for i in (2, 5) for text in texts)


def test_ndjson_input_gives_the_same_letters(batch):
    """An NDJSON body is read like a JSON array."""
    app, cases, _ = batch
    response = app.test_client().post("/v1/batch/letters?tone=firm&level=2", data=ndjson(cases[:4]),
                                      content_type="application/x-ndjson")
    assert response.status_code == 200
    texts = page_texts(response.data)
    assert response.headers["Formsvc-Letters"] == "4"
    assert [any(marker(i) in t for t in texts) for i in range(4)] == [True] * 4
    assert sum("Mahnung" in t for t in texts) >= 4  # level 2 for every letter


def test_bad_requests_are_clear_errors_not_500(batch):
    """Empty batch, unknown tone, a lone object, bad manifest/duplex values: 400 naming the problem."""
    app, cases, _ = batch
    client = app.test_client()
    empty = client.post("/v1/batch/letters", json=[])
    assert empty.status_code == 400 and "no cases" in empty.get_json()["detail"]
    tone = client.post("/v1/batch/letters?tone=rude", json=cases[:1])
    assert tone.status_code == 400 and "tone" in tone.get_json()["detail"]
    lone = client.post("/v1/batch/letters", json=cases[0])
    assert lone.status_code == 400 and "array" in lone.get_json()["detail"]
    manifest = client.post("/v1/batch/letters?manifest=xml", json=cases[:1])
    assert manifest.status_code == 400 and "manifest" in manifest.get_json()["detail"]
    duplex = client.post("/v1/jobs/letters?duplex=maybe", json=cases[:1])
    assert duplex.status_code == 400 and "duplex" in duplex.get_json()["detail"]


def test_cli_prints_progress_and_writes_the_same_pdf(batch, duplex_print, tmp_path):
    """`formsvc batch letters cases.jsonl -o print.pdf --duplex`: progress bar, summary, same PDF."""
    app, cases, _ = batch
    source = tmp_path / "cases.jsonl"
    source.write_bytes(ndjson(cases))
    out = tmp_path / "print.pdf"
    manifest = tmp_path / "manifest.json"
    result = app.test_cli_runner().invoke(args=["batch", "letters", str(source), "-o", str(out), "--duplex",
                                                "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    assert f"{COUNT}/{COUNT}" in result.stderr
    assert f"{COUNT} letters" in result.stdout and "0 skipped" in result.stdout
    assert out.read_bytes() == base64.b64decode(duplex_print.get_json()["document"]["data"])
    assert json.loads(manifest.read_text())["first_pages"] == duplex_print.get_json()["first_pages"]


def test_cli_rejects_a_bad_batch_listing_every_bad_case_and_writes_nothing(batch, tmp_path):
    """Exit 1, both bad cases named with their objections, no output file."""
    app, cases, _ = batch
    source = tmp_path / "cases.json"
    source.write_text(dumps(broken(cases[:6], 1, 4)))
    out = tmp_path / "print.pdf"
    result = app.test_cli_runner().invoke(args=["batch", "letters", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert "case 1 (BATCH-000002) rejected" in result.stderr and "case 4 (BATCH-000005) rejected" in result.stderr
    assert "missing_salutation /1/debtors/0/salutation" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [source]


def test_print_file_is_read_by_poppler_without_complaint(duplex_print, tmp_path):
    """The merged PDF is well-formed for other readers too: pdfinfo and pdftoppm accept it silently."""
    pdf = tmp_path / "print.pdf"
    pdf.write_bytes(base64.b64decode(duplex_print.get_json()["document"]["data"]))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    assert pages and int(pages.group(1)) == duplex_print.get_json()["pages"] and info.stderr == ""
    ppm = subprocess.run(["pdftoppm", "-r", "12", "-png", "-f", "1", "-l", "4", str(pdf), str(tmp_path / "p")],
                         capture_output=True, text=True)
    assert ppm.returncode == 0 and ppm.stderr == ""
    assert len(list(tmp_path.glob("p-*.png"))) == 4


def test_case_refused_by_the_renderer_itself_is_reported_not_lost(batch, tmp_path):
    """A case that slips past screening but is refused in a worker fails the batch, or is skipped."""
    app, cases, _ = batch
    good, bad = copy.deepcopy(cases[0]), copy.deepcopy(cases[1])
    bad["debtors"][0]["postal_code"] = bad["debtors"][0].pop("address")  # no address: the renderer refuses
    settings = app.extensions["formsvc"]["settings"]
    accepted = Screening(accepted=[(0, good), (1, bad)], total=2)
    with pytest.raises(BatchRejected) as rejected:
        render_screened(accepted, {}, tmp_path / "strict.pdf", settings=settings)
    assert [(i, cid) for i, cid, _ in rejected.value.rejected] == [(1, "BATCH-000002")]
    assert not (tmp_path / "strict.pdf").exists() and list(tmp_path.iterdir()) == []
    assert list(Path(tempfile.gettempdir()).glob(f"formsvc-batch-{os.getpid()}-*")) == []  # no letters left
    lenient = Screening(accepted=[(0, good), (1, bad)], total=2, skip_invalid=True)
    result = render_screened(lenient, {}, tmp_path / "lenient.pdf", settings=settings)
    assert [e.index for e in result.letters] == [0] and [s.index for s in result.skipped] == [1]
    assert result.skipped[0].codes and (tmp_path / "lenient.pdf").is_file()


def test_a_letter_over_the_render_timeout_stops_the_batch_with_503(tmp_path):
    """FORMSVC_RENDER_TIMEOUT exceeded: 503 render_timeout naming the letter, no file left; the next batch works."""
    app = create_app({"TESTING": True, "WORKERS": 2, "INSTANCE_PATH": str(tmp_path), "RENDER_TIMEOUT": 0,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    cases = demo_cases(4)
    response = app.test_client().post("/v1/batch/letters", json=cases)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert "BATCH-000001" in response.get_json()["detail"]
    assert list(Path(tempfile.gettempdir()).glob(f"formsvc-batch-{os.getpid()}-*")) == []
    patient = make_app(tmp_path / "again")
    assert patient.test_client().post("/v1/batch/letters", json=cases[:2]).status_code == 200
