"""The filled Mahnbescheid application ("Antrag auf Erlass eines Mahnbescheids").

Flask-free core: a case goes in, bytes come out. ``render(case, settings=...)``
validates with the ``court`` profile first (an objection raises
:class:`~formsvc.errors.CaseRejected`, nothing is produced), maps the case as claimed (:func:`formsvc.claimed.claimed_case`: open amounts
only) to the form's fields (:mod:`.mapper`, driven by ``formsvc/data/mahnantrag_fields.json``)
and returns the PDF (editable AcroForm, or flattened) or the HTML preview.
"""
from __future__ import annotations

import re
from typing import Any, Literal

from ..claimed import court_case
from ..config import Settings
from ..rendered import RenderedDocument
from ..validation import ensure_valid
from .document import build_html, write_pdf
from .mapper import map_case

Format = Literal["pdf", "html"]
MIMETYPES = {"pdf": "application/pdf", "html": "text/html"}  # the response adds "; charset=utf-8" once


def filename_for(case: dict[str, Any], fmt: Format) -> str:
    """``mahnantrag-<case_id>.pdf``: built from the case id only, never from personal data."""
    case_id = re.sub(r"[^A-Za-z0-9._-]", "_", str(case.get("case_id") or "case"))
    return f"mahnantrag-{case_id}.{fmt}"


def render(case: Any, *, settings: Settings | None = None, fmt: Format = "pdf",
           flatten: bool = False) -> RenderedDocument:
    """Validate ``case`` for court and render the application as PDF or HTML."""
    report = ensure_valid(case, "court", settings=settings)
    claimed = court_case(case)  # open amounts only; an absent dunning court the tables decide is filled in
    values = map_case(claimed)
    if fmt == "html":
        data = build_html(claimed, values, "html").encode("utf-8")
    else:
        data = write_pdf(claimed, values, flatten=flatten)
    # the warnings include representative_not_on_form: the validator asks the mapper's slot table
    return RenderedDocument(data=data, mimetype=MIMETYPES[fmt], filename=filename_for(case, fmt),
                            warnings=tuple(report.warnings))


__all__ = ["RenderedDocument", "render", "map_case", "filename_for"]
