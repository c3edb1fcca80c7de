from approvals.selectors import approval_pending_count


def pending_approvals(request):
    """The in-app badge: how many approvals wait for the current user."""
    company = getattr(request, "company", None)
    if company is None or not request.user.is_authenticated:
        return {"pending_approvals_count": 0}
    return {"pending_approvals_count": approval_pending_count(user=request.user, company=company)}
