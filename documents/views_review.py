"""The review screen: the original beside the form; corrections, coding, suggestions, recording."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.roles import role_can
from accounts.views_mixins import CompanyRequiredMixin
from audit.selectors import audit_trail_for
from bookkeeping.bank_accounts import bank_accounts_of
from bookkeeping.models import Contact, Product
from core.errors import ApplicationError
from core.storage import STORAGE_ERRORS
from core.validation import form_error_text
from documents.bank_accounts import bank_account_review
from documents.choices import FIELD_LABELS, DocumentType
from documents.coding import (
    HEADER_CODING,
    RECORDABLE_STATUSES,
    document_delete,
    document_record,
    document_supplier_create,
    document_update,
    recording_problems,
    recording_required_for,
)
from documents.einvoice_view import einvoice_reading_for
from documents.forms import ReviewForm
from documents.models import Document, DocumentPage
from documents.problems import document_problems, problems_by_field
from documents.review import (
    coding_choices,
    coding_suggestions,
    review_duplicates,
    source_label,
)
from documents.selectors import document_queryset_for, rejection_for
from documents.views import OPEN

# The review screen renders this many e-invoice lines; the printable view renders them all.
REVIEW_EINVOICE_LINES = 300
# Raster formats a browser shows without running anything (no SVG).
INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# The review form's fields, in the order it shows them.
REVIEW_FIELDS = (
    "supplier_name", "supplier_vat_no", "supplier_reg_no", "invoice_number", "issue_date", "due_date",
    "currency", "subtotal", "tax_total", "total", "iban", "po_number",
)  # fmt: skip


def _document(request, pk: int) -> Document:
    queryset = document_queryset_for(membership=request.membership).select_related(
        "supplier", "project", "finance_account", "tax_rate", "assigned_to", "expense_report"
    )
    return get_object_or_404(queryset, pk=pk)


def next_in_inbox(request, document: Document) -> Document | None:
    """The next document to review after this one, in Inbox order."""
    inbox = (
        document_queryset_for(membership=request.membership).filter(status__in=OPEN).exclude(pk=document.pk)
    )
    return (
        inbox.filter(received_at__lte=document.received_at).order_by("-received_at", "-id").first()
        or inbox.order_by("-received_at", "-id").first()
    )


class DocumentReviewView(CompanyRequiredMixin, View):
    template_name = "documents/review.html"

    def get(self, request, pk: int):
        document = _document(request, pk)
        return render(request, self.template_name, self.context(request, document))

    def post(self, request, pk: int):
        if not role_can(request.membership.role, "documents.code"):
            messages.error(
                request, "Your role does not allow coding documents (accountants and admins code)."
            )
            return redirect("documents:review", pk=pk)
        document = _document(request, pk)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
            return self.render_refused(request, document, status=400)
        try:
            # One transaction: a new supplier is only created when the rest of the form is saved too.
            with transaction.atomic():
                if form.creates_supplier:
                    document = document_supplier_create(
                        document=document,
                        data=form.new_supplier(),
                        actor=request.user,
                        expected_version=form.cleaned_data.get("version"),
                    )
                document = document_update(
                    document=document,
                    data=form.update_data(),
                    actor=request.user,
                    expected_version=None if form.creates_supplier else form.cleaned_data.get("version"),
                )
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.render_refused(request, document, status=error.status_code)
        try:
            if request.POST.get("then") == "record":
                if not role_can(request.membership.role, "documents.record"):
                    raise ApplicationError(
                        "Your role does not allow recording documents (accountants and admins record)."
                    )
                document = document_record(document=document, actor=request.user)
                messages.success(request, f"{document} is {document.get_status_display().lower()}.")
                following = next_in_inbox(request, document)
                if following is not None and request.POST.get("advance") == "1":
                    return redirect("documents:review", pk=following.pk)
            else:
                messages.success(request, "Saved.")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("documents:review", pk=document.pk)

    def render_refused(self, request, document: Document, *, status: int):
        """The review page again (as it is now: nothing was saved) with the reason, answering 4xx."""
        document = _document(request, document.pk)
        return render(request, self.template_name, self.context(request, document), status=status)

    def context(self, request, document: Document) -> dict[str, Any]:
        role = request.membership.role
        pages = list(document.pages.all())
        lines = list(
            document.lines.select_related("product", "project", "finance_account", "tax_rate", "dimension")
        )
        duplicates = review_duplicates(document)
        problems = problems_by_field(document_problems(document, duplicate=bool(duplicates)))
        recording = recording_required_for(document.company)
        choices = coding_choices(document.company, document)
        fields = [
            {
                "name": name,
                "label": label,
                "value": (document.fields or {}).get(name) or "",
                "confidence": (document.confidence or {}).get(name),
                "provenance": (document.provenance or {}).get(name),
                "problems": problems.get(name, []),
                "corrected": name in (document.corrected_fields or []),
                "kind": "date"
                if name.endswith("_date")
                else "amount"
                if name in ("subtotal", "tax_total", "total")
                else "text",
            }
            for name, label in ((n, FIELD_LABELS[n]) for n in REVIEW_FIELDS)
        ]
        last_run = document.extraction_runs.order_by("-id").only("hints_explanation").first()
        einvoice = einvoice_reading_for(document)
        return {
            "einvoice": einvoice.view,
            "einvoice_line_limit": REVIEW_EINVOICE_LINES,
            "embedded_files": einvoice.files,
            "title": str(document),
            "document": document,
            "rejection": rejection_for(document),
            "learned": last_run.hints_explanation if last_run else "",
            "pages": pages,
            "lines": lines,
            "fields": fields,
            "document_problems": problems.get("_document", []),
            "line_problems": problems.get("lines", []),
            "duplicates": duplicates,
            "suggestions": coding_suggestions(document),
            "sources": {name: source_label(document, name) for name in (*HEADER_CODING, "dimensions")},
            "suppliers": Contact.objects.for_company(document.company).filter(
                is_active=True, is_supplier=True
            ),
            "products": Product.objects.for_company(document.company).filter(is_active=True),
            "selected_dimensions": {d.pk for d in document.dimensions.all()},
            "types": DocumentType.choices,
            "missing": recording_problems(document, full=recording),
            "recording_required": recording,
            "can_code": role_can(role, "documents.code") and document.status not in ("queued", "publishing"),
            "can_record": role_can(role, "documents.record") and document.status in RECORDABLE_STATUSES,
            "can_delete": role_can(role, "documents.delete"),
            "next_document": next_in_inbox(request, document),
            "trail": audit_trail_for(target=document).order_by("-created_at")[:30],
            "bank_account": bank_account_review(document, user=request.user),
            "bank_accounts": bank_accounts_of(document.supplier) if document.supplier_id else [],
            "provenance": {k: v for k, v in (document.provenance or {}).items() if isinstance(v, dict)},
            **choices,
        }


class DocumentRecordView(CompanyRequiredMixin, View):
    required_permission = "documents.record"

    def post(self, request, pk: int):
        document = _document(request, pk)
        try:
            document = document_record(document=document, actor=request.user)
            messages.success(request, f"{document} is {document.get_status_display().lower()}.")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("documents:review", pk=pk)


class DocumentDeleteView(CompanyRequiredMixin, View):
    required_permission = "documents.delete"

    def post(self, request, pk: int):
        document = _document(request, pk)
        following = next_in_inbox(request, document)
        try:
            document_delete(document=document, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("documents:review", pk=pk)
        messages.success(request, f"Deleted {document}.")
        return redirect("documents:review", pk=following.pk) if following else redirect("documents:inbox")


class DocumentAcceptSuggestionView(CompanyRequiredMixin, View):
    """One click: code the document with a suggestion learned from the supplier's history."""

    required_permission = "documents.code"

    def post(self, request, pk: int):
        document = _document(request, pk)
        field, value = request.POST.get("field"), request.POST.get("value")
        wanted = {s.field: s for s in coding_suggestions(document)}
        suggestion = wanted.get(field)
        if suggestion is None or str(suggestion.value.pk) != value:
            messages.error(request, "That suggestion no longer applies.")
            return redirect("documents:review", pk=pk)
        source = {"kind": "suggestion", "label": f"used {suggestion.count}× for this supplier"}
        try:
            document_update(
                document=document, data={field: suggestion.value.pk}, actor=request.user, source=source
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("documents:review", pk=pk)


class DocumentPageImageView(CompanyRequiredMixin, View):
    """A page preview image, for members who may see the document."""

    def get(self, request, pk: int, number: int):
        document = _document(request, pk)
        page = DocumentPage.objects.filter(document=document, number=number).first()
        if page is None or not page.image:
            raise Http404
        try:
            image = page.image.open("rb")
        except STORAGE_ERRORS:
            raise Http404 from None
        response = FileResponse(image, content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response


@method_decorator(xframe_options_sameorigin, name="dispatch")
class DocumentOriginalInlineView(CompanyRequiredMixin, View):
    """The original: shown inside the review page when it is a PDF or an image, downloaded otherwise
    (an XML e-invoice is the sender's file, byte for byte, never rendered by the browser)."""

    def get(self, request, pk: int):
        document = _document(request, pk)
        inline = document.is_pdf or document.content_type in INLINE_IMAGES
        try:
            original = document.original.open("rb")
        except (*STORAGE_ERRORS, ValueError):
            raise Http404 from None
        response = FileResponse(
            original,
            content_type=document.content_type or "application/octet-stream",
            as_attachment=not inline,
            filename=document.filename,
        )
        if inline:
            response["Content-Disposition"] = "inline"
        else:
            response["Content-Security-Policy"] = "sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


def review_url(document: Document) -> str:
    return reverse("documents:review", args=[document.pk])
