"""Browser lists of documents: Inbox, Purchases, Sales, Expenses, the archives, and bulk actions.

Lists paginate on the server with a fixed number of queries per page: one COUNT, one page of rows with
their supplier/project/assignee joined in, whatever the number of documents. Rows load only the
columns a row shows (no extracted text or provenance), and the page is cut by id before the joins
(documents.pagination). The lines come in one prefetch per page for the problem summary, which runs
the review screen's checks (documents.problems).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.roles import denial_message, role_can
from accounts.selectors import members_of
from accounts.views_mixins import CompanyRequiredMixin
from bookkeeping.models import Project
from core.errors import ApplicationError
from core.redirects import safe_next_url
from core.validation import form_error_text
from documents.choices import DocumentStatus as S
from documents.choices import DocumentType
from documents.coding import BULK_ACTIONS, documents_bulk, recording_required_for
from documents.duplicates.selectors import duplicate_suspected, has_open_duplicate
from documents.expense_reports import expense_report_list
from documents.forms import DocumentFilterForm
from documents.pagination import DocumentPaginator
from documents.problems import LIST_PREFETCH, document_problems, problem_summary
from documents.review import overall_confidence
from documents.selectors import (
    Waiting,
    document_list,
    document_queryset_for,
    extraction_waiting,
    rejection_for,
    rejections_for,
)
from publishing.selectors import publishing_summary_for
from scoro_sync.selectors import connection_for as scoro_connection_for

PAGE_SIZE = 50
OPEN = (S.RECEIVED, S.EXTRACTING, S.TO_REVIEW, S.REJECTED)
# Not read yet: lists and the upload page poll these until extraction has finished.
READING = frozenset({S.RECEIVED, S.EXTRACTING})
DONE = (S.READY, S.QUEUED, S.PUBLISHING, S.PUBLISHED, S.PUBLISH_FAILED)

LISTS: dict[str, dict[str, Any]] = {
    "inbox": {"title": "Inbox", "filters": {"status": ",".join(OPEN)}, "bulk": True},
    "purchases": {
        "title": "Purchases",
        "filters": {"type": DocumentType.PURCHASE_INVOICE, "status": ",".join((*OPEN, S.IN_APPROVAL))},
        "bulk": True,
        "tabs": "purchases",
    },
    "purchases_archive": {
        "title": "Purchases › Archive",
        "filters": {"type": DocumentType.PURCHASE_INVOICE, "status": ",".join(DONE)},
        "archive": True,
        "tabs": "purchases",
    },
    "sales": {"title": "Sales", "filters": {"type": DocumentType.SALES_INVOICE}, "bulk": True},
    "expenses": {
        "title": "Expenses & Reports",
        "filters": {"type": DocumentType.RECEIPT, "status": ",".join((*OPEN, S.IN_APPROVAL))},
        "bulk": True,
        "tabs": "expenses",
    },
    "archive": {"title": "Archive", "filters": {"status": ",".join(DONE)}, "archive": True},
}
SORTS = {
    "received": ("received_at", "id"),
    "supplier": ("supplier_name", "id"),
    "number": ("invoice_number", "id"),
    "date": ("issue_date", "id"),
    "total": ("total", "id"),
    "status": ("status", "id"),
}
FILTER_KEYS = ("status", "type", "supplier", "q", "date_from", "date_to")
PUBLISHED_FILTER = {
    "not_published": (S.READY,),
    "queued": (S.QUEUED, S.PUBLISHING),
    "published": (S.PUBLISHED,),
    "failed": (S.PUBLISH_FAILED,),
}


NULLABLE_SORTS = frozenset({"issue_date", "total"})

# What a row of the lists shows or derives (confidence, problems, published column, aria label).
ROW_FIELDS = (
    "id", "company_id", "type", "status", "filename", "received_at", "duplicate_of_id",
    "supplier_name", "invoice_number", "issue_date", "total", "subtotal", "tax_total", "currency",
    "confidence", "fields", "warnings", "corrected_fields", "expense_report_id",
    "supplier_id", "project_id", "finance_account_id", "tax_rate_id", "tax_rate__percent",
    "supplier__name", "supplier__lastname", "project__number", "project__name",
    "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name",
)  # fmt: skip
ARCHIVE_RELATED = ("publish_attempt", "expense_report__publish_attempt")


def _ordered(qs: QuerySet, sort: str) -> QuerySet:
    """Order by a known column, id as tie-breaker; empty dates/amounts always last."""
    key = sort.lstrip("-")
    columns = SORTS.get(key, SORTS["received"])
    descending = sort.startswith("-") or key not in SORTS
    order = []
    for column in columns:
        expression = F(column).desc() if descending else F(column).asc()
        if column in NULLABLE_SORTS:
            expression = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
        order.append(expression)
    return qs.order_by(*order)


PUBLISHED_LABELS = {
    "not_published": "Not published",
    "queued": "Queued",
    "publishing": "Queued",
    "published": "Published",
    "failed": "Failed",
}


def published_column(document, *, site_url: str) -> dict[str, str]:
    """Not published / queued / published / failed, with the reason for hover. The list joins in the
    publish attempts, so this costs no query per row."""

    summary = publishing_summary_for(document=document, site_url=site_url)
    state = "queued" if summary["status"] == "publishing" else summary["status"]
    reason = summary.get("error") or summary.get("waiting_reason") or ""
    if state == "failed" and not reason:
        reason = "Publishing failed."
    return {
        "state": state,
        "label": PUBLISHED_LABELS.get(state, state),
        "reason": reason,
        "url": summary.get("scoro_url") or "",
    }


def list_row(
    document,
    *,
    spec: dict[str, Any],
    site_url: str,
    recording_required: bool,
    rejection=None,
    waiting: Waiting | None = None,
) -> dict[str, Any]:
    """What a list row shows beside the document's columns; `pending` rows refresh themselves."""
    problems = document_problems(
        document,
        duplicate=bool(document.duplicate_of_id) or has_open_duplicate(document),
        recording_required=recording_required,
    )
    return {
        "doc": document,
        "pending": document.status in READING,
        "rejection": rejection,
        "waiting": waiting,
        "confidence": overall_confidence(document),
        "problems": problems,
        "problem_summary": problem_summary(problems),
        "published": published_column(document, site_url=site_url) if spec.get("archive") else None,
    }


def _site_url(company) -> str:

    connection = scoro_connection_for(company=company)
    return connection.site_url if connection else ""


class DocumentListView(CompanyRequiredMixin, View):
    list_name = "inbox"
    template_name = "documents/list.html"

    def get(self, request):
        if self.list_name == "inbox" and not role_can(request.membership.role, "documents.view_all"):
            # An employee's day starts with a receipt to capture; their own receipts are one tap away.
            return redirect("documents:capture")
        spec = LISTS[self.list_name]
        chosen = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
        filter_form = DocumentFilterForm(request.GET)
        if not filter_form.is_valid():
            messages.error(request, form_error_text(filter_form))
        filters = {**spec["filters"], **filter_form.filters()}
        qs = (
            document_list(membership=request.membership, filters=filters)
            .select_related("supplier", "project", "assigned_to", "tax_rate")
            .prefetch_related(*LIST_PREFETCH)
            .only(*ROW_FIELDS)
            .annotate(duplicate_suspected=duplicate_suspected())
        )
        if spec.get("archive"):
            qs = qs.select_related(*ARCHIVE_RELATED).only(*ROW_FIELDS, *ARCHIVE_RELATED)
        assigned = request.GET.get("assigned", "")
        if assigned == "me":
            qs = qs.filter(assigned_to=request.user)
        elif assigned == "none":
            qs = qs.filter(assigned_to__isnull=True)
        published = request.GET.get("published", "")
        if spec.get("archive") and published in PUBLISHED_FILTER:
            qs = qs.filter(status__in=PUBLISHED_FILTER[published])
        if request.GET.get("problems") == "1":
            qs = qs.exclude(
                Q(warnings=[])
                & Q(supplier__isnull=False)
                & Q(duplicate_of__isnull=True)
                & Q(duplicate_suspected=False)
            )
        sort = request.GET.get("sort", "-received")
        paginator = DocumentPaginator(_ordered(qs, sort), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        site_url = _site_url(request.company) if spec.get("archive") else ""
        recording = recording_required_for(request.company)
        rejections = rejections_for(company=request.company, documents=page.object_list)
        waiting = extraction_waiting(page.object_list)
        rows = [
            list_row(
                d,
                spec=spec,
                site_url=site_url,
                recording_required=recording,
                rejection=rejections.get(d.pk),
                waiting=waiting.get(d.pk),
            )
            for d in page.object_list
        ]
        can_code = role_can(request.membership.role, "documents.code")
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        context = {
            "title": spec["title"],
            "list_name": self.list_name,
            "spec": spec,
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "assigned": assigned,
            "published": published,
            "sort": sort,
            "sort_base": params.urlencode(),
            "bulk": spec.get("bulk") and can_code,
            "bulk_actions": BULK_ACTIONS,
            "members": members_of(company=request.company) if can_code else [],
            "projects": Project.objects.for_company(request.company).filter(is_active=True)
            if can_code
            else [],
            "statuses": S.choices,
            "types": DocumentType.choices,
            "published_choices": [
                ("not_published", "Not published"),
                ("queued", "Queued"),
                ("published", "Published"),
                ("failed", "Failed"),
            ],
        }
        if spec.get("tabs") == "expenses":
            context["reports"] = expense_report_list(membership=request.membership)[:10]
        return render(request, self.template_name, context, status=200 if filter_form.is_valid() else 400)


class DocumentRowView(CompanyRequiredMixin, View):
    """GET one list row again (htmx polls rows whose document is still being read)."""

    def get(self, request, pk: int):
        list_name = request.GET.get("list", "inbox")
        spec = LISTS.get(list_name, LISTS["inbox"])
        document = get_object_or_404(
            document_queryset_for(membership=request.membership)
            .select_related("supplier", "project", "assigned_to", "tax_rate")
            .prefetch_related(*LIST_PREFETCH)
            .annotate(duplicate_suspected=duplicate_suspected()),
            pk=pk,
        )
        site_url = _site_url(request.company) if spec.get("archive") else ""
        row = list_row(
            document,
            spec=spec,
            site_url=site_url,
            recording_required=recording_required_for(request.company),
            rejection=rejection_for(document),
            waiting=extraction_waiting([document]).get(document.pk),
        )
        can_code = role_can(request.membership.role, "documents.code")
        context = {
            "row": row,
            "d": document,
            "spec": spec,
            "list_name": list_name,
            "bulk": spec.get("bulk") and can_code,
        }
        return render(request, "documents/_row.html", context)


class DocumentStateView(CompanyRequiredMixin, View):
    """GET a document's reading state for the upload list: polled (htmx) until it has been read."""

    def get(self, request, pk: int):
        document = get_object_or_404(
            document_queryset_for(membership=request.membership).prefetch_related(*LIST_PREFETCH), pk=pk
        )
        problems = [] if document.status in READING else document_problems(document)
        context = {
            "d": document,
            "pending": document.status in READING,
            "problem_summary": problem_summary(problems),
        }
        return render(request, "documents/_state.html", context)


class DocumentBulkView(CompanyRequiredMixin, View):
    """POST ids + action (+ value): assign, set project, record, delete. One message sums it up."""

    def post(self, request):
        action = request.POST.get("action", "")
        needed = {"record": "documents.record", "delete": "documents.delete"}.get(action, "documents.code")
        back = safe_next_url(request, "documents:inbox")
        if not role_can(request.membership.role, needed):
            messages.error(request, denial_message(request.membership.role, needed))
            return redirect(back)
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 19]
        if not ids:
            messages.warning(request, "Select documents first.")
            return redirect(back)
        documents = document_queryset_for(membership=request.membership).filter(pk__in=ids)
        try:
            result = documents_bulk(
                documents=documents,
                action=action,
                value=request.POST.get("value") or None,
                actor=request.user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(back)
        (messages.warning if result.errors else messages.success)(request, result.summary)
        return redirect(back)
