"""UBL 2.1 Invoice / CreditNote (Peppol BIS 3, XRechnung UBL) → InvoiceView."""

from __future__ import annotations

import re
from typing import Any

from extraction.engine.xmlsafe import local

from .model import (
    NOTE_SUBJECTS,
    PAYMENT_MEANS,
    Address,
    AllowanceCharge,
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


def _address(el: Any) -> Address:
    if el is None:
        return Address()
    lines = [text(el, p) for p in ("StreetName", "AdditionalStreetName")]
    lines += [text(n) for n in all_of(el, "AddressLine/Line")]
    return Address(
        lines=[x for x in lines if x],
        postcode=text(el, "PostalZone"),
        city=text(el, "CityName"),
        region=text(el, "CountrySubentity"),
        country=text(el, "Country/IdentificationCode"),
    )


def _scheme(node: Any) -> str:
    scheme = (node.get("schemeID") or "").strip()
    return f"{scheme}: {text(node)}" if scheme else text(node)


def _party(el: Any, role: str) -> Party:
    party = Party(role)
    if el is None:
        return party
    legal = first(el, "PartyLegalEntity")
    party.name = cell(el, "PartyLegalEntity/RegistrationName", "PartyName/Name")
    trading = text(el, "PartyName/Name")
    if party.name and trading and trading != party.name.text:
        party.trading_name = trading
    party.address = _address(first(el, "PostalAddress"))
    for pts in all_of(el, "PartyTaxScheme"):
        value = cell(pts, "CompanyID")
        if value is None:
            continue
        if text(pts, "TaxScheme/ID").upper() in ("VAT", "VA", ""):
            party.vat_ids.append(value)
        else:
            party.tax_numbers.append(value)
    party.registration = cell(legal, "CompanyID")
    party.legal_info = text(legal, "CompanyLegalForm")
    party.identifiers = [_scheme(n) for n in all_of(el, "PartyIdentification/ID") if text(n)]
    endpoint = first(el, "EndpointID")
    party.endpoint = _scheme(endpoint) if endpoint is not None else ""
    contact = first(el, "Contact")
    party.contact = [x for x in (text(contact, p) for p in ("Name", "Telephone", "ElectronicMail")) if x]
    return party


def _allowance_charge(el: Any) -> AllowanceCharge:
    category = first(el, "TaxCategory")
    return AllowanceCharge(
        is_charge=text(el, "ChargeIndicator").lower() == "true",
        amount=cell(el, "Amount", fmt=amount),
        reason=" – ".join(
            x for x in (text(el, "AllowanceChargeReasonCode"), text(el, "AllowanceChargeReason")) if x
        ),
        base=amount(text(el, "BaseAmount")) if text(el, "BaseAmount") else "",
        percent=percent(text(el, "MultiplierFactorNumeric")) if text(el, "MultiplierFactorNumeric") else "",
        vat=vat_label(
            text(category, "ID"), percent(text(category, "Percent")) if text(category, "Percent") else ""
        ),
        path=path_of(el),
    )


def _period(el: Any) -> str:
    if el is None:
        return ""
    start, end = iso_date(text(el, "StartDate")), iso_date(text(el, "EndDate"))
    return " – ".join(x for x in (start, end) if x)


def _line(el: Any, level: int = 0) -> list[Line]:
    item = first(el, "Item")
    price = first(el, "Price")
    qty_node = first(el, "InvoicedQuantity", "CreditedQuantity", "DebitedQuantity")
    tax = first(item, "ClassifiedTaxCategory")
    price_ac = first(price, "AllowanceCharge")
    children = all_of(el, "SubInvoiceLine")
    line = Line(
        number=text(el, "ID"),
        name=text(item, "Name") or text(item, "Description"),
        description=text(item, "Description") if text(item, "Name") else "",
        quantity=quantity(text(qty_node)) if qty_node is not None else "",
        unit=unit_label(qty_node.get("unitCode")) if qty_node is not None else "",
        net_price=amount(text(price, "PriceAmount")) if text(price, "PriceAmount") else "",
        gross_price=amount(text(price_ac, "BaseAmount")) if text(price_ac, "BaseAmount") else "",
        price_discount=amount(text(price_ac, "Amount")) if decimal_of(text(price_ac, "Amount")) else "",
        price_base_quantity=quantity(text(price, "BaseQuantity")) if text(price, "BaseQuantity") else "",
        total=cell(el, "LineExtensionAmount", fmt=amount),
        vat=vat_label(text(tax, "ID"), percent(text(tax, "Percent")) if text(tax, "Percent") else ""),
        seller_item_id=text(item, "SellersItemIdentification/ID"),
        buyer_item_id=text(item, "BuyersItemIdentification/ID"),
        standard_item_id=text(item, "StandardItemIdentification/ID"),
        period=_period(first(el, "InvoicePeriod")),
        order_line=text(el, "OrderLineReference/LineID"),
        accounting=text(el, "AccountingCost"),
        notes=multiline(el, "Note"),
        properties=[
            (text(p, "Name"), text(p, "Value"))
            for p in all_of(item, "AdditionalItemProperty")
            if text(p, "Name")
        ],
        allowances_charges=[_allowance_charge(a) for a in all_of(el, "AllowanceCharge")],
        level=level,
        is_group=bool(children),
        path=path_of(el),
    )
    out = [line]
    for child in children:
        out += _line(child, level + 1)
    return out


def _payment_means(el: Any) -> PaymentMeans:
    code_node = first(el, "PaymentMeansCode")
    code = text(code_node)
    kind = (code_node.get("name") if code_node is not None else "") or PAYMENT_MEANS.get(code, code)
    account = first(el, "PayeeFinancialAccount")
    return PaymentMeans(
        kind=kind or "",
        iban=cell(account, "ID", fmt=iban),
        account_name=text(account, "Name"),
        bic=text(account, "FinancialInstitutionBranch/ID"),
        card=text(el, "CardAccount/PrimaryAccountNumberID"),
        mandate=text(el, "PaymentMandate/ID"),
        debited_account=text(el, "PaymentMandate/PayerFinancialAccount/ID"),
        remittance=cell(el, "PaymentID"),
        information=text(el, "InstructionNote"),
    )


def read(root: Any) -> InvoiceView:
    kind = local(root.tag)
    type_code = text(root, "InvoiceTypeCode", "CreditNoteTypeCode", "DebitNoteTypeCode")
    view = InvoiceView(
        syntax="UBL",
        title=document_title(type_code, credit_note_root=kind == "CreditNote"),
        type_code=type_code,
        profile=text(root, "CustomizationID"),
    )
    view.number = cell(root, "ID")
    view.issue_date = cell(root, "IssueDate", fmt=iso_date)
    view.due_date = cell(
        root, "DueDate", "PaymentMeans/PaymentDueDate", "PaymentTerms/PaymentDueDate", fmt=iso_date
    )
    view.tax_point_date = iso_date(text(root, "TaxPointDate"))
    view.delivery_date = iso_date(text(root, "Delivery/ActualDeliveryDate"))
    view.period = _period(first(root, "InvoicePeriod"))
    view.currency = cell(root, "DocumentCurrencyCode")
    view.add_reference("Buyer reference", cell(root, "BuyerReference"))
    view.add_reference("Order", cell(root, "OrderReference/ID"))
    view.add_reference("Sales order", cell(root, "OrderReference/SalesOrderID"))
    view.add_reference("Contract", cell(root, "ContractDocumentReference/ID"))
    view.add_reference("Project", cell(root, "ProjectReference/ID"))
    for ref in all_of(root, "BillingReference/InvoiceDocumentReference"):
        value = cell(ref, "ID")
        if value and text(ref, "IssueDate"):
            value = type(value)(f"{value.text} of {iso_date(text(ref, 'IssueDate'))}", value.path)
        view.add_reference("Preceding invoice", value)
    view.add_reference("Despatch advice", cell(root, "DespatchDocumentReference/ID"))
    view.add_reference("Receiving advice", cell(root, "ReceiptDocumentReference/ID"))
    view.add_reference("Tender or lot", cell(root, "OriginatorDocumentReference/ID"))
    view.add_reference("Buyer accounting", cell(root, "AccountingCost"))
    view.seller = _party(first(root, "AccountingSupplierParty/Party"), "Seller")
    view.buyer = _party(first(root, "AccountingCustomerParty/Party"), "Buyer")
    payee = first(root, "PayeeParty")
    view.payee = _party(payee, "Payee") if payee is not None else None
    representative = first(root, "TaxRepresentativeParty")
    view.tax_representative = (
        _party(representative, "Tax representative") if representative is not None else None
    )
    delivery = first(root, "Delivery")
    if delivery is not None and (
        first(delivery, "DeliveryLocation/Address") is not None
        or text(delivery, "DeliveryParty/PartyName/Name")
    ):
        view.delivery = Party(
            "Deliver to",
            name=cell(delivery, "DeliveryParty/PartyName/Name"),
            address=_address(first(delivery, "DeliveryLocation/Address")),
            identifiers=[text(n) for n in all_of(delivery, "DeliveryLocation/ID") if text(n)],
        )
    line_nodes = all_of(root, "InvoiceLine") + all_of(root, "CreditNoteLine") + all_of(root, "DebitNoteLine")
    for node in line_nodes:
        view.lines += _line(node)
    view.lines_path = path_of(line_nodes[0]) if line_nodes else ""
    view.allowances_charges = [_allowance_charge(a) for a in all_of(root, "AllowanceCharge")]
    currency = view.currency.text if view.currency else ""
    tax_totals = all_of(root, "TaxTotal")
    if currency and len(tax_totals) > 1:
        # A second TaxTotal (BT-111) restates the VAT in the accounting currency.
        same = [
            t
            for t in tax_totals
            if (
                first(t, "TaxAmount") is None
                or (first(t, "TaxAmount").get("currencyID") or currency) == currency
            )
        ]
        tax_totals = same or tax_totals
    for subtotal in [s for t in tax_totals for s in all_of(t, "TaxSubtotal")]:
        category = first(subtotal, "TaxCategory")
        view.vat.append(
            VatRow(
                category=vat_category(text(category, "ID")),
                rate=percent(text(category, "Percent")) if text(category, "Percent") else "",
                base=cell(subtotal, "TaxableAmount", fmt=amount),
                amount=cell(subtotal, "TaxAmount", fmt=amount),
                exemption=" – ".join(
                    x
                    for x in (text(category, "TaxExemptionReasonCode"), text(category, "TaxExemptionReason"))
                    if x
                ),
                path=path_of(subtotal),
            )
        )
    view.vat_path = path_of(tax_totals[0]) if tax_totals else ""
    lmt = first(root, "LegalMonetaryTotal")
    totals = view.totals
    totals.add("Sum of line net amounts", cell(lmt, "LineExtensionAmount", fmt=amount))
    totals.add("Allowances", cell(lmt, "AllowanceTotalAmount", fmt=amount), subtract=True, optional=True)
    totals.add("Charges", cell(lmt, "ChargeTotalAmount", fmt=amount), optional=True)
    totals.add("Total without VAT", cell(lmt, "TaxExclusiveAmount", fmt=amount), strong=True)
    for tax_total in tax_totals[:1]:
        totals.add("VAT", cell(tax_total, "TaxAmount", fmt=amount))
    totals.add("Total with VAT", cell(lmt, "TaxInclusiveAmount", fmt=amount), strong=True)
    totals.add("Paid in advance", cell(lmt, "PrepaidAmount", fmt=amount), subtract=True, optional=True)
    totals.add("Rounding", cell(lmt, "PayableRoundingAmount", fmt=amount), optional=True)
    totals.add("Amount due", cell(lmt, "PayableAmount", fmt=amount), strong=True)
    terms = all_of(root, "PaymentTerms")
    view.payment_terms = [n for t in terms for n in multiline(t, "Note")]
    view.payment_terms_path = path_of(terms[0]) if terms else ""
    view.payment_means = [_payment_means(pm) for pm in all_of(root, "PaymentMeans")]
    for note in multiline(root, "Note"):
        # Peppol/XRechnung put the UNTDID 4451 subject in front: "#AAK#text".
        parts = note.split("#", 2)
        if note.startswith("#") and len(parts) == 3 and re.fullmatch(r"[A-Z]{3}", parts[1]):
            label = NOTE_SUBJECTS.get(parts[1], parts[1])
            note = f"{label}: {parts[2].strip()}" if label else parts[2].strip()
        view.notes.append(note)
    for ref in all_of(root, "AdditionalDocumentReference"):
        binary = first(ref, "Attachment/EmbeddedDocumentBinaryObject")
        view.files.append(
            EmbeddedFileRef(
                reference=text(ref, "ID"),
                description=text(ref, "DocumentDescription") or text(ref, "DocumentType"),
                filename=binary.get("filename", "") if binary is not None else "",
                mime=binary.get("mimeCode", "") if binary is not None else "",
                external_uri=text(ref, "Attachment/ExternalReference/URI"),
                embedded=binary is not None,
            )
        )
    return view
