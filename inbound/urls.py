"""Mounted at /api/v1/inbound/ (same shape as anymail's own urls: <provider>/inbound/)."""

from django.urls import path

from inbound.views import MailgunInboundView

urlpatterns = [
    path("mailgun/inbound/", MailgunInboundView.as_view(), name="mailgun_inbound_webhook"),
]
