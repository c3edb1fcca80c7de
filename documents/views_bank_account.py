"""The review screen's bank account panel: a second admin confirms (or anyone with the role rejects)
the new bank account a bill asks to be paid to."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from core.errors import ApplicationError
from core.validation import form_error_text
from documents.bank_accounts import document_bank_account_confirm, document_bank_account_reject
from documents.forms import BankAccountDecisionForm
from documents.selectors import document_queryset_for


class DocumentBankAccountView(CompanyRequiredMixin, View):
    required_permission = "bank_accounts.confirm"

    def post(self, request, pk: int):
        document = get_object_or_404(document_queryset_for(membership=request.membership), pk=pk)
        form = BankAccountDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_error_text(form))
            return redirect("documents:review", pk=pk)
        data = form.cleaned_data
        try:
            if data["decision"] == "confirm":
                document_bank_account_confirm(document=document, actor=request.user, iban=data["iban"])
                messages.success(request, f"Bank account confirmed for {document.supplier}.")
            else:
                document_bank_account_reject(
                    document=document, actor=request.user, iban=data["iban"], reason=data["reason"]
                )
                messages.success(request, f"Bank account rejected for {document.supplier}.")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("documents:review", pk=pk)
