"""Readers for structured e-invoices: UBL 2.1 / Peppol BIS 3, UN/CEFACT CII (XRechnung,
ZUGFeRD 2 / Factur-X and the ZUGFeRD 1.0 CrossIndustryDocument) and Finvoice 1.x-3.0.

Values are read exactly as the XML states them (EN 16931 semantics, see the eval README);
no arithmetic is done except to skip zero-valued note lines.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .checks import valid_iban
from .einvoice_terms import (
    amount_at,
    cii_allowance_charges,
    mark_groups,
    number_at,
    totals_block,
    ubl_allowance_charges,
    without_empty,
)
from .parsing import money, number_str, to_decimal
from .result import ExtractionError, empty_fields
from .xmlpath import all_of as _all
from .xmlpath import first as _first
from .xmlpath import first_of as _first_of
from .xmlpath import path_of as _path_of
from .xmlpath import text_of as _text
from .xmlsafe import UnsafeXML, local, parse_xml


class _Builder:
    """Collects fields with their XML provenance."""

    def __init__(self) -> None:
        self.fields = empty_fields()
        self.provenance: dict[str, dict[str, Any]] = {}

    def set(self, name: str, value: Any, node: Any = None) -> None:
        if value in (None, "", []):
            return
        if self.fields.get(name) not in (None, "", []):
            return
        self.fields[name] = value
        if node is not None and hasattr(node, "tag"):
            self.provenance[name] = {"xml_path": _path_of(node)}

    def set_text(self, name: str, el: Any, *paths: str) -> None:
        for p in paths:
            node = _first(el, p)
            val = _text(node) if node is not None else None
            if val:
                self.set(name, val, node)
                return

    def set_money(self, name: str, el: Any, *paths: str, currency: str | None = None) -> None:
        for p in paths:
            nodes = _all(el, p)
            if currency and len(nodes) > 1:
                # Some invoices repeat the tax total in the accounting currency.
                same = [n for n in nodes if _cur_of(n, currency)]
                nodes = same or nodes
            for node in nodes:
                d = to_decimal(node.text)
                if d is not None:
                    self.set(name, money(d), node)
                    return

    def set_date(self, name: str, el: Any, *paths: str) -> None:
        for p in paths:
            node = _first(el, p)
            iso = _xml_date(_text(node)) if node is not None else None
            if iso:
                self.set(name, iso, node)
                return


def _xml_date(s: str | None) -> str | None:
    if not s:
        return None
    import datetime as dt
    import re

    m = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2}).*", s.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None  # e.g. "20231401" in some Finvoice samples


def _cur_of(node: Any, cur: str) -> bool:
    return (node.get("currencyID") or cur).strip().upper() == cur.strip().upper()


def _nonzero_line(line: dict) -> bool:
    vals = [line.get(k) for k in ("quantity", "unit_price", "total")]
    return any(v is not None and Decimal(v) != 0 for v in vals)


def _iban(value: str | None) -> str | None:
    if not value:
        return None
    compact = "".join(value.split()).upper()
    return compact if valid_iban(compact) else None


# ------------------------------------------------------------------ UBL
def _ubl_party_name(party: Any) -> tuple[str | None, Any]:
    for p in ("PartyLegalEntity/RegistrationName", "PartyName/Name"):
        node = _first(party, p)
        if _text(node):
            return _text(node), node
    return None, None


def read_ubl(root: Any) -> _Builder:
    b = _Builder()
    kind = local(root.tag)
    b.set_text("invoice_number", root, "ID")
    b.set_date("issue_date", root, "IssueDate")
    b.set_date("due_date", root, "DueDate", "PaymentMeans/PaymentDueDate", "PaymentTerms/PaymentDueDate")
    b.set_text("currency", root, "DocumentCurrencyCode")
    cur = b.fields["currency"]
    sup = _first(root, "AccountingSupplierParty/Party")
    name, node = _ubl_party_name(sup)
    b.set("supplier_name", name, node)
    for pts in _all(sup, "PartyTaxScheme"):
        # BT-31 is the VAT scheme's id; other schemes (e.g. "FC", a national tax number) are BT-32.
        if (_text(pts, "TaxScheme/ID") or "").upper() in ("VAT", "VA"):
            b.set_text("supplier_vat_no", pts, "CompanyID")
    b.set_text("supplier_reg_no", sup, "PartyLegalEntity/CompanyID")
    buyer = _first(root, "AccountingCustomerParty/Party")
    name, node = _ubl_party_name(buyer)
    b.set("buyer_name", name, node)
    lmt = _first(root, "LegalMonetaryTotal")
    b.set_money("total", lmt, "TaxInclusiveAmount", currency=cur)
    b.set_money("subtotal", lmt, "TaxExclusiveAmount", currency=cur)
    b.set_money("tax_total", root, "TaxTotal/TaxAmount", currency=cur)
    tax_lines = []
    tax_totals = _all(root, "TaxTotal")
    if cur and len(tax_totals) > 1:
        # A second TaxTotal (BT-111) restates the VAT in the accounting currency.
        same = [
            t for t in tax_totals if (_first(t, "TaxAmount") is None) or _cur_of(_first(t, "TaxAmount"), cur)
        ]
        tax_totals = same or tax_totals
    for st in [s for t in tax_totals for s in _all(t, "TaxSubtotal")]:
        tax_lines.append(
            {
                "rate": number_str(to_decimal(_text(st, "TaxCategory/Percent") or "0")),
                "base": money(to_decimal(_text(st, "TaxableAmount"))),
                "amount": money(to_decimal(_text(st, "TaxAmount"))),
                **without_empty(
                    {
                        "category": _text(st, "TaxCategory/ID"),
                        "exemption_reason": _text(st, "TaxCategory/TaxExemptionReason"),
                    }
                ),
            }
        )
    b.set("tax_lines", tax_lines, _first(root, "TaxTotal"))
    allowances, charges = ubl_allowance_charges(root)
    b.fields["einvoice"] = totals_block(
        type_code=_text(root, "InvoiceTypeCode") or _text(root, "CreditNoteTypeCode"),
        credit_note=kind == "CreditNote",
        line_total=amount_at(lmt, "LineExtensionAmount"),
        allowance_total=amount_at(lmt, "AllowanceTotalAmount"),
        charge_total=amount_at(lmt, "ChargeTotalAmount"),
        prepaid=amount_at(lmt, "PrepaidAmount"),
        rounding=amount_at(lmt, "PayableRoundingAmount"),
        due=amount_at(lmt, "PayableAmount"),
        allowances=allowances,
        charges=charges,
    )
    b.set_text("po_number", root, "OrderReference/ID")
    for pm in _all(root, "PaymentMeans"):
        node = _first(pm, "PayeeFinancialAccount/ID")
        b.set("iban", _iban(_text(node)), node)
    if b.fields["iban"] is None:
        # Non-standard placements of the payee account; never the payer's (direct debit) account.
        for node in _all(root, ".//PayeeFinancialAccount/ID"):
            b.set("iban", _iban(_text(node)), node)
    lines = []
    for ln in _all(root, "InvoiceLine") + _all(root, "CreditNoteLine") + _all(root, "DebitNoteLine"):
        qty = _text(ln, "InvoicedQuantity") or _text(ln, "CreditedQuantity") or _text(ln, "DebitedQuantity")
        line = {
            "description": _text(ln, "Item/Name") or _text(ln, "Item/Description"),
            "quantity": number_str(to_decimal(qty)),
            "unit_price": number_str(to_decimal(_text(ln, "Price/PriceAmount"))),
            "total": money(to_decimal(_text(ln, "LineExtensionAmount"))),
            "tax_rate": number_str(to_decimal(_text(ln, "Item/ClassifiedTaxCategory/Percent"))),
        }
        line_allowances, line_charges = ubl_allowance_charges(ln)
        price_discount = _first(ln, "Price/AllowanceCharge")
        line.update(
            without_empty(
                {
                    "vat_category": _text(ln, "Item/ClassifiedTaxCategory/ID"),
                    "base_quantity": number_at(ln, "Price/BaseQuantity"),
                    "gross_price": number_at(price_discount, "BaseAmount"),
                    "price_discount": number_at(price_discount, "Amount"),
                    "allowances": line_allowances,
                    "charges": line_charges,
                }
            )
        )
        if _nonzero_line(line):
            lines.append(line)
    b.set("lines", lines, _first(root, f"{kind}Line"))
    return b


# ------------------------------------------------------------------ CII
def read_cii(root: Any) -> _Builder:
    b = _Builder()
    doc = _first_of(root, "ExchangedDocument", "HeaderExchangedDocument")
    b.set_text("invoice_number", doc, "ID")
    b.set_date("issue_date", doc, "IssueDateTime/DateTimeString")
    tx = _first_of(root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
    agreement = _first_of(tx, "ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement")
    settlement = _first_of(tx, "ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement")
    b.set_text("currency", settlement, "InvoiceCurrencyCode")
    cur = b.fields["currency"]
    seller = _first(agreement, "SellerTradeParty")
    b.set_text("supplier_name", seller, "Name", "SpecifiedLegalOrganization/TradingBusinessName")
    for reg in _all(seller, "SpecifiedTaxRegistration/ID"):
        if (reg.get("schemeID") or "").upper() == "VA":
            b.set("supplier_vat_no", _text(reg), reg)
    b.set_text("supplier_reg_no", seller, "SpecifiedLegalOrganization/ID")
    buyer = _first(agreement, "BuyerTradeParty")
    b.set_text("buyer_name", buyer, "Name")
    b.set_text(
        "po_number",
        agreement,
        "BuyerOrderReferencedDocument/IssuerAssignedID",
        "BuyerOrderReferencedDocument/ID",
    )
    summ = _first_of(
        settlement,
        "SpecifiedTradeSettlementHeaderMonetarySummation",
        "SpecifiedTradeSettlementMonetarySummation",
    )
    b.set_money("total", summ, "GrandTotalAmount", currency=cur)
    b.set_money("subtotal", summ, "TaxBasisTotalAmount", currency=cur)
    b.set_money("tax_total", summ, "TaxTotalAmount", currency=cur)
    b.set_date("due_date", settlement, "SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString")
    tax_lines = []
    for tax in _all(settlement, "ApplicableTradeTax"):
        rate = _text(tax, "RateApplicablePercent") or _text(tax, "ApplicablePercent") or "0"
        tax_lines.append(
            {
                "rate": number_str(to_decimal(rate)),
                "base": money(to_decimal(_text(tax, "BasisAmount"))),
                "amount": money(to_decimal(_text(tax, "CalculatedAmount"))),
                **without_empty(
                    {
                        "category": _text(tax, "CategoryCode"),
                        "exemption_reason": _text(tax, "ExemptionReason"),
                    }
                ),
            }
        )
    b.set("tax_lines", tax_lines, _first(settlement, "ApplicableTradeTax"))
    allowances, charges = cii_allowance_charges(
        settlement, unsigned=local(root.tag) == "CrossIndustryDocument"
    )
    b.fields["einvoice"] = totals_block(
        type_code=_text(doc, "TypeCode"),
        credit_note=False,
        line_total=amount_at(summ, "LineTotalAmount"),
        allowance_total=amount_at(summ, "AllowanceTotalAmount"),
        charge_total=amount_at(summ, "ChargeTotalAmount"),
        prepaid=amount_at(summ, "TotalPrepaidAmount"),
        rounding=amount_at(summ, "RoundingAmount"),
        due=amount_at(summ, "DuePayableAmount"),
        allowances=allowances,
        charges=charges,
    )
    for pm in _all(settlement, "SpecifiedTradeSettlementPaymentMeans"):
        node = _first(pm, "PayeePartyCreditorFinancialAccount/IBANID")
        b.set("iban", _iban(_text(node)), node)
    lines = []
    for ln in _all(tx, "IncludedSupplyChainTradeLineItem"):
        rate = _text(ln, ".//ApplicableTradeTax/RateApplicablePercent") or _text(
            ln, ".//ApplicableTradeTax/ApplicablePercent"
        )
        price = _text(ln, ".//NetPriceProductTradePrice/ChargeAmount")
        line = {
            "description": _text(ln, "SpecifiedTradeProduct/Name"),
            "quantity": number_str(to_decimal(_text(ln, ".//BilledQuantity"))),
            "unit_price": number_str(to_decimal(price)),
            "total": money(to_decimal(_text(ln, ".//LineTotalAmount"))),
            "tax_rate": number_str(to_decimal(rate)),
        }
        reference = _first(ln, "AssociatedDocumentLineDocument")
        gross = _first(ln, ".//GrossPriceProductTradePrice")
        net = _first(ln, ".//NetPriceProductTradePrice")
        line_settlement = _first_of(ln, "SpecifiedLineTradeSettlement", "SpecifiedSupplyChainTradeSettlement")
        line_allowances, line_charges = cii_allowance_charges(line_settlement)
        discounts = [
            d
            for d in _all(gross, "AppliedTradeAllowanceCharge")
            if _text(d, "ChargeIndicator/Indicator") != "true"
        ]
        extra = without_empty(
            {
                "line_id": _text(reference, "LineID"),
                "parent_line_id": _text(reference, "ParentLineID"),
                "line_status": _text(reference, "LineStatusReasonCode"),
                "vat_category": _text(ln, ".//ApplicableTradeTax/CategoryCode"),
                "gross_price": number_at(gross, "ChargeAmount"),
                "price_discount": number_at(discounts[0], "ActualAmount") if discounts else None,
                "base_quantity": number_at(net, "BasisQuantity") or number_at(gross, "BasisQuantity"),
                "allowances": line_allowances,
                "charges": line_charges,
            }
        )
        if all(v is None for v in line.values()):
            # A pure note item (ZUGFeRD 1.0 puts free text in its own line item): the reference
            # data keeps these as empty lines, whereas zero-valued section headers are dropped.
            lines.append({**line, **extra})
        elif _nonzero_line(line):
            lines.append({**line, **extra})
    mark_groups(lines)
    b.set("lines", lines, _first(tx, "IncludedSupplyChainTradeLineItem"))
    return b


# ------------------------------------------------------------------ Finvoice
def _fin_amount(el: Any, path: str) -> str | None:
    # Finvoice writes a decimal comma ("2830,30").
    return money(to_decimal(_text(el, path)))


def read_finvoice(root: Any) -> _Builder:
    b = _Builder()
    seller = _first(root, "SellerPartyDetails")
    b.set_text("supplier_name", seller, "SellerOrganisationName")
    b.set_text("supplier_vat_no", seller, "SellerOrganisationTaxCode")
    # BT-30: the legal registration id (Finvoice 3.0) wins over the business id (Y-tunnus).
    b.set_text("supplier_reg_no", root, ".//SellerPartyLegalRegIdentifier")
    b.set_text("supplier_reg_no", seller, "SellerPartyIdentifier")
    b.set_text("buyer_name", root, "BuyerPartyDetails/BuyerOrganisationName")
    det = _first(root, "InvoiceDetails")
    b.set_text("invoice_number", det, "InvoiceNumber")
    b.set_date("issue_date", det, "InvoiceDate")
    b.set_date("due_date", det, "PaymentTermsDetails/InvoiceDueDate")
    b.set_date("due_date", root, "EpiDetails/EpiPaymentInstructionDetails/EpiDateOptionDate")
    b.set_text("po_number", det, "OrderIdentifier")
    for name, tag in (
        ("total", "InvoiceTotalVatIncludedAmount"),
        ("subtotal", "InvoiceTotalVatExcludedAmount"),
        ("tax_total", "InvoiceTotalVatAmount"),
    ):
        node = _first(det, tag)
        if node is not None:
            b.set(name, _fin_amount(det, tag), node)
            b.set("currency", node.get("AmountCurrencyIdentifier"), node)
    tax_lines = []
    for vs in _all(det, "VatSpecificationDetails"):
        tax_lines.append(
            {
                "rate": number_str(to_decimal(_text(vs, "VatRatePercent") or "0")),
                "base": _fin_amount(vs, "VatBaseAmount"),
                "amount": _fin_amount(vs, "VatRateAmount"),
            }
        )
    b.set("tax_lines", tax_lines, _first(det, "VatSpecificationDetails"))
    type_code = _text(det, "InvoiceTypeCode")
    b.fields["einvoice"] = totals_block(
        type_code=type_code,
        # Finvoice: INV02 is a credit note ("hyvityslasku").
        credit_note=(type_code or "").upper() == "INV02",
        rounding=_fin_amount(det, "InvoiceTotalRoundoffAmount"),
    )
    for acc in _all(root, ".//SellerAccountDetails/SellerAccountID") + _all(
        root, ".//EpiBeneficiaryPartyDetails/EpiAccountID"
    ):
        b.set("iban", _iban(_text(acc)), acc)
    lines = []
    for row in _all(root, "InvoiceRow"):
        qty = (
            _text(row, "DeliveredQuantity") or _text(row, "InvoicedQuantity") or _text(row, "OrderedQuantity")
        )
        line = {
            "description": _text(row, "ArticleName") or _text(row, "RowFreeText"),
            "quantity": number_str(to_decimal(qty)),
            "unit_price": number_str(to_decimal(_text(row, "UnitPriceAmount"))),
            "total": _fin_amount(row, "RowVatExcludedAmount"),
            "tax_rate": number_str(to_decimal(_text(row, "RowVatRatePercent"))),
        }
        line.update(
            without_empty(
                {
                    "discount_percent": number_str(to_decimal(_text(row, "RowDiscountPercent"))),
                    "discount_amount": _fin_amount(row, "RowDiscountAmount"),
                }
            )
        )
        if any(line[k] is not None for k in ("quantity", "unit_price", "total")) and _nonzero_line(line):
            lines.append(line)
    b.set("lines", lines, _first(root, "InvoiceRow"))
    return b


def detect_kind(root: Any) -> str | None:
    name = local(root.tag)
    ns = root.tag.split("}", 1)[0].lstrip("{") if "}" in str(root.tag) else ""
    if name in ("Invoice", "CreditNote", "DebitNote") and "oasis" in ns:
        return "ubl"
    if name in ("CrossIndustryInvoice", "CrossIndustryDocument"):
        return "cii"
    if name == "Finvoice":
        return "finvoice"
    return None


def _find_invoice(root: Any) -> tuple[str | None, Any]:
    """The e-invoice element: the root itself, or one wrapped in an envelope (Peppol SBDH,
    SOAP, an archive container)."""
    kind = detect_kind(root)
    if kind:
        return kind, root
    for el in root.iter("*"):
        kind = detect_kind(el)
        if kind:
            return kind, el
    return None, root


_FINVOICE_START = re.compile(rb"<(?:[\w.-]+:)?Finvoice[\s>]")


def _unwrap_finvoice(data: bytes) -> bytes | None:
    """Finvoice files often start with a separate SOAP envelope (the bank routing header), so
    the file holds two XML documents. Return the Finvoice document, with an XML prolog so its
    declared encoding (often ISO-8859-15) still applies."""
    m = _FINVOICE_START.search(data)
    if not m or m.start() == 0:
        return None
    prolog = data.rfind(b"<?xml", 0, m.start())
    if prolog < 0:
        return data[m.start() :]
    end = data.find(b"?>", prolog)
    if end < 0:
        return None
    if data[end + 2 : m.start()].strip(b" \t\r\n"):
        # The prolog belongs to the envelope: keep it in front of the Finvoice element.
        return data[prolog : end + 2] + b"\n" + data[m.start() :]
    return data[prolog:]


def einvoice_element(data: bytes) -> tuple[str, Any]:
    """(kind, element) of the e-invoice in `data`: the root, one inside an envelope (SBDH, SOAP), or a
    Finvoice after its separate routing envelope. ExtractionError (UnsafeXML for safety) otherwise."""
    try:
        root = parse_xml(data)
    except UnsafeXML:
        raise
    except ExtractionError:
        inner = _unwrap_finvoice(data)
        if inner is None:
            raise
        root = parse_xml(inner)
    kind, el = _find_invoice(root)
    if kind is None:
        inner = _unwrap_finvoice(data)
        if inner is not None:
            kind, el = _find_invoice(parse_xml(inner))
    if kind is None:
        raise ExtractionError(f"XML root <{local(root.tag)}> is not a supported e-invoice format")
    return kind, el


def einvoice_kind(data: bytes) -> str:
    """ "ubl", "cii" or "finvoice": the one answer to "is this an e-invoice we read" (intake asks it too)."""
    return einvoice_element(data)[0]


def read_einvoice_xml(data: bytes) -> _Builder:
    """Parse e-invoice XML bytes into fields; ExtractionError if it is not an e-invoice."""
    kind, el = einvoice_element(data)
    if kind == "ubl":
        return read_ubl(el)
    if kind == "cii":
        return read_cii(el)
    return read_finvoice(el)
