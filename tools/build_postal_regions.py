"""Rebuild ``formsvc/data/postal_regions_de.json`` from GeoNames postal data.

Not part of the service: a maintainer runs it when the postal data should be
refreshed. Input: the GeoNames-derived German postal code CSV (CC BY 4.0) as
published in the repository zauberware/postal-codes-json-xml-csv
(``data/DE.zip`` -> ``zipcodes.de.csv``: zipcode, place, state, province,
community, community_code ...). Optionally a second list to cross-check against
(``--cross-check``: a JSON list of ``{"code", "stateCode"}`` records such as the
``by-country/DE/postcodes.json`` of the PyPI package countrystatecity-postal-codes);
postal codes on which the two disagree are marked ambiguous, never decided.

Derivation (written into the output file's description too):

- Land = first two digits of the Kreis key (AGS, ``community_code``).
- Nordrhein-Westfalen is split into the Oberlandesgericht districts, which follow
  the Landgericht districts: the Kreis key decides through ``NRW_KREIS_OLG`` below.
- A postal code whose places lie in more than one region is ambiguous.
- Consecutive known postal codes of one region collapse into one range; a code
  between two ranges of different regions is unknown (no guess).

Usage::

    python tools/build_postal_regions.py zipcodes.de.csv [--cross-check postcodes.json]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from typing import Any

#: First two digits of the AGS -> ISO 3166-2:DE code of the Land.
AGS_LAND: dict[str, str] = {
    "01": "SH", "02": "HH", "03": "NI", "04": "HB", "05": "NW", "06": "HE", "07": "RP", "08": "BW",
    "09": "BY", "10": "SL", "11": "BE", "12": "BB", "13": "MV", "14": "SN", "15": "ST", "16": "TH",
}

#: NRW Kreis key (AGS, 5 digits) -> (Landgericht district(s), OLG district). Every Kreis and
#: kreisfreie Stadt of NRW with the Landgericht districts its Amtsgerichte belong to.
NRW_KREIS_OLG: dict[str, tuple[str, str]] = {
    # Regierungsbezirk Düsseldorf: OLG Düsseldorf, except Essen (LG Essen, OLG Hamm)
    "05111": ("LG Düsseldorf", "Duesseldorf"),                       # Düsseldorf
    "05112": ("LG Duisburg", "Duesseldorf"),                         # Duisburg
    "05113": ("LG Essen", "Hamm"),                                   # Essen
    "05114": ("LG Krefeld", "Duesseldorf"),                          # Krefeld
    "05116": ("LG Mönchengladbach", "Duesseldorf"),                  # Mönchengladbach
    "05117": ("LG Duisburg", "Duesseldorf"),                         # Mülheim an der Ruhr
    "05119": ("LG Duisburg", "Duesseldorf"),                         # Oberhausen
    "05120": ("LG Wuppertal", "Duesseldorf"),                        # Remscheid
    "05122": ("LG Wuppertal", "Duesseldorf"),                        # Solingen
    "05124": ("LG Wuppertal", "Duesseldorf"),                        # Wuppertal
    "05154": ("LG Kleve", "Duesseldorf"),                            # Kreis Kleve
    "05158": ("LG Düsseldorf, LG Wuppertal", "Duesseldorf"),         # Kreis Mettmann
    "05162": ("LG Düsseldorf, LG Mönchengladbach", "Duesseldorf"),   # Rhein-Kreis Neuss
    "05166": ("LG Krefeld, LG Mönchengladbach", "Duesseldorf"),      # Kreis Viersen
    "05170": ("LG Duisburg, LG Kleve", "Duesseldorf"),               # Kreis Wesel
    # Regierungsbezirk Köln: OLG Köln (LG Aachen, Bonn, Köln)
    "05314": ("LG Bonn", "Koeln"),                                   # Bonn
    "05315": ("LG Köln", "Koeln"),                                   # Köln
    "05316": ("LG Köln", "Koeln"),                                   # Leverkusen
    "05334": ("LG Aachen", "Koeln"),                                 # Städteregion Aachen
    "05354": ("LG Aachen", "Koeln"),                                 # Kreis Aachen (key before 2009)
    "05313": ("LG Aachen", "Koeln"),                                 # Aachen (key before 2009)
    "05358": ("LG Aachen", "Koeln"),                                 # Kreis Düren
    "05362": ("LG Köln", "Koeln"),                                   # Rhein-Erft-Kreis
    "05366": ("LG Aachen, LG Bonn", "Koeln"),                        # Kreis Euskirchen
    "05370": ("LG Aachen", "Koeln"),                                 # Kreis Heinsberg
    "05374": ("LG Köln", "Koeln"),                                   # Oberbergischer Kreis
    "05378": ("LG Köln", "Koeln"),                                   # Rheinisch-Bergischer Kreis
    "05382": ("LG Bonn", "Koeln"),                                   # Rhein-Sieg-Kreis
    # Regierungsbezirk Münster: OLG Hamm
    "05512": ("LG Essen", "Hamm"),                                   # Bottrop
    "05513": ("LG Essen", "Hamm"),                                   # Gelsenkirchen
    "05515": ("LG Münster", "Hamm"),                                 # Münster
    "05554": ("LG Münster", "Hamm"),                                 # Kreis Borken
    "05558": ("LG Münster", "Hamm"),                                 # Kreis Coesfeld
    "05562": ("LG Bochum, LG Essen", "Hamm"),                        # Kreis Recklinghausen
    "05566": ("LG Münster", "Hamm"),                                 # Kreis Steinfurt
    "05570": ("LG Münster", "Hamm"),                                 # Kreis Warendorf
    # Regierungsbezirk Detmold: OLG Hamm
    "05711": ("LG Bielefeld", "Hamm"),                               # Bielefeld
    "05754": ("LG Bielefeld", "Hamm"),                               # Kreis Gütersloh
    "05758": ("LG Bielefeld", "Hamm"),                               # Kreis Herford
    "05762": ("LG Paderborn", "Hamm"),                               # Kreis Höxter
    "05766": ("LG Detmold", "Hamm"),                                 # Kreis Lippe
    "05770": ("LG Bielefeld", "Hamm"),                               # Kreis Minden-Lübbecke
    "05774": ("LG Paderborn", "Hamm"),                               # Kreis Paderborn
    # Regierungsbezirk Arnsberg: OLG Hamm
    "05911": ("LG Bochum", "Hamm"),                                  # Bochum
    "05913": ("LG Dortmund", "Hamm"),                                # Dortmund
    "05914": ("LG Hagen", "Hamm"),                                   # Hagen
    "05915": ("LG Dortmund", "Hamm"),                                # Hamm
    "05916": ("LG Bochum", "Hamm"),                                  # Herne
    "05954": ("LG Hagen, LG Bochum, LG Essen", "Hamm"),              # Ennepe-Ruhr-Kreis
    "05958": ("LG Arnsberg", "Hamm"),                                # Hochsauerlandkreis
    "05962": ("LG Hagen, LG Arnsberg", "Hamm"),                      # Märkischer Kreis
    "05966": ("LG Siegen", "Hamm"),                                  # Kreis Olpe
    "05970": ("LG Siegen", "Hamm"),                                  # Kreis Siegen-Wittgenstein
    "05974": ("LG Arnsberg", "Hamm"),                                # Kreis Soest
    "05978": ("LG Dortmund", "Hamm"),                                # Kreis Unna
}


def region(ags: str) -> str:
    """The region key of a Kreis: the Land, for NRW ``NW-<OLG district>``."""
    land = AGS_LAND[ags[:2]]
    if land != "NW":
        return land
    if ags not in NRW_KREIS_OLG:
        raise KeyError(f"NRW Kreis {ags} is not in NRW_KREIS_OLG: add it with its Landgericht")
    return f"NW-{NRW_KREIS_OLG[ags][1]}"


def build(rows: list[dict[str, str]], cross: dict[str, set[str]]) -> dict[str, Any]:
    """The ranges and ambiguous codes from the CSV rows and the optional cross-check (code -> Länder)."""
    regions: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        ags = row["community_code"]
        if len(ags) == 5 and ags.isdigit():
            regions[row["zipcode"]].add(region(ags))
    ambiguous: dict[str, list[str]] = {}
    for code, found in regions.items():
        lands = {r[:2] for r in found}
        other = cross.get(code)
        if len(found) > 1:
            ambiguous[code] = sorted(found)
        elif other and other != lands:
            ambiguous[code] = sorted(found | (other - lands))
    ranges: list[list[str]] = []
    for code in sorted(regions):
        if code in ambiguous:
            continue
        (value,) = regions[code]
        if ranges and ranges[-1][2] == value and not any(ranges[-1][1] < a < code for a in ambiguous):
            ranges[-1][1] = code
        else:
            ranges.append([code, code, value])
    return {"ranges": ranges, "ambiguous": dict(sorted(ambiguous.items())),
            "nrw_kreise": {k: {"landgericht": v[0], "olg": v[1]} for k, v in sorted(NRW_KREIS_OLG.items())},
            "postal_codes_known": len(regions)}


def main(argv: list[str] | None = None) -> int:
    """Read the CSV (and the cross-check list), print the generated part of the table as JSON."""
    parser = argparse.ArgumentParser(description="Rebuild the postal code -> region table")
    parser.add_argument("csv")
    parser.add_argument("--cross-check")
    args = parser.parse_args(argv)
    with open(args.csv, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cross: dict[str, set[str]] = defaultdict(set)
    if args.cross_check:
        with open(args.cross_check, encoding="utf-8") as handle:
            for record in json.load(handle):
                cross[record["code"]].add(record["stateCode"])
    json.dump(build(rows, cross), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
