"""Every objection code the code emits is in ``formsvc/data/objections.json`` (with both texts)."""
from __future__ import annotations

import ast
from pathlib import Path

from formsvc.validation.messages import table

PACKAGE = Path(__file__).resolve().parent.parent / "formsvc"


def emitted_codes() -> dict[str, str]:
    """code -> module, for every ``make("code", ...)``, ``Objection("code", ...)`` and ``@rule("code")``."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            first = node.args[0]
            if name in {"make", "make_objection", "Objection", "rule"} and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                found[first.value] = str(path.relative_to(PACKAGE.parent))
    return found


def test_every_emitted_code_is_in_the_objection_table() -> None:
    """No code reaches a client without its level, profile and German and English message."""
    codes = emitted_codes()
    assert "bad_letter_option" in codes and "representative_not_on_form" in codes
    missing = {code: where for code, where in codes.items() if code not in table()}
    assert missing == {}
