"""A person's decision on a possible duplicate, from the review page's side-by-side panel."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from core.errors import ApplicationError
from core.validation import form_error_text
from documents.duplicates.services import duplicate_dismiss
from documents.forms import NotDuplicateForm
from documents.selectors import document_queryset_for


class DocumentNotDuplicateView(CompanyRequiredMixin, View):
    """POST other=<id>: the two are different documents; the flag goes and is not raised again."""

    required_permission = "documents.code"

    def post(self, request, pk: int):
        document = get_object_or_404(document_queryset_for(membership=request.membership), pk=pk)
        form = NotDuplicateForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
            return redirect("documents:review", pk=pk)
        try:
            duplicate_dismiss(document=document, other_id=form.cleaned_data["other"], actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Kept as a separate document from #{form.cleaned_data['other']}.")
        return redirect("documents:review", pk=pk)
