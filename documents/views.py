from django.core.paginator import Paginator
from django.shortcuts import render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from documents.choices import DocumentStatus, DocumentType
from documents.selectors import document_list

LISTS = {
    "inbox": {
        "title": "Inbox",
        "filters": {"status": "received,extracting,to_review"},
    },
    "purchases": {"title": "Purchases", "filters": {"type": DocumentType.PURCHASE_INVOICE}},
    "sales": {"title": "Sales", "filters": {"type": DocumentType.SALES_INVOICE}},
    "expenses": {"title": "Expenses & Reports", "filters": {"type": DocumentType.RECEIPT}},
    "archive": {
        "title": "Archive",
        "filters": {
            "status": ",".join(
                [
                    DocumentStatus.READY,
                    DocumentStatus.QUEUED,
                    DocumentStatus.PUBLISHING,
                    DocumentStatus.PUBLISHED,
                    DocumentStatus.PUBLISH_FAILED,
                ]
            )
        },
    },
}


class DocumentListView(CompanyRequiredMixin, View):
    list_name = "inbox"
    template_name = "documents/list.html"

    def get(self, request):
        spec = LISTS[self.list_name]
        filters = {**spec["filters"], **{k: v for k, v in request.GET.items() if v and k != "page"}}
        page = Paginator(document_list(membership=request.membership, filters=filters), 50).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            self.template_name,
            {
                "title": spec["title"],
                "page": page,
                "list_name": self.list_name,
                "q": request.GET.get("q", ""),
            },
        )
