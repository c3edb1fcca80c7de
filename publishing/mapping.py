"""Envoice document → Scoro request body. Pure: reads the document and its coding, calls nothing, writes nothing.

Field names follow shared/SCORO_API.md §5 and §8 — and its naming trap: bills use `comment`/`amount`/
`vat_code_id`/`finance_object_id` on lines, expenses `description`/`quantity`/`tax_code_id`/
`accounting_object_id`.

Decisions (see also the docstring of the publishing.services package):
- The idempotency reference goes into the Scoro document's comment (bill `description`, expense
  `comment`) as "[Envoice envoice-<company>-d<id>]". `reference_no` stays free: on a Scoro bill it is the
  payment reference the bank transfer must quote, and overwriting it with our key would break payments.
  Lookups find the document by supplier and date (documented filters) and then by the marker.
- The purchase order number travels as text in the same comment ("Purchase order: PO-1"). Scoro has no
  free-text PO field; `purchase_order_id` would link a Scoro PO by id, which is not what we have.
- A bill has no header finance account in Scoro: the header finance account (and dimension) applies to
  every line that does not override it, and a document without lines becomes one line.
- Header project: the one project when all lines share it, else -1 ("lines carry their own projects").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from documents.choices import DocumentType

CENT = Decimal("0.01")
MARKER_PREFIX = "[Envoice "
MIXED_PROJECTS = -1


# --------------------------------------------------------------------------------------------- helpers
def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _num(value: Decimal | None) -> float | None:
    """Scoro takes JSON numbers; money and quantities have at most 4 decimals."""
    return None if value is None else float(Decimal(value).normalize())


def _sid(obj) -> int | None:
    return int(obj.scoro_id) if obj is not None and obj.scoro_id is not None else None


def marker(reference: str) -> str:
    return f"{MARKER_PREFIX}{reference}]"


def has_marker(text: str | None, reference: str) -> bool:
    return marker(reference) in (text or "")


def object_dimension(dimensions: Iterable) -> Any:
    """The header's accounting object: the first dimension that is not a project dimension."""
    for dim in dimensions:
        if getattr(dim.group, "name", "") != "Project":
            return dim
    return None


def comment_text(*, approval_comment: str, po_number: str | None, reference: str, note: str = "") -> str:
    """ "Imported from Envoice. Approved by … Purchase order: PO-1. [Envoice envoice-3-d42]"."""
    parts = [approval_comment.strip() or "Imported from Envoice."]
    if note:
        parts.append(note.strip())
    if po_number:
        parts.append(f"Purchase order: {po_number.strip()}.")
    parts.append(marker(reference))
    return " ".join(parts)


# --------------------------------------------------------------------------------------------- guard
def missing_for_publishing(document, lines: list | None = None) -> list[str]:
    """What stops `document` from being published: no orphaned costs, so every cost line needs a finance
    account and a project (its own or the header's); a bill also needs a supplier."""

    lines = list(document.lines.all()) if lines is None else lines
    missing = []
    if document.type == DocumentType.PURCHASE_INVOICE and document.supplier_id is None:
        missing.append("supplier")
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
    label = f"Line {getattr(line, 'position', 0) + 1} “{(line.description or '')[:60]}”"
    product = f"{_fmt(qty)} × {_fmt(price)} = {_fmt(qty * price)}, not its total {_fmt(total)}"
    if _totals_agree(document, lines):
        fixed = total / qty
        return (
            fixed,
            f"{label}: {product}; sent price {_fmt(fixed)} (total ÷ quantity), which agrees with the document totals.",
        )
    return (
        price,
        f"{label}: {product}; the line totals do not add up to the document either, so the unit price was sent — check it.",
    )


def _fmt(value: Decimal) -> str:
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
        return _money(Decimal(document.total) / (1 + Decimal(document.tax_rate.percent) / 100))
    return Decimal(document.total or 0)


def coded_lines(document, lines: list | None = None) -> list[dict[str, Any]]:
    """Each cost line with its effective coding (own value, else the header's), in our own terms."""
    lines = list(document.lines.all()) if lines is None else lines
    header_object = object_dimension(document.dimensions.all())
    out = []
    for line in lines:
        price, warning = line_price(document, line, lines)
        tax_rate = line.tax_rate or document.tax_rate
        percent = (
            line.tax_percent if line.tax_percent is not None else (tax_rate.percent if tax_rate else None)
        )
        out.append(
            {
                "text": line.description or str(document),
                "quantity": Decimal(line.quantity if line.quantity is not None else 1),
                "price": price,
                "warning": warning,
                "percent": percent,
                "tax_rate": tax_rate,
                "finance_account": line.finance_account or document.finance_account,
                "dimension": line.dimension or header_object,
                "project": line.project or document.project,
                "product": line.product,
            }
        )
    if not out:
        label = (
            " ".join(x for x in (document.supplier_name, document.invoice_number) if x) or document.filename
        )
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


def _header_project(coded: list[dict[str, Any]]) -> int | None:
    ids = {_sid(c["project"]) for c in coded}
    if len(ids) == 1:
        return ids.pop()
    return MIXED_PROJECTS


# --------------------------------------------------------------------------------------------- bills
def bill_payload(
    document,
    *,
    supplier_id: int | None,
    comment: str,
    today: date | None = None,
    lines: list | None = None,
) -> dict[str, Any]:
    """A purchase invoice as a Scoro `bills/modify` request."""
    coded = coded_lines(document, lines)
    scoro_lines = []
    for c in coded:
        line: dict[str, Any] = {
            "comment": c["text"][:500],
            "amount": _num(c["quantity"]),
            "price": _num(c["price"]),
            "finance_account_id": _sid(c["finance_account"]),
            "project_id": _sid(c["project"]),
        }
        if c["percent"] is not None:
            line["vat"] = _num(c["percent"])
        if _sid(c["tax_rate"]):
            line["vat_code_id"] = _sid(c["tax_rate"])
        if _sid(c["dimension"]):
            line["finance_object_id"] = _sid(c["dimension"])
        if _sid(c["product"]):
            line["product_id"] = _sid(c["product"])
        scoro_lines.append(line)
    payload: dict[str, Any] = {
        "company_id": supplier_id,
        "no": document.invoice_number or "",
        "date": (document.issue_date or today or date.today()).isoformat(),
        "currency": (document.currency or "EUR").upper(),
        "project_id": _header_project(coded),
        "description": comment,
        "lines": scoro_lines,
    }
    if document.due_date:
        payload["deadline"] = document.due_date.isoformat()
    return payload


# --------------------------------------------------------------------------------------------- expenses
def _expense_line(c: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "description": (text or c["text"])[:500],
        "quantity": _num(c["quantity"]),
        "price": _num(c["price"]),
        "finance_account_id": _sid(c["finance_account"]),
        "project_id": _sid(c["project"]),
    }
    if c["percent"] is not None:
        line["tax_percentage"] = _num(c["percent"])
    if _sid(c["tax_rate"]):
        line["tax_code_id"] = _sid(c["tax_rate"])
    if _sid(c["dimension"]):
        line["accounting_object_id"] = _sid(c["dimension"])
    if _sid(c["product"]):
        line["product_id"] = _sid(c["product"])
    return line


def _expense_header(
    lines: list[dict[str, Any]],
    *,
    owner_id,
    merchant_id,
    when: date,
    currency: str,
    comment: str,
    reimbursable,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "date": when.isoformat(),
        "currency": (currency or "EUR").upper(),
        "comment": comment,
        "is_reimbursable": 1 if reimbursable else 0,
        "lines": lines,
    }
    projects = {ln["project_id"] for ln in lines}
    if len(projects) == 1 and None not in projects:
        # Expenses have no documented "-1": with differing lines the header stays empty, lines carry them.
        payload["project_id"] = projects.pop()
    if owner_id:
        payload["owner_id"] = owner_id
    if merchant_id:
        payload["company_id"] = merchant_id
    return payload


def receipt_expense_payload(
    document,
    *,
    owner_id: int | None,
    merchant_id: int | None,
    comment: str,
    reimbursable: bool,
    today: date | None = None,
    lines: list | None = None,
) -> dict[str, Any]:
    """A single receipt as a Scoro `expenses/modify` request (one line per receipt line)."""
    coded = coded_lines(document, lines)
    return _expense_header(
        [_expense_line(c) for c in coded],
        owner_id=owner_id,
        merchant_id=merchant_id,
        when=document.issue_date or today or date.today(),
        currency=document.currency,
        comment=comment,
        reimbursable=reimbursable,
    )


def report_expense_payload(
    report, receipts: list, *, owner_id: int | None, comment: str, today: date | None = None
) -> dict[str, Any]:
    """A confirmed expense report as one Scoro expense: one line per receipt (its net amount), each with
    its own project (the report's when the receipt has none), finance account and VAT."""
    lines = []
    for receipt in receipts:
        c = coded_lines(receipt, [])[0]  # the receipt as one line: its net total with the header coding
        c["project"] = receipt.project or report.project
        text = " ".join(x for x in (receipt.supplier_name, receipt.invoice_number) if x) or receipt.filename
        lines.append(_expense_line(c, text=text))
    dates = [r.issue_date for r in receipts if r.issue_date]
    currencies = {(r.currency or "EUR").upper() for r in receipts}
    return _expense_header(
        lines,
        owner_id=owner_id,
        merchant_id=None,
        when=report.period_end or (max(dates) if dates else None) or today or date.today(),
        currency=currencies.pop() if len(currencies) == 1 else "EUR",
        comment=comment,
        reimbursable=report.reimbursable,
    )


def missing_for_report(report, receipts: list) -> list[str]:
    missing = []
    if not receipts:
        missing.append("receipts")
    if any(r.finance_account_id is None for r in receipts):
        missing.append("finance account")
    if report.project_id is None and any(r.project_id is None for r in receipts):
        missing.append("project")
    return missing


# --------------------------------------------------------------------------------------------- reading back
LINE_KEYS = {
    "bill": ("comment", "amount", "price", "finance_account_id", "project_id", "vat_code_id"),
    "expense": ("description", "quantity", "price", "finance_account_id", "project_id", "tax_code_id"),
}


def expected_net(payload: dict[str, Any], kind: str) -> Decimal:
    qty_field = "amount" if kind == "bill" else "quantity"
    total = Decimal(0)
    for line in payload.get("lines") or []:
        qty = Decimal(str(line.get(qty_field) if line.get(qty_field) is not None else 1))
        total += _money(qty * Decimal(str(line.get("price") or 0)))
    return total


def _same(a: Any, b: Any) -> bool:
    if a in (None, "", 0) and b in (None, "", 0):
        return True
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) <= CENT
    except (ArithmeticError, ValueError, TypeError):
        return str(a) == str(b)


def compare_saved(
    sent: dict[str, Any], saved: dict[str, Any], *, kind: str, gross_total: Decimal | None = None
) -> list[str]:
    """What Scoro saved differently from what we sent, on the key fields (supplier, totals, project, lines)."""
    problems = []
    if kind == "bill" and not _same(sent.get("company_id"), saved.get("company_id")):
        problems.append(f"supplier: sent {sent.get('company_id')}, Scoro has {saved.get('company_id')}")
    if "project_id" in sent and not _same(sent.get("project_id"), saved.get("project_id")):
        problems.append(f"project: sent {sent.get('project_id')}, Scoro has {saved.get('project_id')}")
    sent_lines, saved_lines = sent.get("lines") or [], saved.get("lines") or []
    if len(sent_lines) != len(saved_lines):
        problems.append(f"lines: sent {len(sent_lines)}, Scoro has {len(saved_lines)}")
    else:
        for i, (a, b) in enumerate(zip(sent_lines, saved_lines, strict=True), start=1):
            for key in LINE_KEYS[kind]:
                if key in a and not _same(a.get(key), b.get(key)):
                    problems.append(f"line {i} {key}: sent {a.get(key)}, Scoro has {b.get(key)}")
    net = expected_net(sent, kind)
    if saved.get("sum") is not None and not _same(net, saved.get("sum")):
        problems.append(f"net total: sent {net}, Scoro has {saved.get('sum')}")
    tax_key = "vat_sum" if kind == "bill" else "tax_sum"
    if gross_total is not None and saved.get("sum") is not None and saved.get(tax_key) is not None:
        scoro_gross = Decimal(str(saved["sum"])) + Decimal(str(saved[tax_key]))
        if abs(scoro_gross - Decimal(gross_total)) > Decimal("0.05"):
            problems.append(f"total with VAT: document {gross_total}, Scoro {_money(scoro_gross)}")
    return problems


def saved_summary(saved: dict[str, Any], kind: str) -> dict[str, Any]:
    """The key fields of Scoro's saved document that we keep (and compare against later for drift)."""
    tax_key = "vat_sum" if kind == "bill" else "tax_sum"
    keys = ("id", "no", "company_id", "project_id", "date", "currency", "sum", tax_key, "modified_date")
    out = {k: saved.get(k) for k in keys if k in saved}
    out["lines"] = [{k: ln.get(k) for k in ("id", *LINE_KEYS[kind])} for ln in saved.get("lines") or []]
    return out


def with_line_ids(payload: dict[str, Any], line_ids: list[int]) -> dict[str, Any]:
    """For an update: Scoro's ids of the lines already there, by position, so they are changed in place
    (sending lines replaces the whole set; lines beyond the old count are new)."""
    for line, line_id in zip(payload.get("lines") or [], line_ids or [], strict=False):
        line["id"] = line_id
    return payload


def payload_summary(payload: dict[str, Any], kind: str) -> dict[str, Any]:
    """A short, human-readable record of a request for the audit trail."""
    return {
        "kind": kind,
        "supplier": payload.get("company_id"),
        "no": payload.get("no"),
        "date": payload.get("date"),
        "currency": payload.get("currency"),
        "project": payload.get("project_id"),
        "lines": len(payload.get("lines") or []),
        "net": str(expected_net(payload, kind)),
    }


def drift_between(stored: dict[str, Any], current: dict[str, Any], kind: str) -> list[str]:
    """Differences between what Scoro saved when we published and what it has now."""
    now = saved_summary(current, kind)
    problems = []
    for key, value in stored.items():
        if key in ("modified_date", "lines"):
            continue
        if not _same(value, now.get(key)):
            problems.append(f"{key}: published {value}, Scoro now has {now.get(key)}")
    if current.get("lines") is not None:
        old, new = stored.get("lines") or [], now["lines"]
        if len(old) != len(new):
            problems.append(f"lines: published {len(old)}, Scoro now has {len(new)}")
        else:
            for i, (a, b) in enumerate(zip(old, new, strict=True), start=1):
                for key, value in a.items():
                    if key != "id" and not _same(value, b.get(key)):
                        problems.append(f"line {i} {key}: published {value}, Scoro now has {b.get(key)}")
    return problems
