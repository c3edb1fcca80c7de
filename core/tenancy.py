"""The one mechanism that scopes data to a company.

Every model holding company data inherits `CompanyOwned`; its default manager offers
`for_company(company)`. Views, the API and tasks obtain querysets only through it (usually through
`CompanyScopedMixin` / `CompanyScopedViewSet`), so an object of another company is simply not
found: a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from django.db import models


class CompanyQuerySet(models.QuerySet):
    def for_company(self, company) -> CompanyQuerySet:
        if company is None:
            return self.none()
        return self.filter(company=company)


CompanyManager = models.Manager.from_queryset(CompanyQuerySet)


class CompanyOwned(models.Model):
    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+")

    objects = CompanyManager()

    class Meta:
        abstract = True
