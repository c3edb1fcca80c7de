"""UN/CEFACT CII (XRechnung CII, ZUGFeRD 2 / Factur-X, and the ZUGFeRD 1.0 CrossIndustryDocument) → InvoiceView."""

from __future__ import annotations

from typing import Any

from extraction.engine.xmlsafe import local

from .model import (
    NOTE_SUBJECTS,
    PAYMENT_MEANS,
    Address,
    AllowanceCharge,
    Cell,
    EmbeddedFileRef,
    InvoiceView,
    Line,
    Party,
    PaymentMeans,
    VatRow,
    amount,
    decimal_of,
    document_title,
    iban,
    iso_date,
    percent,
    quantity,
    unit_label,
    vat_category,
    vat_label,
)
from .xmlnav import all_of, cell, first, multiline, path_of, text

# ZUGFeRD 1.0 names first-level aggregates differently; each pair is (CII D16B, ZUGFeRD 1.0).
_AGREEMENT = ("ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement")
_DELIVERY = ("ApplicableHeaderTradeDelivery", "ApplicableSupplyChainTradeDelivery")
_SETTLEMENT = ("ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement")
_LINE_AGREEMENT = ("SpecifiedLineTradeAgreement", "SpecifiedSupplyChainTradeAgreement")
_LINE_DELIVERY = ("SpecifiedLineTradeDelivery", "SpecifiedSupplyChainTradeDelivery")
_LINE_SETTLEMENT = ("SpecifiedLineTradeSettlement", "SpecifiedSupplyChainTradeSettlement")
_RATE = ("RateApplicablePercent", "ApplicablePercent")


def _address(el: Any) -> Address:
    if el is None:
        return Address()
    return Address(
        lines=[x for x in (text(el, p) for p in ("LineOne", "LineTwo", "LineThree")) if x],
        postcode=text(el, "PostcodeCode"),
        city=text(el, "CityName"),
        region=text(el, "CountrySubDivisionName"),
        country=text(el, "CountryID"),
    )


def _party(el: Any, role: str) -> Party:
    party = Party(role)
    if el is None:
        return party
    legal = first(el, "SpecifiedLegalOrganization")
    party.name = cell(el, "Name")
    party.trading_name = text(legal, "TradingBusinessName")
    party.address = _address(first(el, "PostalTradeAddress"))
    for reg in all_of(el, "SpecifiedTaxRegistration/ID"):
        value = cell(reg, ".")
        if value is None:
            continue
        if (reg.get("schemeID") or "").upper() == "FC":
            party.tax_numbers.append(value)
        else:
            party.vat_ids.append(value)
    party.registration = cell(legal, "ID")
    party.legal_info = text(el, "Description")
    ids = [text(n) for n in all_of(el, "ID") if text(n)]
    ids += [
        f"{n.get('schemeID')}: {text(n)}" if n.get("schemeID") else text(n)
        for n in all_of(el, "GlobalID")
        if text(n)
    ]
    party.identifiers = ids
    endpoint = first(el, "URIUniversalCommunication/URIID")
    if endpoint is not None and text(endpoint):
        scheme = endpoint.get("schemeID")
        party.endpoint = f"{scheme}: {text(endpoint)}" if scheme else text(endpoint)
    contact = first(el, "DefinedTradeContact")
    party.contact = [
        x
        for x in (
            text(contact, "PersonName"),
            text(contact, "DepartmentName"),
            text(contact, "TelephoneUniversalCommunication/CompleteNumber"),
            text(contact, "EmailURIUniversalCommunication/URIID"),
        )
        if x
    ]
    return party


def _allowance_charge(el: Any) -> AllowanceCharge:
    tax = first(el, "CategoryTradeTax")
    rate = text(tax, *_RATE)
    return AllowanceCharge(
        is_charge=text(el, "ChargeIndicator/Indicator", "ChargeIndicator").lower() == "true",
        amount=cell(el, "ActualAmount", fmt=amount) or Cell(""),
        reason=" – ".join(x for x in (text(el, "ReasonCode"), text(el, "Reason")) if x),
        base=amount(text(el, "BasisAmount")) if text(el, "BasisAmount") else "",
        percent=percent(text(el, "CalculationPercent")) if text(el, "CalculationPercent") else "",
        vat=vat_label(text(tax, "CategoryCode"), percent(rate) if rate else ""),
        path=path_of(el),
    )


def _period(el: Any) -> str:
    if el is None:
        return ""
    start = iso_date(text(el, "StartDateTime/DateTimeString"))
    end = iso_date(text(el, "EndDateTime/DateTimeString"))
    return " – ".join(x for x in (start, end) if x)


def _line(el: Any) -> Line:
    doc = first(el, "AssociatedDocumentLineDocument")
    product = first(el, "SpecifiedTradeProduct")
    agreement = first(el, *_LINE_AGREEMENT)
    settlement = first(el, *_LINE_SETTLEMENT)
    gross = first(agreement, "GrossPriceProductTradePrice")
    net = first(agreement, "NetPriceProductTradePrice")
    qty_node = first(el, f"{_LINE_DELIVERY[0]}/BilledQuantity", f"{_LINE_DELIVERY[1]}/BilledQuantity")
    tax = first(settlement, "ApplicableTradeTax")
    rate = text(tax, *_RATE)
    price_discounts = [
        n for n in all_of(gross, "AppliedTradeAllowanceCharge") if decimal_of(text(n, "ActualAmount"))
    ]
    base_qty = text(net, "BasisQuantity") or text(gross, "BasisQuantity")
    name = text(product, "Name")
    return Line(
        number=text(doc, "LineID"),
        name=name or text(product, "Description"),
        description=text(product, "Description") if name else "",
        quantity=quantity(text(qty_node)) if qty_node is not None else "",
        unit=unit_label(qty_node.get("unitCode")) if qty_node is not None else "",
        net_price=amount(text(net, "ChargeAmount")) if text(net, "ChargeAmount") else "",
        gross_price=amount(text(gross, "ChargeAmount")) if text(gross, "ChargeAmount") else "",
        price_discount=amount(text(price_discounts[0], "ActualAmount")) if price_discounts else "",
        price_base_quantity=quantity(base_qty) if base_qty and base_qty not in ("1", "1.0", "1.0000") else "",
        total=cell(
            settlement,
            "SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount",
            "SpecifiedTradeSettlementMonetarySummation/LineTotalAmount",
            fmt=amount,
        ),
        vat=vat_label(text(tax, "CategoryCode"), percent(rate) if rate else ""),
        seller_item_id=text(product, "SellerAssignedID"),
        buyer_item_id=text(product, "BuyerAssignedID"),
        standard_item_id=text(product, "GlobalID"),
        period=_period(first(settlement, "BillingSpecifiedPeriod")),
        order_line=text(agreement, "BuyerOrderReferencedDocument/LineID"),
        accounting=text(settlement, "ReceivableSpecifiedTradeAccountingAccount/ID"),
        notes=multiline(doc, "IncludedNote/Content"),
        properties=[
            (text(p, "Description"), text(p, "Value"))
            for p in all_of(product, "ApplicableProductCharacteristic")
            if text(p, "Description")
        ],
        allowances_charges=[
            _allowance_charge(a) for a in all_of(settlement, "SpecifiedTradeAllowanceCharge")
        ],
        path=path_of(el),
    )


def _lines(tx: Any) -> list[Line]:
    """Lines with EXTENDED sub-invoice lines (ParentLineID) shown under their group line, which is then a
    heading; files list children before or after their parent, so the tree is rebuilt in document order."""
    nodes = all_of(tx, "IncludedSupplyChainTradeLineItem")
    lines = [_line(n) for n in nodes]
    parent_of = {
        line.number: text(node, "AssociatedDocumentLineDocument/ParentLineID")
        for node, line in zip(nodes, lines, strict=True)
    }
    known = {line.number for line in lines}
    children: dict[str, list[Line]] = {}
    roots = []
    for line in lines:
        parent = parent_of.get(line.number, "")
        if parent and parent in known and parent != line.number:
            children.setdefault(parent, []).append(line)
        else:
            roots.append(line)
    out: list[Line] = []
    seen: set[int] = set()

    def visit(line: Line, level: int) -> None:
        if id(line) in seen:  # a cycle in ParentLineID must not loop
            return
        seen.add(id(line))
        line.level = level
        line.is_group = line.number in children
        out.append(line)
        for child in children.get(line.number, []):
            visit(child, level + 1)

    for root in roots:
        visit(root, 0)
    out += [line for line in lines if id(line) not in seen]
    return out


def _payment_means(el: Any) -> PaymentMeans:
    code = text(el, "TypeCode")
    account = first(el, "PayeePartyCreditorFinancialAccount")
    return PaymentMeans(
        kind=PAYMENT_MEANS.get(code, code),
        iban=cell(account, "IBANID", "ProprietaryID", fmt=iban),
        account_name=text(account, "AccountName"),
        bic=text(el, "PayeeSpecifiedCreditorFinancialInstitution/BICID"),
        card=text(el, "ApplicableTradeSettlementFinancialCard/ID"),
        debited_account=text(el, "PayerPartyDebtorFinancialAccount/IBANID"),
        information=text(el, "Information"),
    )


def read(root: Any) -> InvoiceView:
    doc = first(root, "ExchangedDocument", "HeaderExchangedDocument")
    tx = first(root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
    agreement = first(tx, *_AGREEMENT)
    delivery = first(tx, *_DELIVERY)
    settlement = first(tx, *_SETTLEMENT)
    type_code = text(doc, "TypeCode")
    view = InvoiceView(
        syntax="ZUGFeRD 1.0" if local(root.tag) == "CrossIndustryDocument" else "CII",
        title=document_title(type_code),
        type_code=type_code,
        profile=text(
            root,
            "ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID",
            "SpecifiedExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID",
        ),
    )
    view.number = cell(doc, "ID")
    view.issue_date = cell(doc, "IssueDateTime/DateTimeString", fmt=iso_date)
    terms = all_of(settlement, "SpecifiedTradePaymentTerms")
    view.due_date = None
    for term in terms:
        view.due_date = view.due_date or cell(term, "DueDateDateTime/DateTimeString", fmt=iso_date)
    view.delivery_date = iso_date(
        text(delivery, "ActualDeliverySupplyChainEvent/OccurrenceDateTime/DateTimeString")
    )
    view.period = _period(first(settlement, "BillingSpecifiedPeriod"))
    view.currency = cell(settlement, "InvoiceCurrencyCode")
    view.add_reference("Buyer reference", cell(agreement, "BuyerReference"))
    view.add_reference(
        "Order",
        cell(agreement, "BuyerOrderReferencedDocument/IssuerAssignedID", "BuyerOrderReferencedDocument/ID"),
    )
    view.add_reference("Sales order", cell(agreement, "SellerOrderReferencedDocument/IssuerAssignedID"))
    view.add_reference(
        "Contract",
        cell(agreement, "ContractReferencedDocument/IssuerAssignedID", "ContractReferencedDocument/ID"),
    )
    view.add_reference("Project", cell(agreement, "SpecifiedProcuringProject/ID"))
    for ref in all_of(settlement, "InvoiceReferencedDocument"):
        value = cell(ref, "IssuerAssignedID")
        date = iso_date(text(ref, "FormattedIssueDateTime/DateTimeString"))
        if value and date:
            value = Cell(f"{value.text} of {date}", value.path)
        view.add_reference("Preceding invoice", value)
    view.add_reference("Despatch advice", cell(delivery, "DespatchAdviceReferencedDocument/IssuerAssignedID"))
    view.add_reference(
        "Receiving advice", cell(delivery, "ReceivingAdviceReferencedDocument/IssuerAssignedID")
    )
    view.add_reference("Creditor reference", cell(settlement, "CreditorReferenceID"))
    view.add_reference("Buyer accounting", cell(settlement, "ReceivableSpecifiedTradeAccountingAccount/ID"))
    view.seller = _party(first(agreement, "SellerTradeParty"), "Seller")
    view.buyer = _party(first(agreement, "BuyerTradeParty"), "Buyer")
    payee = first(settlement, "PayeeTradeParty")
    view.payee = _party(payee, "Payee") if payee is not None else None
    representative = first(agreement, "SellerTaxRepresentativeTradeParty")
    view.tax_representative = (
        _party(representative, "Tax representative") if representative is not None else None
    )
    ship_to = first(delivery, "ShipToTradeParty")
    view.delivery = _party(ship_to, "Deliver to") if ship_to is not None else None
    view.lines = _lines(tx)
    line_nodes = all_of(tx, "IncludedSupplyChainTradeLineItem")
    view.lines_path = path_of(line_nodes[0]) if line_nodes else ""
    view.allowances_charges = [
        _allowance_charge(a) for a in all_of(settlement, "SpecifiedTradeAllowanceCharge")
    ]
    taxes = all_of(settlement, "ApplicableTradeTax")
    for tax in taxes:
        rate = text(tax, *_RATE)
        view.vat.append(
            VatRow(
                category=vat_category(text(tax, "CategoryCode")),
                rate=percent(rate) if rate else "",
                base=cell(tax, "BasisAmount", fmt=amount) or Cell(""),
                amount=cell(tax, "CalculatedAmount", fmt=amount) or Cell(""),
                exemption=" – ".join(
                    x for x in (text(tax, "ExemptionReasonCode"), text(tax, "ExemptionReason")) if x
                ),
                path=path_of(tax),
            )
        )
    view.vat_path = path_of(taxes[0]) if taxes else ""
    summary = first(
        settlement,
        "SpecifiedTradeSettlementHeaderMonetarySummation",
        "SpecifiedTradeSettlementMonetarySummation",
    )
    currency = view.currency.text if view.currency else ""
    totals = view.totals
    totals.add("Sum of line net amounts", cell(summary, "LineTotalAmount", fmt=amount))
    totals.add("Allowances", cell(summary, "AllowanceTotalAmount", fmt=amount), subtract=True, optional=True)
    totals.add("Charges", cell(summary, "ChargeTotalAmount", fmt=amount), optional=True)
    totals.add("Total without VAT", cell(summary, "TaxBasisTotalAmount", fmt=amount), strong=True)
    vat_nodes = all_of(summary, "TaxTotalAmount")
    # BT-111 repeats the VAT in the accounting currency: show the invoice currency's first.
    vat_nodes.sort(key=lambda n: 0 if not currency or (n.get("currencyID") or currency) == currency else 1)
    for node in vat_nodes:
        other = node.get("currencyID") and currency and node.get("currencyID") != currency
        label = f"VAT in {node.get('currencyID')}" if other else "VAT"
        totals.add(label, Cell(amount(text(node)), path_of(node)))
    totals.add("Total with VAT", cell(summary, "GrandTotalAmount", fmt=amount), strong=True)
    totals.add(
        "Paid in advance", cell(summary, "TotalPrepaidAmount", fmt=amount), subtract=True, optional=True
    )
    totals.add("Rounding", cell(summary, "RoundingAmount", fmt=amount), optional=True)
    totals.add("Amount due", cell(summary, "DuePayableAmount", fmt=amount), strong=True)
    view.payment_terms = [n for t in terms for n in multiline(t, "Description")]
    for term in terms:
        mandate = text(term, "DirectDebitMandateID")
        if mandate:
            view.payment_terms.append(f"Direct debit mandate {mandate}")
    view.payment_terms_path = path_of(terms[0]) if terms else ""
    view.payment_means = [
        _payment_means(pm) for pm in all_of(settlement, "SpecifiedTradeSettlementPaymentMeans")
    ]
    reference = cell(settlement, "PaymentReference")
    for means in view.payment_means:
        means.remittance = reference
    if reference and not view.payment_means:
        view.payment_means.append(PaymentMeans(kind="", remittance=reference))
    for note in all_of(doc, "IncludedNote"):
        subject = text(note, "SubjectCode")
        for content in multiline(note, "Content"):
            label = NOTE_SUBJECTS.get(subject, subject)
            view.notes.append(f"{label}: {content}" if label else content)
    for ref in all_of(agreement, "AdditionalReferencedDocument"):
        binary = first(ref, "AttachmentBinaryObject")
        view.files.append(
            EmbeddedFileRef(
                reference=text(ref, "IssuerAssignedID"),
                description=text(ref, "Name"),
                filename=binary.get("filename", "") if binary is not None else "",
                mime=binary.get("mimeCode", "") if binary is not None else "",
                external_uri=text(ref, "URIID"),
                embedded=binary is not None,
            )
        )
    return view
