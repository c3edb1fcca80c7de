"""Browser intake: the drag-and-drop upload page and the phone capture page.

Both pages send each file to the REST upload route (POST /api/v1/documents/) from static/js/upload.js
with the session cookie and CSRF token, so every way in runs the same checks and service.
"""

from django.conf import settings
from django.shortcuts import render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from documents.choices import DocumentType
from documents.selectors import expense_report_queryset_for


def _context(request, **extra):
    return {
        "types": DocumentType.choices,
        "max_bytes": settings.ENVOICE_MAX_UPLOAD_BYTES,
        "max_mb": settings.ENVOICE_MAX_UPLOAD_BYTES // (1024 * 1024),
        "expense_reports": expense_report_queryset_for(membership=request.membership).filter(status="draft")[
            :50
        ],
        **extra,
    }


class UploadView(CompanyRequiredMixin, View):
    required_permission = "documents.upload"

    def get(self, request):
        default = request.GET.get("type") or (
            DocumentType.RECEIPT if request.membership.role == "employee" else DocumentType.PURCHASE_INVOICE
        )
        return render(
            request, "documents/upload.html", _context(request, title="Upload", default_type=default)
        )


class CaptureView(CompanyRequiredMixin, View):
    required_permission = "documents.upload"

    def get(self, request):
        return render(request, "documents/capture.html", _context(request, title="Capture receipts"))
