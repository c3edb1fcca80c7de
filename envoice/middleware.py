import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a fail-over) answers 503 with Retry-After, not a 500.

    Clients (the mobile app, scripts, htmx) retry a 503; the next request opens a fresh connection,
    so the product recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            log.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
            response = JsonResponse(
                {"detail": "The database is unavailable for a moment. Please try again shortly."}, status=503
            )
            response["Retry-After"] = "5"
            return response
        return None
