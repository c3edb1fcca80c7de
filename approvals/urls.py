from django.urls import path

from approvals import views, views_links

app_name = "approvals"

urlpatterns = [
    path("", views.ApprovalQueueView.as_view(), name="queue"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("<int:pk>/forward/", views.ForwardView.as_view(), name="forward"),
    # The links in approval e-mails (signed; no log-in): approvals/links.py
    path("email/<str:token>/approve/", views_links.LinkApproveView.as_view(), name="link_approve"),
    path("email/<str:token>/reject/", views_links.LinkRejectView.as_view(), name="link_reject"),
    path("email/<str:token>/done/", views_links.LinkDoneView.as_view(), name="link_done"),
    path("workflows/", views.WorkflowListView.as_view(), name="workflows"),
    path("workflows/new/", views.WorkflowEditView.as_view(), name="workflow_create"),
    path("workflows/<int:pk>/", views.WorkflowEditView.as_view(), name="workflow_edit"),
    path("workflows/<int:pk>/delete/", views.WorkflowDeleteView.as_view(), name="workflow_delete"),
]
