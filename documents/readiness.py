"""What a document needs before it is recorded and before it is published, and the checks both use.

One home for these rules: review (documents.problems), recording (documents.coding) and publishing
(publishing.services) all ask here, with one line numbering ("line 1" is the first line).

Totals of a structured e-invoice follow EN 16931's own arithmetic (BR-CO-10 … BR-CO-16):
  Σ line net (BT-131, leaf lines only) − allowances (BT-107) + charges (BT-108) = tax basis (BT-109)
  tax basis + VAT (BT-110) = total (BT-112)
  total − prepaid (BT-113) + rounding (BT-114) = amount due (BT-115)
A document that satisfies them is never refused for its totals. When the VAT breakdown (BG-23) agrees
with the basis and the VAT, a line sum or a total that does not is only a warning: the net and VAT that
reach Scoro come from the breakdown then.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bookkeeping.bank_accounts import BankCheck, bank_account_check, format_iban
from bookkeeping.selectors import match_vat_code, purchase_vat_codes
from documents.choices import DocumentType
from documents.models import Document, DocumentLine
from extraction.engine.checks import line_consistent

TOLERANCE = Decimal("0.02")
CENT = Decimal("0.01")


def _dec(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal("0"))


# --------------------------------------------------------------------------------------------- e-invoice terms
@dataclass(frozen=True)
class VatGroup:
    """One row of the VAT breakdown (BG-23)."""

    rate: Decimal
    category: str
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class EInvoiceTotals:
    """The amounts of a structured e-invoice that decide its totals (document.fields["einvoice"])."""

    allowances: list[dict]
    charges: list[dict]
    prepaid: Decimal | None
    rounding: Decimal | None
    due: Decimal | None
    credit_note: bool
    corrective: bool
    type_code: str
    breakdown: list[VatGroup]

    @property
    def allowance_total(self) -> Decimal:
        return _sum(_dec(a.get("amount")) for a in self.allowances)

    @property
    def charge_total(self) -> Decimal:
        return _sum(_dec(c.get("amount")) for c in self.charges)


def einvoice_totals(document: Document) -> EInvoiceTotals | None:
    """The e-invoice's own totals terms, or None for a document that is not a structured e-invoice."""
    fields = document.fields or {}
    block = fields.get("einvoice")  # written only by the e-invoice readers
    if not isinstance(block, dict):
        return None
    breakdown = []
    for row in fields.get("tax_lines") or []:
        base, amount = _dec(row.get("base")), _dec(row.get("amount"))
        if base is not None and amount is not None:
            rate = _dec(row.get("rate")) or Decimal("0")
            breakdown.append(VatGroup(rate, str(row.get("category") or ""), base, amount))
    if not breakdown:
        breakdown = _breakdown_from_lines(document) or _implied_breakdown(document)
    return EInvoiceTotals(
        allowances=[a for a in block.get("allowances") or [] if isinstance(a, dict)],
        charges=[c for c in block.get("charges") or [] if isinstance(c, dict)],
        prepaid=_dec(block.get("prepaid")),
        rounding=_dec(block.get("rounding")),
        due=_dec(block.get("due")),
        credit_note=bool(block.get("credit_note")),
        corrective=bool(block.get("corrective")),
        type_code=str(block.get("type_code") or ""),
        breakdown=breakdown,
    )


def _breakdown_from_lines(document: Document) -> list[VatGroup]:
    """A VAT breakdown the invoice does not state (early ZUGFeRD 1.0 producers), derived from lines that
    state amounts with VAT: per rate, net = gross ÷ (1 + rate). Used only when it reproduces the
    document's net and VAT to the cent per rate; else empty."""
    lines = counted_lines(document.lines.all())
    if (
        not lines
        or document.subtotal is None
        or document.tax_total is None
        or document.total is None
        or any(line.total is None or line.tax_percent is None for line in lines)
        or abs(_sum(line.total for line in lines) - document.total) > TOLERANCE
    ):
        return []
    gross: dict[Decimal, Decimal] = {}
    for line in lines:
        gross[line.tax_percent] = gross.get(line.tax_percent, Decimal("0")) + line.total
    groups = []
    for rate, amount in gross.items():
        base = (amount / (1 + rate / 100)).quantize(CENT)
        groups.append(VatGroup(rate, "", base, amount - base))
    slack = CENT * len(groups)
    if (
        abs(_sum(g.base for g in groups) - document.subtotal) > slack
        or abs(_sum(g.amount for g in groups) - document.tax_total) > slack
    ):
        return []
    # Cents lost to rounding per rate go to the largest rate group, so the net and VAT are the document's.
    largest = max(range(len(groups)), key=lambda i: abs(groups[i].base))
    g = groups[largest]
    base = g.base + document.subtotal - _sum(x.base for x in groups)
    amount = g.amount + document.tax_total - _sum(x.amount for x in groups)
    groups[largest] = VatGroup(g.rate, g.category, base, amount)
    return groups


def document_net(document: Document) -> Decimal | None:
    """BT-109, or total − VAT when the invoice does not state it (BR-CO-15)."""
    if document.subtotal is not None:
        return document.subtotal
    if document.total is not None and document.tax_total is not None:
        return document.total - document.tax_total
    return None


def _implied_breakdown(document: Document) -> list[VatGroup]:
    """For an invoice that states only net and VAT (a MINIMUM profile, lines without amounts): the one
    rate of the company's Scoro purchase VAT codes whose VAT on the net is the stated VAT to the cent."""
    net, tax = document_net(document), document.tax_total
    if net is None or tax is None or not net:
        return []
    if not tax:
        return [VatGroup(Decimal("0"), "", net, tax)]
    rates = sorted({Decimal(c.percent) for c in purchase_vat_codes(document.company) if c.percent})
    fitting = [r for r in rates if (net * r / 100).quantize(CENT) == tax]
    return [VatGroup(fitting[0], "S", net, tax)] if len(fitting) == 1 else []


def amount_sign(document: Document) -> int:
    """The one sign convention (`Document.amount_sign`): lists, totals and the Scoro payload multiply
    by this."""
    return document.amount_sign


def breakdown_agrees(document: Document, terms: EInvoiceTotals | None = None) -> bool:
    """Does the VAT breakdown add up to the document's net (BT-109) and VAT (BT-110)? (BR-CO-13/14)"""
    terms = terms if terms is not None else einvoice_totals(document)
    net = document_net(document)
    if terms is None or not terms.breakdown or net is None or document.tax_total is None:
        return False
    slack = CENT * len(terms.breakdown)
    return (
        abs(_sum(g.base for g in terms.breakdown) - net) <= slack
        and abs(_sum(g.amount for g in terms.breakdown) - document.tax_total) <= slack
    )


def counted_lines(lines) -> list[DocumentLine]:
    """Lines whose amounts count (not an e-invoice's group headings or information lines)."""
    return [line for line in lines if line.counted]


# --------------------------------------------------------------------------------------------- totals
def _lines_sum(lines: list[DocumentLine]) -> Decimal | None:
    totals = [line.total for line in counted_lines(lines)]
    if not totals or any(t is None for t in totals):
        return None
    return _sum(totals)


def _einvoice_checks(document: Document, terms: EInvoiceTotals) -> tuple[str, list[str]]:
    """(blocking problem or "", warnings) by EN 16931's arithmetic."""
    warnings: list[str] = []
    agrees = breakdown_agrees(document, terms)
    subtotal, tax, total = document.subtotal, document.tax_total, document.total
    lines_sum = _lines_sum(list(document.lines.all()))
    if lines_sum is not None and subtotal is not None:
        expected = lines_sum - terms.allowance_total + terms.charge_total
        if abs(expected - subtotal) > TOLERANCE:
            text = f"lines add up to {lines_sum:.2f}"
            if terms.allowances or terms.charges:
                text += (
                    f", less allowances {terms.allowance_total:.2f} plus charges "
                    f"{terms.charge_total:.2f} is {expected:.2f}"
                )
            text += f"; the net total says {subtotal:.2f}"
            if not agrees:
                return text, warnings
            warnings.append(
                f"{text}. The VAT breakdown agrees with the net total, so Scoro gets one line per VAT rate"
            )
    if subtotal is not None and tax is not None and abs(subtotal + tax - total) > TOLERANCE:
        text = f"net {subtotal:.2f} + VAT {tax:.2f} = {subtotal + tax:.2f}, not the total {total:.2f}"
        if not agrees:
            return text, warnings
        warnings.append(f"{text}; the VAT breakdown agrees with net and VAT, which Scoro gets")
    if terms.due is not None:
        expected_due = total - (terms.prepaid or 0) + (terms.rounding or 0)
        if abs(expected_due - terms.due) > TOLERANCE:
            warnings.append(
                f"amount due {terms.due:.2f} is not total {total:.2f} − prepaid {terms.prepaid or 0:.2f} "
                f"+ rounding {terms.rounding or 0:.2f} = {expected_due:.2f}: check what to pay"
            )
    return "", warnings


def totals_problem(document: Document) -> str:
    """Why the amounts do not add up (blocks recording), or "" when they do."""
    if document.total is None:
        return "the total is missing"
    terms = einvoice_totals(document)
    if terms is not None:
        return _einvoice_checks(document, terms)[0]
    if (
        document.subtotal is not None
        and document.tax_total is not None
        and abs(document.subtotal + document.tax_total - document.total) > TOLERANCE
    ):
        return (
            f"subtotal {document.subtotal:.2f} + tax {document.tax_total:.2f} does not equal "
            f"the total {document.total:.2f}"
        )
    lines_sum = _lines_sum(list(document.lines.all()))
    if lines_sum is not None:
        targets = [t for t in (document.subtotal, document.total) if t is not None]
        if not any(abs(lines_sum - t) <= TOLERANCE for t in targets):
            label = "subtotal" if document.subtotal is not None else "total"
            ref = document.subtotal if document.subtotal is not None else document.total
            return f"lines add up to {lines_sum:.2f}, {label} says {ref:.2f}"
    return ""


def totals_warnings(document: Document) -> list[str]:
    """What does not add up but does not block (see the module docstring), each once."""
    terms = einvoice_totals(document)
    if terms is None or document.total is None:
        return []
    problem, warnings = _einvoice_checks(document, terms)
    return [] if problem else list(dict.fromkeys(warnings))


# --------------------------------------------------------------------------------------------- lines
def einvoice_line_net(line: DocumentLine) -> Decimal | None:
    """BT-131 as EN 16931 computes it: quantity × net price ÷ base quantity − line allowances + charges."""
    if line.unit_price is None:
        return None
    terms = line.einvoice or {}
    base = _dec(terms.get("base_quantity")) or Decimal("1")
    allowances = _sum(_dec(a.get("amount")) for a in terms.get("allowances") or [])
    charges = _sum(_dec(c.get("amount")) for c in terms.get("charges") or [])
    return line.quantity * line.unit_price / base - allowances + charges


def line_problem(line: DocumentLine) -> str:
    """ "1 × 1100.00 = 1100.00 but the line total says 100.00" when quantity × unit price does not
    account for the line total (beyond rounding, net or gross of the line's tax rate), else ""."""
    if not line.counted:
        return ""
    if line.einvoice and line.total is not None:
        net = einvoice_line_net(line)
        if net is not None and abs(net - line.total) <= TOLERANCE:
            return ""
    if line_consistent(line.quantity, line.unit_price, line.total, line.tax_percent) is not False:
        return ""
    quantity = line.quantity.normalize()
    unit = line.unit_price.normalize()
    unit_text = f"{unit:.2f}" if unit == unit.quantize(Decimal("0.01")) else f"{unit:f}"
    return (
        f"{quantity:f} × {unit_text} = {line.quantity * line.unit_price:.2f} "
        f"but the line total says {line.total:.2f}"
    )


def line_problems(document: Document) -> list[tuple[DocumentLine, str]]:
    """The document's lines whose own arithmetic does not add up, with the reason."""
    found = []
    for line in document.lines.all():
        problem = line_problem(line)
        if problem:
            found.append((line, problem))
    return found


def line_label(line: DocumentLine) -> str:
    """ "line 2 (Toner)": `position` is 1-based everywhere (review, recording, publishing warnings)."""
    description = (line.description or "").strip()
    if len(description) > 40:
        description = description[:39] + "…"
    return f"line {line.position} ({description})" if description else f"line {line.position}"


# --------------------------------------------------------------------------------------------- VAT codes
def missing_vat_rates(document: Document) -> list[str]:
    """The e-invoice's VAT rates (with category) that no active Scoro purchase VAT code of the company has.
    Empty when the company has no VAT codes at all (then the percentage travels instead)."""
    terms = einvoice_totals(document)
    if terms is None:
        return []
    codes = purchase_vat_codes(document.company)
    if not codes:
        return []
    wanted = [(g.rate, g.category) for g in terms.breakdown]
    wanted += [
        (_dec(x.get("vat_rate")) or Decimal("0"), str(x.get("vat_category") or ""))
        for x in [*terms.allowances, *terms.charges]
    ]
    missing = []
    for rate, category in wanted:
        if match_vat_code(codes, percent=rate, category=category) is None:
            text = f"{rate.normalize():f} %" + (f" (VAT category {category})" if category else "")
            if text not in missing:
                missing.append(text)
    return missing


# --------------------------------------------------------------------------------------------- coding
def missing_coding(document: Document, *, full: bool = True) -> list[str]:
    """The coding recording (or, with full=False, submitting) needs and `document` lacks."""
    missing = []
    lines = counted_lines(document.lines.all())
    if document.supplier_id is None:
        missing.append("supplier")
    if full:
        if document.finance_account_id is None and (
            not lines or any(li.finance_account_id is None for li in lines)
        ):
            missing.append("finance account")
        if document.project_id is None and (not lines or any(li.project_id is None for li in lines)):
            missing.append("project")
    return missing


def recording_problems(document: Document, *, full: bool = True) -> list[str]:
    """What stops `document` from being recorded (or, with full=False, submitted)."""
    missing = missing_coding(document, full=full)
    problem = totals_problem(document)
    if problem:
        missing.append(f"totals that reconcile ({problem})")
    for rate in missing_vat_rates(document):
        missing.append(f"a Scoro purchase VAT code for {rate}")
    # A structured e-invoice states its line totals exactly; quantity × price can legitimately
    # differ (a price per base quantity, line allowances), so there the check only warns on review.
    if not document.extraction_source.startswith("einvoice"):
        for line, problem in line_problems(document):
            missing.append(f"a consistent {line_label(line)}: {problem}")
    return missing


# --------------------------------------------------------------------------------------------- bank account
def bank_check(document: Document) -> BankCheck:
    """How a bill's IBAN relates to its supplier's accounts (bookkeeping.bank_accounts). Receipts and
    sales invoices are not paid by transfer from here: never checked."""
    if document.type != DocumentType.PURCHASE_INVOICE:
        return BankCheck("none")
    return bank_account_check(contact=document.supplier, iban=(document.fields or {}).get("iban"))


def bank_account_blocker(document: Document, check: BankCheck | None = None) -> str:
    """What publishing waits for when the bill asks to be paid to an account its supplier never used
    (four eyes: a second admin confirms it), or "" when nothing."""
    check = check if check is not None else bank_check(document)
    if check.state == "new":
        return (
            f"confirmation of the new bank account {format_iban(check.iban)} of {document.supplier} "
            "by a second admin"
        )
    if check.state == "rejected":
        return f"a correct bank account ({format_iban(check.iban)} was rejected as {document.supplier}'s)"
    return ""


def missing_for_publishing(document: Document, lines: list | None = None) -> list[str]:
    """What stops `document` from being published: no orphaned costs, so every cost line needs a finance
    account and a project (its own or the header's); a bill also needs a supplier, and one asking to be
    paid to a new bank account a second admin's confirmation."""
    lines = counted_lines(document.lines.all() if lines is None else lines)
    missing = []
    if document.type == DocumentType.PURCHASE_INVOICE and document.supplier_id is None:
        missing.append("supplier")
    bank = bank_account_blocker(document)
    if bank:
        missing.append(bank)
    if lines:
        if any(line.finance_account_id is None for line in lines) and document.finance_account_id is None:
            missing.append("finance account")
        if any(line.project_id is None for line in lines) and document.project_id is None:
            missing.append("project")
    else:
        if document.finance_account_id is None:
            missing.append("finance account")
        if document.project_id is None:
            missing.append("project")
    return missing
