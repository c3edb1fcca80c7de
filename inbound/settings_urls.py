"""Settings › E-mail, mounted at /settings/e-mail/."""

from django.urls import path

from inbound import views

app_name = "inbound"

urlpatterns = [
    path("", views.InboundSettingsView.as_view(), name="settings"),
    path("senders/", views.SenderProjectCreateView.as_view(), name="sender_add"),
    path("senders/<int:pk>/delete/", views.SenderProjectDeleteView.as_view(), name="sender_delete"),
]
