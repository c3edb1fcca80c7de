from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import AcceptInvitationForm, InvitationForm, RoleForm, SignUpForm
from accounts.middleware import SESSION_COMPANY_KEY
from accounts.models import Invitation, Membership
from accounts.selectors import members_of, membership_get
from accounts.views_mixins import CompanyRequiredMixin
from core.errors import ApplicationError
from core.redirects import redirect_back


class SignUpView(View):
    template_name = "accounts/signup.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SignUpForm()})

    def post(self, request):
        form = SignUpForm(request.POST)
        if form.is_valid():
            try:
                company, user = services.company_sign_up(**form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.extra.get("field"), exc.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session[SESSION_COMPANY_KEY] = company.pk
                messages.success(
                    request, f"Welcome to Envoice, {company}. Connect Scoro in Settings to start."
                )
                return redirect("documents:inbox")
        return render(request, self.template_name, {"form": form})


class AcceptInvitationView(View):
    template_name = "accounts/accept_invitation.html"

    def _invitation(self, token):
        invitation = get_object_or_404(Invitation.objects.select_related("company"), token=token)
        if not invitation.is_usable:
            raise Http404("This invitation has expired or was already used.")
        return invitation

    def get(self, request, token):
        invitation = self._invitation(token)
        return render(request, self.template_name, {"invitation": invitation, "form": AcceptInvitationForm()})

    def post(self, request, token):
        invitation = self._invitation(token)
        if request.user.is_authenticated:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        else:
            form = AcceptInvitationForm(request.POST)
            if not form.is_valid():
                return render(request, self.template_name, {"invitation": invitation, "form": form})
            try:
                membership = services.invitation_accept(invitation=invitation, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.extra.get("field"), exc.message)
                return render(request, self.template_name, {"invitation": invitation, "form": form})
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_COMPANY_KEY] = membership.company_id
        messages.success(request, f"You joined {membership.company}.")
        return redirect("documents:inbox")


class MembersView(CompanyRequiredMixin, View):
    required_permission = "members.manage"
    template_name = "accounts/members.html"

    def get(self, request):
        return self._render(request, InvitationForm())

    def post(self, request):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_create(company=self.company, invited_by=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("accounts:members")
        return self._render(request, form)

    def _render(self, request, form):
        return render(
            request,
            self.template_name,
            {
                "members": members_of(company=self.company),
                "invitations": self.company.invitations.filter(accepted_at__isnull=True).order_by(
                    "-created_at"
                ),
                "form": form,
                "role_form": RoleForm(),
            },
        )


class InvitationActionView(CompanyRequiredMixin, View):
    """POST resend (a fresh link, full validity) or revoke an open invitation."""

    required_permission = "members.manage"
    action = "resend"

    def post(self, request, pk: int):
        invitation = get_object_or_404(Invitation, pk=pk, company=self.company, accepted_at__isnull=True)
        try:
            if self.action == "resend":
                invitation = services.invitation_resend(invitation=invitation, actor=request.user)
                messages.success(
                    request,
                    f"Invitation sent again to {invitation.email}, valid until {invitation.expires_at:%Y-%m-%d}.",
                )
            else:
                services.invitation_revoke(invitation=invitation, actor=request.user)
                messages.success(request, f"Invitation to {invitation.email} revoked.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:members")


class MemberUpdateView(CompanyRequiredMixin, View):
    required_permission = "members.manage"

    def post(self, request, pk):
        membership = get_object_or_404(Membership, pk=pk, company=self.company)
        try:
            if request.POST.get("action") == "remove":
                services.membership_remove(membership=membership)
                messages.success(request, f"{membership.user} was removed.")
            else:
                form = RoleForm(request.POST)
                if form.is_valid():
                    services.membership_set_role(membership=membership, role=form.cleaned_data["role"])
                    messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:members")


@login_required
@require_POST
def switch_company(request):
    membership = membership_get(user=request.user, company_id=request.POST.get("company"))
    if membership is None:
        raise Http404
    request.session[SESSION_COMPANY_KEY] = membership.company_id
    return redirect_back(request, "documents:inbox")
