from django.urls import path

from publishing import views

app_name = "publishing"

urlpatterns = [
    path("documents/<int:pk>/publish/", views.DocumentPublishView.as_view(), name="publish"),
    path("documents/<int:pk>/panel/", views.DocumentPublishPanelView.as_view(), name="panel"),
    path("documents/<int:pk>/preview/", views.PayloadPreviewView.as_view(), name="preview"),
    path("reports/<int:pk>/publish/", views.ReportPublishView.as_view(), name="report_publish"),
    path("reports/<int:pk>/panel/", views.ReportPublishPanelView.as_view(), name="report_panel"),
    path("bulk/", views.BulkPublishView.as_view(), name="bulk"),
]
