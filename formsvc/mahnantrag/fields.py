"""The form's field table (``formsvc/data/mahnantrag_fields.json``) as typed objects.

The table is the single place where field names, their order, their group and
the case value that feeds them are written down; the mapper and the template
both read it from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .. import resources

TABLE_FILE = "mahnantrag_fields.json"
Kind = Literal["text", "checkbox"]
#: The form's grid: a field is 1-4 quarters wide (``width`` in the table).
COLUMNS = 4


@dataclass(frozen=True)
class Field:
    """One AcroForm field: exact name, German label, kind and where its value comes from."""

    name: str
    label: str
    kind: Kind
    source: str
    format: str
    only: str | None = None
    default: str | None = None
    width: int = 2

    @property
    def subject(self) -> str:
        """The first part of ``source``: which party/claim/court the value belongs to."""
        return self.source.split(".", 1)[0]

    @property
    def path(self) -> tuple[str, ...]:
        """The keys below the subject (empty when the field takes the whole subject)."""
        parts = self.source.split(".")
        return tuple(parts[1:])


@dataclass(frozen=True)
class Group:
    """One visible section of the form, titled as in the official preview."""

    id: str
    title: str
    fields: tuple[Field, ...]

    @property
    def rows(self) -> list[list[Field]]:
        """The fields packed into rows of four quarter-width columns, in order."""
        rows: list[list[Field]] = []
        used = COLUMNS
        for field in self.fields:
            if used + field.width > COLUMNS:
                rows.append([])
                used = 0
            rows[-1].append(field)
            used += field.width
        return rows


@lru_cache(maxsize=1)
def groups() -> tuple[Group, ...]:
    """Every group of the form, in the form's order."""
    raw = resources.data(TABLE_FILE)
    out = []
    for group in raw["groups"]:
        fields = tuple(
            Field(name=f["name"], label=f["label"], kind=f["kind"], source=f["source"], format=f["format"],
                  only=f.get("only"), default=f.get("default"), width=int(f.get("width", 2)))
            for f in group["fields"]
        )
        out.append(Group(id=group["id"], title=group["title"], fields=fields))
    return tuple(out)


@lru_cache(maxsize=1)
def fields() -> tuple[Field, ...]:
    """Every field of the form, in order."""
    return tuple(f for g in groups() for f in g.fields)


def field_names() -> list[str]:
    """Every field name, in order."""
    return [f.name for f in fields()]
