"""The dunning proposal: every action and reason on hand-built cases with fixed dates, optional levels,
the rhythm, consolidation, determinism and the id, no side effect, HTTP, CLI and the procedure file."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from formsvc import create_app
from formsvc.config import Settings
from formsvc.dunning import procedures
from formsvc.dunning.parties import debtor_key
from formsvc.dunning.proposal import Proposal, propose
from formsvc.errors import ConfigurationError
from formsvc.validation import validate

from conftest import SAMPLES, load_case

DUE = dt.date(2025, 10, 28)  # the due date of sample 01's claim (1486.40, 200.00 paid: 1286.40 open)
SAMPLE = SAMPLES / "valid" / "01_company_vs_consumer_craftsman_invoice.json"


def day(offset: int) -> dt.date:
    """The day ``offset`` days after the due date."""
    return DUE + dt.timedelta(days=offset)


@pytest.fixture
def case() -> dict[str, Any]:
    """Sample 01, valid for letters and the court, with a dunning object to fill in."""
    data = load_case(SAMPLE)
    data["dunning"] = {"history": []}
    return data


def one(case: dict[str, Any], date: dt.date, settings: Settings | None = None) -> dict[str, Any]:
    """The single action of a proposal for ``case`` on ``date``, as JSON."""
    return propose([case], date, settings).as_dict()["actions"][0]


def sent(case: dict[str, Any], *letters: tuple[int, dt.date]) -> dict[str, Any]:
    case["dunning"]["history"] = [{"level": level, "date": d.isoformat()} for level, d in letters]
    return case


def procedure_file(tmp_path: Path, procedures_: dict[str, Any]) -> Path:
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps({"procedures": procedures_}), encoding="utf-8")
    return path


def default_raw() -> dict[str, Any]:
    return copy.deepcopy(procedures.load(None)["default"].raw)


# --- levels ---------------------------------------------------------------------------------------------------

def test_not_yet_overdue(case: dict[str, Any]) -> None:
    action = one(case, day(3))
    assert (action["action"], action["reason"]) == ("none", "not_yet_overdue")
    assert action["next_level"] == 1 and action["next_possible"] == day(7).isoformat()
    assert action["days_past_due"] == 3 and "04.11.2025" in action["text"]


def test_not_yet_due_at_all(case: dict[str, Any]) -> None:
    action = one(case, day(-5))
    assert action["reason"] == "not_yet_overdue" and "fällig am 28.10.2025" in action["text"]


def test_first_level_is_a_friendly_reminder_without_fee(case: dict[str, Any]) -> None:
    action = one(case, day(10))
    assert action["action"] == "letter"
    assert (action["level"], action["tone"], action["fee"]) == (1, "friendly", "0.00")
    assert action["deadline"] == (day(10) + dt.timedelta(days=14)).isoformat()
    assert action["open_total"] == "1286.40" and action["letter"] == 1


def test_optional_level_is_skipped_when_the_next_is_due(case: dict[str, Any]) -> None:
    action = one(case, day(25))
    assert (action["action"], action["level"], action["tone"], action["fee"]) == ("letter", 2, "firm", "2.50")


def test_a_mandatory_level_is_never_skipped(case: dict[str, Any]) -> None:
    """Level 3 is due by the days too, but level 2 (not optional) comes first."""
    action = one(sent(case, (1, day(10))), day(60))
    assert (action["action"], action["level"]) == ("letter", 2)


def test_last_level_after_the_second(case: dict[str, Any]) -> None:
    action = one(sent(case, (1, day(10)), (2, day(25))), day(45))
    assert (action["action"], action["level"], action["deadline"]) == (
        "letter", 3, (day(45) + dt.timedelta(days=10)).isoformat())


def test_rhythm_waits_after_the_last_letter(case: dict[str, Any]) -> None:
    action = one(sent(case, (2, day(40))), day(45))
    assert (action["action"], action["reason"]) == ("none", "rhythm")
    assert action["last_letter"] == day(40).isoformat()
    assert action["next_possible"] == day(54).isoformat() and action["next_level"] == 3
    assert one(case, day(54))["level"] == 3  # 14 days later the rhythm allows it


def test_letters_dated_after_the_run_are_not_yet_sent(case: dict[str, Any]) -> None:
    """A simulation for an earlier day does not see letters of later days."""
    assert one(sent(case, (2, day(40))), day(30))["level"] == 2


# --- court ----------------------------------------------------------------------------------------------------

COURT_DAY = dt.date(2026, 2, 16)  # after sample 01's application date


def test_court_waits_for_the_deadline_and_the_court_days(case: dict[str, Any]) -> None:
    action = one(sent(case, (3, dt.date(2026, 2, 1))), COURT_DAY)
    assert (action["action"], action["reason"]) == ("none", "rhythm")
    assert action["next_possible"] == "2026-02-25"  # 10 days deadline + 14 days


def test_court_step_after_the_last_level(case: dict[str, Any]) -> None:
    action = one(sent(case, (3, dt.date(2026, 1, 10))), COURT_DAY)
    assert action["action"] == "court"
    assert action["deadline_passed"] == "2026-01-20" and action["open_total"] == "1286.40"


def test_court_step_rejected_with_the_court_objections(case: dict[str, Any]) -> None:
    case["courts"] = None
    assert validate(case, "letter").ok  # letters need no court
    action = one(sent(case, (3, dt.date(2026, 1, 10))), COURT_DAY)
    assert (action["action"], action["reason"], action["profile"]) == ("none", "rejected", "court")
    assert action["objections"] and all(o["path"].startswith("/0") for o in action["objections"])


def test_court_step_below_its_minimum(case: dict[str, Any]) -> None:
    case["claims"][0]["paid"] = "1436.40"  # 50.00 open: enough for a letter, not for the court
    action = one(sent(case, (3, dt.date(2026, 1, 10))), COURT_DAY)
    assert (action["action"], action["reason"], action["minimum"]) == ("none", "below_minimum", "100.00")


# --- ended, blocked, disputed, minimum, rejected --------------------------------------------------------------

def test_settled_case_has_ended(case: dict[str, Any]) -> None:
    """Nothing open (the claim account): ended, although claim_fully_paid is a letter error."""
    case["claims"][0]["paid"] = "1486.40"
    action = one(case, day(40))
    assert action["action"] == "ended" and action["open_total"] == "0.00"


def test_open_amounts_come_from_the_claim_account(case: dict[str, Any]) -> None:
    """Dated payments of the whole amount first settle the interest (§ 367 BGB): 2.19 of principal stay open."""
    case["claims"][0]["paid"] = None
    case["claims"][0]["payments"] = [{"date": "2025-11-01", "amount": "1000.00"},
                                     {"date": "2025-11-15", "amount": "486.40"}]
    action = one(case, day(40))
    assert (action["action"], action["reason"], action["open_total"]) == ("none", "below_minimum", "2.19")


def test_a_settled_claim_leaves_the_run_the_others_go_on(case: dict[str, Any]) -> None:
    settled = copy.deepcopy(case["claims"][0])
    settled.update(document_no="RE-2025-0700", paid="1486.40")
    case["claims"].append(settled)
    action = one(case, day(25))
    assert (action["action"], action["settled_claims"], action["open_total"]) == ("letter", [1], "1286.40")


def test_block_until_a_day(case: dict[str, Any]) -> None:
    case["dunning"]["block"] = {"reason": "Ratenzahlung", "until": day(30).isoformat()}
    action = one(case, day(30))
    assert (action["action"], action["reason"], action["until"]) == ("none", "blocked", day(30).isoformat())
    assert "Ratenzahlung" in action["text"] and "27.11.2025" in action["text"]
    assert one(case, day(31))["action"] == "letter"  # the block is over


def test_block_without_end(case: dict[str, Any]) -> None:
    case["dunning"]["block"] = {"reason": "Insolvenz"}
    action = one(case, day(400))
    assert (action["reason"], action["until"]) == ("blocked", None)


def test_disputed_claims_are_not_dunned(case: dict[str, Any]) -> None:
    case["claims"][0]["disputed"] = True
    action = one(case, day(25))
    assert (action["action"], action["reason"], action["disputed_claims"]) == ("none", "disputed", [0])


def test_only_the_undisputed_claims_are_dunned(case: dict[str, Any]) -> None:
    other = copy.deepcopy(case["claims"][0])
    other.update(document_no="RE-2025-0900", paid=None, amount="100.00", disputed=True)
    case["claims"].append(other)
    action = one(case, day(25))
    assert (action["action"], action["open_total"], action["disputed_claims"]) == ("letter", "1286.40", [1])


def test_below_the_minimum(case: dict[str, Any]) -> None:
    case["claims"][0]["paid"] = "1483.40"  # 3.00 open
    action = one(case, day(25))
    assert (action["action"], action["reason"], action["minimum"], action["open_total"]) == (
        "none", "below_minimum", "5.00", "3.00")


def test_rejected_with_the_letter_objections(case: dict[str, Any]) -> None:
    del case["debtors"][0]["salutation"]
    action = one(case, day(25))
    assert (action["action"], action["reason"], action["profile"]) == ("none", "rejected", "letter")
    assert [(o["code"], o["path"]) for o in action["objections"]] == [("missing_salutation",
                                                                      "/0/debtors/0/salutation")]


def test_unknown_procedure_is_rejected(case: dict[str, Any]) -> None:
    case["dunning"]["procedure"] = "strict-b2b"
    action = one(case, day(25))
    assert [(o["code"], o["path"]) for o in action["objections"]] == [("unknown_dunning_procedure",
                                                                      "/0/dunning/procedure")]


def test_the_dunning_object_is_checked_by_the_schema(case: dict[str, Any]) -> None:
    case["dunning"] = {"procedure": "Default!", "history": [{"level": 5, "date": "2025-13-01"}],
                       "block": {"until": "2026-01-01"}, "priority": 1}
    case["claims"][0]["disputed"] = "yes"
    codes = set(validate(case, "letter").codes())
    assert {("schema_violation", "/dunning/procedure"), ("schema_violation", "/dunning/history/0/level"),
            ("schema_violation", "/dunning/history/0/date"), ("schema_violation", "/dunning/block/reason"),
            ("schema_violation", "/dunning/priority"), ("schema_violation", "/claims/0/disputed")} <= codes
    assert one(case, day(25))["reason"] == "rejected"


def test_a_case_that_is_no_object_is_rejected() -> None:
    action = propose([7], day(25)).as_dict()["actions"][0]
    assert (action["case_id"], action["reason"], action["objections"][0]["path"]) == (None, "rejected", "/0")


# --- consolidation --------------------------------------------------------------------------------------------

def _second_case(case: dict[str, Any], case_id: str) -> dict[str, Any]:
    other = copy.deepcopy(case)
    other["case_id"] = case_id
    other["claims"][0]["document_no"] = f"RE-{case_id}"
    other["claims"][0]["due_date"] = day(15).isoformat()
    other["dunning"] = {"history": []}
    return other


def test_one_letter_per_debtor_at_the_highest_level(case: dict[str, Any]) -> None:
    sent(case, (1, day(10)), (2, day(25)))  # due for level 3 on day 45
    fresh = _second_case(case, "2026-000201")  # its own level on day 45: 2 (30 days past due)
    fresh["debtors"][0]["last_name"] = " wößner "  # the same person, written in other case and spacing
    stranger = _second_case(case, "2026-000202")
    stranger["debtors"][0]["first_name"] = "Jörg"
    proposal = propose([case, fresh, stranger], day(45)).as_dict()
    first, second, third = proposal["actions"]
    assert (first["level"], second["level"], second["due_level"], third["level"]) == (3, 3, 2, 2)
    assert first["letter"] == second["letter"] == 1 and third["letter"] == 2
    assert second["consolidated_with"] == [0] and "consolidated_with" not in third
    letters = proposal["letters"]
    assert [(x["cases"], x["level"], x["consolidated"]) for x in letters] == [([0, 1], 3, True), ([2], 2, False)]
    assert letters[0]["open_total"] == "2572.80" and letters[0]["fee"] == "2.50"
    assert proposal["summary"]["letters"] == 2


def test_the_debtor_key_ignores_case_and_spaces(case: dict[str, Any]) -> None:
    other = copy.deepcopy(case)
    other["debtors"][0]["address"]["street"] = "MÜHLENKAMP   17"
    assert debtor_key(other) == debtor_key(case)
    other["debtors"][0]["birth_date"] = None  # a missing birth date keeps them apart (safe side)
    assert debtor_key(other) != debtor_key(case)


def test_no_consolidation_when_the_procedure_says_so(case: dict[str, Any], tmp_path: Path) -> None:
    single = default_raw()
    single["consolidate"] = False
    settings = Settings.from_mapping({"DUNNING_PROCEDURES": str(procedure_file(tmp_path, {"single": single}))},
                                     tmp_path)
    case["dunning"]["procedure"] = "single"
    other = _second_case(case, "2026-000201")
    other["dunning"]["procedure"] = "single"
    letters = propose([case, other], day(45), settings).letters
    assert [(x.cases, x.consolidated) for x in letters] == [((0,), False), ((1,), False)]


# --- determinism, id, no side effect --------------------------------------------------------------------------

def test_the_same_input_gives_the_same_proposal(case: dict[str, Any]) -> None:
    cases = [case, _second_case(case, "2026-000201"), {"case_id": "broken"}]
    first, again = propose(cases, day(45)), propose(copy.deepcopy(cases), day(45))
    assert first.as_dict() == again.as_dict()
    assert len(first.id) == 64 and int(first.id, 16) >= 0


def test_the_id_names_cases_date_and_procedures(case: dict[str, Any], tmp_path: Path) -> None:
    base = propose([case], day(45)).id
    assert propose([case], day(46)).id != base
    changed = copy.deepcopy(case)
    changed["claims"][0]["paid"] = "200.01"
    assert propose([changed], day(45)).id != base
    as_number = copy.deepcopy(case)
    as_number["claims"][0]["paid"] = Decimal("200.00")  # a JSON number, not the text "200.00"
    assert propose([as_number], day(45)).id != base
    other = default_raw()
    other["minimum_open"] = "6.00"
    settings = Settings.from_mapping({"DUNNING_PROCEDURES": str(procedure_file(tmp_path, {"default": other}))},
                                     tmp_path)
    assert propose([case], day(45), settings).id != base
    assert propose([case], day(45)).id == base  # stable


def test_the_id_is_stable_across_releases(case: dict[str, Any]) -> None:
    """The id is the SHA-256 of the documented canonical form (docs/dunning.md): recomputed here by hand."""
    shipped = procedures.load(None)
    lines = [{"algorithm": 1, "date": "2025-12-12", "cases": 1,
              "procedures": {n: p.raw for n, p in sorted(shipped.items())}}, case]

    def canon(value: Any) -> Any:
        if isinstance(value, Decimal):
            return {"$decimal": str(value)}
        raise TypeError(value)

    digest = hashlib.sha256()
    for line in lines:
        digest.update(json.dumps(line, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                 default=canon).encode() + b"\n")
    assert propose([case], dt.date(2025, 12, 12)).id == digest.hexdigest()


def _database_state(path: Path) -> dict[str, list[Any]]:
    """Every row of every table of the SQLite database at ``path``."""
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"'))) for table in sorted(tables)}
    finally:
        connection.close()


def test_a_proposal_has_no_side_effect(app: Any, client: Any, case: dict[str, Any], tmp_path: Path) -> None:
    """The ledger (with an export in it) and every table of the database are unchanged after proposals,
    also for a case that is due for the court; no file appears in the instance folder."""
    from formsvc.eda.ledger import Ledger

    settings = app.extensions["formsvc"]["settings"]
    ledger = Ledger.for_settings(settings)
    ledger.reserve(["2026-000999"], settings)
    database = tmp_path / "formsvc.sqlite3"
    before, files = _database_state(database), {p.name for p in tmp_path.iterdir()}
    court_case = sent(copy.deepcopy(case), (3, dt.date(2026, 1, 10)))
    for date in ("2025-11-10", "2026-02-16"):
        response = client.post(f"/v1/dunning/proposals?date={date}", json=[case, court_case])
        assert response.status_code == 200
    assert response.get_json()["actions"][1]["action"] == "court"
    assert _database_state(database) == before and before
    assert {p.name for p in tmp_path.iterdir()} <= files | {"formsvc.sqlite3-wal", "formsvc.sqlite3-shm"}


# --- HTTP and CLI ---------------------------------------------------------------------------------------------

def test_http_answers_the_proposal(client: Any, case: dict[str, Any]) -> None:
    response = client.post("/v1/dunning/proposals?date=2025-11-22", json=[case], headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == propose([case], day(25)).id and body["date"] == "2025-11-22"
    assert body["actions"][0]["text"].startswith("Mahnung (level 2)")
    assert body["summary"]["letter"] == 1


def test_http_takes_ndjson_with_the_same_id(client: Any, case: dict[str, Any]) -> None:
    other = _second_case(case, "2026-000201")
    lines = "\n".join(json.dumps(c, default=str) for c in [case, other]).encode()
    ndjson = client.post("/v1/dunning/proposals?date=2025-11-22", data=lines,
                         content_type="application/x-ndjson").get_json()
    array = client.post("/v1/dunning/proposals?date=2025-11-22", data=b"[" + lines.replace(b"\n", b",") + b"]",
                        content_type="application/json").get_json()
    assert ndjson == array and len(ndjson["actions"]) == 2


@pytest.mark.parametrize("value", ["2025-02-29", "22.11.2025", "9999-01-01", "today", "2025-1-5"])
def test_http_bad_date_is_400_naming_the_parameter(client: Any, case: dict[str, Any], value: str) -> None:
    response = client.post(f"/v1/dunning/proposals?date={value}", json=[case])
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "date" and "'date'" in body["detail"]


def test_http_refuses_a_body_that_is_no_list(client: Any, case: dict[str, Any]) -> None:
    assert client.post("/v1/dunning/proposals?date=2025-11-22", json=case).status_code == 400
    assert client.post("/v1/dunning/proposals", data=b"x", content_type="text/plain").status_code == 415


def test_cli_prints_the_table(runner: Any, case: dict[str, Any], tmp_path: Path) -> None:
    blocked = _second_case(case, "2026-000201")
    blocked["dunning"]["block"] = {"reason": "Ratenzahlung"}
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c, default=str) for c in [case, blocked]), encoding="utf-8")
    result = runner.invoke(args=["dunning", "propose", str(path), "--date", "2025-11-22"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["#", "case_id", "action", "level/reason"]
    assert lines[1].split()[:5] == ["0", "2026-000101", "letter", "level", "2"]
    assert lines[2].split()[:4] == ["1", "2026-000201", "none", "blocked"]
    assert propose([case, blocked], day(25)).id in lines[-1]
    as_json = runner.invoke(args=["dunning", "propose", str(path), "--date", "2025-11-22", "--json"])
    assert json.loads(as_json.output)["summary"]["none_blocked"] == 1


def test_cli_bad_date_is_a_usage_error(runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text("[]", encoding="utf-8")
    result = runner.invoke(args=["dunning", "propose", str(path), "--date", "2025-13-01"])
    assert result.exit_code == 2 and "--date" in result.output


# --- the procedure file ---------------------------------------------------------------------------------------

def test_the_shipped_default_is_valid_and_its_fees_are_what_courts_accept() -> None:
    default = procedures.load(None)["default"]
    assert [lv.level for lv in default.levels] == [1, 2, 3] and default.levels[0].optional
    rules = json.loads((Path(procedures.__file__).parent.parent / "data" / "validation_rules.json").read_text())
    assert sum(lv.fee for lv in default.levels) <= Decimal(rules["interest_and_costs"]["dunning_costs"]["threshold"])


@pytest.mark.parametrize("change, pointer", [
    (lambda p: p["levels"][1].update(tone="loud"), "/procedures/broken/levels/1/tone"),
    (lambda p: p["levels"][0].pop("days_past_due"), "/procedures/broken/levels/0"),
    (lambda p: p.update(minimum_open="5,00"), "/procedures/broken/minimum_open"),
    (lambda p: p["court"].update(days_after_deadline=-1), "/procedures/broken/court/days_after_deadline"),
    (lambda p: p["levels"][2].update(fee="9.00"), "/procedures/broken/levels/2/fee"),
    (lambda p: p["levels"][2].update(level=1), "/procedures/broken/levels/2/level"),
    (lambda p: p["levels"][2].update(days_past_due=3), "/procedures/broken/levels/2/days_past_due"),
])
def test_a_broken_procedure_file_stops_the_start_naming_the_field(tmp_path: Path, change: Any, pointer: str) -> None:
    broken = default_raw()
    change(broken)
    path = procedure_file(tmp_path, {"broken": broken})
    with pytest.raises(ConfigurationError) as caught:
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DUNNING_PROCEDURES": str(path)})
    message = str(caught.value)
    assert message.startswith("FORMSVC_DUNNING_PROCEDURES: ") and f": {pointer}: " in message


@pytest.mark.parametrize("content, words", [(None, "cannot read"), ("{not json", "is not JSON"),
                                            ('{"procedures": {}}', ": /procedures: ")])
def test_an_unreadable_procedure_file_stops_the_start(tmp_path: Path, content: str | None, words: str) -> None:
    path = tmp_path / "procedures.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=words):
        Settings.from_mapping({"DUNNING_PROCEDURES": str(path)}, tmp_path)


def test_a_deployment_adds_and_replaces_procedures_by_name(case: dict[str, Any], tmp_path: Path) -> None:
    b2b = default_raw()
    b2b["levels"] = [lv for lv in b2b["levels"] if lv["level"] != 1]  # no Zahlungserinnerung
    stricter = default_raw()
    stricter["levels"][0]["days_past_due"] = 3
    settings = Settings.from_mapping({"DUNNING_PROCEDURES": str(procedure_file(
        tmp_path, {"b2b": b2b, "default": stricter}))}, tmp_path)
    assert set(procedures.load(str(settings.dunning_procedures))) == {"b2b", "default"}
    assert one(case, day(4), settings)["level"] == 1  # the replaced default: from 3 days
    case["dunning"]["procedure"] = "b2b"
    assert validate(case, "letter", settings=settings).ok
    action = one(case, day(10), settings)
    assert (action["reason"], action["next_level"]) == ("not_yet_overdue", 2)


def test_openapi_describes_the_endpoint(client: Any) -> None:
    operation = client.get("/openapi.json").get_json()["paths"]["/v1/dunning/proposals"]["post"]
    assert operation["parameters"][0]["name"] == "date"
    assert set(operation["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}


def test_proposal_type(case: dict[str, Any]) -> None:
    assert isinstance(propose([case], day(1)), Proposal)


def test_generated_requests_never_answer_500(tmp_path: Path) -> None:
    """Cases and dates generated from the OpenAPI description: a proposal or a 4xx problem, never a 500."""
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"})
    operation = schemathesis.openapi.from_wsgi("/openapi.json", app)["/v1/dunning/proposals"]["POST"]

    @hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(generated=operation.as_strategy())
    def check(generated: Any) -> None:
        response = generated.call()
        assert response.status_code < 500, response.text[:500]
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json" if response.status_code == 200
                                       else "application/problem+json")

    check()
