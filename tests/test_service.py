"""The service as an operator meets it: start-up, binding, auth, logs."""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from formsvc import create_app
from tests.support import logged

FORMSVC = Path(sys.executable).with_name("formsvc")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMSVC_")}
    env["FORMSVC_DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    return env


def test_serve_starts_on_loopback_without_configuration(tmp_path):
    """`formsvc serve` with no keys binds 127.0.0.1, says so, and answers /healthz."""
    port = _free_port()
    proc = subprocess.Popen([str(FORMSVC), "serve", "--port", str(port), "--workers", "1"],
                            env=_clean_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "service did not come up within 60 s"
                time.sleep(0.3)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output
    assert "loopback only" in output


def test_serve_refuses_public_address_without_api_key(tmp_path):
    """Binding 0.0.0.0 without FORMSVC_API_KEYS is a usage error (exit 2)."""
    result = subprocess.run([str(FORMSVC), "serve", "--host", "0.0.0.0", "--port", str(_free_port())],
                            env=_clean_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "FORMSVC_API_KEYS" in result.stderr


def test_api_key_guards_everything_but_healthz(tmp_path, example_case):
    """With keys configured: 401 without or with a wrong key, 200 with a right one, /healthz open."""
    app = create_app({"API_KEYS": "alpha, beta", "DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    missing = client.post("/v1/validate", json=example_case)
    assert missing.status_code == 401
    assert missing.mimetype == "application/problem+json"
    assert client.post("/v1/validate", json=example_case, headers={"Authorization": "Bearer gamma"}).status_code == 401
    assert client.post("/v1/validate", json=example_case, headers={"Authorization": "Bearer beta"}).status_code == 200


def test_logs_carry_no_personal_data(client, example_case):
    """A request's log line has the case id and status but no name, address, IBAN or birth date."""
    with logged() as records:
        client.post("/v1/validate", json=example_case)
        del example_case["debtors"][0]["salutation"]
        client.post("/v1/validate", json=example_case)
    text = "\n".join(r.getMessage() for r in records)
    assert "case_id=2026-000042" in text
    for secret in ("Zahlmann", "Eulenweg", "DE89370400440532013000", "1993-07-13", "Max"):
        assert secret not in text


@pytest.mark.parametrize("body,content_type,status", [
    (b"{not json", "application/json", 400),
    (b"{}", "text/plain", 415),
    (b"[1, 2]", "application/json", 422),
])
def test_bad_bodies_get_problems_not_500(client, body, content_type, status):
    """Malformed JSON, a wrong content type and a non-object case each get their problem status."""
    response = client.post("/v1/validate", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status


def test_warm_up_prepares_the_renderers():
    """A worker's warm-up leaves the warm state behind that the first request would otherwise build: the
    thread's letter renderer with its fonts, stylesheet, the sample's language and remembered styles, and
    the application's blank form."""
    import threading
    from importlib import import_module

    from formsvc.mahnantrag.document import blank_form
    from formsvc.warmup import warm

    letter_renderer = import_module("formsvc.letters.renderer")  # the module (the package exports the function)
    seen: dict = {}

    def in_a_fresh_thread() -> None:  # the letter renderer is per thread: start from none
        seen["before"] = getattr(letter_renderer._local, "renderer", None)
        seen["ok"] = warm()
        seen["after"] = getattr(letter_renderer._local, "renderer", None)
        seen["reused"] = letter_renderer.renderer() is seen["after"]

    blank_form.cache_clear()
    thread = threading.Thread(target=in_a_fresh_thread)
    thread.start()
    thread.join()
    assert seen["before"] is None and seen["ok"] is True
    warm_renderer = seen["after"]
    assert warm_renderer is not None and seen["reused"], "warm() built no renderer for the thread"
    assert "de" in warm_renderer.environments  # the first sample's language, template compiled
    assert warm_renderer.style_memo.values, "no computed style was remembered"
    assert {f"formsvc-asset:/fonts/{s}.ttf" for s in ("regular", "bold")} <= set(warm_renderer.fetcher.files)
    assert blank_form.cache_info().currsize == 1, "the blank application form was not prepared"


def test_unexpected_errors_are_logged_without_their_message(tmp_path):
    """A crash answers a 500 problem and logs type and place, not the message that may hold personal data."""
    app = create_app({"TESTING": False, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'e.sqlite3'}"})

    def crash():
        raise ValueError("Max Zahlmann, Eulenweg 4, DE89370400440532013000")

    app.add_url_rule("/crash", "crash", crash)
    with logged() as records:
        response = app.test_client().get("/crash")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    text = "\n".join(r.getMessage() + (str(r.exc_info) if r.exc_info else "") for r in records)
    assert "ValueError" in text and "test_service.py" in text
    assert "Zahlmann" not in text and "DE89370400440532013000" not in text


def test_json_log_lines_carry_fields_and_no_personal_data(tmp_path, example_case):
    """FORMSVC_LOG_FORMAT=json: each request line is one JSON object with endpoint, status, ms, case id."""
    import json

    app = create_app({"LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path / 'j.sqlite3'}"})
    ours = [h for h in logging.getLogger("formsvc").handlers if getattr(h, "formsvc", False)]
    with logged() as records:
        app.test_client().post("/v1/validate", json=example_case)
    (line,) = [ours[0].format(r) for r in records if "endpoint=" in r.getMessage()] if ours else [""]
    entry = json.loads(line)
    assert (entry["endpoint"], entry["status"], entry["case_id"]) == ("validate.validate", 200, "2026-000042")
    assert entry["level"] == "INFO" and isinstance(entry["ms"], float)
    for secret in ("Zahlmann", "Eulenweg", "DE89370400440532013000"):
        assert secret not in line
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'j.sqlite3'}"})  # back to text for later tests
