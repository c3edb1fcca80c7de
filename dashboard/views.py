from django.shortcuts import render
from django.views import View

from accounts.roles import role_can
from accounts.views_mixins import CompanyRequiredMixin
from dashboard.selectors import chart_payload, overview_for


class OverviewView(CompanyRequiredMixin, View):
    required_permission = "dashboard.view"

    def get(self, request):
        overview = overview_for(
            user=request.user,
            company=self.company,
            can_review=role_can(request.membership.role, "documents.code"),
        )
        return render(
            request,
            "dashboard/overview.html",
            {"title": "Overview", "overview": overview, "charts": chart_payload(overview)},
        )
