"""How the debtor pays: the account to pay to, the payment reference and the GiroCode.

The GiroCode is an EPC QR code (EPC069-12, version 002, UTF-8, error level
M) encoded with segno; it carries exactly the account, the total and the
reference printed on the letter. The payload is built here field by field
(the same lines ``segno.helpers.make_epc_qr`` writes) so the QR mask can be
fixed: segno's automatic mask search costs ~20 ms per letter, and every mask
is valid for scanners. The code is embedded as a small PNG data URI (Pillow;
WeasyPrint draws it with interpolation off, so it stays sharp). The account is
the creditor's ``bank_account``, or the attorney's when it writes the letter
(:func:`.sender.payee`). Without an account there is no payment block and no code; with nothing
due there is no code either.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import segno

from .sender import payee

MAX_REFERENCE = 140  # EPC069-12: unstructured remittance information
MAX_NAME = 70  # EPC069-12: beneficiary name
MAX_AMOUNT = Decimal("999999999.99")
QR_MASK = 0


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


def epc_payload(holder: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """The EPC069-12 v002 payload: service tag, version, UTF-8, SCT, BIC, name, IBAN, amount, text."""
    if not Decimal("0.01") <= amount <= MAX_AMOUNT:
        raise ValueError("an EPC QR code carries 0.01 to 999999999.99 EUR")
    lines = ["BCD", "002", "1", "SCT", bic, holder[:MAX_NAME], iban, f"EUR{amount:.2f}", "", "",
             text[:MAX_REFERENCE]]
    return "\n".join(lines).rstrip("\n")


def qr_png_data_uri(payload: str, *, scale: int = 1, border: int = 4) -> str:
    """The QR code of ``payload`` (error level M, fixed mask) as a black-and-white PNG data URI.

    One pixel per module by default: the stylesheet sizes the image and asks for
    ``image-rendering: pixelated`` (no interpolation in the PDF, sharp edges in browsers),
    so a bigger bitmap would only cost encoding time.
    """
    from PIL import Image

    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False, mask=QR_MASK)
    size = len(qr.matrix) + 2 * border
    rows = bytearray([255]) * (size * border)
    for row in qr.matrix:
        rows += bytes([255]) * border + bytes(0 if dark else 255 for dark in row) + bytes([255]) * border
    rows += bytearray([255]) * (size * border)
    image = Image.frombytes("L", (size, size), bytes(rows)).convert("1")
    if scale > 1:
        image = image.resize((size * scale, size * scale), Image.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def payment(case: dict[str, Any], total: Decimal) -> Payment | None:
    """The payment block, or ``None`` when there is no account to pay to: the attorney's when it writes the
    letter and has an IBAN account, else the creditor's (:func:`.sender.payee`)."""
    found = payee(case)
    if found is None:
        return None
    account, holder = found
    iban = str(account["iban"]).replace(" ", "").upper()
    bic = str(account.get("bic") or "").replace(" ", "").upper()
    holder = holder.strip()
    text = reference(case)
    uri = ""
    if Decimal("0.01") <= total <= MAX_AMOUNT:
        uri = qr_png_data_uri(epc_payload(holder, iban, bic, total, text))
    return Payment(holder, iban, bic, total, text, uri)
