from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from envoice import health
from scoro_sync.selectors import scoro_health


@never_cache
@require_GET
def healthz(request):
    """200 only when the database, the broker and a live worker answer."""

    result = {
        "database": "ok" if health.check_database() else "down",
        "broker": "ok" if health.check_broker() else "down",
        "worker": "ok" if health.check_worker() else "down",
    }
    result["scoro"] = scoro_health() if result["database"] == "ok" else "unknown"
    healthy = all(result[k] == "ok" for k in ("database", "broker", "worker"))
    return JsonResponse(result, status=200 if healthy else 503)
