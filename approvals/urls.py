from django.urls import path

from approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.ApprovalQueueView.as_view(), name="queue"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("<int:pk>/forward/", views.ForwardView.as_view(), name="forward"),
    path("workflows/", views.WorkflowListView.as_view(), name="workflows"),
    path("workflows/new/", views.WorkflowEditView.as_view(), name="workflow_create"),
    path("workflows/<int:pk>/", views.WorkflowEditView.as_view(), name="workflow_edit"),
    path("workflows/<int:pk>/delete/", views.WorkflowDeleteView.as_view(), name="workflow_delete"),
]
