"""Batch printing: many cases in, one print-ready PDF out, letters in input order.

``render_batch`` screens every case first (see :mod:`.screening`), renders the
letters in parallel worker processes (:mod:`.pool`) and merges each letter
into the output as soon as it and every letter before it are ready
(:mod:`.pdfstream`), so memory stays flat however many letters there are.
With ``duplex`` every letter starts on a front side: a blank page follows each
letter with an odd page count.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, TimeoutError as FutureTimeout, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..config import Settings, default_settings
from ..errors import BatchRejected, RenderTimeout
from ..validation import Report
from . import pool as pools
from ..render.pdfstream import StreamingPdfWriter
from .screening import Screening, SkippedCase, case_id_of, screen

log = logging.getLogger("formsvc.batch")
Progress = Callable[[int, int], None]
TEMP_PREFIX = "formsvc-batch-"


@dataclass(frozen=True)
class LetterEntry:
    """Where one letter sits in the print file."""

    index: int
    case_id: str | None
    first_page: int
    pages: int
    blank_after: bool = False
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the manifest."""
        return {"index": self.index, "case_id": self.case_id, "first_page": self.first_page,
                "pages": self.pages, "blank_after": self.blank_after, "warnings": list(self.warnings)}


@dataclass
class BatchResult:
    """What was printed: every letter's place, the page total and what was skipped."""

    letters: list[LetterEntry] = field(default_factory=list)
    skipped: list[SkippedCase] = field(default_factory=list)
    pages: int = 0
    total: int = 0
    duplex: bool = False
    seconds: float = 0.0

    @property
    def letter_count(self) -> int:
        """Letters in the print file."""
        return len(self.letters)

    def manifest(self, language: str = "de") -> dict[str, Any]:
        """The print manifest: counts, each letter's first page and page count, the skipped cases."""
        return {"letters": self.letter_count, "pages": self.pages, "cases": self.total,
                "duplex": self.duplex, "first_pages": [e.as_dict() for e in self.letters],
                "skipped": [s.as_dict(language) for s in self.skipped]}


def render_batch(cases: Sequence[Any], options: Mapping[str, Any], out: str | Path | IO[bytes], *,
                 duplex: bool = False, skip_invalid: bool = False, settings: Settings | None = None,
                 progress: Progress | None = None) -> BatchResult:
    """Screen ``cases``, then render their letters into one PDF at ``out`` (path or binary stream).

    ``options`` are letter option overrides (``tone``, ``level``, ``language``);
    each case's own ``letter`` settings fill in the rest. Raises
    :class:`BatchRejected` listing every bad case unless ``skip_invalid``.
    """
    screening = screen(cases, options, skip_invalid=skip_invalid, settings=settings)
    return render_screened(screening, options, out, duplex=duplex, settings=settings, progress=progress)


def render_screened(screening: Screening, options: Mapping[str, Any], out: str | Path | IO[bytes], *,
                    duplex: bool = False, settings: Settings | None = None,
                    progress: Progress | None = None) -> BatchResult:
    """Render the accepted cases of a finished screening into one PDF (see :func:`render_batch`)."""
    if isinstance(out, (str, Path)):
        return _to_path(Path(out), screening, options, duplex, settings, progress)
    return _render(screening, options, out, duplex, settings, progress)


def _to_path(target: Path, screening: Screening, options: Mapping[str, Any], duplex: bool,
             settings: Settings | None, progress: Progress | None) -> BatchResult:
    """Write next to ``target`` and move it into place only when complete (never a half file)."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        with open(partial, "wb") as handle:
            result = _render(screening, options, handle, duplex, settings, progress)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return result


def _render(screening: Screening, options: Mapping[str, Any], out: IO[bytes], duplex: bool,
            settings: Settings | None, progress: Progress | None) -> BatchResult:
    started = time.perf_counter()
    sweep_stale_temp()
    result = BatchResult(skipped=list(screening.skipped), total=screening.total, duplex=duplex)
    total = len(screening.accepted)
    timeout = (settings or default_settings()).render_timeout
    executor = pools.executor_for(settings)
    worker_settings = settings
    overrides = dict(options)
    if progress:
        progress(0, total)
    writer = StreamingPdfWriter(out)
    accepted = screening.accepted
    size = pools.chunk_size(len(accepted), pools.worker_count(settings))
    chunks = [accepted[start:start + size] for start in range(0, len(accepted), size)]
    cases = dict(accepted)
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-",
                                                                 ignore_cleanup_errors=True))
        futures: list[tuple[list[tuple[int, Any]], Future[pools.ChunkFile]]] = [
            (chunk, executor.submit(pools.render_chunk_to_file, chunk, overrides, folder, worker_settings,
                                    duplex))
            for chunk in chunks
        ]
        stack.callback(_abandon, [f for _, f in futures], timeout * size)
        done = 0
        for chunk, future in futures:
            printed = _wait(future, executor, chunk, timeout)
            for refused in printed.refused:
                result.skipped.append(_skip_or_reject(refused.index, cases[refused.index], refused.report,
                                                      screening))
            if printed.path is not None:
                first_page = writer.page_count + 1
                pages = writer.append_pdf(printed.path)
                Path(printed.path).unlink(missing_ok=True)
                if pages != printed.pages:
                    raise RuntimeError(f"print file chunk has {pages} pages, expected {printed.pages}")
                for letter in printed.letters:
                    result.letters.append(LetterEntry(letter.index, case_id_of(cases[letter.index]), first_page,
                                                      letter.pages, letter.blank_after, letter.warnings))
                    first_page += letter.pages + letter.blank_after
            done += len(chunk)
            if progress:
                progress(done, total)
    if not result.letters:
        raise BatchRejected([(s.index, s.case_id, s.report) for s in result.skipped])
    writer.close(title=f"formsvc batch: {result.letter_count} letters")
    result.skipped.sort(key=lambda s: s.index)
    result.pages = writer.page_count
    result.seconds = time.perf_counter() - started
    # Counts and timing only: never names or addresses.
    log.info("batch printed: letters=%d pages=%d skipped=%d duplex=%s seconds=%.1f", result.letter_count,
             result.pages, len(result.skipped), duplex, result.seconds)
    return result


def _abandon(futures: list[Future[Any]], timeout: int) -> None:
    """Cancel letters not started yet and let running ones finish before their folder is removed."""
    for future in futures:
        future.cancel()
    wait([f for f in futures if not f.cancelled()], timeout=timeout)


def sweep_stale_temp() -> int:
    """Remove letter folders left by a batch process that was killed (they hold personal data)."""
    removed = 0
    root = Path(tempfile.gettempdir())
    for folder in root.glob(f"{TEMP_PREFIX}*-*"):
        pid = folder.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not pools.process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _wait(future: Future[pools.ChunkFile], executor: Any, chunk: list[tuple[int, Any]],
          timeout: int) -> pools.ChunkFile:
    """One chunk's result, allowing ``timeout`` seconds per letter (refused cases come back as data)."""
    try:
        return future.result(timeout=timeout * len(chunk))
    except FutureTimeout:
        pools.discard(executor)
        (first, first_case), (last, last_case) = chunk[0], chunk[-1]
        which = (f"Letter {first} (case_id {case_id_of(first_case)})" if first == last else
                 f"Letters {first} to {last} (case_id {case_id_of(first_case)} to {case_id_of(last_case)})")
        raise RenderTimeout(f"{which} took longer than {timeout} s per letter to render; the batch was "
                            f"stopped.") from None
    except BrokenProcessPool:
        pools.discard(executor)
        raise


def _skip_or_reject(index: int, case: Any, report: Report, screening: Screening) -> SkippedCase:
    """A case refused at render time: skipped when the batch skips, else the batch fails."""
    if not screening.skip_invalid:
        raise BatchRejected([(index, case_id_of(case), report)])
    return SkippedCase(index, case_id_of(case), report)
