from rest_framework.permissions import BasePermission

from accounts.middleware import SESSION_COMPANY_KEY
from accounts.roles import denial_message, role_can
from accounts.selectors import membership_get


def resolve_company(request) -> None:
    """Attach membership and company to a DRF request (token or session auth)."""
    if getattr(request, "_company_resolved", False):
        return
    header = request.headers.get("X-Company")
    session_choice = None
    if header is None and hasattr(request, "session"):
        session_choice = request.session.get(SESSION_COMPANY_KEY)
    membership = membership_get(
        user=request.user, company_id=header if header is not None else session_choice
    )
    request.membership = membership
    request.company = membership.company if membership else None
    request._company_resolved = True


class IsCompanyMember(BasePermission):
    message = "You are not a member of this company."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        resolve_company(request)
        if request.membership is None:
            self.message = (
                "You are not a member of the company the X-Company header names."
                if request.headers.get("X-Company") is not None
                else "You are not a member of any company yet; ask an admin to invite you."
            )
            return False
        required = getattr(view, "required_permissions", {}).get(
            getattr(view, "action", None) or request.method
        )
        if required is None:
            required = getattr(view, "required_permission", None)
        if required is None or role_can(request.membership.role, required):
            return True
        self.message = denial_message(request.membership.role, required)
        return False


def requires(permission: str):
    """Permission class factory for a single role permission (admin-only routes etc.)."""

    class _Requires(IsCompanyMember):
        def has_permission(self, request, view) -> bool:
            if not super().has_permission(request, view):
                return False
            if role_can(request.membership.role, permission):
                return True
            self.message = denial_message(request.membership.role, permission)
            return False

    _Requires.__name__ = f"Requires_{permission.replace('.', '_')}"
    return _Requires
