"""Publishing reads: the status shown on documents and lists, the preview, what needs a person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from documents.choices import DocumentStatus as S
from publishing import services
from publishing.models import PublishAttempt
from scoro_sync.models import ScoroConnection

A = PublishAttempt.Status

# Document states the publishing status follows (the worker moves both together).
_BY_DOCUMENT_STATUS = {
    S.QUEUED: "queued",
    S.PUBLISHING: "publishing",
    S.PUBLISHED: "published",
    S.PUBLISH_FAILED: "failed",
}
_BY_ATTEMPT_STATUS = {
    A.QUEUED: "queued",
    A.PUBLISHING: "publishing",
    A.PUBLISHED: "published",
    A.FAILED: "failed",
    A.RETRYING: "failed",  # with `retry_at`: Scoro was unavailable, retried automatically then
}


def scoro_url_for(*, attempt: PublishAttempt, site_url: str) -> str | None:
    if not attempt.scoro_id or not site_url:
        return None
    return f"{site_url.rstrip('/')}/{attempt.scoro_module}/view/{attempt.scoro_id}"


def _attempt_for(obj) -> PublishAttempt | None:
    try:
        return obj.publish_attempt
    except PublishAttempt.DoesNotExist:
        return None


def _site_url(company_id: int) -> str:

    connection = ScoroConnection.objects.filter(company_id=company_id).only("base_url").first()
    return connection.site_url if connection else ""


def _summary(
    attempt: PublishAttempt | None, status: str, *, site_url: str | None, company_id: int
) -> dict[str, Any]:
    if attempt is None:
        return {
            "status": status,
            "scoro_id": None,
            "scoro_url": None,
            "error": "",
            "waiting_reason": "",
            "retry_at": None,
        }
    if site_url is None and attempt.scoro_id:
        site_url = _site_url(company_id)
    return {
        "status": status,
        "scoro_id": attempt.scoro_id,
        "scoro_url": scoro_url_for(attempt=attempt, site_url=site_url or ""),
        "error": attempt.error if status in ("failed", "queued", "publishing") else "",
        "waiting_reason": attempt.waiting_reason if attempt.status == A.WAITING else "",
        # Set while a transient failure (Scoro down, rate limits, quota) waits to be retried on its own.
        "retry_at": attempt.next_retry_at.isoformat()
        if status == "failed" and attempt.status == A.RETRYING and attempt.next_retry_at
        else None,
        "warnings": list(attempt.warnings or []),
        "reference": attempt.reference,
        "attention": list(attempt.mismatches or []) + list(attempt.drift or []),
        "published_at": attempt.published_at.isoformat() if attempt.published_at else None,
    }


def publishing_summary_for(*, document, site_url: str | None = None) -> dict:
    """{"status": not_published|queued|publishing|published|failed, "scoro_id", "scoro_url", "error", …}.

    Receipts in an expense report show the report's publishing. `site_url` may be passed by lists to
    save a query per row.
    """
    if document.expense_report_id and document.type == "receipt":
        report_attempt = _attempt_for(document.expense_report)
        if report_attempt is not None:
            status = _BY_ATTEMPT_STATUS.get(report_attempt.status, "not_published")
            return _summary(report_attempt, status, site_url=site_url, company_id=document.company_id)
    attempt = _attempt_for(document)
    status = _BY_DOCUMENT_STATUS.get(document.status)
    if status is None:
        # Back in review after a publish (reopened for an edit): Scoro still has the earlier version.
        status = "published" if attempt is not None and attempt.scoro_id else "not_published"
    return _summary(attempt, status, site_url=site_url, company_id=document.company_id)


def publishing_summary_for_report(*, report, site_url: str | None = None) -> dict:
    attempt = _attempt_for(report)
    status = _BY_ATTEMPT_STATUS.get(attempt.status, "not_published") if attempt else "not_published"
    return _summary(attempt, status, site_url=site_url, company_id=report.company_id)


def publish_attempt_for(*, document) -> PublishAttempt | None:
    return PublishAttempt.objects.filter(document=document).first()


def publishing_attention_for(*, company) -> QuerySet[PublishAttempt]:
    """Published documents a person should look at: Scoro saved something else, or changed/deleted it since."""
    return (
        PublishAttempt.objects.for_company(company)
        .exclude(Q(mismatches=[]) & Q(drift=[]))
        .select_related("document", "expense_report")
        .order_by("-updated_at")
    )


def payload_preview_for(*, document) -> dict[str, Any]:
    """Exactly what would be sent to Scoro for `document` now (no call is made; a new supplier shows as
    company_id null — it is created in Scoro first). Raises ApplicationError naming what is missing."""
    attempt = publish_attempt_for(document=document) or PublishAttempt(
        company_id=document.company_id,
        document=document,
        kind=PublishAttempt.Kind.BILL if document.type == "purchase_invoice" else PublishAttempt.Kind.EXPENSE,
        reference=PublishAttempt.reference_for(company_id=document.company_id, document_id=document.pk),
    )
    connection = services.connection_for(document.company)
    payload = services.build_payload_preview(attempt=attempt, connection=connection)
    module = attempt.scoro_module
    return {
        "endpoint": f"{module}/modify/{attempt.scoro_id}" if attempt.scoro_id else f"{module}/modify",
        "request": payload,
        "reference": attempt.reference,
        "new_supplier": bool(
            attempt.kind == PublishAttempt.Kind.BILL
            and document.supplier_id
            and document.supplier.scoro_id is None
        ),
        "attachments": [name for _key, name, _field in services.attachments_for_preview(attempt, connection)],
    }
