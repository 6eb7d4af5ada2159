"""Rules for the ``dunning`` extension of a case (docs/dunning.md): the procedure it names must exist.

The schema checks the shape of ``dunning`` (procedure name, history, block) and
of the claim flag ``disputed``; this module checks what the schema cannot: that
``dunning.procedure`` is one of the procedures the deployment runs with (the
shipped file merged with ``FORMSVC_DUNNING_PROCEDURES``).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..dunning import procedures
from .rules import Context, Finding, rule


def procedures_path(ctx: Context) -> str | None:
    """The deployment's procedure file, as the procedure loader's cache key (None: shipped only)."""
    configured = ctx.settings.dunning_procedures if ctx.settings is not None else None
    return str(configured) if configured else None


@rule("unknown_dunning_procedure")
def unknown_dunning_procedure(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """``dunning.procedure`` names no configured procedure."""
    dunning = case.get("dunning")
    name = dunning.get("procedure") if isinstance(dunning, dict) else None
    if not isinstance(name, str):
        return
    known = procedures.load(procedures_path(ctx))
    if name not in known:
        yield "/dunning/procedure", {"name": name, "known": ", ".join(sorted(known))}
