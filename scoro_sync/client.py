"""HTTP client for the Scoro API v2 (see ../shared/SCORO_API.md, beside the repository).

No Django imports: settings, budgets and persistence live in the Django layer and come in as arguments and
callbacks, so the client can be exercised against the sandbox (and from benchmarks) without a database.

Retry policy in one place (`_call`):
- 429 (burst window): wait Retry-After / x-ratelimit-reset (+ jitter) and retry — the request was not executed,
  so this is safe even for creates. A daily quota hit is not retried; it raises with seconds to midnight UTC.
- 5xx, timeouts, connection errors: exponential backoff with jitter. Reads and updates are retried (an update
  sends the full desired state, so repeating it is harmless). A create that failed *after it was sent* is never
  blindly repeated: without a `lookup` it raises ScoroUnavailable(ambiguous=True); with one, the lookup decides.
"""

from __future__ import annotations

import base64
import email.utils
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests

from scoro_sync.errors import (
    ScoroAuthError,
    ScoroBudgetExceeded,
    ScoroError,
    ScoroNotFound,
    ScoroRateLimited,
    ScoroUnavailable,
    ScoroValidationError,
)

__all__ = [
    "MAX_CHUNK_CHARS",
    "MAX_PER_PAGE",
    "RAW_CHUNK_BYTES",
    "ScoroAuthError",
    "ScoroBudgetExceeded",
    "ScoroClient",
    "ScoroError",
    "ScoroNotFound",
    "ScoroRateLimited",
    "ScoroUnavailable",
    "ScoroValidationError",
    "flatten_messages",
    "seconds_to_midnight_utc",
]

MAX_PER_PAGE = 100
MAX_CHUNK_CHARS = 5_000_000
# base64 turns every 3 raw bytes into 4 characters: 3,750,000 raw bytes -> exactly 5,000,000 characters.
# A multiple of 3 also means each chunk encodes without padding, so chunks are independent base64 strings.
RAW_CHUNK_BYTES = MAX_CHUNK_CHARS // 4 * 3
MAX_PAGES = 100_000  # a guard against a server that ignores `page` (would otherwise loop forever)

OnCall = Callable[[str, str], None]
# (module, action, HTTP status — the body's statusCode when HTTP says 200 — or None when no answer came)
OnAnswer = Callable[[str, str, "int | None"], None]
Lookup = Callable[[], "dict[str, Any] | None"]


def seconds_to_midnight_utc(now: datetime | None = None) -> int:
    """Scoro's daily quota resets at midnight UTC."""
    now = now or datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((midnight - now).total_seconds()))


def flatten_messages(value: Any) -> list[str]:
    """Scoro's `messages`/`errors` come as a dict of lists, a list of strings, a string or null."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        out: list[str] = []
        for key, inner in value.items():
            texts = flatten_messages(inner)
            # Keep the field name for per-field validation errors; "error"/numeric keys carry no information.
            if str(key) in ("error", "errors", "message", "messages") or str(key).isdigit():
                out.extend(texts)
            else:
                out.extend(f"{key}: {t}" for t in texts)
        return out
    if isinstance(value, list | tuple):
        return [t for item in value for t in flatten_messages(item)]
    return [str(value)]


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # Scoro takes JSON numbers; money has 2-4 decimals, well within float precision
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _header_float(headers: Any, name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def _retry_after(headers: Any) -> float | None:
    """Retry-After (seconds or HTTP date) if present, else x-ratelimit-reset (seconds, as Scoro documents)."""
    raw = headers.get("Retry-After")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(raw)
                return max(0.0, (when - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    return _header_float(headers, "x-ratelimit-reset")


def _request_was_not_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the connection failed before any byte of the request left (safe to retry a create)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    name = type(reason).__name__ if reason is not None else ""
    return name in {"NewConnectionError", "NameResolutionError", "ConnectTimeoutError"}


class ScoroClient:
    """One Scoro site + company account. Not thread-safe by design: Scoro wants one call in flight per site."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        company_account_id: str,
        *,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = (5, 30),
        max_retries: int = 5,
        on_call: OnCall | None = None,
        on_answer: OnAnswer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base: float = 0.5,
        backoff_max: float = 60.0,
        lang: str = "eng",
        app_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = self._normalise_base_url(base_url)
        self._api_key = api_key
        self.company_account_id = company_account_id
        self._own_session = session is None
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.on_call = on_call
        self.on_answer = on_answer
        self._sleep = sleep
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.lang = lang
        self.app_id = app_id
        self._clock = clock
        self._window_free_at: float | None = None
        self._daily_exhausted_until: datetime | None = None
        # Last rate-limit headers seen (ints), for the Django layer to log/alert on the daily quota.
        self.rate_limit: dict[str, int] = {}

    # ------------------------------------------------------------------------------------------ basics
    @staticmethod
    def _normalise_base_url(base_url: str) -> str:
        url = (base_url or "").strip().rstrip("/")
        for suffix in ("/api/v2", "/api"):
            if url.endswith(suffix):
                url = url[: -len(suffix)]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"Scoro base URL must look like https://yourcompany.scoro.com, got {base_url!r}")
        return url

    def __repr__(self) -> str:
        return (
            f"ScoroClient(base_url={self.base_url!r}, company_account_id={self.company_account_id!r}, "
            "api_key='***')"
        )

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> ScoroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _redact(self, text: str) -> str:
        if self._api_key and len(self._api_key) >= 4:
            text = text.replace(self._api_key, "***")
        return text

    def url(self, module: str, action: str, obj_id: int | None = None) -> str:
        tail = f"/{obj_id}" if obj_id is not None else ""
        return f"{self.base_url}/api/v2/{module}/{action}{tail}"

    @staticmethod
    def _check_id(obj_id: Any) -> int:
        if isinstance(obj_id, bool) or not isinstance(obj_id, int) or obj_id <= 0:
            raise ValueError(f"Scoro ids are positive integers, got {obj_id!r}")
        return obj_id

    # ------------------------------------------------------------------------------------------ public API
    def list(
        self,
        module: str,
        *,
        filter: dict[str, Any] | None = None,
        modified_since: date | None = None,
        include_deleted: bool = False,
        per_page: int = MAX_PER_PAGE,
    ) -> Iterator[dict[str, Any]]:
        """Yield every row, page by page, stopping after the first short page (no total is documented)."""
        per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        flt = dict(filter or {})
        if modified_since is not None:
            day = modified_since.date() if isinstance(modified_since, datetime) else modified_since
            # The filter is date-granular and inclusive; callers subtract their own safety margin.
            flt["modified_date"] = {"from_date": day.isoformat()}
        previous_first: Any = object()
        for page in range(1, MAX_PAGES + 1):
            body: dict[str, Any] = {"page": page, "per_page": per_page}
            if flt:
                body["filter"] = flt
            if include_deleted:
                body["include_deleted"] = 1
            rows = self._call(module, "list", payload=body)
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                raise ScoroError(f"Expected a list from {module}/list, got {type(rows).__name__}",
                                 module=module, action="list")  # fmt: skip
            if rows and page > 1 and rows[0] == previous_first:
                raise ScoroError("Scoro returned the same page twice (page parameter ignored?)",
                                 module=module, action="list")  # fmt: skip
            previous_first = rows[0] if rows else None
            yield from rows
            if len(rows) < per_page:
                return
        raise ScoroError(f"More than {MAX_PAGES} pages from {module}/list", module=module, action="list")

    def view(self, module: str, obj_id: int) -> dict[str, Any]:
        return self._call(module, "view", self._check_id(obj_id), payload={}) or {}

    def create(self, module: str, data: dict[str, Any], *, lookup: Lookup | None = None) -> dict[str, Any]:
        """Create via `{module}/modify` (no id). `lookup` answers "did my create land?" after an ambiguous
        failure (timeout/5xx/dropped connection); it should find the object by an idempotency key, e.g.
        `filter: {company_id, no}` or `reference_no` for bills, and return it or None."""
        payload = {"request": data, "return_data": 1}
        return self._call(module, "modify", None, payload=payload, create=True, lookup=lookup) or {}

    def update(self, module: str, obj_id: int, data: dict[str, Any]) -> dict[str, Any]:
        payload = {"request": data, "return_data": 1}
        return self._call(module, "modify", self._check_id(obj_id), payload=payload) or {}

    def delete(self, module: str, obj_id: int) -> bool:
        self._call(module, "delete", self._check_id(obj_id), payload={})
        return True

    def upload_file(
        self, name: str, content: bytes, uploaded_by: int, *, chunk_size: int = RAW_CHUNK_BYTES
    ) -> dict[str, Any]:
        """Chunked upload through files/modify; returns the file object (with file_id) after the last chunk.

        The first chunk creates the file and is not retried after an ambiguous failure (a retry of the whole
        upload later leaves at most an orphan, unattached file). Later chunks go to files/modify/{file_id}
        and repeat the same chunk_no on retry.
        """
        chunk_size = max(3, min(int(chunk_size), RAW_CHUNK_BYTES)) // 3 * 3
        total = max(1, math.ceil(len(content) / chunk_size))
        file_obj: dict[str, Any] = {}
        file_id: int | None = None
        for index in range(total):
            piece = content[index * chunk_size : (index + 1) * chunk_size]
            request = {
                "name": name,
                "size": len(content),
                "chunk_no": index + 1,
                "chunks_total": total,
                "chunk_data": base64.b64encode(piece).decode("ascii"),
                "uploaded_by": uploaded_by,
            }
            payload = {"request": request, "return_data": 1}
            if file_id is None:
                file_obj = self._call("files", "modify", None, payload=payload, create=True) or {}
                file_id = file_obj.get("file_id") or file_obj.get("id")
                if not file_id:
                    raise ScoroError("files/modify did not return a file_id", module="files", action="modify")
            else:
                file_obj = self._call("files", "modify", int(file_id), payload=payload) or file_obj
        return file_obj

    def add_file_relation(self, file_id: int, rel_type: str, rel_id: int) -> dict[str, Any]:
        """Attach an uploaded file to e.g. a bill (`rel_type="bills"`). Adding twice is harmless, so retried."""
        payload = {"request": {"rel_type": rel_type, "rel_id": self._check_id(rel_id)}}
        return self._call("files", "addRelation", self._check_id(file_id), payload=payload) or {}

    def check_credentials(self) -> dict[str, Any]:
        """One cheap call (users/list, 1 row) that turns the usual set-up mistakes into clear messages."""
        try:
            rows = self._call("users", "list", payload={"page": 1, "per_page": 1})
        except ScoroUnavailable as exc:
            if exc.html:
                raise ScoroUnavailable(
                    f"{self.base_url} answered with a web page, not the Scoro API. Check the site address "
                    "(it looks like https://yourcompany.scoro.com).",
                    status_code=exc.status_code, module="users", action="list", retryable=False, html=True,
                ) from None  # fmt: skip
            raise ScoroUnavailable(
                f"Could not reach Scoro at {self.base_url}: {exc.message}",
                status_code=exc.status_code, module="users", action="list",
            ) from None  # fmt: skip
        except ScoroAuthError as exc:
            detail = "; ".join(exc.messages) or "access denied"
            raise ScoroAuthError(
                f"Scoro rejected the credentials ({detail}). Check the API key and the company account id "
                "under Settings > Integrations > Scoro API.",
                status_code=exc.status_code, messages=exc.messages, module="users", action="list",
            ) from None  # fmt: skip
        except ScoroNotFound as exc:
            raise ScoroNotFound(
                f"No Scoro API at {self.base_url}/api/v2/. Check the site address.",
                status_code=exc.status_code, messages=exc.messages, module="users", action="list",
            ) from None  # fmt: skip
        return {
            "ok": True,
            "user": rows[0] if isinstance(rows, list) and rows else None,
            "rate_limit": dict(self.rate_limit),
        }

    # ------------------------------------------------------------------------------------------ core
    def _backoff(self, attempt: int) -> float:
        base = min(self.backoff_max, self.backoff_base * (2**attempt))
        return base * (0.5 + random.random())  # jitter: spread retries of many workers apart

    def _call(
        self,
        module: str,
        action: str,
        obj_id: int | None = None,
        *,
        payload: dict[str, Any] | None = None,
        create: bool = False,
        lookup: Lookup | None = None,
    ) -> Any:
        attempt = 0
        while True:
            try:
                return self._send_once(module, action, obj_id, payload or {})
            except ScoroRateLimited as exc:
                if exc.daily or attempt >= self.max_retries:
                    raise
                # Not executed by Scoro, so retrying is safe for every call including creates.
                delay = max(1.0, exc.retry_after or 1.0) + random.random() * 0.5
                self._window_free_at = None  # this delay already covers the burst window
            except ScoroUnavailable as exc:
                if not exc.retryable:
                    raise
                if create and exc.ambiguous:
                    if lookup is None:
                        raise ScoroUnavailable(
                            f"{exc.message}. The create may or may not have been saved in Scoro; it was not "
                            "repeated. Look the object up before trying again.",
                            status_code=exc.status_code, module=module, action=action, ambiguous=True,
                        ) from exc  # fmt: skip
                    if attempt >= self.max_retries:
                        raise
                    # Give Scoro a moment to finish a write that may still be in flight, then ask.
                    self._sleep(self._backoff(attempt))
                    found = lookup()
                    if found:
                        return found
                    attempt += 1
                    continue  # proven absent: creating again cannot duplicate
                if attempt >= self.max_retries:
                    raise
                delay = self._backoff(attempt)
            attempt += 1
            self._sleep(delay)

    def _before_send(self) -> None:
        if self._daily_exhausted_until is not None:
            now = datetime.now(UTC)
            if now < self._daily_exhausted_until:
                wait = math.ceil((self._daily_exhausted_until - now).total_seconds())
                raise ScoroRateLimited("Scoro daily request quota is used up", retry_after=wait, daily=True)
            self._daily_exhausted_until = None
        if self._window_free_at is not None:
            # Last answer said the burst window is full: wait instead of collecting a 429.
            wait = self._window_free_at - self._clock()
            self._window_free_at = None
            if wait > 0:
                self._sleep(wait)

    def _send_once(self, module: str, action: str, obj_id: int | None, payload: dict[str, Any]) -> Any:
        self._before_send()
        if self.on_call is not None:
            self.on_call(module, action)  # may raise ScoroBudgetExceeded: nothing has been sent yet
        body = {"apiKey": self._api_key, "company_account_id": self.company_account_id, "lang": self.lang}
        body.update(payload)
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "envoice-scoro-sync/1.0",
        }
        if self.app_id:
            headers["scoro-app-id"] = self.app_id
        url = self.url(module, action, obj_id)
        where = {"module": module, "action": action}
        try:
            # Redirects are never followed: the base URL was checked, where it redirects to was not.
            resp = self.session.post(
                url,
                data=json.dumps(body, default=_json_default),
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            self._answered(module, action, None)
            raise self._transport_error(exc, where) from None
        return self._parse(resp, module, action)

    def _answered(self, module: str, action: str, status: int | None) -> None:
        if self.on_answer is not None:
            self.on_answer(module, action, status)

    def _transport_error(self, exc: requests.exceptions.RequestException, where: dict) -> ScoroUnavailable:
        if isinstance(exc, requests.exceptions.ConnectionError):
            if isinstance(exc, requests.exceptions.ConnectTimeout) or _request_was_not_sent(exc):
                return ScoroUnavailable(f"Could not connect to {self.base_url}", **where)
            return ScoroUnavailable(
                f"Connection to {self.base_url} broke before Scoro answered", ambiguous=True, **where
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return ScoroUnavailable(f"Scoro did not answer within {self.timeout} s", ambiguous=True, **where)
        return ScoroUnavailable(
            self._redact(f"Request to Scoro failed: {type(exc).__name__}"), ambiguous=True, **where
        )

    def _note_limits(self, headers: Any) -> dict[str, int]:
        seen: dict[str, int] = {}
        for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
                     "x-daily-requests-limit", "x-daily-requests-remaining", "x-daily-requests-reset"):  # fmt: skip
            value = _header_float(headers, name)
            if value is not None:
                seen[name] = int(value)
        if seen:
            self.rate_limit = seen
        if seen.get("x-ratelimit-remaining") == 0 and seen.get("x-ratelimit-reset", 0) > 0:
            self._window_free_at = self._clock() + seen["x-ratelimit-reset"]
        if seen.get("x-daily-requests-remaining") == 0:
            self._daily_exhausted_until = datetime.now(UTC) + timedelta(seconds=seconds_to_midnight_utc())
        return seen

    def _parse(self, resp: requests.Response, module: str, action: str) -> Any:
        status = resp.status_code
        limits = self._note_limits(resp.headers)
        where: dict[str, Any] = {"module": module, "action": action, "status_code": status}
        try:
            payload = resp.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or "status" not in payload:
            self._answered(module, action, status)
            return self._non_json(resp, status, limits, where)

        try:
            code: int | None = int(payload.get("statusCode"))  # int 200 or string "200"/"429"
        except (TypeError, ValueError):
            code = None
        # Business errors normally repeat the code in HTTP; if HTTP says 200, trust the body's code.
        effective = code if status == 200 and code not in (None, 200) else status
        self._answered(module, action, effective)
        ok = str(payload.get("status", "")).lower() == "ok"
        if status == 200 and ok and code == 200:
            return payload.get("data")

        messages = [self._redact(m) for m in flatten_messages(payload.get("messages"))]
        messages += [self._redact(m) for m in flatten_messages(payload.get("errors"))]
        where["status_code"] = effective
        text = "; ".join(messages) or f"Scoro answered status {payload.get('status')!r}"

        if effective == 429:
            return self._rate_limited(resp, limits, text, where)
        if effective in (401, 403):
            raise ScoroAuthError(text, messages=messages, **where)
        if effective == 404:
            raise ScoroNotFound(text, messages=messages, **where)
        if effective in (400, 422):
            field_errors = payload.get("messages") if isinstance(payload.get("messages"), dict) else {}
            field_errors = {
                str(k): [self._redact(t) for t in flatten_messages(v)] for k, v in field_errors.items()
            }
            raise ScoroValidationError(text, messages=messages, field_errors=field_errors, **where)
        if effective >= 500:
            raise ScoroUnavailable(text, messages=messages, ambiguous=True, **where)
        raise ScoroError(text, messages=messages, **where)

    def _rate_limited(self, resp: requests.Response, limits: dict[str, int], text: str, where: dict) -> Any:
        if limits.get("x-daily-requests-remaining") == 0:
            raise ScoroRateLimited(
                "Scoro daily request quota is used up (resets at midnight UTC)",
                retry_after=seconds_to_midnight_utc(), daily=True, **where,
            )  # fmt: skip
        raise ScoroRateLimited(text or "Too many requests", retry_after=_retry_after(resp.headers), **where)

    def _non_json(self, resp: requests.Response, status: int, limits: dict[str, int], where: dict) -> Any:
        content_type = resp.headers.get("Content-Type", "")
        looks_html = "html" in content_type.lower() or resp.text.lstrip()[:1] == "<"
        kind = "a web page (HTML)" if looks_html else "a non-JSON answer"
        if status == 429:
            return self._rate_limited(resp, limits, "Too many requests", where)
        if status >= 500:
            # Proxy/load-balancer error page: the request may or may not have reached Scoro.
            raise ScoroUnavailable(f"Scoro returned HTTP {status} with {kind}", ambiguous=True,
                                   html=looks_html, **where)  # fmt: skip
        if status in (401, 403):
            raise ScoroAuthError(f"Scoro refused access (HTTP {status})", **where)
        # A wrong site address answers 200/404 with a web page. Retrying cannot fix that.
        raise ScoroUnavailable(
            f"Expected JSON from the Scoro API but got {kind} (HTTP {status}) from {self.base_url}; "
            "check the site address",
            retryable=False, html=looks_html, **where,
        )  # fmt: skip
