from accounts.roles import PERMISSIONS, role_can
from accounts.selectors import companies_for_user


def active_company(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    role = membership.role
    return {
        "active_company": membership.company,
        "active_role": role,
        "active_role_label": membership.get_role_display(),
        "user_companies": companies_for_user(user=request.user),
        "can": {name.replace(".", "_"): role_can(role, name) for name in PERMISSIONS},
    }
