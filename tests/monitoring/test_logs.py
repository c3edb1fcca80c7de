"""Structured logs: JSON lines that carry the request id (echoed in X-Request-ID)."""

from __future__ import annotations

import io
import json
import logging
import re
import sys

import pytest

from core.logs import ContextFilter, JsonFormatter


@pytest.fixture
def json_lines():
    """The JSON lines django.request writes during the test, formatted as settings.LOGGING does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_id_is_echoed_and_carried_by_its_log_lines(client, json_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="edge-7f3a.42")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-7f3a.42"
    [line] = [entry for entry in json_lines() if entry["message"].startswith("Not Found")]
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["request_id"] == "edge-7f3a.42"
    assert "task_id" not in line  # not inside a task


@pytest.mark.django_db
def test_an_unusable_incoming_id_is_replaced(client, json_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="two words\nand a newline")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert json_lines()[-1]["request_id"] == response["X-Request-ID"]
    other = client.get("/no-such-page/")
    assert (
        re.fullmatch(r"[0-9a-f]{32}", other["X-Request-ID"])
        and other["X-Request-ID"] != response["X-Request-ID"]
    )


def test_extra_fields_and_exceptions_are_kept():
    record = logging.LogRecord("envoice.test", logging.ERROR, __file__, 1, "failed %s", ("x",), None)
    record.document_id = 17
    record.detail = {"pages": [1, 2]}
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    ContextFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed x" and entry["document_id"] == 17
    assert entry["detail"] == {"pages": [1, 2]}
    assert entry["exception"].endswith("ValueError: boom")
