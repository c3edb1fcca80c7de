"""Settings › E-mail forms. The rules are the services' (inbound.preferences); a form reports them
on its fields."""

from __future__ import annotations

from django import forms

from bookkeeping.models import Project
from core.errors import ValidationFailed
from inbound.preferences import clean_sender_entry, clean_sender_list


class SenderProjectForm(forms.Form):
    sender = forms.CharField(
        max_length=254,
        label="Sender",
        help_text="An address (ap@supplier.example) or every address at a domain (@supplier.example).",
    )
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label="Project", empty_label="Choose…")

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.for_company(company).filter(is_active=True)

    def clean_sender(self):
        try:
            return clean_sender_entry(self.cleaned_data["sender"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


class InboundSettingsForm(forms.Form):
    link_senders = forms.CharField(
        required=False,
        max_length=10_000,
        label="Fetch invoice links from",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text="One address or @domain per line. Links to PDF or XML invoices in mail from these "
        "senders are downloaded; links from anyone else are never opened.",
    )
    send_replies = forms.BooleanField(
        required=False,
        label="Reply to the sender",
        help_text="Answer each forwarded message with a receipt, or the reason it was refused. "
        "Automatic mail (newsletters, bounces, auto-replies) is never answered.",
    )

    def clean_link_senders(self):
        try:
            return "\n".join(clean_sender_list(self.cleaned_data["link_senders"], field="link_senders"))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None
