from accounts.api.permissions import resolve_company


class CompanyScopedViewSetMixin:
    """Every queryset of a company-owned model goes through `for_company` here.

    Subclasses set `queryset` (or override `get_base_queryset`) as usual; they never filter by company
    themselves.
    """

    def get_base_queryset(self):
        return super().get_queryset()

    def get_queryset(self):
        resolve_company(self.request)
        return self.get_base_queryset().for_company(self.request.company)
