"""Profile eda: field_too_long, unsupported_character and invalid_sender_id with exact codes and paths."""
from __future__ import annotations

import pytest

from formsvc import create_app
from formsvc.config import Settings
from formsvc.validation import validate


def eda_errors(case, settings=None) -> list[tuple[str, str]]:
    """(code, path) of the eda-profile errors of ``case``."""
    return [(o.code, o.path) for o in validate(case, "eda", settings=settings).errors]


def test_valid_example_has_no_eda_objection(example_case) -> None:
    """The spec's example is fit for the EDA file."""
    assert eda_errors(example_case) == []


@pytest.mark.parametrize("pointer,setter,limit", [
    ("/reference", lambda c: c.__setitem__("reference", "R" * 35), None),
    ("/debtors/0/last_name", lambda c: c["debtors"][0].__setitem__("last_name", "Z" * 36), 35),
    ("/creditor/representatives/0/role", lambda c: c["creditor"]["representatives"][0].__setitem__("role", "G" * 31), 30),
    ("/claims/0/document_no", lambda c: c["claims"][0].__setitem__("document_no", "9" * 36), 35),
    ("/courts/dunning/city", lambda c: c["courts"]["dunning"].__setitem__("city", "H" * 31), 30),
])
def test_field_too_long_names_the_value_and_the_limit(example_case, pointer, setter, limit) -> None:
    """A value longer than its EDA field is reported at its own JSON Pointer, with field name and limit."""
    setter(example_case)
    report = validate(example_case, "eda")
    if limit is None:  # exactly 35 characters fit
        assert report.errors == []
        return
    assert [(o.code, o.path) for o in report.errors] == [("field_too_long", pointer)]
    message = report.errors[0].message_de
    assert str(limit) in message and pointer.rsplit("/", 1)[-1] in message


def test_field_too_long_only_for_eda_not_for_court(example_case) -> None:
    """A 36-character last name blocks the EDA file but not the court PDF."""
    example_case["debtors"][0]["last_name"] = "Z" * 36
    assert validate(example_case, "court").errors == []
    assert eda_errors(example_case) == [("field_too_long", "/debtors/0/last_name")]


@pytest.mark.parametrize("profile", ["letter", "court", "eda"])
def test_control_characters_are_refused_in_every_profile_once(example_case, profile) -> None:
    """A tab is refused for letters and the court too (unprintable_character), and not twice for the EDA file."""
    example_case["claims"][0]["description"] = "Tab\there"
    report = validate(example_case, profile)
    assert [(o.code, o.path) for o in report.errors] == [("unprintable_character", "/claims/0/description")]
    assert "U+0009" in report.errors[0].message_de


@pytest.mark.parametrize("text,char", [("Rechnung 100 €", "U+20AC"), ("Zhang 张", "U+5F20")])
def test_unsupported_character_names_field_and_character(example_case, text, char) -> None:
    """€ and Chinese characters are refused for the EDA file, never dropped, with field and code point."""
    example_case["claims"][0]["description"] = text
    report = validate(example_case, "eda")
    assert [(o.code, o.path) for o in report.errors] == [("unsupported_character", "/claims/0/description")]
    assert char in report.errors[0].message_de and "description" in report.errors[0].message_en


def test_cp850_letters_are_accepted(example_case) -> None:
    """Umlauts, ß and accented Latin-1 letters are fine for CP850."""
    example_case["debtors"][0]["last_name"] = "Größe-Çelik Åström"
    assert eda_errors(example_case) == []


def test_unsupported_character_only_where_the_file_carries_the_value(example_case) -> None:
    """A € in the e-mail address (not part of the EDA file) is no EDA objection."""
    example_case["creditor"]["email"] = "€@example.org"
    assert ("unsupported_character", "/creditor/email") not in eda_errors(example_case)


@pytest.mark.parametrize("sender", ["1234567", "ABCDEFGH", "123456789"])
def test_invalid_sender_id_is_reported_at_the_root(example_case, tmp_path, sender) -> None:
    """A sender Kennziffer that is not 8 digits gives invalid_sender_id at path "" naming the setting."""
    settings = Settings.from_mapping({"EDA_SENDER_ID": sender}, tmp_path)
    report = validate(example_case, "eda", settings=settings)
    assert [(o.code, o.path) for o in report.errors] == [("invalid_sender_id", "")]
    assert "FORMSVC_EDA_SENDER_ID" in report.errors[0].message_de


def test_default_settings_have_a_valid_sender_id(example_case) -> None:
    """Without settings the embedded default Kennziffer is used and is valid."""
    assert eda_errors(example_case, settings=None) == []


def test_eda_objections_over_http(tmp_path, example_case) -> None:
    """POST /v1/validate?for=eda lists every eda objection at once, in English on request."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                      "EDA_SENDER_ID": "12"})
    example_case["reference"] = "€" * 36
    response = app.test_client().post("/v1/validate?for=eda", json=example_case, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    got = sorted((e["code"], e["path"]) for e in response.get_json()["errors"])
    assert got == [("field_too_long", "/reference"), ("invalid_sender_id", ""), ("unsupported_character", "/reference")]
