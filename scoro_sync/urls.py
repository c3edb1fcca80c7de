from django.urls import path

from scoro_sync import views

app_name = "scoro_sync"

urlpatterns = [
    path("", views.CompanySettingsView.as_view(), name="settings"),
    path("integrations/scoro/", views.ScoroSettingsView.as_view(), name="scoro"),
    path("integrations/scoro/activate/", views.ScoroActivateView.as_view(), name="scoro_activate"),
    path("integrations/scoro/finish/", views.ScoroFinishView.as_view(), name="scoro_finish"),
    path("integrations/scoro/settings/", views.ScoroToggleView.as_view(), name="scoro_toggles"),
    path("integrations/scoro/sync/", views.ScoroSyncNowView.as_view(), name="scoro_sync_now"),
    path("integrations/scoro/deactivate/", views.ScoroDeactivateView.as_view(), name="scoro_deactivate"),
    path("sync-progress/", views.SyncProgressView.as_view(), name="sync_progress"),
    path("bookkeeping/", views.BookkeepingView.as_view(), name="bookkeeping"),
    path("bookkeeping/<slug:tab>/", views.BookkeepingView.as_view(), name="bookkeeping_tab"),
    path("bookkeeping/<slug:tab>/sync/", views.BookkeepingSyncView.as_view(), name="bookkeeping_sync"),
    path("bookkeeping/groups/<int:pk>/", views.DimensionGroupView.as_view(), name="dimension_group"),
    path(
        "bookkeeping/contacts/<int:pk>/resolve/", views.ContactResolveView.as_view(), name="contact_resolve"
    ),
]
