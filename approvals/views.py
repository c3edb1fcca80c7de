from django.shortcuts import render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin


class ApprovalQueueView(CompanyRequiredMixin, View):
    def get(self, request):
        return render(request, "approvals/queue.html", {"items": []})
