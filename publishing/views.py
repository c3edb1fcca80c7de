"""Browser: the panel's Publish / Retry buttons, bulk Publish, and the admins' payload preview."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from core.errors import ApplicationError
from core.redirects import redirect_back
from documents.selectors import document_queryset_for, expense_report_queryset_for
from publishing import selectors, services


class _DocumentMixin(CompanyRequiredMixin):
    def get_document(self, pk: int):
        return get_object_or_404(document_queryset_for(membership=self.request.membership), pk=pk)

    def panel(self, request, document):
        document.refresh_from_db()
        return render(request, "publishing/_panel.html", {"document": document})


class DocumentPublishView(_DocumentMixin, View):
    """POST: Publish (or Retry). htmx swaps the panel; without htmx, back to the review page."""

    required_permission = "documents.publish"

    def post(self, request, pk: int):
        document = self.get_document(pk)
        try:
            services.publish_document(document=document, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        if request.htmx:
            return self.panel(request, document)
        return redirect_back(request, "documents:inbox", referer=True)


class DocumentPublishPanelView(_DocumentMixin, View):
    """GET: the panel alone (htmx polls it while queued/publishing)."""

    def get(self, request, pk: int):
        return self.panel(request, self.get_document(pk))


class _ReportMixin(CompanyRequiredMixin):
    def get_report(self, pk: int):
        return get_object_or_404(expense_report_queryset_for(membership=self.request.membership), pk=pk)

    def panel(self, request, report):
        report.refresh_from_db()
        return render(request, "publishing/_report_panel.html", {"report": report})


class ReportPublishView(_ReportMixin, View):
    """POST: Publish (or Retry) a confirmed expense report. htmx swaps the panel; else back to the report."""

    required_permission = "documents.publish"

    def post(self, request, pk: int):
        report = self.get_report(pk)
        try:
            services.publish_expense_report(report=report, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        if request.htmx:
            return self.panel(request, report)
        return redirect("documents:report", pk=report.pk)


class ReportPublishPanelView(_ReportMixin, View):
    """GET: the report's panel alone (htmx polls it while queued or waiting to retry)."""

    def get(self, request, pk: int):
        return self.panel(request, self.get_report(pk))


class BulkPublishView(CompanyRequiredMixin, View):
    required_permission = "documents.publish"

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("documents") if i.isdigit() and len(i) < 19]
        documents = document_queryset_for(membership=request.membership).filter(pk__in=ids)
        result = services.publish_documents(documents=documents, actor=request.user)
        if result["queued"]:
            messages.success(request, f"{len(result['queued'])} queued for Scoro.")
        for skipped in result["skipped"]:
            messages.warning(request, f"Document {skipped['document']}: {skipped['reason']}")
        return redirect_back(request, "documents:archive")


class PayloadPreviewView(_DocumentMixin, View):
    required_permission = "integrations.manage"

    def get(self, request, pk: int):
        document = self.get_document(pk)
        try:
            preview, problem = selectors.payload_preview_for(document=document), ""
        except ApplicationError as exc:
            preview, problem = None, exc.message
        return render(
            request,
            "publishing/preview.html",
            {
                "document": document,
                "preview": preview,
                "problem": problem,
                "request_json": json.dumps(preview["request"], indent=2, ensure_ascii=False)
                if preview
                else "",
            },
        )
