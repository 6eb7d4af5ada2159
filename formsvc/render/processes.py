"""Ending the worker processes of a ``concurrent.futures`` process pool that hangs.

``ProcessPoolExecutor.shutdown`` waits for running tasks, and a hung render never
ends; the standard library offers no public way to kill the workers. Their
``Process`` objects are in the executor's private ``_processes`` mapping
(CPython 3.11-3.13); when it is not there, nothing is killed and only the
shutdown is requested.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def kill_workers(executor: ProcessPoolExecutor) -> int:
    """Kill every worker process of ``executor``; return how many were signalled."""
    processes = getattr(executor, "_processes", None)
    if not isinstance(processes, dict):
        return 0
    killed = 0
    for process in list(processes.values()):
        process.kill()
        killed += 1
    return killed
