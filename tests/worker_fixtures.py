"""Pytest plugin: real Celery workers on Redis for tests (registered from tests/conftest.py).

- `celery_workers` (session): a factory; `celery_workers.start(name)` runs
  `celery -A envoice worker --pool solo` as a subprocess consuming every queue of settings.CELERY_TASK_QUEUES
  (`start(name, queues=["publishing"])` for some of them) in its own process group, so a SIGKILL takes all of it, against the test database (pytest-django's test_<name>, given to the worker as
  DATABASE_URL) and the run's broker. Every worker is stopped at the end of the session, before the test
  database is dropped.
- `celery_worker` (function): one worker for the test (started once per session, reused), task sending
  switched from eager to the broker, and MEDIA_ROOT shared with the worker. Use with `transactional_db`
  so the worker sees committed rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Fast settings for workers under test: short leases and task backoff, so recovery takes seconds.
WORKER_ENV = {
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "PUBLISHING_LEASE_SECONDS": "3",
    "PUBLISHING_RETRY_BASE_SECONDS": "0.3",
    "PUBLISHING_MAX_RETRIES": "3",
    "PUBLISHING_CLIENT_RETRIES": "2",
    "PUBLISHING_RESUME_BASE_SECONDS": "1.0",
    "PUBLISHING_RESUME_MAX_SECONDS": "2.0",
    "SCORO_TIMEOUT_SECONDS": "10",
    "CONN_MAX_AGE": "0",
}


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, name: str, proc: subprocess.Popen, log: Path):
        self.name, self.proc, self.log = name, proc, log

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.output():
                return
            if not self.alive:
                break
            time.sleep(0.1)
        raise RuntimeError(f"Celery worker {self.name} did not start:\n{self.output()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (no shutdown handlers run, nothing is acknowledged or restored)."""
        if self.alive:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.alive:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerFactory:
    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env, self.log_dir = env, log_dir
        self.workers: list[Worker] = []
        self._seq = 0

    def start(self, name: str | None = None, *, queues: list[str] | None = None, **extra_env: str) -> Worker:
        self._seq += 1
        name = name or f"w{self._seq}"
        log = self.log_dir / f"{name}-{self._seq}.log"
        cmd = [sys.executable, "-m", "celery", "-A", "envoice", "worker", *(["-Q", ",".join(queues)] if queues else []),
               "--pool", "solo", "--loglevel", "INFO", "-n", f"{name}-{self._seq}@%h",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "--include", "tests.worker_hooks"]  # fmt: skip
        with log.open("wb") as out:
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env={**self.env, **extra_env}, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        worker = Worker(name, proc, log)
        self.workers.append(worker)
        worker.wait_ready()
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers.clear()

    def kill_all(self) -> None:
        for worker in self.workers:
            worker.kill()
        self.workers.clear()


@pytest.fixture(scope="session")
def celery_workers(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WorkerFactory]:
    import redis
    from django.conf import settings

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.skip("real-worker tests need Redis (REDIS_URL / CELERY_BROKER_URL)")
    redis.Redis.from_url(broker).flushdb()
    media = tmp_path_factory.mktemp("worker-media")
    with django_db_blocker.unblock():
        database_url = _database_url()
    env = {**os.environ, **WORKER_ENV, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker,
           "MEDIA_ROOT": str(media), "PYTHONUNBUFFERED": "1"}  # fmt: skip
    log_dir = ROOT / "test-results" / "celery-workers"  # git-ignored; kept for reading after a failure
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in log_dir.glob("*.log"):
        old.unlink()
    factory = WorkerFactory(env, log_dir)
    factory.media_root = media
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture
def broker_mode(celery_workers, settings):
    """Send tasks to the broker (not eagerly) and share MEDIA_ROOT with the workers, for one test."""
    from envoice.celery import app

    settings.MEDIA_ROOT = celery_workers.media_root
    for name, value in WORKER_ENV.items():
        if name.startswith("PUBLISHING_"):
            setattr(settings, name, float(value) if "." in value else int(value))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield celery_workers
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker(broker_mode) -> Worker:
    """A running worker, shared between tests (restarted when a test stopped or killed workers)."""
    live = [w for w in broker_mode.workers if w.alive and w.name == "shared"]
    return live[0] if live else broker_mode.start("shared")
