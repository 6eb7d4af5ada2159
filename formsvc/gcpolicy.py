"""Garbage-collector settings for long-lived render processes (batch workers, gunicorn workers).

Rendering a letter allocates a few hundred thousand short-lived container
objects (boxes, styles, PDF objects). With CPython's default thresholds that
means several young-generation and, every few letters, a full collection that
walks the whole warm heap (fonts, parsed stylesheets, compiled templates):
4–6 ms of CPU per letter (measured with ``gc.callbacks``; about 2 ms after
this). After warm-up the warm heap is moved out of the collector's sight
(``gc.freeze``) and the young generation is collected less often; garbage
cycles are still collected, only in larger batches.
"""
from __future__ import annotations

import gc

#: Net container allocations between young-generation collections (CPython's default is 700).
YOUNG_THRESHOLD = 10_000


def settle_after_warmup() -> None:
    """Collect once, freeze the warm heap and raise the young threshold (call once the process is warm)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
