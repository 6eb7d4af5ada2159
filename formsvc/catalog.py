"""The Hauptforderungskatalog (main-claim catalogue) as data.

Shipped as ``formsvc/data/catalog.json`` with a source per entry; a
deployment may point ``FORMSVC_CATALOG_PATH`` at the court's full list in the
same shape. Entries may declare what the court requires with them:
``requires`` ⊆ {"object_location", "contract_type"} (files of contract 1.0 may
still list "period" and "consumer_credit" there: they are read as the flags of
the same meaning), ``trial_court`` ("any_value_amtsgericht" or "sozialgericht")
and ``flags``, an object of flag name -> legal source (:data:`FLAGS`; an absent
flag is false). The rules ask ``entry.has("medical")`` and never hard-code a
catalogue number.
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
    flags: frozenset[str] = frozenset()
    flag_sources: tuple[tuple[str, str], ...] = ()

    def has(self, flag: str) -> bool:
        """True when the entry carries ``flag`` (one of :data:`FLAGS`)."""
        return flag in self.flags


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
                 "trial_court": e.trial_court, "flags": dict(e.flag_sources), "source": e.source}
                for e in sorted(self.entries.values(), key=lambda e: e.no)
            ],
        }


REQUIREMENTS = frozenset({"object_location", "contract_type", "period", "consumer_credit"})
TRIAL_COURTS = frozenset({"any_value_amtsgericht", "sozialgericht"})
#: Catalogue flags: name -> what it means (the catalogue file's description says the same).
FLAGS: dict[str, str] = {
    "needs_period": "individualised by a period: start date and period end required",
    "consumer_credit": "a contract under §§ 491-508 BGB (§ 690 Abs. 1 Nr. 3, § 688 Abs. 2 Nr. 1 ZPO)",
    "medical": "a dispute from medical treatment (§ 71 Abs. 2 Nr. 9 GVG: Landgericht from 2026-01-01)",
    "family": "a family matter (§ 23a GVG, §§ 111, 266 FamFG): the Familiengericht's claims",
}
#: ``requires`` values of contract 1.0 files that are flags now, and the flag they mean.
_LEGACY_REQUIREMENTS = {"period": "needs_period", "consumer_credit": "consumer_credit"}
#: The other way round: the flags that still show in ``requires`` (GET /v1/catalog stays as it was).
_FLAG_REQUIREMENTS = {flag: req for req, flag in _LEGACY_REQUIREMENTS.items()}


def _flags(item: dict[str, Any], path: Path, no: Any) -> dict[str, str]:
    """The entry's flags as name -> source, legacy ``requires`` included; unknown names are refused."""
    raw = item.get("flags") or {}
    if not isinstance(raw, dict):
        raise ConfigurationError(f"catalogue {path}: no. {no} has 'flags' {raw!r:.60}; "
                                 "expected an object of flag name -> source")
    unknown = sorted(set(raw) - set(FLAGS))
    if unknown:
        raise ConfigurationError(f"catalogue {path}: no. {no} has unknown flags {unknown}; allowed: {sorted(FLAGS)}")
    flags: dict[str, str] = {}
    for name, value in raw.items():
        if value is False or value is None:
            continue
        if value is not True and not (isinstance(value, str) and value.strip()):
            raise ConfigurationError(f"catalogue {path}: no. {no} flag {name!r} needs its source (a text) or true")
        flags[name] = value if isinstance(value, str) else ""
    for req in item.get("requires") or []:
        if req in _LEGACY_REQUIREMENTS:
            flags.setdefault(_LEGACY_REQUIREMENTS[req], "")
    return flags


def _entry(item: Any, path: Path) -> CatalogEntry:
    """One entry of a catalogue file, checked so that a bad replacement file fails at start-up."""
    try:
        no, label = int(item["no"]), str(item["label"])
        flags = _flags(item, path, no)
        entry = CatalogEntry(
            no=no, label=label,
            requires=frozenset(item.get("requires") or []) | {_FLAG_REQUIREMENTS[f] for f in flags
                                                               if f in _FLAG_REQUIREMENTS},
            trial_court=item.get("trial_court"), source=str(item.get("source", "")),
            flags=frozenset(flags), flag_sources=tuple(sorted(flags.items())),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
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
