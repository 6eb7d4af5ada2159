"""Computed CSS values remembered from one letter to the next (WeasyPrint 70 internals).

WeasyPrint computes every CSS property of every element lazily, per document: a letter
has ~80 distinct computed styles and ~6,000 property computations, about a fifth of the
render time. Consecutive letters share their structure, so most of those computations
repeat with identical inputs. A computed value depends only on the element's cascaded
declarations, its pseudo-element type and its parent's computed values (and, through the
chain of parents, the root's), plus the document constants (base URL, font
configuration, page size) which are the same for every letter of one renderer.

:class:`StyleMemo` therefore keys each style by its *signature* — the parent's signature,
the pseudo type and the cascaded declarations compared by value — and remembers every
property value the first time WeasyPrint computes it. A later document's style with the
same signature starts pre-filled with those values (a fresh dict per document: WeasyPrint
mutates styles while building boxes, which stays local). Values are recorded when
computed, before any such mutation. Styles whose declarations cannot be compared by value
(unhashable) get no signature and are computed as usual, as are their descendants.

The output is byte-identical with and without the memo (tested over every sample).
"""
from __future__ import annotations

from functools import cached_property
from typing import Any

#: Drop everything when this many signatures are remembered (bounds memory).
MAX_SIGNATURES = 4096
#: The properties whose *specified* values WeasyPrint keeps for later (display fix-up).
SPECIFIED_KEYS = ("position", "float", "display")
ROOT = ("root",)


def _cascade_signature(cascaded: dict[str, Any]) -> frozenset | None:
    """The cascaded declarations as a hashable value, ``None`` when they are not hashable."""
    try:
        return frozenset(cascaded.items())
    except TypeError:
        return None


class StyleMemo:
    """Remembered computed values, keyed by style signature (one memo per renderer/thread)."""

    def __init__(self) -> None:
        self.values: dict[tuple, dict[str, Any]] = {}
        self.specified: dict[tuple, dict[str, Any]] = {}
        self._recording_class = _recording_class()

    def attach(self, style_for: Any) -> None:
        """Pre-fill and instrument one document's element styles (before layout) and its page
        styles (created during layout)."""
        if len(self.values) > MAX_SIGNATURES:
            self.values.clear()
            self.specified.clear()
        signatures: dict[int, tuple | None] = {}
        computed_styles = style_for.get_computed_styles()
        for style in computed_styles.values():
            self._prefill(style, signatures)
        set_computed_styles = style_for.set_computed_styles

        def set_and_prefill(element: Any, parent: Any, root: Any = None, pseudo_type: Any = None,
                            base_url: Any = None, target_collector: Any = None) -> None:
            set_computed_styles(element, parent, root=root, pseudo_type=pseudo_type, base_url=base_url,
                                target_collector=target_collector)
            self._prefill(computed_styles[element, pseudo_type], signatures)

        style_for.set_computed_styles = set_and_prefill

    def _prefill(self, style: Any, signatures: dict[int, tuple | None]) -> None:
        signature = self._signature(style, signatures)
        if signature is None or isinstance(style, self._recording_class):
            return
        values = self.values.setdefault(signature, {})
        specified = self.specified.setdefault(signature, {})
        style.update(values)
        style.specified.update(specified)
        style.__class__ = self._recording_class
        style.memo_values = values
        style.memo_specified = specified
        style.memo_anonymous = self.values.setdefault((*signature, "anonymous"), {})

    def _signature(self, style: Any, signatures: dict[int, tuple | None]) -> tuple | None:
        key = id(style)
        if key in signatures:
            return signatures[key]
        parent = style.parent_style
        parent_signature = ROOT if parent is None else self._signature(parent, signatures)
        cascade = _cascade_signature(style.cascaded)
        signature = None
        if parent_signature is not None and cascade is not None:
            signature = (parent_signature, style.pseudo_type, cascade)
        signatures[key] = signature
        return signature


def _recording_class() -> type:
    """A ``ComputedStyle`` that also writes each newly computed value into its memo entry
    (and gives its anonymous boxes a style that does the same)."""
    from weasyprint.css import AnonymousStyle, ComputedStyle

    class RecordingAnonymousStyle(AnonymousStyle):
        """The style of anonymous boxes (line boxes, table wrappers ...), pre-filled and recording."""

        memo_values: dict[str, Any]

        def __missing__(self, key: str) -> Any:
            value = super().__missing__(key)
            self.memo_values[key] = value
            return value

        def copy(self) -> Any:
            """A plain copy (WeasyPrint copies before it changes an anonymous style)."""
            copy = AnonymousStyle(self.parent_style)
            copy.update(self)
            return copy

    class RecordingComputedStyle(ComputedStyle):
        """Computes like WeasyPrint and records the result for the next letter."""

        memo_values: dict[str, Any]
        memo_specified: dict[str, Any]
        memo_anonymous: dict[str, Any]

        def __missing__(self, key: str) -> Any:
            value = super().__missing__(key)
            self.memo_values[key] = value
            if key in SPECIFIED_KEYS and key in self.specified:
                self.memo_specified[key] = self.specified[key]
            return value

        @cached_property
        def anonymous_style(self) -> Any:
            """WeasyPrint's anonymous style of this style, pre-filled from the memo."""
            anonymous = RecordingAnonymousStyle(self)
            anonymous.update(self.memo_anonymous)
            anonymous.memo_values = self.memo_anonymous
            return anonymous

    return RecordingComputedStyle
