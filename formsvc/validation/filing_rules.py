"""Objections about *how* the application may be filed, not about its content.

``machine_readable_filing_required``: a Rechtsanwalt or law firm (attorney kind
1) and a registered Inkassodienstleister (kind 2) may file the application only
in machine-readable form (§ 702 Abs. 2 S. 2 ZPO). For them the application PDF
is a preview to review the case; the EDA file is what they file.

The warning therefore concerns the PDF only. Its table entry has the spec's
profile ``court`` (the Mahnbescheid application is rendered after a ``court``
validation, and ``validate?for=court`` reports it) and lists ``eda`` under
``not_in_profiles``: the ``eda`` profile includes every ``court`` rule, but an
EDA file is exactly the right way for such an attorney to file, so warning
about it there would be wrong. :func:`formsvc.validation.rules.run` honours
``not_in_profiles``.

:func:`machine_readable_only` is also what the application renderer asks when it
decides to print the "Vorschau" mark, so mark and warning always go together.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .rules import Context, Finding, rule

#: Attorney kinds that must file machine-readably (§ 702 Abs. 2 S. 2 ZPO), with German and English names.
MACHINE_READABLE_ONLY_KINDS: dict[int, tuple[str, str]] = {
    1: ("Rechtsanwälte und Rechtsanwaltskanzleien", "lawyers and law firms"),
    2: ("Registrierte Inkassodienstleister", "registered collection agencies"),
}


def attorney_kind(case: Any) -> int | None:
    """The attorney's ``kind`` when it is an integer (not a bool), else ``None``."""
    attorney = case.get("attorney") if isinstance(case, dict) else None
    kind = attorney.get("kind") if isinstance(attorney, dict) else None
    return kind if isinstance(kind, int) and not isinstance(kind, bool) else None


def machine_readable_only(case: Any) -> bool:
    """True when the case's attorney may file only machine-readably (kind 1 or 2)."""
    return attorney_kind(case) in MACHINE_READABLE_ONLY_KINDS


@rule("machine_readable_filing_required")
def machine_readable_filing_required(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An attorney of kind 1 or 2: the application PDF is only their preview (reported at ``/attorney/kind``)."""
    kind = attorney_kind(case)
    if kind in MACHINE_READABLE_ONLY_KINDS:
        name_de, name_en = MACHINE_READABLE_ONLY_KINDS[kind]
        yield "/attorney/kind", {"kind": kind, "kind_de": name_de, "kind_en": name_en}
