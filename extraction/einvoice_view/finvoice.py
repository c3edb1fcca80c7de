"""Finvoice 1.x–3.0 → InvoiceView. Amounts use a decimal comma ("2830,30")."""

from __future__ import annotations

from functools import partial
from typing import Any

from .model import (
    Address,
    AllowanceCharge,
    Cell,
    InvoiceView,
    Line,
    Party,
    PaymentMeans,
    VatRow,
    amount,
    iban,
    iso_date,
    percent,
    quantity,
    vat_category,
    vat_label,
)
from .xmlnav import all_of, cell, first, multiline, path_of, text

_amount = partial(amount, comma=True)
_quantity = partial(quantity, comma=True)
_percent = partial(percent, comma=True)

_TYPES = {"INV": "Invoice", "CRE": "Credit note", "REQ": "Payment reminder", "SEI": "Self-billed invoice"}


def _address(el: Any, prefix: str) -> Address:
    if el is None:
        return Address()
    lines = [text(n) for n in all_of(el, f"{prefix}StreetName") if text(n)]
    box = text(el, f"{prefix}PostOfficeBoxIdentifier")
    return Address(
        lines=lines + ([box] if box else []),
        postcode=text(el, f"{prefix}PostCodeIdentifier"),
        city=text(el, f"{prefix}TownName"),
        region=text(el, "CountrySubdivision"),
        country=text(el, "CountryCode") or text(el, "CountryName"),
    )


def _party(root: Any, prefix: str, role: str) -> Party | None:
    details = first(root, f"{prefix}PartyDetails")
    if details is None:
        return None
    names = [n for n in all_of(details, f"{prefix}OrganisationName") if text(n)]
    party = Party(role)
    # The first name is the legal one; more names are a second language or a department.
    party.name = Cell(text(names[0]), path_of(names[0])) if names else None
    party.trading_name = " · ".join(text(n) for n in names[1:])
    party.address = _address(first(details, f"{prefix}PostalAddressDetails"), prefix)
    vat = cell(details, f"{prefix}OrganisationTaxCode")
    if vat:
        party.vat_ids.append(vat)
    party.registration = cell(root, f".//{prefix}PartyLegalRegIdentifier") or cell(
        details, f"{prefix}PartyIdentifier"
    )
    contact = [text(root, f"{prefix}ContactPersonName")]
    communication = first(root, f"{prefix}CommunicationDetails")
    contact += [
        text(communication, f"{prefix}PhoneNumberIdentifier"),
        text(communication, f"{prefix}EmailaddressIdentifier"),
    ]
    party.contact = [x for x in contact if x]
    return party


def _row(el: Any, *, sub: bool = False) -> Line:
    p = "SubRow" if sub else "Row"
    article = "SubArticle" if sub else "Article"
    qty_node = first(
        el,
        f"{'Sub' if sub else ''}DeliveredQuantity",
        f"{'Sub' if sub else ''}InvoicedQuantity",
        f"{'Sub' if sub else ''}OrderedQuantity",
    )
    rate = text(el, f"{p}VatRatePercent")
    discounts = []
    if text(el, f"{p}DiscountPercent") or text(el, f"{p}DiscountAmount"):
        discounts.append(
            AllowanceCharge(
                is_charge=False,
                amount=cell(el, f"{p}DiscountAmount", fmt=_amount) or Cell(""),
                percent=_percent(text(el, f"{p}DiscountPercent")) if text(el, f"{p}DiscountPercent") else "",
                reason=text(el, f"{p}DiscountTypeText"),
            )
        )
    return Line(
        number="",  # Finvoice rows carry no position; the reader numbers them
        name=text(el, f"{article}Name"),
        quantity=_quantity(text(qty_node)) if qty_node is not None else "",
        unit=(qty_node.get("QuantityUnitCode") or "") if qty_node is not None else "",
        net_price=_amount(text(el, f"{'Sub' if sub else ''}UnitPriceAmount"))
        if text(el, f"{'Sub' if sub else ''}UnitPriceAmount")
        else "",
        total=cell(el, f"{p}VatExcludedAmount", fmt=_amount),
        vat=vat_label(text(el, f"{p}VatCode"), _percent(rate) if rate else ""),
        seller_item_id=text(el, f"{article}Identifier"),
        accounting=text(el, f"{p}NormalProposedAccountIdentifier"),
        order_line=text(el, f"{p}Identifier"),
        notes=multiline(el, f"{p}FreeText"),
        allowances_charges=discounts,
        level=1 if sub else 0,
        path=path_of(el),
    )


def read(root: Any) -> InvoiceView:
    details = first(root, "InvoiceDetails")
    type_code = text(details, "InvoiceTypeCode")
    view = InvoiceView(
        syntax="Finvoice",
        title=_TYPES.get(type_code[:3].upper(), "Invoice") if type_code else "Invoice",
        type_code=" ".join(x for x in (type_code, text(details, "InvoiceTypeText")) if x),
        profile=f"Finvoice {root.get('Version')}" if root.get("Version") else "Finvoice",
    )
    view.number = cell(details, "InvoiceNumber")
    view.issue_date = cell(details, "InvoiceDate", fmt=iso_date)
    view.due_date = cell(details, "PaymentTermsDetails/InvoiceDueDate", fmt=iso_date) or cell(
        root, "EpiDetails/EpiPaymentInstructionDetails/EpiDateOptionDate", fmt=iso_date
    )
    view.delivery_date = iso_date(text(root, "DeliveryDetails/DeliveryDate"))
    total_node = first(details, "InvoiceTotalVatIncludedAmount")
    currency = total_node.get("AmountCurrencyIdentifier") if total_node is not None else ""
    # The currency is an attribute of the amounts: the total element itself is where it was read.
    view.currency = Cell(currency) if currency else None
    view.add_reference("Buyer reference", cell(details, "BuyerReferenceIdentifier"))
    view.add_reference("Order", cell(details, "OrderIdentifier"))
    view.add_reference("Seller reference", cell(details, "SellerReferenceIdentifier"))
    view.add_reference("Contract", cell(details, "AgreementIdentifier"))
    view.add_reference("Original invoice", cell(details, "OriginalInvoiceNumber"))
    view.add_reference(
        "Remittance reference",
        cell(root, "EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier"),
    )
    view.seller = _party(root, "Seller", "Seller") or Party("Seller")
    view.buyer = _party(root, "Buyer", "Buyer") or Party("Buyer")
    view.delivery = _party(root, "Delivery", "Deliver to")
    rows = all_of(root, "InvoiceRow")
    for row in rows:
        subs = all_of(row, "SubInvoiceRow")
        line = _row(row)
        if line.name or line.total or line.notes:
            line.number = str(sum(1 for x in view.lines if x.level == 0) + 1)
            view.lines.append(line)
        view.lines += [_row(s, sub=True) for s in subs]
    view.lines_path = path_of(rows[0]) if rows else ""
    specs = all_of(details, "VatSpecificationDetails")
    for spec in specs:
        rate = text(spec, "VatRatePercent")
        view.vat.append(
            VatRow(
                category=vat_category(text(spec, "VatCode")),
                rate=_percent(rate) if rate else "",
                base=cell(spec, "VatBaseAmount", fmt=_amount) or Cell(""),
                amount=cell(spec, "VatRateAmount", fmt=_amount) or Cell(""),
                exemption=text(spec, "VatFreeText"),
                path=path_of(spec),
            )
        )
    view.vat_path = path_of(specs[0]) if specs else ""
    totals = view.totals
    totals.add("Total without VAT", cell(details, "InvoiceTotalVatExcludedAmount", fmt=_amount), strong=True)
    totals.add("VAT", cell(details, "InvoiceTotalVatAmount", fmt=_amount))
    totals.add("Rounding", cell(details, "InvoiceTotalRoundoffAmount", fmt=_amount), optional=True)
    totals.add("Total with VAT", cell(details, "InvoiceTotalVatIncludedAmount", fmt=_amount), strong=True)
    totals.add(
        "Amount due",
        cell(root, "EpiDetails/EpiPaymentInstructionDetails/EpiInstructedAmount", fmt=_amount),
        strong=True,
    )
    terms = first(details, "PaymentTermsDetails")
    view.payment_terms = multiline(terms, "PaymentTermsFreeText")
    if text(terms, "CashDiscountPercent"):
        date = iso_date(text(terms, "CashDiscountDate"))
        view.payment_terms.append(
            f"Cash discount {_percent(text(terms, 'CashDiscountPercent'))}"
            + (f" if paid by {date}" if date else "")
        )
    if text(terms, "PaymentOverDueFineDetails/PaymentOverDueFinePercent"):
        view.payment_terms.append(
            f"Penalty interest {_percent(text(terms, 'PaymentOverDueFineDetails/PaymentOverDueFinePercent'))}"
        )
    view.payment_terms_path = path_of(terms) if terms is not None else ""
    reference = cell(root, "EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier")
    for account in all_of(root, ".//SellerAccountDetails"):
        view.payment_means.append(
            PaymentMeans(
                kind="Credit transfer",
                iban=cell(account, "SellerAccountID", fmt=iban),
                bic=text(account, "SellerBic"),
                remittance=reference,
            )
        )
    if not view.payment_means:
        epi_account = cell(root, ".//EpiBeneficiaryPartyDetails/EpiAccountID", fmt=iban)
        if epi_account:
            view.payment_means.append(
                PaymentMeans(
                    kind="Credit transfer",
                    iban=epi_account,
                    bic=text(root, ".//EpiBfiIdentifier"),
                    remittance=reference,
                )
            )
    view.notes = multiline(details, "InvoiceFreeText")
    return view
