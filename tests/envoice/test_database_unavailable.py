"""A lost database connection answers 503 with Retry-After (issue 10, PostgreSQL restarted under load)."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_lost_database_connection_answers_503_with_retry_after(api_client_for, accountant):
    client = api_client_for(accountant)
    client.raise_request_exception = False
    with mock.patch(
        "documents.api.intake_views.document_list",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = client.get("/api/v1/documents/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "unavailable" in response.json()["detail"]


def test_without_the_middleware_the_same_failure_is_a_500(api_client_for, accountant, settings):
    """Guards the test above: the 503 comes from the middleware, not from the patched call."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "envoice.middleware.DatabaseUnavailableMiddleware"
    ]
    client = api_client_for(accountant)
    client.raise_request_exception = False
    with mock.patch(
        "documents.api.intake_views.document_list",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = client.get("/api/v1/documents/")
    assert response.status_code == 500
