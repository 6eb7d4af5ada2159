"""Country codes: ISO 3166-1 alpha-2 in the case, vehicle codes on the court form."""
from __future__ import annotations

from functools import lru_cache

from . import resources


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    return dict(resources.data("countries.json")["codes"])


def vehicle_code(iso: str | None) -> str:
    """The form's Landeskennzeichen: "" for Germany (or absent), "A" for AT, ...

    A country missing from the table keeps its ISO code, which the courts
    accept for most countries; the table can be extended as data.
    """
    code = (iso or "DE").upper()
    return _codes().get(code, code)
