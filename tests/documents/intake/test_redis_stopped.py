"""Redis stopped while documents are uploaded and published: uploads succeed, work resumes when it returns.

Never touches the machine's Redis: the test starts its own redis-server on another port (REDIS_FAULT_PORT,
default 6390), a web server (gunicorn) and a Celery worker pointed at it, and stops that Redis mid-way.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import requests
from django.utils import timezone
from rest_framework.authtoken.models import Token

from documents.models import Document
from publishing.models import PublishAttempt
from tests.lifecycle.helpers import invoice_pdf, wait_for
from tests.publishing.conftest import bills_with

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
PORT = int(os.environ.get("REDIS_FAULT_PORT", "6390"))
URL = f"redis://127.0.0.1:{PORT}/0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    def __init__(self, workdir: Path):
        self.workdir, self.proc = workdir, None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: self._ping(), timeout=10, interval=0.05, what=f"redis-server on port {PORT}")

    def _ping(self) -> bool:
        try:
            return redis.Redis.from_url(URL, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # like a crash: nothing saved, nothing flushed
            self.proc.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: the Redis fault test needs its own server")
    try:
        redis.Redis.from_url(URL, socket_timeout=0.5).ping()
        pytest.fail(f"something already listens on port {PORT}; set REDIS_FAULT_PORT to a free port")
    except redis.ConnectionError:
        pass
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def web(broker_mode, own_redis, tmp_path):
    """gunicorn serving the product against the test database and the test's own Redis."""
    port = _free_port()
    env = {**broker_mode.env, "REDIS_URL": URL, "CELERY_BROKER_URL": URL, "DJANGO_DEBUG": "0",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "envoice.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or still loading the app on a busy machine
            return False

    try:
        wait_for(up, timeout=30, interval=0.2, what="gunicorn")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        print((tmp_path / "gunicorn.log").read_text(errors="replace")[-3000:])


def _send(task: str) -> None:
    from envoice.celery import app

    with app.connection_for_write(URL) as conn:
        app.send_task(task, connection=conn)


def test_uploads_and_publishing_survive_redis_going_away(
    own_redis, web, broker_mode, connection, make_document, accountant, sandbox
):
    broker_mode.stop_all()
    broker_mode.start("redis-fault", CELERY_BROKER_URL=URL, REDIS_URL=URL, ENVOICE_STUCK_AFTER_SECONDS="1")
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=accountant)[0].key}"}
    ready = [make_document(invoice_number=f"RDS-{n}") for n in range(2)]

    own_redis.stop()
    started = time.monotonic()
    uploads = []
    for n in range(4):
        pdf = invoice_pdf(
            f"Nordic Cloud Services Oy\nInvoice no: REDIS-{n}\nInvoice date: 03.03.2025\nTotal EUR {n + 10}.00\n"
        )
        response = requests.post(
            f"{web}/api/v1/documents/", headers=headers, files={"file": (f"r{n}.pdf", pdf, "application/pdf")},
            timeout=30,
        )  # fmt: skip
        uploads.append(response)
    published = [
        requests.post(f"{web}/api/v1/documents/{d.pk}/publish/", headers=headers, timeout=30) for d in ready
    ]
    codes = [r.status_code for r in uploads], [r.status_code for r in published]
    slowest = max(r.elapsed.total_seconds() for r in uploads + published)
    print(
        f"\n[Redis down] uploads → {codes[0]}, publish → {codes[1]} in {time.monotonic() - started:.1f} s "
        f"(slowest request {slowest:.2f} s)"
    )
    assert codes == ([201] * 4, [202] * 2), [r.text[:300] for r in uploads + published]
    new_ids = [r.json()["id"] for r in uploads]
    assert set(Document.objects.filter(pk__in=new_ids).values_list("status", flat=True)) == {"received"}

    own_redis.start()  # an empty Redis: every message sent before the crash is gone
    # Beat runs both sweeps periodically; the publishing sweep waits for a lease + a minute: let it pass.
    PublishAttempt.objects.filter(document__in=ready).update(updated_at=timezone.now() - timedelta(minutes=5))
    time.sleep(1.1)  # ENVOICE_STUCK_AFTER_SECONDS=1 for this worker
    _send("documents.tasks.sweep_stuck_documents")
    _send("publishing.tasks.publish_sweep")

    def finished():
        extracted = not Document.objects.filter(
            pk__in=new_ids, status__in=("received", "extracting")
        ).exists()
        done = not Document.objects.filter(pk__in=[d.pk for d in ready]).exclude(status="published").exists()
        return extracted and done

    try:
        wait_for(finished, timeout=40, what="the sweeps to finish the work after Redis returned")
    finally:
        statuses = dict(
            Document.objects.filter(pk__in=new_ids + [d.pk for d in ready]).values_list("pk", "status")
        )
        attempts = PublishAttempt.objects.filter(document__in=ready)
        bills = {a.document_id: len(bills_with(sandbox, a.reference)) for a in attempts}
        lost = [pk for pk, s in statuses.items() if s in ("received", "extracting", "queued", "publishing")]
        print(
            f"[Redis back] statuses {statuses}; bills per published document {bills}; lost: {lost or 'nothing'}"
        )
    assert set(bills.values()) == {1}
