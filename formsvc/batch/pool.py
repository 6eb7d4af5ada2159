"""Render workers: a warm process pool shared by every batch of this process.

Letters are rendered in worker processes (``Settings.workers``, default one per
CPU core), each of which imports the letter renderer once and keeps it warm
(templates, CSS and fonts are parsed on the first letter, then reused). A
worker lays out a run of consecutive letters (a chunk), writes them as one PDF
(fonts embedded once per chunk, not once per letter: a print file about a
third of the size) to a file in the batch's temporary folder and answers only
with its path and each letter's page count, so no PDF bytes cross the pipe and
the parent's memory stays flat.

Workers are started with ``forkserver`` (never a bare ``fork`` of a threaded
service process); the fork server preloads the renderer so a new worker is
ready at once. With ``workers == 1`` letters are rendered in the calling
process, without a pool.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..config import Settings, default_settings
from ..errors import BadParameter, CaseRejected
from ..gcpolicy import settle_after_warmup
from ..render.processes import kill_workers
from ..validation import Report

_lock = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}
_PRELOAD = ["formsvc.letters", "formsvc.batch.pool"]
WATCH_SECONDS = 2.0
#: At most this many letters are laid out together and written as one PDF by a worker.
MAX_CHUNK = 10
#: Aim for at least this many tasks per worker, so no worker idles while another finishes.
TASKS_PER_WORKER = 4


@dataclass(frozen=True)
class Refused:
    """A case the renderer itself refused (sent back as data: the exceptions do not pickle)."""

    index: int
    report: Report


@dataclass(frozen=True)
class PrintedLetter:
    """One letter inside a chunk's PDF: its pages and whether a blank page follows it (duplex)."""

    index: int
    pages: int
    blank_after: bool = False
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChunkFile:
    """A run of consecutive letters rendered into one PDF on disk (``path`` is ``None`` when the
    renderer refused every case of the run), with the cases it refused, all in input order."""

    path: str | None
    letters: tuple[PrintedLetter, ...]
    refused: tuple[Refused, ...] = ()

    @property
    def pages(self) -> int:
        """Pages in the file, blank backs included."""
        return sum(letter.pages + letter.blank_after for letter in self.letters)


def render_chunk_to_file(chunk: Sequence[tuple[int, Any]], overrides: Mapping[str, Any], folder: str,
                         settings: Settings | None, duplex: bool) -> ChunkFile:
    """Render a run of cases as one PDF into ``folder`` (fonts embedded once); runs in a worker."""
    from ..letters import lay_out_letter, options_from, write_letters
    from .screening import option_objection

    laid_out = []
    letters: list[PrintedLetter] = []
    refused: list[Refused] = []
    for index, case in chunk:
        try:
            letter = lay_out_letter(case, options_from(case, {**overrides, "format": "pdf"}), settings=settings)
        except CaseRejected as exc:
            refused.append(Refused(index, exc.report))
            continue
        except BadParameter as exc:
            refused.append(Refused(index, Report([option_objection(exc.message)])))
            continue
        laid_out.append(letter)
        letters.append(PrintedLetter(index, letter.page_count, duplex and letter.page_count % 2 == 1,
                                     tuple(letter.warning_codes)))
    if not laid_out:
        return ChunkFile(None, (), tuple(refused))
    path = Path(folder) / f"{chunk[0][0]:07d}.pdf"
    path.write_bytes(write_letters(laid_out, duplex=duplex))
    return ChunkFile(str(path), tuple(letters), tuple(refused))


def chunk_size(letters: int, workers: int) -> int:
    """Letters per task: enough tasks to keep every worker busy to the end (about four each),
    at most :data:`MAX_CHUNK` letters (memory of the laid-out letters, progress steps)."""
    return max(1, min(MAX_CHUNK, -(-letters // (max(1, workers) * TASKS_PER_WORKER))))


def process_alive(pid: int) -> bool:
    """True when a process with ``pid`` exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_service(pid: int) -> None:
    """End this worker when the service process is gone (e.g. killed with SIGKILL): no orphans."""
    while process_alive(pid):
        time.sleep(WATCH_SECONDS)
    os._exit(0)


def _warm_worker(service_pid: int) -> None:
    """Worker initializer: watch the service process, build the warm letter renderer once."""
    from ..letters import renderer

    threading.Thread(target=_watch_service, args=(service_pid,), name="formsvc-watch", daemon=True).start()
    try:
        renderer()
    except Exception:  # noqa: BLE001 - warming is an optimisation; the first letter reports real problems
        pass
    settle_after_warmup()


class InlineExecutor(Executor):
    """Runs each task at once in the calling process (``workers == 1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def worker_count(settings: Settings | None) -> int:
    """Render processes for ``settings`` (default settings: one per CPU core; 1 = in the calling process)."""
    return (settings or default_settings()).workers


def executor_for(settings: Settings | None) -> Executor:
    """The process pool for ``settings.workers`` (started on first use, then kept warm)."""
    workers = worker_count(settings)
    if workers <= 1:
        return InlineExecutor()
    with _lock:
        pool = _pools.get(workers)
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_worker,
                                       initargs=(os.getpid(),))
            _pools[workers] = pool
        return pool


def discard(executor: Executor) -> None:
    """Drop a broken or hung pool (its workers are killed); the next batch starts a fresh one."""
    with _lock:
        for key, pool in list(_pools.items()):
            if pool is executor:
                del _pools[key]
    if isinstance(executor, ProcessPoolExecutor):
        kill_workers(executor)
        executor.shutdown(wait=False, cancel_futures=True)
