from django.urls import path
from rest_framework.routers import SimpleRouter

from approvals.api import views

router = SimpleRouter()
router.register("approval-workflows", views.ApprovalWorkflowViewSet, basename="approval-workflow")

urlpatterns = [
    path("documents/<int:pk>/approve/", views.ApproveApi.as_view(), name="api-document-approve"),
    path("documents/<int:pk>/reject/", views.RejectApi.as_view(), name="api-document-reject"),
    path("documents/<int:pk>/forward/", views.ForwardApi.as_view(), name="api-document-forward"),
    path(
        "expense-reports/<int:pk>/approve/",
        views.ApproveApi.as_view(kind="expense_report"),
        name="api-expense-report-approve",
    ),
    path(
        "expense-reports/<int:pk>/reject/",
        views.RejectApi.as_view(kind="expense_report"),
        name="api-expense-report-reject",
    ),
    path(
        "expense-reports/<int:pk>/forward/",
        views.ForwardApi.as_view(kind="expense_report"),
        name="api-expense-report-forward",
    ),
    *router.urls,
]
