"""The pages an approval e-mail's links open: confirm an approval, or reject with a reason.

No log-in: the signed link is the credential (approvals/links.py) and acts only as its approver on its
step. GET only shows (mail scanners fetch links); the decision is a CSRF-protected POST. The answers
are never cached, never indexed and never hand the link to another site as a Referer.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views import View

from approvals import links
from approvals.choices import Decision
from approvals.forms import LinkApproveForm, LinkRejectForm
from core.errors import ApplicationError


def _private(response):
    response["Cache-Control"] = "no-store"
    # same-origin, not no-referrer: with no-referrer the browser posts the form with "Origin: null",
    # which Django's CSRF check refuses. The link still never goes to another site as a Referer.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request, exc: links.LinkRefused):
    subject = exc.subject
    return render(
        request,
        "approvals/link_refused.html",
        {
            "title": "This link cannot be used",
            "message": exc.message,
            "subject": subject,
            "subject_is_document": subject is not None and subject._meta.model_name == "document",
        },
        status=exc.status_code,
    )


class _LinkDecisionView(View):
    decision = ""
    form_class = LinkApproveForm
    template_name = ""

    def dispatch(self, request, *args, **kwargs):
        return _private(super().dispatch(request, *args, **kwargs))

    def comment(self, form) -> str:
        return form.cleaned_data["comment"]

    def _page(self, request, token: str, link, form):
        return render(
            request,
            self.template_name,
            {
                "title": f"{'Approve' if self.decision == Decision.APPROVED else 'Reject'}: {link.subject}",
                "link": link,
                "link_token": token,
                "approval": link.request,
                "subject": link.subject,
                "form": form,
            },
        )

    def get(self, request, token: str):
        try:
            link = links.approval_link_read(token)
        except links.LinkRefused as exc:
            return _refused(request, exc)
        return self._page(request, token, link, self.form_class())

    def post(self, request, token: str):
        try:
            link = links.approval_link_read(token)
        except links.LinkRefused as exc:
            return _refused(request, exc)
        # A page shown again with its error answers 200, not 4xx: Django logs every 4xx with its path at
        # WARNING, and this path still holds a link that works.
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self._page(request, token, link, form)
        try:
            links.approval_link_decide(link=link, decision=self.decision, comment=self.comment(form))
        except links.LinkRefused as exc:
            return _refused(request, exc)
        except ApplicationError as exc:  # e.g. an expense report whose receipts still wait
            form.add_error(None, exc.message)
            return self._page(request, token, link, form)
        return redirect("approvals:link_done", token=token)


class LinkApproveView(_LinkDecisionView):
    decision = Decision.APPROVED
    form_class = LinkApproveForm
    template_name = "approvals/link_approve.html"


class LinkRejectView(_LinkDecisionView):
    decision = Decision.REJECTED
    form_class = LinkRejectForm
    template_name = "approvals/link_reject.html"

    def comment(self, form) -> str:
        return form.cleaned_data["reason"]


class LinkDoneView(View):
    """Where a decision by link lands (after the POST): what was decided. Shows only a link's own use."""

    def get(self, request, token: str):
        try:
            use = links.approval_link_use(token)
        except links.LinkRefused as exc:
            return _private(_refused(request, exc))
        return _private(
            render(
                request,
                "approvals/link_done.html",
                {"title": "Thank you", "use": use, "subject": use.step.request.subject},
            )
        )
