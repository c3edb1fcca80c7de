"""docker-compose.yml (docker does not run here, so its structure is checked): a worker service per queue,
MinIO as the media store, nothing shared through a local volume."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "extraction-worker", "publishing-worker", "scoro-worker", "default-worker", "beat")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merges the <<: *app anchors


def worker_queues(service: dict) -> list[str] | None:
    argv = shlex.split(service.get("command", "")) if isinstance(service.get("command"), str) else []
    if argv[:4] != ["celery", "-A", "envoice", "worker"]:
        return None
    assert "-Q" in argv, "a worker without -Q would consume every queue"
    return argv[argv.index("-Q") + 1].split(",")


def test_one_worker_service_per_queue_and_every_route_has_one():
    services = compose()["services"]
    served = {name: worker_queues(service) for name, service in services.items()}
    served = {name: queues for name, queues in served.items() if queues is not None}
    queues = sorted(q.name for q in settings.CELERY_TASK_QUEUES)
    assert sorted(q for qs in served.values() for q in qs) == queues  # each queue exactly once
    assert all(len(qs) == 1 for qs in served.values())
    assert {f"{qs[0]}-worker" for qs in served.values()} == set(served)
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} == set(queues)


def test_the_extraction_worker_takes_one_task_at_a_time_and_can_be_scaled():
    worker = compose()["services"]["extraction-worker"]
    argv = shlex.split(worker["command"])
    assert argv[argv.index("--prefetch-multiplier") + 1] == "1"
    assert "-O" in argv and argv[argv.index("-O") + 1] == "fair"
    assert "container_name" not in worker and "ports" not in worker  # `--scale extraction-worker=4`
    assert "%h" in argv[argv.index("-n") + 1]  # each replica gets its own node name
    limits = settings.CELERY_TASK_ANNOTATIONS["extraction.tasks.extract_document"]
    assert 0 < limits["soft_time_limit"] < limits["time_limit"] <= settings.ENVOICE_EXTRACTION_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_media_live_in_minio_not_on_a_shared_volume():
    spec = compose()
    services = spec["services"]
    for name in APP_SERVICES:
        service = services[name]
        env = service["environment"]
        assert env["AWS_STORAGE_BUCKET_NAME"] and env["AWS_S3_ENDPOINT_URL"].endswith("//minio:9000}"), name
        assert "MEDIA_ROOT" not in env and not service.get("volumes"), name
        assert service["depends_on"]["minio-bucket"] == {"condition": "service_completed_successfully"}
    assert "media" not in spec["volumes"] and "miniodata" in spec["volumes"]
    assert services["minio"]["healthcheck"] and services["minio-bucket"]["depends_on"]["minio"]
    assert "mc mb --ignore-existing" in services["minio-bucket"]["entrypoint"][-1]
