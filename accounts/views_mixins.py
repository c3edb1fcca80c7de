from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from accounts.roles import denial_message, role_can


class CompanyRequiredMixin(LoginRequiredMixin):
    """Browser views: a logged-in member of the active company, optionally with a role permission."""

    required_permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.membership is None:
            return redirect("accounts:signup_company")
        if self.required_permission and not role_can(request.membership.role, self.required_permission):
            raise PermissionDenied(denial_message(request.membership.role, self.required_permission))
        self.company = request.company
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, model):
        return model.objects.for_company(self.company)
