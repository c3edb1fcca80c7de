from django.shortcuts import render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from scoro_sync.selectors import connection_for


class CompanySettingsView(CompanyRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "settings/company.html",
            {"company": self.company, "connection": connection_for(company=self.company)},
        )
