"""What every document renderer returns: the bytes and what a caller needs to ship them.

The letter renderer (:mod:`formsvc.letters`) and the application renderer
(:mod:`formsvc.mahnantrag`) both answer a :class:`RenderedDocument`; views and
the CLI read the same fields whichever document it is.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type here: the renderers' result needs nothing of the validator at run time
    from .validation.report import Objection


@dataclass(frozen=True)
class RenderedDocument:
    """One rendered document: bytes, media type, file name, non-blocking findings, pages."""

    data: bytes
    mimetype: str
    filename: str
    #: Findings that did not stop rendering (e.g. ``base_rate_assumed``), in validator order.
    warnings: tuple[Objection, ...] = ()
    #: Pages of a PDF whose renderer counts them; ``None`` for HTML or when not counted.
    page_count: int | None = None

    @property
    def warning_codes(self) -> list[str]:
        """The warnings' codes, each once, in order of first appearance."""
        return codes_of(self.warnings)


def codes_of(warnings: Iterable[Objection]) -> list[str]:
    """The codes of ``warnings``, each once, in order of first appearance."""
    return list(dict.fromkeys(warning.code for warning in warnings))
