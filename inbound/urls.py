"""Mounted at /api/v1/inbound/ (same shape as anymail's own urls: <provider>/inbound/)."""

from django.urls import path

from inbound.views import mailgun_inbound

urlpatterns = [
    path("mailgun/inbound/", mailgun_inbound, name="mailgun_inbound_webhook"),
]
