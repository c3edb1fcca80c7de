"""Benchmark intake: upload N documents through the REST API of a running product.

    python benchmarks/intake.py [--count 1000] [--concurrency 4] [--backlog 10000]
    python benchmarks/intake.py --url http://127.0.0.1:8000 --username admin --password envoice-demo [--pid PID]

Without --url it starts the product itself (gunicorn, 2 workers, on a free port) against
DATABASE_URL / REDIS_URL, in a throwaway company and media folder that are removed afterwards.
No Celery worker runs: extraction is excluded, only the upload path is measured (the tasks are
queued on the broker and find nothing to do once the company is gone).

--backlog N first puts N documents in "received" (and N extraction tasks on the broker's extraction
queue), so uploads are measured while that many documents wait for extraction (back-pressure).

Prints p50/p95/max request latency, documents per second, and the peak RSS of the web process
(gunicorn master and workers, sampled every 100 ms; with --url pass --pid to measure it).
Target: p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_pids(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def _rss_kb(pid: int) -> int:
    total = 0
    for p in _tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, _rss_kb(self.pid))
            time.sleep(0.1)


def _setup_django():
    # Local settings with DEBUG off: production refuses to start on the demo secrets a throwaway run has.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "envoice.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret")
    # Production refuses to start on the demo's secrets (envoice/checks.py); benchmark-only ones.
    os.environ.setdefault("MAILGUN_WEBHOOK_SIGNING_KEY", "benchmark-only-signing-key")
    os.environ.setdefault("ENVOICE_FIELD_ENCRYPTION_KEYS", "0" * 43 + "=")
    import django

    django.setup()


def _make_tenant() -> tuple[str, str, int]:
    _setup_django()
    from accounts.services import company_sign_up

    suffix = secrets.token_hex(3)
    password = secrets.token_urlsafe(12)
    company, _ = company_sign_up(
        company_name=f"Intake benchmark {suffix}",
        username=f"intake-bench-{suffix}",
        email=f"bench-{suffix}@example.test",
        password=password,
    )
    return f"intake-bench-{suffix}", password, company.pk


def _make_backlog(company_id: int, count: int) -> None:
    """`count` documents waiting for extraction, each with its task on the extraction queue."""
    from documents.choices import DocumentStatus
    from documents.models import Document
    from extraction.tasks import extract_document

    for start in range(0, count, 1000):
        batch = Document.objects.bulk_create(
            Document(company_id=company_id, status=DocumentStatus.RECEIVED, filename=f"waiting-{n}.pdf",
                     size=1, content_type="application/pdf", sha256=f"{n:064x}",
                     original=f"originals/benchmark/{n}.pdf")
            for n in range(start, min(count, start + 1000))
        )  # fmt: skip
        for document in batch:
            extract_document.apply_async((document.pk,))


def _drop_tenant(company_id: int, username: str) -> None:
    from django.contrib.auth import get_user_model

    from accounts.models import Company
    from audit.models import AuditEvent
    from documents.models import Document

    AuditEvent.objects.filter(company_id=company_id).delete()
    Document.objects.filter(company_id=company_id).delete()
    Company.objects.filter(pk=company_id).delete()
    get_user_model().objects.filter(username=username).delete()


def _start_server(port: int, media: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "MEDIA_ROOT": media,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-secret"),
        "DJANGO_SECURE_COOKIES": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable)),
            "-m",
            "gunicorn",
            "envoice.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The web server did not start")


def _documents(count: int) -> list[tuple[str, bytes]]:
    from documents.intake.textpdf import text_to_pdf

    return [
        (
            f"bench-{n:05d}.pdf",
            text_to_pdf(
                f"Benchmark Supplier OU\nInvoice no: B-{n:05d}\nDate: 01.02.2024\nTotal EUR {n}.00\n"
            ),
        )
        for n in range(count)
    ]


def run(url: str, username: str, password: str, count: int, concurrency: int, pid: int | None) -> dict:
    token = requests.post(
        f"{url}/api/v1/auth/token/", json={"username": username, "password": password}, timeout=10
    ).json()["token"]
    files = _documents(count)
    local = threading.local()

    def upload(item: tuple[str, bytes]) -> tuple[float, int]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.headers["Authorization"] = f"Token {token}"
        name, data = item
        started = time.perf_counter()
        response = local.session.post(
            f"{url}/api/v1/documents/", files={"file": (name, data, "application/pdf")}, timeout=60
        )
        return time.perf_counter() - started, response.status_code

    sampler = RssSampler(pid) if pid else None
    if sampler:
        sampler.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(upload, files))
    elapsed = time.perf_counter() - started
    if sampler:
        sampler.stopped.set()
        sampler.join()
    latencies = sorted(r[0] * 1000 for r in results)
    failures = sum(1 for r in results if r[1] != 201)
    return {
        "count": count,
        "failures": failures,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": latencies[-1],
        "docs_per_second": count / elapsed,
        "peak_rss_mb": (sampler.peak / 1024) if sampler else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running product; default: start one")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--pid", type=int, help="web server (gunicorn master) pid, for its peak RSS")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--backlog", type=int, default=0, help="documents waiting for extraction (without --url)"
    )
    args = parser.parse_args()

    server = tenant = None
    media = None
    try:
        if args.url:
            url, username, password, pid = args.url.rstrip("/"), args.username, args.password, args.pid
        else:
            username, password, company_id = _make_tenant()
            tenant = (company_id, username)
            _make_backlog(company_id, args.backlog)
            media = tempfile.TemporaryDirectory(prefix="envoice-bench-media-")
            port = _free_port()
            server = _start_server(port, media.name)
            url, pid = f"http://127.0.0.1:{port}", server.pid
        result = run(url, username, password, args.count, args.concurrency, pid)
    finally:
        if server:
            server.terminate()
            server.wait(10)
        if tenant:
            _drop_tenant(*tenant)
        if media:
            media.cleanup()

    print(
        f"uploads           {result['count']} ({result['failures']} failed), concurrency {args.concurrency}"
    )
    if args.backlog:
        print(f"backlog           {args.backlog} documents waiting for extraction meanwhile")
    print(f"latency p50       {result['p50_ms']:.1f} ms")
    print(f"latency p95       {result['p95_ms']:.1f} ms   (target < 150 ms)")
    print(f"latency max       {result['max_ms']:.1f} ms")
    print(f"throughput        {result['docs_per_second']:.1f} documents/second")
    if result["peak_rss_mb"] is not None:
        print(f"web peak RSS      {result['peak_rss_mb']:.0f} MB (gunicorn master + workers)")
    if result["failures"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
