from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from envoice.views import healthz
from monitoring.views import metrics

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="documents:inbox", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("documents/", include("documents.urls")),
    path("rules/", include("rules.urls")),
    path("approvals/", include("approvals.urls")),
    path("settings/", include("scoro_sync.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("publishing/", include("publishing.urls")),
    path("api/v1/", include("envoice.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
