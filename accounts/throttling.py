"""Rate limiting of log-in attempts (browser form and token endpoint) per client address."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.throttling import SimpleRateThrottle

MAX_FAILED_LOGINS = 10
WINDOW_SECONDS = 300


def _key(request) -> str:
    return f"envoice:login-failures:{request.META.get('REMOTE_ADDR', '')}"


class RateLimitedLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        if cache.get(_key(request), 0) >= MAX_FAILED_LOGINS:
            return HttpResponse("Too many failed log-in attempts. Try again in a few minutes.", status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        key = _key(self.request)
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
        return super().form_invalid(form)


class LoginRateThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
