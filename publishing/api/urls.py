from django.urls import path

from publishing.api import views

urlpatterns = [
    path("documents/<int:pk>/publish/", views.DocumentPublishView.as_view(), name="api-document-publish"),
    path(
        "documents/<int:pk>/publish/preview/",
        views.DocumentPublishPreviewView.as_view(),
        name="api-document-publish-preview",
    ),
    path(
        "expense-reports/<int:pk>/publish/",
        views.ExpenseReportPublishView.as_view(),
        name="api-expense-report-publish",
    ),
]
