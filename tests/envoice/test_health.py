import pytest
from django.core.cache import cache

from envoice import health

pytestmark = pytest.mark.django_db


def test_healthz_is_503_without_a_live_worker(client):
    cache.delete(health.HEARTBEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "down"
    assert body["scoro"] == "not connected"


def test_healthz_is_200_with_a_recent_worker_heartbeat(client):
    health.record_worker_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["worker"] == "ok"


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
