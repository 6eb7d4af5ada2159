"""The version guard: the fast paths run only on the WeasyPrint and pypdf versions they were verified on.

The fast paths of :mod:`formsvc.render` reach into the libraries' internals:

- letters and batches: WeasyPrint's ``HTML`` and ``Document`` internals, live
  ``ComputedStyle`` objects, the page box tree, the shape of the PDFs pydyf
  writes; pypdf's reader caches;
- the application: WeasyPrint's page box tree (:mod:`.form`, where the form's
  boxes are); pypdf's raw stream data, info dictionary and ``/ID``
  (:mod:`.acroform`).

Each was verified against one version, listed in :data:`VERIFIED` and pinned
in ``pyproject.toml``. On any other installed version
:func:`fast_paths` answers ``False`` and logs once that the stock path is used
instead: slower, never wrong. Verify a new version with
``tests/test_render_fast_paths.py`` (and the letter benchmark) before adding it.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from importlib import metadata

log = logging.getLogger("formsvc.render")

#: library -> the versions the fast paths were verified against.
VERIFIED: dict[str, tuple[str, ...]] = {
    "weasyprint": ("70.0",),
    "pypdf": ("7.1.0",),
}


def installed_version(library: str) -> str | None:
    """The installed version of ``library`` (``None`` when it is not installed)."""
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=None)
def fast_paths(library: str) -> bool:
    """True when the installed ``library`` is a verified version; else log (once) and answer False."""
    installed = installed_version(library)
    if installed in VERIFIED[library]:
        return True
    log.warning("%s %s is not a version the fast paths were verified against (%s): fast paths off, "
                "using stock %s", library, installed, ", ".join(VERIFIED[library]), library)
    return False
