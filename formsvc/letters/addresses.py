"""Address lines of letters: street, extra line, town and the country line for mail abroad."""
from __future__ import annotations

from typing import Any

from babel import Locale

from .. import case as c

GERMAN = Locale.parse("de_DE")


def country_line(address: Any, home: str = "DE") -> str:
    """The destination country in capitals (German name) when it is abroad, else ``""``."""
    iso = c.country(address)
    if iso == home:
        return ""
    return GERMAN.territories.get(iso, iso).upper()


def address_lines(address: Any, *, with_extra: bool = True) -> list[str]:
    """Street, extra line, postal code and city, and the country when abroad."""
    lines = []
    if with_extra and c.get(address, "extra"):
        lines.append(str(address["extra"]))
    if c.get(address, "street"):
        lines.append(str(address["street"]))
    town = " ".join(str(p) for p in (c.get(address, "postal_code"), c.get(address, "city")) if p)
    if town:
        lines.append(town)
    abroad = country_line(address)
    if abroad:
        lines.append(abroad)
    return lines
