from django.urls import path

from documents.api import expense_report_views, intake_views, review_views

urlpatterns = [
    path("documents/", intake_views.DocumentListCreateApi.as_view(), name="api-document-list"),
    path("documents/<int:pk>/file/", intake_views.DocumentFileApi.as_view(), name="api-document-file"),
    path("documents/<int:pk>/", review_views.DocumentDetailApi.as_view(), name="api-document-detail"),
    path("documents/<int:pk>/record/", review_views.DocumentRecordApi.as_view(), name="api-document-record"),
    path(
        "documents/<int:pk>/bank-account/",
        review_views.DocumentBankAccountApi.as_view(),
        name="api-document-bank-account",
    ),
    path(
        "documents/<int:pk>/not-duplicate/",
        review_views.DocumentNotDuplicateApi.as_view(),
        name="api-document-not-duplicate",
    ),
    path(
        "expense-reports/",
        expense_report_views.ExpenseReportListApi.as_view(),
        name="api-expense-report-list",
    ),
    path(
        "expense-reports/<int:pk>/",
        expense_report_views.ExpenseReportDetailApi.as_view(),
        name="api-expense-report-detail",
    ),
    path(
        "expense-reports/<int:pk>/submit/",
        expense_report_views.ExpenseReportSubmitApi.as_view(),
        name="api-expense-report-submit",
    ),
    path(
        "expense-reports/<int:pk>/withdraw/",
        expense_report_views.ExpenseReportWithdrawApi.as_view(),
        name="api-expense-report-withdraw",
    ),
    path(
        "expense-reports/<int:pk>/confirm/",
        expense_report_views.ExpenseReportConfirmApi.as_view(),
        name="api-expense-report-confirm",
    ),
]
