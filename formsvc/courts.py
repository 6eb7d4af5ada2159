"""The competent central dunning court (Mahngericht) of a case, and where a Mahnbescheid can be served.

Law as data: ``formsvc/data/dunning_courts.json`` (the courts and the Länder /
OLG districts each serves), ``postal_regions_de.json`` (German postal code ->
Land, for Nordrhein-Westfalen -> OLG district) and ``foreign_service.json``
(countries where a German Mahnbescheid may be served, § 688 Abs. 3 ZPO with
§ 32 AVAG). Every table is read once per process; a lookup is a bisect.

Who decides (:func:`decide`):

- § 689 Abs. 2 S. 1, Abs. 3 ZPO: the first applicant's general place of
  jurisdiction (its address) and the Länder's concentration -> the court
  serving that Land / OLG district.
- § 689 Abs. 2 S. 2 ZPO: an applicant whose address is abroad -> Amtsgericht Wedding.
- § 703d Abs. 2 ZPO: for a debtor without a general place of jurisdiction in
  Germany (address abroad) the court is the one that would hear the contested
  case if Amtsgerichte had unlimited jurisdiction, with the concentration of
  § 689 Abs. 3 -> the central dunning court for the place of ``courts.trial``
  (§ 703d displaces § 689 Abs. 2 for that debtor, also when the applicant is
  abroad as well).

With two debtors the answers for both must agree, else nothing is decided. A
postal code that spans regions (or is unknown) decides only when every region
it may lie in is served by the same court.

:func:`competent_dunning_court` gives the court or ``None``;
:func:`with_dunning_court` returns a copy of the case with ``courts.dunning``
filled in when it is absent and the tables decide (the application PDF and the
EDA file use it).
"""
from __future__ import annotations

import bisect
import copy
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import resources

#: Region key -> (German, English) name for messages.
REGION_NAMES: dict[str, tuple[str, str]] = {
    "BW": ("Baden-Württemberg", "Baden-Württemberg"), "BY": ("Bayern", "Bavaria"),
    "BE": ("Berlin", "Berlin"), "BB": ("Brandenburg", "Brandenburg"), "HB": ("Bremen", "Bremen"),
    "HH": ("Hamburg", "Hamburg"), "HE": ("Hessen", "Hesse"),
    "MV": ("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
    "NI": ("Niedersachsen", "Lower Saxony"),
    "NW-Hamm": ("Nordrhein-Westfalen, OLG-Bezirk Hamm", "North Rhine-Westphalia, OLG district Hamm"),
    "NW-Duesseldorf": ("Nordrhein-Westfalen, OLG-Bezirk Düsseldorf",
                       "North Rhine-Westphalia, OLG district Düsseldorf"),
    "NW-Koeln": ("Nordrhein-Westfalen, OLG-Bezirk Köln", "North Rhine-Westphalia, OLG district Köln"),
    "RP": ("Rheinland-Pfalz", "Rhineland-Palatinate"), "SL": ("Saarland", "Saarland"),
    "SN": ("Sachsen", "Saxony"), "ST": ("Sachsen-Anhalt", "Saxony-Anhalt"),
    "SH": ("Schleswig-Holstein", "Schleswig-Holstein"), "TH": ("Thüringen", "Thuringia"),
}

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_AG_PREFIX = re.compile(r"^\s*ag\b\.?", re.IGNORECASE)
#: How what may follow a court's name in a case starts ("Amtsgericht Coburg – Mahngericht –",
#: "Amtsgericht Aschersleben, Dienstort Staßfurt"), after normalising.
_NAME_SUFFIXES = ("mahngericht", "zentralesmahngericht", "mahnabteilung", "zentralemahnabteilung",
                  "gemeinsamesmahngericht", "zweigstelle", "dienstort", "dienstgebaeude")
_DE_POSTAL_CODE = re.compile(r"[0-9]{5}")


@dataclass(frozen=True)
class Court:
    """A central dunning court as the application names it."""

    key: str
    name: str
    street: str
    postal_code: str
    city: str

    def as_case(self) -> dict[str, str]:
        """The court as the case's ``courts.dunning`` object."""
        return {"name": self.name, "street": self.street, "postal_code": self.postal_code, "city": self.city}


@dataclass(frozen=True)
class Decision:
    """Which court the tables make competent, and why (German/English, for messages).

    ``court`` is set when the tables decide; otherwise ``candidates`` holds the
    courts that remain possible (empty when nothing is known) and ``why_*``
    says what is missing.
    """

    court: Court | None
    candidates: tuple[Court, ...]
    why_de: str
    why_en: str


@dataclass(frozen=True)
class _Tables:
    courts: dict[str, Court]
    by_region: dict[str, Court]
    by_name: dict[str, Court]
    foreign_applicant: Court
    starts: tuple[str, ...]
    ranges: tuple[tuple[str, str, str], ...]
    ambiguous: dict[str, tuple[str, ...]]
    servable: frozenset[str]


def normalise_name(name: str) -> str:
    """Court name for comparison: "AG" spelled out, case, umlauts, spaces, hyphens and dots ignored."""
    text = unicodedata.normalize("NFC", name).strip()
    text = _AG_PREFIX.sub("amtsgericht", text)
    return _NOT_ALNUM.sub("", text.lower().translate(_FOLD))


@lru_cache(maxsize=1)
def tables() -> _Tables:
    """The court, postal-region and service tables (read once per process)."""
    raw = resources.data("dunning_courts.json")
    courts: dict[str, Court] = {}
    by_region: dict[str, Court] = {}
    by_name: dict[str, Court] = {}
    for key, entry in raw["courts"].items():
        court = Court(key, entry["name"], entry["street"], entry["postal_code"], entry["city"])
        courts[key] = court
        for region in entry["serves"]:
            if region in by_region:
                raise ValueError(f"dunning_courts.json: region {region} is served by two courts")
            by_region[region] = court
        for name in (entry["name"], *entry.get("aliases", ())):
            by_name[normalise_name(name)] = court
    missing = set(REGION_NAMES) - set(by_region)
    if missing:
        raise ValueError(f"dunning_courts.json: no court serves {sorted(missing)}")
    regions = resources.data("postal_regions_de.json")
    ranges = tuple((a, b, r) for a, b, r in regions["ranges"])
    service = resources.data("foreign_service.json")
    servable = frozenset(service["eu_member_states"]) | frozenset(service["eu_territories"]) \
        | frozenset(service["other_states"])
    return _Tables(
        courts=courts, by_region=by_region, by_name=by_name,
        foreign_applicant=courts[raw["foreign_applicant"]],
        starts=tuple(a for a, _, _ in ranges), ranges=ranges,
        ambiguous={code: tuple(found) for code, found in regions["ambiguous"].items()},
        servable=servable,
    )


def match_court(name: Any) -> Court | None:
    """The known central dunning court a case's court name denotes, or ``None``."""
    if not isinstance(name, str) or not name.strip():
        return None
    norm = normalise_name(name)
    by_name = tables().by_name
    court = by_name.get(norm)
    if court is not None:
        return court
    for known in sorted(by_name, key=len, reverse=True):  # "Amtsgericht Coburg – Zentrales Mahngericht –"
        if norm.startswith(known) and norm[len(known):].startswith(_NAME_SUFFIXES):
            return by_name[known]
    return None


def regions_of(postal_code: Any) -> tuple[str, ...]:
    """The region(s) a German postal code may lie in: one, several (ambiguous) or none (unknown)."""
    if not isinstance(postal_code, str) or not _DE_POSTAL_CODE.fullmatch(postal_code.strip()):
        return ()
    code = postal_code.strip()
    t = tables()
    if code in t.ambiguous:
        return t.ambiguous[code]
    i = bisect.bisect_right(t.starts, code) - 1
    if i >= 0 and t.ranges[i][0] <= code <= t.ranges[i][1]:
        return (t.ranges[i][2],)
    return ()


def servable(country: str) -> bool:
    """True when a German Mahnbescheid may be served in ``country`` (ISO alpha-2; DE: no service abroad)."""
    return country == "DE" or country in tables().servable


def _country(place: Any) -> str:
    value = place.get("country") if isinstance(place, dict) else None
    return value.strip().upper() if isinstance(value, str) and value.strip() else "DE"


def _address(party: Any) -> dict[str, Any]:
    address = party.get("address") if isinstance(party, dict) else None
    return address if isinstance(address, dict) else {}


def _by_postal_code(postal_code: Any, what_de: str, what_en: str) -> Decision:
    """The court for a German place given by its postal code (no reason given when it is no postal code)."""
    if not isinstance(postal_code, str) or not _DE_POSTAL_CODE.fullmatch(postal_code.strip()):
        return Decision(None, (), "", "")  # missing or malformed: incomplete_address / invalid_postal_code say so
    regions = regions_of(postal_code)
    t = tables()
    courts = tuple(dict.fromkeys(t.by_region[r] for r in regions))
    if len(courts) == 1:
        names_de = " bzw. ".join(REGION_NAMES[r][0] for r in regions)
        names_en = " or ".join(REGION_NAMES[r][1] for r in regions)
        return Decision(courts[0], courts, f"{what_de} liegt in {names_de} (PLZ {postal_code})",
                        f"{what_en} lies in {names_en} (postal code {postal_code})")
    if courts:
        names_de = ", teils in ".join(REGION_NAMES[r][0] for r in regions)
        names_en = ", partly in ".join(REGION_NAMES[r][1] for r in regions)
        return Decision(None, courts, f"die PLZ {postal_code} ({what_de}) liegt teils in {names_de}",
                        f"postal code {postal_code} ({what_en}) lies partly in {names_en}")
    return Decision(None, (), f"die PLZ {postal_code} ({what_de}) ist in der Postleitzahlentabelle nicht eindeutig "
                              "einem Land zugeordnet",
                    f"postal code {postal_code} ({what_en}) is not assigned to one Land in the postal code table")


def _for_applicant(case: dict[str, Any]) -> Decision:
    """§ 689 Abs. 2 ZPO: the first applicant's seat or residence decides."""
    address = _address(case.get("creditor"))
    if _country(address) != "DE":
        return Decision(tables().foreign_applicant, (tables().foreign_applicant,),
                        "der 1. Antragsteller hat keinen allgemeinen Gerichtsstand im Inland (§ 689 Abs. 2 S. 2 ZPO)",
                        "the first applicant has no general place of jurisdiction in Germany "
                        "(§ 689 para. 2 sentence 2 ZPO)")
    return _by_postal_code(address.get("postal_code"), "der Sitz/Wohnsitz des 1. Antragstellers",
                           "the first applicant's seat or residence")


def _for_debtor_abroad(case: dict[str, Any]) -> Decision:
    """§ 703d Abs. 2 ZPO: the court of the contested proceedings decides, with the concentration."""
    trial = case.get("courts").get("trial") if isinstance(case.get("courts"), dict) else None
    postal_code = trial.get("postal_code") if isinstance(trial, dict) else None
    if not isinstance(postal_code, str) or not postal_code.strip():
        return Decision(None, (), "ein Antragsgegner hat keinen allgemeinen Gerichtsstand im Inland (§ 703d ZPO) "
                                  "und das Gericht des streitigen Verfahrens fehlt",
                        "a debtor has no general place of jurisdiction in Germany (§ 703d ZPO) "
                        "and the trial court is missing")
    found = _by_postal_code(postal_code, "das Gericht des streitigen Verfahrens", "the trial court")
    prefix_de = "ein Antragsgegner hat keinen allgemeinen Gerichtsstand im Inland (§ 703d Abs. 2 ZPO): "
    prefix_en = "a debtor has no general place of jurisdiction in Germany (§ 703d para. 2 ZPO): "
    return Decision(found.court, found.candidates, prefix_de + found.why_de, prefix_en + found.why_en)


def decide(case: Any) -> Decision:
    """Which central dunning court is competent for ``case`` (see the module docstring)."""
    if not isinstance(case, dict):
        return Decision(None, (), "kein Fall", "no case")
    debtors = [d for d in case.get("debtors") or () if isinstance(d, dict)] \
        if isinstance(case.get("debtors"), list) else []
    abroad = [d for d in debtors if _country(_address(d)) != "DE"]
    parts: list[Decision] = []
    if abroad:
        parts.append(_for_debtor_abroad(case))
    if len(abroad) < len(debtors) or not debtors:
        parts.append(_for_applicant(case))
    if len(parts) == 1:
        return parts[0]
    first, second = parts
    if first.court is not None and first.court == second.court:
        return Decision(first.court, (first.court,), f"{first.why_de}; {second.why_de}",
                        f"{first.why_en}; {second.why_en}")
    candidates = tuple(dict.fromkeys((*first.candidates, *second.candidates)))
    return Decision(None, candidates,
                    f"die Antragsgegner führen zu verschiedenen Mahngerichten ({first.why_de}; {second.why_de})",
                    f"the debtors lead to different dunning courts ({first.why_en}; {second.why_en})")


def competent_dunning_court(case: Any) -> Court | None:
    """The competent central dunning court when the tables decide, else ``None``."""
    return decide(case).court


def dunning_court_absent(case: Any) -> bool:
    """True when the case gives no dunning court at all (no name, postal code or city)."""
    courts = case.get("courts") if isinstance(case, dict) else None
    place = courts.get("dunning") if isinstance(courts, dict) else None
    if not isinstance(place, dict):
        return True
    return not any(isinstance(place.get(k), str) and place.get(k).strip() for k in ("name", "postal_code", "city"))


def with_dunning_court(case: Any) -> Any:
    """A copy of ``case`` with ``courts.dunning`` filled in when absent and decided; else ``case`` itself."""
    if not isinstance(case, dict) or not dunning_court_absent(case):
        return case
    court = competent_dunning_court(case)
    if court is None:
        return case
    filled = copy.copy(case)
    courts = case.get("courts")
    filled["courts"] = {**(courts if isinstance(courts, dict) else {}), "dunning": court.as_case()}
    return filled


__all__ = ["Court", "Decision", "REGION_NAMES", "competent_dunning_court", "decide", "dunning_court_absent",
           "match_court", "normalise_name", "regions_of", "servable", "tables", "with_dunning_court"]
