"""The readable, printable view of an XML e-invoice, and downloads of the files embedded in it."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from documents.einvoice_view import einvoice_reading_for, embedded_file
from documents.selectors import document_queryset_for


def _document(request, pk: int):
    return get_object_or_404(document_queryset_for(membership=request.membership), pk=pk)


class DocumentEInvoiceView(CompanyRequiredMixin, View):
    """The e-invoice rendered as a page a person can read and print."""

    def get(self, request, pk: int):
        document = _document(request, pk)
        reading = einvoice_reading_for(document)
        if reading.view is None:
            raise Http404
        context = {"document": document, "einvoice": reading.view, "embedded_files": reading.files}
        return render(request, "documents/einvoice_print.html", context)


class DocumentEmbeddedFileView(CompanyRequiredMixin, View):
    """A supporting file embedded in the e-invoice, always as a download (never rendered by the browser)."""

    def get(self, request, pk: int, number: int):
        document = _document(request, pk)
        found = embedded_file(document, number)
        if found is None:
            raise Http404
        response = HttpResponse(found.content, content_type=found.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=found.name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        return response
