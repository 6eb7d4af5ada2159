"""Warm a fresh worker process: build the renderers' per-process state before the first request.

The first letter or application in a process pays for font preparation, parsed
stylesheets, compiled templates and the blank application form (1–2 s); doing
it once at worker start keeps that off every user's first request.
"""
from __future__ import annotations

import logging
import time

from . import resources
from .case import loads
from .config import Settings

log = logging.getLogger("formsvc.warmup")


def warm(settings: Settings | None = None) -> bool:
    """Render one sample letter and application (discarded); ``False`` when that failed."""
    from . import mahnantrag
    from .letters import options_from, render_letter

    started = time.perf_counter()
    sample = sorted((resources.samples_dir() / "valid").glob("*.json"))[0]
    case = loads(sample.read_bytes())
    try:
        letter = render_letter(case, options_from(case, {}), settings=settings)
        application = mahnantrag.render(case, settings=settings)
    except Exception:  # a failed warm-up must not keep the worker from serving
        log.exception("warm-up failed; the first request will be slower")
        return False
    log.info("worker warmed up in %.1f s", time.perf_counter() - started)
    return letter.data.startswith(b"%PDF") and application.data.startswith(b"%PDF")
