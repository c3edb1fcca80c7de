"""GET /metrics (API.md): Prometheus text format for a bearer token (ENVOICE_METRICS_TOKEN) or a staff session.

The numbers span every company, so a company admin is not enough: it takes Django staff (the people who
run the installation) or the scraper's token.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from core.metrics import EventCollector
from monitoring.collectors import StateCollector


def _bearer_token_matches(request: HttpRequest) -> bool:
    expected = settings.ENVOICE_METRICS_TOKEN
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _bearer_token_matches(request):
        if not request.user.is_authenticated:
            response = HttpResponse("Credentials required: a bearer token or a staff session.\n", status=401,
                                    content_type="text/plain")  # fmt: skip
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not request.user.is_staff:
            return HttpResponse("Only staff may read the metrics.\n", status=403, content_type="text/plain")
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector())
    registry.register(EventCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
