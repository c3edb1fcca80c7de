from django.urls import path

from documents import (
    views,
    views_bank_account,
    views_duplicates,
    views_einvoice,
    views_expenses,
    views_intake,
    views_review,
)
from inbound import views as inbound_views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(list_name="inbox"), name="inbox"),
    path("purchases/", views.DocumentListView.as_view(list_name="purchases"), name="purchases"),
    path(
        "purchases/archive/",
        views.DocumentListView.as_view(list_name="purchases_archive"),
        name="purchases_archive",
    ),
    path("sales/", views.DocumentListView.as_view(list_name="sales"), name="sales"),
    path("expenses/", views.DocumentListView.as_view(list_name="expenses"), name="expenses"),
    path("archive/", views.DocumentListView.as_view(list_name="archive"), name="archive"),
    path("upload/", views_intake.UploadView.as_view(), name="upload"),
    path("capture/", views_intake.CaptureView.as_view(), name="capture"),
    path("inbound-address/rotate/", inbound_views.InboundRotateView.as_view(), name="inbound_rotate"),
    path("inbound-address/senders/", inbound_views.InboundSendersView.as_view(), name="inbound_senders"),
    path("bulk/", views.DocumentBulkView.as_view(), name="bulk"),
    path("<int:pk>/", views_review.DocumentReviewView.as_view(), name="review"),
    path("<int:pk>/row/", views.DocumentRowView.as_view(), name="row"),
    path("<int:pk>/state/", views.DocumentStateView.as_view(), name="state"),
    path("<int:pk>/record/", views_review.DocumentRecordView.as_view(), name="record"),
    path("<int:pk>/bank-account/", views_bank_account.DocumentBankAccountView.as_view(), name="bank_account"),
    path("<int:pk>/delete/", views_review.DocumentDeleteView.as_view(), name="delete"),
    path(
        "<int:pk>/not-duplicate/", views_duplicates.DocumentNotDuplicateView.as_view(), name="not_duplicate"
    ),
    path(
        "<int:pk>/suggestion/", views_review.DocumentAcceptSuggestionView.as_view(), name="accept_suggestion"
    ),
    path("<int:pk>/pages/<int:number>/", views_review.DocumentPageImageView.as_view(), name="page_image"),
    path("<int:pk>/original/", views_review.DocumentOriginalInlineView.as_view(), name="original_inline"),
    path("<int:pk>/einvoice/", views_einvoice.DocumentEInvoiceView.as_view(), name="einvoice"),
    path(
        "<int:pk>/embedded/<int:number>/",
        views_einvoice.DocumentEmbeddedFileView.as_view(),
        name="embedded_file",
    ),
    path("reports/", views_expenses.ExpenseReportListView.as_view(), name="reports"),
    path("reports/archive/", views_expenses.ExpenseReportListView.as_view(), name="reports_archive"),
    path("reports/new/", views_expenses.ExpenseReportCreateView.as_view(), name="report_new"),
    path("reports/<int:pk>/", views_expenses.ExpenseReportView.as_view(), name="report"),
]
