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

from datetime import date
from decimal import Decimal
from typing import Any

from documents.readiness import amount_sign, breakdown_agrees, document_net, einvoice_totals

# Re-exported: callers read lines and prices through the mapping.
from publishing.lines import (
    CENT,
    coded_lines,
    exact_quantity_price,
    line_price,
    line_warnings,
    money,
    object_dimension,
)

MARKER_PREFIX = "[Envoice "
MIXED_PROJECTS = -1


# --------------------------------------------------------------------------------------------- helpers
def _num(value: Decimal | None) -> float | None:
    """Scoro takes JSON numbers; money and quantities have at most 4 decimals."""
    return None if value is None else float(Decimal(value).normalize())


def _sid(obj) -> int | None:
    return int(obj.scoro_id) if obj is not None and obj.scoro_id is not None else None


def marker(reference: str) -> str:
    return f"{MARKER_PREFIX}{reference}]"


def has_marker(text: str | None, reference: str) -> bool:
    return marker(reference) in (text or "")


def comment_text(*, approval_comment: str, po_number: str | None, reference: str, note: str = "") -> str:
    """ "Imported from Envoice. Approved by … Purchase order: PO-1. [Envoice envoice-3-d42]"."""
    parts = [approval_comment.strip() or "Imported from Envoice."]
    if note:
        parts.append(note.strip())
    if po_number:
        parts.append(f"Purchase order: {po_number.strip()}.")
    parts.append(marker(reference))
    return " ".join(parts)


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


# --------------------------------------------------------------------------------------------- the guard
def scoro_sums(
    payload: dict[str, Any], kind: str, code_percents: dict[int, Decimal]
) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """What Scoro computes from `payload`, per VAT percentage: (net, VAT). A line's net is
    quantity × price × (1 − discount %) rounded to cents; its VAT is that net at its code's percentage
    (the line's own percentage without a code)."""
    qty_field, code_field, pct_field = (
        ("amount", "vat_code_id", "vat") if kind == "bill" else ("quantity", "tax_code_id", "tax_percentage")
    )
    sums: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in payload.get("lines") or []:
        qty = Decimal(str(line.get(qty_field) if line.get(qty_field) is not None else 1))
        discount = Decimal(str(line.get("discount") or 0))
        net = money(qty * Decimal(str(line.get("price") or 0)) * (1 - discount / 100))
        code = line.get(code_field)
        if code is not None and int(code) in code_percents:
            percent = code_percents[int(code)]
        else:
            percent = Decimal(str(line.get(pct_field) or 0))
        old_net, old_vat = sums.get(percent, (Decimal(0), Decimal(0)))
        sums[percent] = (old_net + net, old_vat + net * percent / 100)
    return sums


def scoro_difference(
    document, payload: dict[str, Any], kind: str, code_percents: dict[int, Decimal]
) -> list[str]:
    """How the Scoro document built from `payload` would differ from `document` by more than a cent per
    VAT rate: net, VAT and total, per rate when the e-invoice has a VAT breakdown. Empty: it matches."""
    sums = scoro_sums(payload, kind, code_percents)
    scoro_net = sum((n for n, _v in sums.values()), Decimal(0))
    scoro_vat = money(sum((v for _n, v in sums.values()), Decimal(0)))
    sign = Decimal(amount_sign(document))
    slack = CENT * max(1, len(sums))
    problems = []
    terms = einvoice_totals(document)
    if terms is not None and breakdown_agrees(document, terms):
        for group in terms.breakdown:
            net, vat = sums.get(group.rate, (Decimal(0), Decimal(0)))
            amount = sign * group.amount
            if abs(money(vat) - amount) > CENT:
                problems.append(
                    f"at {group.rate.normalize():f} % the invoice states VAT {amount:.2f}, "
                    f"Scoro would compute {money(vat):.2f} (on net {net:.2f})"
                )
        stated = {g.rate for g in terms.breakdown}
        for rate, (_net, vat) in sums.items():
            if rate not in stated and money(vat):
                problems.append(
                    f"Scoro would charge VAT {money(vat):.2f} at {rate.normalize():f} %, a rate the invoice does not use"
                )
        net = sign * document_net(document)
        if abs(scoro_net - net) > CENT:
            problems.append(f"net: invoice {net:.2f}, Scoro would compute {scoro_net:.2f}")
        tax = sign * Decimal(document.tax_total)
        if abs(scoro_vat - tax) > slack:
            problems.append(f"VAT: invoice {tax:.2f}, Scoro would compute {scoro_vat:.2f}")
        return problems
    tax = Decimal(document.tax_total) * sign if document.tax_total is not None else None
    total = Decimal(document.total) * sign if document.total is not None else None
    if document.subtotal is not None:
        net = Decimal(document.subtotal) * sign
    elif total is not None and tax is not None:
        net = total - tax
    else:
        net = None
    if net is not None and abs(scoro_net - net) > slack:
        problems.append(f"net: document {net:.2f}, Scoro would compute {scoro_net:.2f}")
    if tax is not None and abs(scoro_vat - tax) > slack:
        problems.append(
            f"VAT: document {tax:.2f}, Scoro would compute {scoro_vat:.2f} from the VAT codes chosen "
            f"(difference {scoro_vat - tax:+.2f})"
        )
    if total is not None and tax is not None and abs(scoro_net + scoro_vat - total) > slack and not problems:
        problems.append(f"total: document {total:.2f}, Scoro would compute {scoro_net + scoro_vat:.2f}")
    return problems


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
        total += money(qty * Decimal(str(line.get("price") or 0)))
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
            problems.append(f"total with VAT: document {gross_total}, Scoro {money(scoro_gross)}")
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


__all__ = [
    "coded_lines",
    "exact_quantity_price",
    "line_price",
    "line_warnings",
    "object_dimension",
]
