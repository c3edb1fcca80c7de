from rest_framework.permissions import BasePermission

from accounts.roles import role_can
from accounts.selectors import membership_get


def resolve_company(request) -> None:
    """Attach membership and company to a DRF request (token or session auth)."""
    if getattr(request, "_company_resolved", False):
        return
    header = request.headers.get("X-Company")
    session_choice = None
    if header is None and hasattr(request, "session"):
        from accounts.middleware import SESSION_COMPANY_KEY

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
            return False
        required = getattr(view, "required_permissions", {}).get(
            getattr(view, "action", None) or request.method
        )
        if required is None:
            required = getattr(view, "required_permission", None)
        return required is None or role_can(request.membership.role, required)


def requires(permission: str):
    """Permission class factory for a single role permission (admin-only routes etc.)."""

    class _Requires(IsCompanyMember):
        message = "Your role does not allow this."

        def has_permission(self, request, view) -> bool:
            return super().has_permission(request, view) and role_can(request.membership.role, permission)

    _Requires.__name__ = f"Requires_{permission.replace('.', '_')}"
    return _Requires
