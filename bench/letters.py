"""Letters: warm single-letter PDF vs the naive WeasyPrint baseline, in the same run.

Naive baseline: the same letter HTML (standalone, stylesheet inline) through a plain
``weasyprint.HTML(string=html).write_pdf()`` — system fonts via fontconfig, nothing
reused. Warm: ``formsvc.letters.render_letter`` (validation included) with the
per-process renderer (subset fonts, parsed CSS, FontConfiguration, Jinja envs).
"""
from __future__ import annotations

import logging
from pathlib import Path

from formsvc.case import loads
from formsvc.letters import options_from, render_letter

from .common import Result, median_ms

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "case-example.json"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "valid"


def _case() -> dict:
    path = EXAMPLE if EXAMPLE.is_file() else next(iter(sorted(SAMPLE.glob("*.json"))))
    return loads(path.read_bytes())


def run(quick: bool) -> list[Result]:
    """Measure naive and warm medians (interleaved rounds) and their ratio."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    case = _case()
    options = options_from(case, {"level": 3, "tone": "firm"})
    html = render_letter(case, options_from(case, {"level": 3, "tone": "firm", "format": "html"})).data.decode()
    repeat = 5 if quick else 15

    def naive() -> None:
        weasyprint.HTML(string=html).write_pdf()

    def warm() -> None:
        render_letter(case, options)

    naive_ms = median_ms(naive, repeat=max(3, repeat // 3), warmup=1)
    warm_ms = median_ms(warm, repeat=repeat, warmup=3)
    ratio = naive_ms / warm_ms
    return [
        Result("letters: naive baseline PDF", naive_ms, "ms", "reference", True),
        Result("letters: warm single PDF (median)", warm_ms, "ms", "<= 60 ms", warm_ms <= 60),
        Result("letters: speed-up vs naive", ratio, "x", ">= 5x", ratio >= 5,
               {"naive_ms": round(naive_ms, 1), "warm_ms": round(warm_ms, 1)}),
    ]
