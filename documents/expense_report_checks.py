"""What an expense report's receipts still need before the report can be approved and confirmed.

A report is confirmed (by its approval, or straight away when none applies) only when every receipt
has been read and coded: read (extraction finished), with a total and a currency, a finance account
and a project (its own or the report's). Until then the report waits and the approver and the
accountant see which receipts hold it up and why.

Receipts dated outside the report's period, and receipts in another currency than the company's,
are flagged; they do not block. Totals are summed per currency: a receipt without a currency is
never counted as the company's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from documents.choices import DocumentStatus, PaidBy
from documents.models import Document, ExpenseReport

READING = frozenset({DocumentStatus.RECEIVED, DocumentStatus.EXTRACTING})


@dataclass
class ReceiptCheck:
    document: Document
    waiting: list[str] = field(default_factory=list)  # what stops the report's confirmation
    flags: list[str] = field(default_factory=list)  # what a person should look at

    @property
    def ready(self) -> bool:
        return not self.waiting

    @property
    def label(self) -> str:
        name = self.document.supplier_name or self.document.filename
        amount = f" {self.document.total:.2f}" if self.document.total is not None else ""
        return f"{name}{amount}"


def receipt_check(report: ExpenseReport, document: Document) -> ReceiptCheck:
    check = ReceiptCheck(document=document)
    if document.status in READING:
        check.waiting.append("not read yet")
    else:
        if document.total is None:
            check.waiting.append("no total")
        if not document.currency:
            check.waiting.append("no currency")
        if document.finance_account_id is None:
            check.waiting.append("no finance account")
        if document.project_id is None and report.project_id is None:
            check.waiting.append("no project")
        if document.status == DocumentStatus.REJECTED:
            check.waiting.append("rejected")
    date = document.issue_date
    if date is not None and (
        (report.period_start and date < report.period_start)
        or (report.period_end and date > report.period_end)
    ):
        check.flags.append(f"dated {date:%Y-%m-%d}, outside the report's period")
    if document.currency and document.currency != report.company.currency:
        check.flags.append(f"in {document.currency}, not {report.company.currency}")
    return check


def receipt_checks(report: ExpenseReport) -> list[ReceiptCheck]:
    receipts = report.documents.select_related("project").order_by("received_at", "id")
    return [receipt_check(report, d) for d in receipts]


def receipts_waiting(report: ExpenseReport) -> list[ReceiptCheck]:
    return [c for c in receipt_checks(report) if c.waiting]


def waiting_message(waiting: list[ReceiptCheck]) -> str:
    """ "2 receipts are not read and coded yet: Taxi 12.00 (no finance account); scan.jpg (not read yet)." """
    listed = "; ".join(f"{c.label} ({', '.join(c.waiting)})" for c in waiting)
    count = f"{len(waiting)} receipt{'s are' if len(waiting) != 1 else ' is'}"
    return f"{count} not read and coded yet: {listed}."


def expense_report_totals(report: ExpenseReport) -> dict:
    """The report's total in the company's currency, other currencies apart, and what has none."""
    currency = report.company.currency
    by_currency: dict[str, Decimal] = {}
    count = without_currency = 0
    for total, receipt_currency in report.documents.values_list("total", "currency"):
        count += 1
        if not receipt_currency:
            without_currency += 1
            continue
        if total is not None:
            by_currency[receipt_currency] = by_currency.get(receipt_currency, Decimal("0")) + total
    total = by_currency.pop(currency, Decimal("0.00"))
    return {
        "count": count,
        "total": total,
        "reimbursable": total if report.paid_by == PaidBy.EMPLOYEE else Decimal("0.00"),
        "currency": currency,
        "other_currencies": dict(sorted(by_currency.items())),
        "without_currency": without_currency,
    }
