"""What validation returns: objections with code, JSON Pointer path and messages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Objection:
    """One problem with a case, in German and English, at a JSON Pointer path."""

    code: str
    path: str
    level: Level
    message_de: str
    message_en: str

    def message(self, language: str = "de") -> str:
        """The message in ``de`` (default) or ``en``."""
        return self.message_en if language.startswith("en") else self.message_de

    def as_dict(self, language: str = "de", prefix: str = "") -> dict[str, Any]:
        """The problem+json entry: code, path (optionally below ``prefix``), message."""
        return {"code": self.code, "path": prefix + self.path, "message": self.message(language)}


@dataclass
class Report:
    """Every objection found in one pass, errors and warnings together."""

    objections: list[Objection] = field(default_factory=list)

    @property
    def errors(self) -> list[Objection]:
        """Objections that block generation."""
        return [o for o in self.objections if o.level == "error"]

    @property
    def warnings(self) -> list[Objection]:
        """Objections that are reported but do not block."""
        return [o for o in self.objections if o.level == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing blocks generation."""
        return not self.errors

    def add(self, objection: Objection) -> None:
        """Add an objection unless the same code is already reported at the same path."""
        if not any(o.code == objection.code and o.path == objection.path for o in self.objections):
            self.objections.append(objection)

    def codes(self) -> list[tuple[str, str]]:
        """(code, path) pairs, handy in tests and logs."""
        return [(o.code, o.path) for o in self.objections]
