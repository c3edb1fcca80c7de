"""Document lines in Scoro terms: each cost line with its effective coding and the net price to send.

For a structured e-invoice the lines are exact to the cent (see `einvoice_lines`); for other documents a
misread unit price is caught by `line_price`. Pure: reads the document and its coding, writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bookkeeping.selectors import match_vat_code, purchase_vat_codes
from documents.readiness import (
    amount_sign,
    breakdown_agrees,
    counted_lines,
    einvoice_totals,
    line_label,
)

CENT = Decimal("0.01")


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def object_dimension(dimensions: Iterable) -> Any:
    """The header's accounting object: the first dimension that is not a project dimension."""
    for dim in dimensions:
        if getattr(dim.group, "name", "") != "Project":
            return dim
    return None


# --------------------------------------------------------------------------------------------- lines
def _net_unit_price(line) -> Decimal:
    if line.unit_price is not None:
        return Decimal(line.unit_price)
    if line.total is not None:
        qty = Decimal(line.quantity or 1) or Decimal(1)
        return Decimal(line.total) / qty
    return Decimal(0)


def _totals_agree(document, lines: list) -> bool:
    """Do the lines' totals add up to the document's net amount (its subtotal, or total − VAT, or the
    total when there is no VAT)? Only then is a line total trusted over its unit price."""
    if not lines or any(line.total is None for line in lines):
        return False
    line_sum = sum((Decimal(line.total) for line in lines), Decimal(0))
    slack = CENT * len(lines)
    nets = []
    if document.subtotal is not None:
        nets.append(Decimal(document.subtotal))
    elif document.total is not None:
        tax = Decimal(document.tax_total) if document.tax_total is not None else None
        if tax is not None:
            nets.append(Decimal(document.total) - tax)
        elif document.tax_rate is None or not document.tax_rate.percent:
            nets.append(Decimal(document.total))
    return any(abs(line_sum - net) <= slack for net in nets)


def line_price(document, line, lines: list) -> tuple[Decimal, str | None]:
    """(net unit price to send, warning or None) for one document line.

    The safety net for a misread line: when quantity × unit price is not the line total (beyond the
    rounding of a unit price to cents), the unit price is not sent blindly. If the line totals add up
    to the document's net amount, the line total is right and the price becomes total / quantity;
    otherwise the unit price is kept. Either way the attempt records a warning for a person.
    """
    price = _net_unit_price(line)
    if line.unit_price is None or line.total is None:
        return price, None
    qty = Decimal(line.quantity if line.quantity is not None else 1)
    if not qty:
        return price, None
    total = Decimal(line.total)
    if abs(qty * price - total) <= max(CENT, abs(qty) * CENT / 2):
        return price, None
    label = "L" + line_label(line)[1:]  # "Line 2 (Toner)": the same 1-based numbering as review
    product = f"{fmt_number(qty)} × {fmt_number(price)} = {fmt_number(qty * price)}, not its total {fmt_number(total)}"
    if _totals_agree(document, lines):
        fixed = total / qty
        return (
            fixed,
            f"{label}: {product}; sent price {fmt_number(fixed)} (total ÷ quantity), which agrees with the document totals.",
        )
    return (
        price,
        f"{label}: {product}; the line totals do not add up to the document either, so the unit price was sent — check it.",
    )


def fmt_number(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def line_warnings(document, lines: list | None = None) -> list[str]:
    """The warnings `coded_lines` would attach to the lines it maps (see `line_price`)."""
    return [c["warning"] for c in coded_lines(document, lines) if c.get("warning")]


def _header_net(document) -> Decimal:
    """Net amount of a document without lines: subtotal, else total minus VAT, else total ex. the tax rate."""
    if document.subtotal is not None:
        return Decimal(document.subtotal)
    if document.total is not None and document.tax_total is not None:
        return Decimal(document.total) - Decimal(document.tax_total)
    if document.total is not None and document.tax_rate is not None:
        return money(Decimal(document.total) / (1 + Decimal(document.tax_rate.percent) / 100))
    return Decimal(document.total or 0)


def _line_coding(document, line, header_object) -> dict[str, Any]:
    """A line's effective coding and VAT: its own value, else the header's."""
    tax_rate = line.tax_rate or document.tax_rate
    percent = line.tax_percent if line.tax_percent is not None else (tax_rate.percent if tax_rate else None)
    return {
        "percent": percent,
        "tax_rate": tax_rate,
        "finance_account": line.finance_account or document.finance_account,
        "dimension": line.dimension or header_object,
        "project": line.project or document.project,
        "product": line.product,
    }


def _document_label(document) -> str:
    return " ".join(x for x in (document.supplier_name, document.invoice_number) if x) or document.filename


def coded_lines(document, lines: list | None = None) -> list[dict[str, Any]]:
    """Each cost line with its effective coding (own value, else the header's), in our own terms."""
    lines = list(document.lines.all()) if lines is None else lines
    terms = einvoice_totals(document)
    if terms is not None and (counted_lines(lines) or breakdown_agrees(document, terms)):
        return _einvoice_coded_lines(document, lines)
    header_object = object_dimension(document.dimensions.all())
    out = []
    for line in lines:
        price, warning = line_price(document, line, lines)
        out.append(
            {
                "text": line.description or str(document),
                "quantity": Decimal(line.quantity if line.quantity is not None else 1),
                "price": price,
                "warning": warning,
                **_line_coding(document, line, header_object),
            }
        )
    if not out:
        label = _document_label(document)
        out.append(
            {
                "text": label,
                "quantity": Decimal(1),
                "price": _header_net(document),
                "percent": document.tax_rate.percent if document.tax_rate else None,
                "tax_rate": document.tax_rate,
                "finance_account": document.finance_account,
                "dimension": header_object,
                "project": document.project,
                "product": None,
            }
        )
    return out


# --------------------------------------------------------------------------------------------- e-invoices
def exact_quantity_price(quantity: Decimal, total: Decimal) -> tuple[Decimal, Decimal]:
    """(quantity, net unit price) whose product is exactly the line's net amount (BT-131), so Scoro's
    quantity × price reproduces it to the cent. A price that needs more than 4 decimals is sent for
    quantity 1 (the line text keeps the real quantity)."""
    if quantity:
        price = (total / quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if quantity * price == total:
            return quantity, price
    return Decimal(1), total


def _einvoice_coded_lines(document, lines: list) -> list[dict[str, Any]]:
    """A structured e-invoice in Scoro lines, exact to the cent: every leaf line at its own net amount,
    then each document-level allowance (a negative line) and charge with its own VAT rate and the
    header's coding. When the lines do not add up to the net total but the VAT breakdown does, one line
    per VAT rate carries the breakdown's basis instead. A credit note stated in positive amounts is
    sent negative (see `amount_sign`)."""
    terms = einvoice_totals(document)
    sign = Decimal(amount_sign(document))
    codes = purchase_vat_codes(document.company)
    header_object = object_dimension(document.dimensions.all())
    counted = counted_lines(lines)
    header = {
        "finance_account": document.finance_account,
        "dimension": header_object,
        "project": document.project,
        "product": None,
    }

    if header["finance_account"] is None and counted:
        # Every line carries its own coding: an allowance or charge follows the first line's.
        first = counted[0]
        header.update(
            finance_account=first.finance_account,
            dimension=first.dimension or header_object,
            project=first.project or document.project,
        )

    def vat_of(rate, category) -> tuple[Decimal | None, Any]:
        if rate in (None, "") and not category and len(terms.breakdown) == 1:
            rate, category = terms.breakdown[0].rate, terms.breakdown[0].category
        percent = Decimal(str(rate)) if rate not in (None, "") else None
        code = (
            match_vat_code(codes, percent=percent, category=category)
            if codes and percent is not None
            else None
        )
        return percent, code or document.tax_rate

    line_sum = sum((Decimal(line.total) for line in counted if line.total is not None), Decimal(0))
    reconciles = all(line.total is not None for line in counted) and (
        document.subtotal is None
        or abs(line_sum - terms.allowance_total + terms.charge_total - Decimal(document.subtotal)) <= CENT
    )
    out: list[dict[str, Any]] = []
    if (not reconciles or not counted) and breakdown_agrees(document, terms):
        label = _document_label(document)
        for group in terms.breakdown:
            percent, code = vat_of(group.rate, group.category)
            out.append(
                {
                    **header,
                    "text": f"{label}: net at {group.rate.normalize():f} %",
                    "quantity": Decimal(1),
                    "price": sign * group.base,
                    "percent": percent,
                    "tax_rate": code,
                }
            )
        return out + _vat_rounding(document, out, header, codes, sign)
    for line in counted:
        if line.total is None:
            quantity, price = (
                Decimal(line.quantity if line.quantity is not None else 1),
                _net_unit_price(line),
            )
        else:
            quantity, price = exact_quantity_price(Decimal(line.quantity or 0), Decimal(line.total))
        text = line.description or str(document)
        if quantity != (line.quantity or 1) and line.unit_price is not None:
            text = f"{text} ({fmt_number(Decimal(line.quantity))} × {fmt_number(Decimal(line.unit_price))})"
        out.append(
            {
                "text": text,
                "quantity": quantity,
                "price": sign * price,
                **_line_coding(document, line, header_object),
            }
        )
    for kind, items, direction in (("Allowance", terms.allowances, -1), ("Charge", terms.charges, 1)):
        for item in items:
            amount = Decimal(str(item.get("amount") or 0))
            if not amount:
                continue
            percent, code = vat_of(item.get("vat_rate"), item.get("vat_category"))
            reason = item.get("reason") or item.get("reason_code") or ""
            out.append(
                {
                    **header,
                    "text": f"{kind}: {reason}".rstrip(": ") if reason else kind,
                    "quantity": Decimal(1),
                    "price": sign * direction * amount,
                    "percent": percent,
                    "tax_rate": code,
                }
            )
    return out + _vat_rounding(document, out, header, codes, sign)


def _line_percent(c: dict[str, Any]) -> Decimal:
    """The percentage Scoro applies to a coded line: its VAT code's, else its own."""
    if c["tax_rate"] is not None and c["tax_rate"].scoro_id is not None:
        return Decimal(c["tax_rate"].percent)
    return Decimal(c["percent"] or 0)


def _vat_rounding(
    document, coded: list[dict[str, Any]], header: dict, codes: list, sign: Decimal
) -> list[dict]:
    """Two lines that move Scoro's VAT onto the invoice's VAT without changing the net.

    Scoro rounds the VAT of a document once; an invoice may round per line or per rate, so the two can
    differ by a cent or two. The same small amount at the invoice's main rate and, negated, at the 0 %
    code leaves the net as it is and moves the VAT by amount × rate: the smallest such amount that
    lands Scoro's VAT on the invoice's is sent. Nothing when they already agree or differ by more than a
    cent a line (that is for the guard to refuse)."""
    if document.tax_total is None or not coded:
        return []
    target = sign * Decimal(document.tax_total)
    unrounded = sum((money(c["quantity"] * c["price"]) * _line_percent(c) / 100 for c in coded), Decimal(0))
    missing = target - unrounded
    # Closer than 0.3 cent, Scoro's one rounding gives the invoice's VAT; a half-way case is moved too
    # (Scoro may round it either way). An invoice that rounds per line is off by at most a cent a line.
    if abs(missing) <= Decimal("0.003") or abs(missing) > CENT * len(coded):
        return []
    main = max(coded, key=lambda c: abs(c["quantity"] * c["price"]) * _line_percent(c))
    rate = _line_percent(main)
    zero = match_vat_code(codes, percent=Decimal(0), category="Z") if codes else None
    if not rate:
        return []
    step = CENT if missing > 0 else -CENT
    for n in range(1, 201):
        amount = step * n
        if abs(unrounded + amount * rate / 100 - target) <= Decimal("0.003"):
            break
    else:
        return []
    text = f"VAT rounding as on the invoice ({fmt_number(target)} VAT)"
    return [
        {
            **header,
            "text": text,
            "quantity": Decimal(1),
            "price": amount,
            "percent": rate,
            "tax_rate": main["tax_rate"],
        },
        {
            **header,
            "text": text,
            "quantity": Decimal(1),
            "price": -amount,
            "percent": Decimal(0),
            "tax_rate": zero,
        },
    ]
