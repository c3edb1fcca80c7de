from django.shortcuts import render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin


class OverviewView(CompanyRequiredMixin, View):
    required_permission = "dashboard.view"

    def get(self, request):
        return render(request, "dashboard/overview.html", {})
