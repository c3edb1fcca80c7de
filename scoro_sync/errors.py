"""Typed errors raised by scoro_sync.client.ScoroClient.

Kept free of Django imports so the client and its callers (tasks, views, benchmarks) can share them.
Messages never contain the API key: the client redacts it before building any error.
"""

from __future__ import annotations

from typing import Any


class ScoroError(Exception):
    """Base class. `messages` is the flattened list of human texts Scoro sent (may be empty)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        messages: list[str] | None = None,
        module: str | None = None,
        action: str | None = None,
        retryable: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.messages = list(messages or [])
        self.module = module
        self.action = action
        self.retryable = retryable

    @property
    def endpoint(self) -> str:
        return "/".join(p for p in (self.module, self.action) if p)

    def __str__(self) -> str:
        where = f"[{self.endpoint}] " if self.endpoint else ""
        code = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{where}{self.message}{code}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"


class ScoroAuthError(ScoroError):
    """401/403: wrong API key, unknown company_account_id or missing rights. Retrying will not help."""


class ScoroNotFound(ScoroError):
    """404: the object (or endpoint) does not exist."""


class ScoroValidationError(ScoroError):
    """400: Scoro refused the data; `messages` lists what is wrong, `field_errors` keeps the per-field map."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.field_errors = dict(field_errors or {})


class ScoroRateLimited(ScoroError):
    """429 (burst window) or daily quota exhausted. `retry_after` is seconds to wait; `daily` marks the quota."""

    def __init__(self, message: str, *, retry_after: float | None = None, daily: bool = False, **kwargs: Any):
        kwargs.setdefault("retryable", not daily)
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.daily = daily


class ScoroUnavailable(ScoroError):
    """5xx, connection error, timeout or an HTML page instead of JSON.

    `ambiguous` is True when a write may or may not have been executed (the request was sent but no
    trustworthy answer came back): callers must look the object up before creating it again.
    """

    def __init__(self, message: str, *, ambiguous: bool = False, html: bool = False, **kwargs: Any):
        kwargs.setdefault("retryable", True)
        super().__init__(message, **kwargs)
        self.ambiguous = ambiguous
        self.html = html  # the answer was a web page: usually a wrong site address, not an outage


class ScoroBudgetExceeded(ScoroError):
    """Our own per-company daily call budget is used up (raised from the on_call hook before sending)."""


__all__ = [
    "ScoroAuthError",
    "ScoroBudgetExceeded",
    "ScoroError",
    "ScoroNotFound",
    "ScoroRateLimited",
    "ScoroUnavailable",
    "ScoroValidationError",
]
