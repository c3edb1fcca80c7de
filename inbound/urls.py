"""Mounted at /api/v1/inbound/: the provider's webhook (same shape as anymail's own urls:
<provider>/inbound/) and the API of Settings › E-mail."""

from django.urls import path

from inbound.api import views as api
from inbound.views import mailgun_inbound

urlpatterns = [
    path("mailgun/inbound/", mailgun_inbound, name="mailgun_inbound_webhook"),
    path("sender-projects/", api.SenderProjectListApi.as_view(), name="api-inbound-sender-projects"),
    path("sender-projects/<int:pk>/", api.SenderProjectApi.as_view(), name="api-inbound-sender-project"),
    path("settings/", api.InboundSettingsApi.as_view(), name="api-inbound-settings"),
]
