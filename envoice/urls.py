from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView, TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from envoice.views import api_docs, favicon, healthz
from monitoring.views import metrics

SWAGGER_CSP = {
    "script-src": ["'unsafe-inline'", "https://cdn.jsdelivr.net"],
    "style-src": ["https://cdn.jsdelivr.net"],
    "img-src": ["https://cdn.jsdelivr.net"],
}

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="documents:inbox", permanent=False)),
    path("healthz", healthz, name="healthz"),
    # The installable web app: its manifest, and the service worker at the root so that it may
    # control every page (it queues photos taken without signal; templates/pwa/sw.js).
    path(
        "manifest.webmanifest",
        TemplateView.as_view(
            template_name="pwa/manifest.webmanifest", content_type="application/manifest+json"
        ),
        name="webmanifest",
    ),
    path(
        "sw.js",
        cache_control(no_cache=True)(
            TemplateView.as_view(template_name="pwa/sw.js", content_type="application/javascript")
        ),
        name="service_worker",
    ),
    path("favicon.ico", favicon, name="favicon"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("documents/", include("documents.urls")),
    path("rules/", include("rules.urls")),
    path("approvals/", include("approvals.urls")),
    path("settings/e-mail/", include("inbound.settings_urls")),
    path("settings/", include("scoro_sync.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("publishing/", include("publishing.urls")),
    path("api/v1/", include("envoice.api_urls")),
    path("api/schema/", api_docs(SpectacularAPIView.as_view()), name="schema"),
    # Swagger UI is drf-spectacular's page: its own inline start-up script and the CDN it loads from.
    path(
        "api/docs/",
        api_docs(csp_update(SWAGGER_CSP)(SpectacularSwaggerView.as_view(url_name="schema"))),
        name="api-docs",
    ),
]

handler400 = "envoice.views.bad_request"
handler403 = "envoice.views.permission_denied"
handler404 = "envoice.views.page_not_found"
handler500 = "envoice.views.server_error"
