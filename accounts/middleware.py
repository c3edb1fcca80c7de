from accounts.selectors import membership_get

SESSION_COMPANY_KEY = "active_company_id"


class ActiveCompanyMiddleware:
    """Sets request.membership / request.company for browser sessions.

    The API resolves the company itself (token users have no session; the X-Company header picks
    the company there), through the same `membership_get` selector.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = None
        if request.user.is_authenticated:
            membership = membership_get(
                user=request.user, company_id=request.session.get(SESSION_COMPANY_KEY)
            )
        request.membership = membership
        request.company = membership.company if membership else None
        return self.get_response(request)
