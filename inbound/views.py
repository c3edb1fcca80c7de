"""The Mailgun inbound webhook (django-anymail parses and verifies it) and the Settings pages and actions."""

from __future__ import annotations

import logging
import time

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from accounts.services import company_rotate_inbound_address
from accounts.views_mixins import CompanyRequiredMixin
from bookkeeping.models import Project
from core.errors import ValidationFailed
from inbound.forms import InboundSettingsForm, SenderProjectForm
from inbound.mime import collect
from inbound.models import SenderProject
from inbound.preferences import inbound_settings_set, sender_project_delete, sender_project_save
from inbound.selectors import inbound_settings_for, sender_projects_for
from inbound.services import (
    InboundMail,
    InboundRefused,
    inbound_address_rotated,
    inbound_receive,
    inbound_senders_set,
)

log = logging.getLogger(__name__)


class MailgunInboundView(MailgunInboundWebhookView):
    """Anymail checks the HMAC signature; we add freshness, then call the service directly.

    Answers: 200 stored; 406 refused for good (Mailgun does not retry a 406); 400 bad signature.
    """

    def validate_request(self, request):
        # (Anymail runs every validate_request in the class chain; this one adds a freshness check.)
        try:
            age = time.time() - int(request.POST.get("timestamp", "0"))
        except ValueError:
            age = float("inf")
        if abs(age) > settings.ENVOICE_INBOUND_MAX_AGE_SECONDS:
            raise AnymailWebhookValidationFailure("Mailgun webhook timestamp is too old")

    def post(self, request, *args, **kwargs):
        try:
            self.run_validators(request)
            event = self.parse_events(request)[0]
        except (AnymailWebhookValidationFailure, SuspiciousOperation) as refused:
            # A forged, stale, oversized or malformed request; Mailgun's own never is.
            log.warning("Inbound webhook refused: %s", refused)
            return JsonResponse({"detail": f"Refused: {refused}"}, status=400)
        except (KeyError, ValueError, IndexError):
            return JsonResponse({"detail": "Not a Mailgun inbound message."}, status=400)
        try:
            record = inbound_receive(mail=_mail_from_event(event))
        except InboundRefused as refused:
            return JsonResponse({"detail": refused.message, "code": refused.code}, status=406)
        return JsonResponse(
            {"status": "accepted", "documents": record.document_ids, "skipped": record.skipped}
        )


@csrf_exempt  # Mailgun signs its requests; it has no CSRF cookie
def mailgun_inbound(request, *args, **kwargs):
    """The webhook, off (404) while no signing key is configured: an unsigned or demo-signed request
    must never be accepted. Mailgun signs its requests (HMAC); it has no CSRF cookie."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        return JsonResponse({"detail": "Inbound e-mail is not configured on this server."}, status=404)
    return _mailgun_inbound_view(request, *args, **kwargs)


_mailgun_inbound_view = csrf_exempt(MailgunInboundView.as_view())


HEADERS = (
    "auto-submitted", "precedence", "list-id", "return-path", "references", "x-autoreply", "x-autorespond"
)  # fmt: skip


def _mail_from_event(event) -> InboundMail:
    message = event.message
    sender = message.from_email.addr_spec if message.from_email else (message.envelope_sender or "")
    headers = {name: str(message[name]) for name in HEADERS if message[name] is not None}
    if "return-path" not in headers and message.envelope_sender is not None:
        headers["return-path"] = message.envelope_sender  # Mailgun's `sender`: the envelope's
    found = collect(message)
    return InboundMail(
        token=event.event_id or "",
        recipient=message.envelope_recipient or (message.to[0].addr_spec if message.to else ""),
        sender=sender or "",
        subject=message.subject or "",
        message_id=message.get("Message-ID", "") or "",
        text=message.text or "",
        html=message.html or "",
        attachments=found.files,
        skipped=found.skipped,
        headers=headers,
    )


class InboundRotateView(CompanyRequiredMixin, View):
    """Settings → Company: give the company a new forwarding address; the old one stops working."""

    required_permission = "settings.manage"

    def post(self, request):
        old = self.company.inbound_address
        company_rotate_inbound_address(company=self.company)
        inbound_address_rotated(company=self.company, old_address=old, actor=request.user)
        messages.success(request, f"New forwarding address: {self.company.inbound_address}")
        return redirect("scoro_sync:settings")


class InboundSendersView(CompanyRequiredMixin, View):
    required_permission = "settings.manage"

    def post(self, request):
        try:
            inbound_senders_set(
                company=self.company, senders=request.POST.get("senders", ""), actor=request.user
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Sender allow-list saved.")
        return redirect("scoro_sync:settings")


# ------------------------------------------------------------------------------------------ Settings › E-mail
class InboundSettingsView(CompanyRequiredMixin, View):
    """Settings › E-mail: per-sender default projects, the invoice-link allow-list and replies."""

    required_permission = "settings.manage"

    def page(self, request, *, sender_form=None, settings_form=None, status=200):
        current = inbound_settings_for(self.company)
        example = Project.objects.for_company(self.company).filter(is_active=True).exclude(number="").first()
        local, _, domain = self.company.inbound_address.partition("@")
        context = {
            "company": self.company,
            "senders": sender_projects_for(self.company),
            "sender_form": sender_form or SenderProjectForm(company=self.company),
            "settings_form": settings_form
            or InboundSettingsForm(
                initial={"link_senders": current.link_senders, "send_replies": current.send_replies}
            ),
            "example_project": example,
            "plus_example": f"{local}+{example.number}@{domain}" if example else "",
        }
        return render(request, "settings/inbound.html", context, status=status)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        form = InboundSettingsForm(request.POST)
        if not form.is_valid():
            return self.page(request, settings_form=form, status=400)
        inbound_settings_set(company=self.company, actor=request.user, **form.cleaned_data)
        messages.success(request, "E-mail settings saved.")
        return redirect("inbound:settings")


class SenderProjectCreateView(InboundSettingsView):
    http_method_names = ["post"]

    def post(self, request):
        form = SenderProjectForm(request.POST, company=self.company)
        if form.is_valid():
            try:
                row = sender_project_save(company=self.company, actor=request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                form.add_error("sender", exc.message)
            else:
                messages.success(request, f"Mail from {row.sender} is now filed under {row.project}.")
                return redirect("inbound:settings")
        return self.page(request, sender_form=form, status=400)


class SenderProjectDeleteView(InboundSettingsView):
    http_method_names = ["post"]

    def post(self, request, pk):
        row = get_object_or_404(self.scoped(SenderProject), pk=pk)
        sender_project_delete(company=self.company, instance=row, actor=request.user)
        messages.success(request, f"Mail from {row.sender} no longer has a default project.")
        return redirect("inbound:settings")
