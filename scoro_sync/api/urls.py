from django.urls import path

from scoro_sync.api import views

urlpatterns = [
    path("integrations/scoro/", views.ScoroStateApi.as_view(), name="api-scoro"),
    path("integrations/scoro/activate/", views.ScoroActivateApi.as_view(), name="api-scoro-activate"),
    path("integrations/scoro/finish/", views.ScoroFinishApi.as_view(), name="api-scoro-finish"),
    path("integrations/scoro/settings/", views.ScoroSettingsApi.as_view(), name="api-scoro-settings"),
    path("integrations/scoro/sync/", views.ScoroSyncApi.as_view(), name="api-scoro-sync"),
    path("integrations/scoro/deactivate/", views.ScoroDeactivateApi.as_view(), name="api-scoro-deactivate"),
]
