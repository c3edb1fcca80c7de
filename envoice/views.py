from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template import loader
from django.templatetags.static import static
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


# ---------------------------------------------------------------------------------------------------
# Error pages: JSON on the API, webhook and machine routes, the product's own pages elsewhere.
# (Django calls these only without DEBUG; `make demo` runs without it.)

MACHINE_PREFIXES = ("/api/", "/healthz", "/metrics")
ERROR_TEXT = {
    400: "The request could not be read (malformed, or too large).",
    403: "You do not have permission to do this.",
    404: "Not found.",
    500: "Something went wrong on our side; it has been logged. Please try again.",
}


def _error(request, status: int, *, template: str, detail: str | None = None):
    detail = detail or ERROR_TEXT[status]
    if request.path.startswith(MACHINE_PREFIXES):
        return JsonResponse({"detail": detail}, status=status)
    try:
        body = loader.render_to_string(template, {"status": status, "detail": detail}, request=request)
    except Exception:
        body = loader.render_to_string("errors/plain.html", {"status": status, "detail": detail})
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, template="errors/error.html")


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else None
    return _error(request, 403, template="errors/error.html", detail=message)


def page_not_found(request, exception=None):
    return _error(request, 404, template="errors/error.html")


def server_error(request):
    # No context processors here: they may be what failed.
    return _error(request, 500, template="errors/plain.html")


def api_docs(view):
    """/api/schema/ and /api/docs/: behind log-in when settings.ENVOICE_API_DOCS_REQUIRE_LOGIN."""

    def wrapped(request, *args, **kwargs):
        if settings.ENVOICE_API_DOCS_REQUIRE_LOGIN and not request.user.is_authenticated:
            if request.path.startswith("/api/schema/"):
                return JsonResponse({"detail": "Log in to read the API schema."}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def favicon(request):
    """Browsers ask /favicon.ico before reading the page's icon links; send them to the icon."""
    return HttpResponsePermanentRedirect(static("icons/icon-192.png"))
