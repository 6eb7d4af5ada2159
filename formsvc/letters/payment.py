"""How the debtor pays: the creditor's account, the payment reference and the GiroCode.

The GiroCode is an EPC QR code (EPC069-12, version 002, UTF-8) made with
``segno.helpers.make_epc_qr``; it carries exactly the account, the total and
the reference printed on the letter. Without a creditor ``bank_account`` there
is no payment block and no code; with nothing due there is no code either.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import segno.helpers

from .. import case as c

MAX_REFERENCE = 140  # EPC069-12: unstructured remittance information
MAX_NAME = 70  # EPC069-12: beneficiary name
MAX_AMOUNT = Decimal("999999999.99")


@dataclass(frozen=True)
class Payment:
    """The account to pay to, the amount and the reference, and the QR code as a data URI."""

    holder: str
    iban: str
    bic: str
    amount: Decimal
    reference: str
    qr_data_uri: str  # "" when no code can be made (nothing due)

    @property
    def iban_grouped(self) -> str:
        """The IBAN in groups of four, as printed."""
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))


def reference(case: dict[str, Any]) -> str:
    """Case reference (else case id) and every invoice number, at most 140 characters."""
    head = str(case.get("reference") or case.get("case_id") or "").strip()
    numbers = [str(cl.get("document_no")).strip() for cl in case.get("claims") or []
               if isinstance(cl, dict) and cl.get("document_no")]
    text = " ".join(part for part in [head, ", ".join(numbers)] if part)
    return text[:MAX_REFERENCE].strip()


def qr_svg_data_uri(holder: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """The GiroCode as an SVG data URI (scalable, sharp in print)."""
    qr = segno.helpers.make_epc_qr(name=holder[:MAX_NAME], iban=iban, amount=amount, text=text or None,
                                   bic=bic or None, encoding="utf-8")
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, omitsize=True, border=4, nl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def payment(case: dict[str, Any], total: Decimal) -> Payment | None:
    """The payment block, or ``None`` when the creditor gave no bank account."""
    account = c.get(case, "creditor", "bank_account")
    if not isinstance(account, dict) or not account.get("iban"):
        return None
    iban = str(account["iban"]).replace(" ", "").upper()
    bic = str(account.get("bic") or "").replace(" ", "").upper()
    holder = str(account.get("holder") or c.party_name(case.get("creditor"))).strip()
    text = reference(case)
    uri = ""
    if Decimal("0.01") <= total <= MAX_AMOUNT:
        uri = qr_svg_data_uri(holder, iban, bic, total, text)
    return Payment(holder, iban, bic, total, text, uri)
