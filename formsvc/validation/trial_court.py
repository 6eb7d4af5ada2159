"""The trial court for the contested stage (``trial_court_mismatch``).

Checked in this order, one objection at most: entries that belong before the
Sozialgericht; the Familiengericht only for family matters (catalogue flag
``family``); from 2026-01-01 claims from medical treatment (flag ``medical``)
only at the Landgericht whatever the value (§ 71 Abs. 2 Nr. 9 GVG); the Kammer
für Handelssachen only against registered merchants (§ 95 Abs. 1 Nr. 1 GVG);
then the value limit of the Amtsgericht by application date and the entries the
Amtsgericht hears whatever the value. Numbers in ``validation_rules.json``,
entry attributes and flags in the catalogue, nothing hard-coded here.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .. import case as c
from ..claim_account import account
from .party_rules import is_merchant
from .rules import Context, Finding, rule
from .tables import tables
from .values import eur_de, eur_en



@rule("trial_court_mismatch")
def trial_court_mismatch(case: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Court type against the value limit, the any-value Amtsgericht entries and the Sozialgericht entries."""
    kind = c.get(case, "courts", "trial", "type")
    if not isinstance(kind, int) or isinstance(kind, bool):
        return
    t = tables()
    claims = [claim for _, claim in ctx.claims(case)]
    entries = [ctx.catalog.get(claim.get("catalog_no")) for claim in claims]
    courts = [e.trial_court if e else None for e in entries]
    params: dict[str, Any] = {"type": kind}
    if "sozialgericht" in courts:
        if kind not in t.sozialgericht_types:
            yield "/courts/trial/type", {**params, "reason_de": "Beiträge zur privaten Pflegeversicherung "
                                         "(Katalog-Nr. 95) gehören vor das Sozialgericht (Art 5)",
                                         "reason_en": "premiums of private long-term care insurance (no. 95) "
                                         "belong before the Sozialgericht (type 5)"}
        return
    if kind in t.sozialgericht_types:
        yield "/courts/trial/type", {**params, "reason_de": "das Sozialgericht (Art 5) ist nur für sozialrechtliche "
                                     "Ansprüche wie Katalog-Nr. 95 zuständig",
                                     "reason_en": "the Sozialgericht (type 5) only hears social-law claims "
                                     "such as no. 95"}
        return
    if kind in t.familiengericht_types:
        not_family = list(dict.fromkeys(e.no for e in entries if e is not None and not e.has("family")))
        if not_family:
            nos = ", ".join(map(str, not_family))
            yield "/courts/trial/type", {**params, "reason_de": "das Familiengericht (Art 4) hört nur Familiensachen "
                                         f"(§ 23a GVG, §§ 111, 266 FamFG); keine Familiensache: Katalog-Nr. {nos}",
                                         "reason_en": "the Familiengericht (type 4) only hears family matters "
                                         f"(§ 23a GVG, §§ 111, 266 FamFG); no family matter: no. {nos}"}
        return
    medical = list(dict.fromkeys(e.no for e in entries if e is not None and e.has("medical")))
    if medical and ctx.application_date(case) >= t.medical_landgericht_from:
        if kind not in t.landgericht_types:
            nos, since = ", ".join(map(str, medical)), t.medical_landgericht_from
            yield "/courts/trial/type", {**params, "reason_de": "Streitigkeiten aus Heilbehandlungen "
                                         f"(Katalog-Nr. {nos}) gehören seit dem {since:%d.%m.%Y} ohne Rücksicht auf "
                                         "den Streitwert vor das Landgericht (Art 2; § 71 Abs. 2 Nr. 9 GVG)",
                                         "reason_en": f"disputes from medical treatment (no. {nos}) go to the "
                                         f"Landgericht (type 2) whatever the value since {since.isoformat()} "
                                         "(§ 71 Abs. 2 Nr. 9 GVG)"}
            return
    if kind in t.kfh_types:
        debtors = case.get("debtors") if isinstance(case.get("debtors"), list) else []
        for i, debtor in enumerate(debtors):
            if isinstance(debtor, dict) and is_merchant(debtor) is False:
                yield "/courts/trial/type", {**params, "reason_de": f"der {i + 1}. Antragsgegner ist kein "
                                             "eingetragener Kaufmann; die Kammer für Handelssachen (Art 3) hört nur "
                                             "Ansprüche gegen Kaufleute aus beiderseitigen Handelsgeschäften "
                                             "(§ 95 Abs. 1 Nr. 1 GVG); "
                                             "zuständig ist je nach Streitwert das Amtsgericht (Art 1) oder die "
                                             "Zivilkammer des Landgerichts (Art 2)",
                                             "reason_en": f"debtor {i + 1} is no registered merchant; the Kammer für "
                                             "Handelssachen (type 3) only hears claims against merchants from "
                                             "transactions commercial for both sides (§ 95 (1) no. 1 GVG); by value "
                                             "the Amtsgericht (type 1) or the Landgericht's civil chamber (type 2)"}
                return
    if medical and ctx.application_date(case) >= t.medical_landgericht_from:
        return  # the Landgericht hears it whatever the value
    if kind in t.amtsgericht_any_value_types or not claims:
        return
    if any(c.money(claim.get("amount")) is None for claim in claims):
        return
    # the value is what the application claims: the open amounts of the claim account (§ 4 ZPO: interest
    # and costs do not count)
    amounts = [account(claim).open for claim in claims]
    any_value = [court == "any_value_amtsgericht" for court in courts]
    value = sum((a for a, exempt in zip(amounts, any_value) if not exempt), Decimal("0"))
    limit = t.value_limit(ctx.application_date(case))
    if all(any_value):
        if kind in t.landgericht_types:
            yield "/courts/trial/type", {**params, "reason_de": "Wohnraummiete und Wohnungseigentumssachen hört das "
                                         "Amtsgericht ohne Rücksicht auf den Streitwert (§ 23 Nr. 2a, 2c GVG)",
                                         "reason_en": "residential rent and condominium (WEG) matters go to the "
                                         "Amtsgericht whatever the value (§ 23 no. 2a, 2c GVG)"}
        return
    if kind in t.amtsgericht_types and value > limit:
        yield "/courts/trial/type", {**params, "reason_de": f"die Hauptforderungen ({eur_de(value)}) übersteigen die "
                                     f"Streitwertgrenze des Amtsgerichts von {eur_de(limit)}; zuständig ist das "
                                     "Landgericht (Art 2 oder 3)",
                                     "reason_en": f"the main claims ({eur_en(value)}) exceed the Amtsgericht's limit "
                                     f"of {eur_en(limit)}; choose the Landgericht (type 2 or 3)"}
    elif kind in t.landgericht_types and value <= limit:
        yield "/courts/trial/type", {**params, "reason_de": f"die Hauptforderungen ({eur_de(value)}) liegen nicht über "
                                     f"der Streitwertgrenze des Amtsgerichts von {eur_de(limit)}; zuständig ist das "
                                     "Amtsgericht (Art 1)",
                                     "reason_en": f"the main claims ({eur_en(value)}) do not exceed the Amtsgericht's "
                                     f"limit of {eur_en(limit)}; choose the Amtsgericht (type 1)"}
