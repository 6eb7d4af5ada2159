"""The Hauptforderungskatalog (main-claim catalogue) as data.

Shipped as ``formsvc/data/catalog.json`` with a source per entry; a
deployment may point ``FORMSVC_CATALOG_PATH`` at the court's full list in the
same shape. Entries may declare what the court requires with them:
``requires`` ⊆ {"object_location", "contract_type", "period", "consumer_credit"} and
``trial_court`` ("any_value_amtsgericht" or "sozialgericht").
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import resources
from .config import Settings
from .errors import ConfigurationError


@dataclass(frozen=True)
class CatalogEntry:
    """One numbered claim type."""

    no: int
    label: str
    requires: frozenset[str]
    trial_court: str | None
    source: str


@dataclass(frozen=True)
class Catalog:
    """The loaded catalogue, by number."""

    entries: dict[int, CatalogEntry]
    source: str

    def get(self, no: Any) -> CatalogEntry | None:
        """The entry for ``no`` or ``None`` when the catalogue has no such number."""
        return self.entries.get(no) if isinstance(no, int) and not isinstance(no, bool) else None

    def as_json(self) -> dict[str, Any]:
        """The catalogue as served by ``GET /v1/catalog``."""
        return {
            "source": self.source,
            "entries": [
                {"no": e.no, "label": e.label, "requires": sorted(e.requires),
                 "trial_court": e.trial_court, "source": e.source}
                for e in sorted(self.entries.values(), key=lambda e: e.no)
            ],
        }


REQUIREMENTS = frozenset({"object_location", "contract_type", "period", "consumer_credit"})
TRIAL_COURTS = frozenset({"any_value_amtsgericht", "sozialgericht"})


def _entry(item: Any, path: Path) -> CatalogEntry:
    """One entry of a catalogue file, checked so that a bad replacement file fails at start-up."""
    try:
        entry = CatalogEntry(
            no=int(item["no"]), label=str(item["label"]),
            requires=frozenset(item.get("requires") or []),
            trial_court=item.get("trial_court"), source=str(item.get("source", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"catalogue {path}: entry {item!r:.80} needs 'no' (integer) and 'label' ({exc})") from None
    if not entry.requires <= REQUIREMENTS:
        raise ConfigurationError(f"catalogue {path}: no. {entry.no} has unknown 'requires' "
                                 f"{sorted(entry.requires - REQUIREMENTS)}; allowed: {sorted(REQUIREMENTS)}")
    if entry.trial_court is not None and entry.trial_court not in TRIAL_COURTS:
        raise ConfigurationError(f"catalogue {path}: no. {entry.no} has unknown 'trial_court' "
                                 f"{entry.trial_court!r}; allowed: {sorted(TRIAL_COURTS)}")
    return entry


@lru_cache(maxsize=8)
def _load(path: Path) -> Catalog:
    try:
        raw = resources.load_json(path)
        items = raw["entries"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"catalogue {path} is not a catalogue file with 'entries': {exc}") from None
    entries = {}
    for item in items:
        entry = _entry(item, path)
        entries[entry.no] = entry
    return Catalog(entries=entries, source=str(raw.get("source", path.name)))


def load(settings: Settings | None = None) -> Catalog:
    """The catalogue the deployment configured, else the shipped one."""
    if settings is not None and settings.catalog_path:
        return _load(Path(settings.catalog_path))
    return _shipped()


@lru_cache(maxsize=1)
def _shipped() -> Catalog:
    return _load(resources.data_dir() / "catalog.json")
