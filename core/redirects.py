"""Where to send the browser back to after a POST: the one place that reads `next` and the Referer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, default: str, *, referer: bool = False) -> str:
    """The POSTed (or queried) `next`, else — with `referer` — the Referer, when it is a URL of this
    site; otherwise `default` (a URL or a URL name). Absolute URLs of other hosts, scheme-relative
    `//host/…` and non-http schemes never leave here (open redirects)."""
    candidates = [request.POST.get("next"), request.GET.get("next")]
    if referer:
        candidates.append(request.headers.get("referer"))
    for candidate in candidates:
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return resolve_url(default)


def redirect_back(request: HttpRequest, default: str, *, referer: bool = False) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next_url(request, default, referer=referer))
