"""Batch printing: thousands of letters into one print-ready PDF.

The core is Flask-free: :func:`render_batch` takes cases and letter option
overrides and writes one PDF (letters in input order, optionally duplex),
returning a :class:`BatchResult` with the manifest. Background jobs go
through a :class:`~formsvc.batch.runner.JobRunner`; the embedded default is
:class:`~formsvc.batch.runner.LocalJobRunner`.
"""
from __future__ import annotations

from .core import BatchResult, LetterEntry, render_batch, render_screened
from .screening import Screening, SkippedCase, screen

__all__ = ["BatchResult", "LetterEntry", "Screening", "SkippedCase", "render_batch", "render_screened", "screen"]
