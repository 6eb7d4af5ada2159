"""Render workers: a warm process pool shared by every batch of this process.

Letters are rendered in worker processes (``Settings.workers``, default one per
CPU core), each of which imports the letter renderer once and keeps it warm
(templates, CSS and fonts are parsed on the first letter, then reused). A
worker writes each letter's PDF to a file in the batch's temporary folder and
answers only with its path and page count, so no PDF bytes cross the pipe and
the parent's memory stays flat.

Workers are started with ``forkserver`` (never a bare ``fork`` of a threaded
service process); the fork server preloads the renderer so a new worker is
ready at once. With ``workers == 1`` letters are rendered in the calling
process, without a pool.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..config import Settings
from ..errors import BadParameter, CaseRejected
from ..gcpolicy import settle_after_warmup
from ..validation import Report

_lock = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}
_PRELOAD = ["formsvc.letters", "formsvc.batch.pool"]
WATCH_SECONDS = 2.0


@dataclass(frozen=True)
class LetterFile:
    """One rendered letter on disk."""

    index: int
    path: str
    pages: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refused:
    """A case the renderer itself refused (sent back as data: the exceptions do not pickle)."""

    index: int
    report: Report


def portable(settings: Settings | None) -> Settings | None:
    """A copy of ``settings`` safe to send to a worker (only plain values in ``extra``)."""
    if settings is None:
        return None
    plain = {k: v for k, v in settings.extra.items() if isinstance(v, (str, int, float, bool, type(None)))}
    return dataclasses.replace(settings, extra=plain)


def render_to_file(index: int, case: Any, overrides: Mapping[str, Any], folder: str,
                   settings: Settings | None) -> LetterFile | Refused:
    """Render one letter as PDF into ``folder``; runs inside a worker process."""
    from ..letters import options_from, render_letter
    from .screening import option_objection

    try:
        options = options_from(case, {**overrides, "format": "pdf"})
        letter = render_letter(case, options, settings=settings)
    except CaseRejected as exc:
        return Refused(index, exc.report)
    except BadParameter as exc:
        return Refused(index, Report([option_objection(exc.message)]))
    path = Path(folder) / f"{index:07d}.pdf"
    path.write_bytes(letter.data)
    warnings = tuple(letter.warning_codes)
    return LetterFile(index, str(path), int(letter.page_count), warnings)


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


def executor_for(settings: Settings | None) -> Executor:
    """The process pool for ``settings.workers`` (started on first use, then kept warm)."""
    workers = settings.workers if settings is not None else (multiprocessing.cpu_count() or 1)
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
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
