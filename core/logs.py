"""Structured logs: one JSON object a line, carrying the request id or the Celery task id.

Every request gets an id (the caller's X-Request-ID when it is sane, else a new one), set when Django
starts on the request (the request_started signal, connected in envoice.apps) and answered in the
X-Request-ID header (`RequestIdMiddleware`); every log line written meanwhile carries it. Tasks queued during the request carry it in a message header, so a worker's log lines of that
task show both the task id and the request that caused it (envoice.celery connects the signals).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import traceback
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "envoice_request_id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)

CONTEXT_FIELDS = ("request_id", "task_id", "task_name")
# LogRecord attributes that are not "extra" fields given by the caller.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class ContextFilter(logging.Filter):
    """Adds request_id / task_id / task_name to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or ""
        task = task_var.get()
        record.task_id, record.task_name = task if task else ("", "")
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            if getattr(record, name, ""):
                entry[name] = getattr(record, name)
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in CONTEXT_FIELDS and not name.startswith("_"):
                entry.setdefault(name, value)  # extra={...} given by the caller
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, ensure_ascii=False, default=repr)


def new_request_id(incoming: str | None = None) -> str:
    return incoming if incoming and _SANE_ID.match(incoming) else uuid.uuid4().hex


def request_started(environ: dict | None = None, **_kwargs) -> None:
    """request_started: the id is set before the first middleware and kept until the response is closed,
    so Django's own last line about the request ("Not Found: …", "Internal Server Error: …") carries it."""
    request_id_var.set(new_request_id((environ or {}).get("HTTP_X_REQUEST_ID")))


def request_finished(**_kwargs) -> None:
    request_id_var.set(None)


class RequestIdMiddleware:
    """Makes the request's id `request.id` and answers it in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_var.get() or new_request_id(request.headers.get(REQUEST_ID_HEADER))
        request_id_var.set(request.id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        return response


# ---------------------------------------------------------------------------- Celery signal receivers
def task_message_headers(headers: dict, **_kwargs) -> None:
    """before_task_publish: a task queued while serving a request (or another task) carries its id."""
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, tuple[contextvars.Token, contextvars.Token]] = {}


def task_started(task_id: str, task, **_kwargs) -> None:
    """task_prerun: the worker's log lines name the task (and the request that queued it).

    An eager task (tests, the demo's fallbacks) runs inside the request: it keeps the request's id.
    """
    headers = getattr(task.request, "headers", None) or {}
    request_id = getattr(task.request, TASK_HEADER, None) or headers.get(TASK_HEADER) or request_id_var.get()
    _task_tokens[task_id] = (task_var.set((task_id, task.name)), request_id_var.set(request_id))


def task_finished(task_id: str, **_kwargs) -> None:
    """task_postrun: back to what was there before the task (nothing in a worker, the request if eager)."""
    tokens = _task_tokens.pop(task_id, None)
    if tokens is not None:
        task_var.reset(tokens[0])
        request_id_var.reset(tokens[1])
