"""Limits on log-in attempts: per account and per client address, on the log-in form, /admin/ and
the token endpoint (django-axes counts failures; settings.AXES_*), plus DRF's rate limit on the token
endpoint.

The client address is REMOTE_ADDR unless settings.ENVOICE_TRUSTED_PROXY_COUNT says how many proxies
of ours stand in front: only then is X-Forwarded-For read, and only the hop the last trusted proxy
saw. A client cannot pick its own address with a made-up X-Forwarded-For.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from rest_framework.throttling import SimpleRateThrottle

# Failed log-ins before an account or an address is locked out (settings.AXES_FAILURE_LIMIT).
MAX_FAILED_LOGINS = settings.AXES_FAILURE_LIMIT


def client_ip(request) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies go."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.ENVOICE_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote


class RateLimitedLoginView(auth_views.LoginView):
    """The log-in form; django-axes (its backend and middleware) refuses locked-out attempts."""


class LoginRateThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
