from django.urls import path

from scoro_sync import views

app_name = "scoro_sync"

urlpatterns = [
    path("", views.CompanySettingsView.as_view(), name="settings"),
]
