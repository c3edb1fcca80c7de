"""Throughput of intake + extraction on PostgreSQL and Redis, with 1 and then 2 extraction worker processes.

    python benchmarks/throughput.py [--n 1000] [--workers 1,2]

For each worker count it starts `celery worker -Q extraction --concurrency K --prefetch-multiplier 1 -O fair`
(as docker-compose's extraction-worker runs), pushes N mixed documents through intake
(`documents.services.document_upload`, what the API and the upload page call) as fast as intake takes
them, waits until every one is "to review", and prints documents per minute, p50/p95 time from upload
to "to review", and the engine's mean seconds per category; then the scaling ratio.

The documents are the dev set (../shared/eval/dev: text and e-invoice PDFs, XML e-invoices, scans and
receipt photos), cycled to N and made unique (a comment appended after the end of each file, so no
upload is a duplicate). Needs DATABASE_URL (PostgreSQL) and `redis-server` on PATH: the run gets a Redis
of its own on a free port (broker, cache, locks), thrown away afterwards, and a throwaway company and
media folder. Page previews (the default queue) have no worker here: only intake and extraction count.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "dev"
sys.path.insert(0, str(REPO))
KINDS = (".pdf", ".xml", ".jpg", ".jpeg")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def _start_redis(workdir: str) -> tuple[subprocess.Popen, str]:
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"

    def up() -> bool:
        try:
            return redis.Redis.from_url(url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    _wait(up, 10, "redis-server")
    return proc, url


def _dev_files() -> tuple[list[tuple[str, bytes]], list[str]]:
    """The dev documents intake accepts (and the names of those it refuses, e.g. XML with a DTD)."""
    from documents.intake import IntakeRejected, inspect_upload

    accepted, refused = [], []
    for path in sorted(p for p in DEV.iterdir() if p.suffix.lower() in KINDS):
        data = path.read_bytes()
        try:
            inspect_upload(data, filename=path.name)
        except IntakeRejected:
            refused.append(path.name)
            continue
        accepted.append((path.name, data))
    if not accepted:
        raise SystemExit(f"no dev documents in {DEV}")
    return accepted, refused


def _unique(name: str, data: bytes, tag: str) -> bytes:
    """The same document with a different hash: a comment after the end that every reader ignores."""
    if name.lower().endswith(".xml"):
        return data + f"\n<!-- {tag} -->\n".encode()
    if name.lower().endswith(".pdf"):
        return data + f"\n%{tag}\n".encode()
    return data + tag.encode()  # JPEG: bytes after the end-of-image marker


def _mixed(files: list[tuple[str, bytes]], n: int, run: str) -> list[tuple[str, bytes]]:
    # Interleave the kinds so every stretch of the run has the same mix.
    by_kind: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for name, data in files:
        by_kind[Path(name).suffix.lower().replace(".jpeg", ".jpg")].append((name, data))
    order = [item for group in zip(*by_kind.values(), strict=False) for item in group]
    order += [f for f in files if f not in order]
    return [
        (name, _unique(name, data, f"envoice-throughput {run}-{i}"))
        for i, (name, data) in enumerate(order[i % len(order)] for i in range(n))
    ]


def _setup_django(redis_url: str, media: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "envoice.settings.local",
            "DJANGO_DEBUG": "0",  # no query log growing with every document
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "ENVOICE_METRICS_REDIS_URL": "",
            "MEDIA_ROOT": media,
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def _start_worker(processes: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "celery", "-A", "envoice", "worker", "-Q", "extraction",
           "--concurrency", str(processes), "--prefetch-multiplier", "1", "-O", "fair",
           "--without-gossip", "--without-mingle", "--loglevel", "INFO", "-n", f"throughput-{processes}@%h"]  # fmt: skip
    out = log.open("wb")
    env = {**os.environ, "LOG_LEVEL": "INFO"}  # its "ready." line tells us it consumes
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        _wait(
            lambda: "ready." in log.read_text(errors="replace") or proc.poll() is not None, 60, "the worker"
        )
    except SystemExit:
        _stop(proc)
        raise
    if proc.poll() is not None:
        raise SystemExit(f"the worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _footprint(ids: list[int]) -> tuple[float, float]:
    """Bytes per document: its rows in PostgreSQL (document, lines, extraction runs, audit events; without
    indexes) and its original in storage."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from audit.models import AuditEvent
    from documents.models import Document, DocumentLine
    from extraction.models import ExtractionRun

    tables = [
        (Document._meta.db_table, "id"),
        (DocumentLine._meta.db_table, "document_id"),
        (ExtractionRun._meta.db_table, "document_id"),
    ]
    total = 0
    with connection.cursor() as cursor:
        for table, column in tables:
            cursor.execute(f"SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM {table} t WHERE {column} = ANY(%s)",
                           [ids])  # fmt: skip
            total += cursor.fetchone()[0]
        cursor.execute(
            f"SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM {AuditEvent._meta.db_table} t "
            "WHERE target_type_id = %s AND target_id = ANY(%s)",
            [ContentType.objects.get_for_model(Document).pk, ids],
        )
        total += cursor.fetchone()[0]
    originals = sum(Document.objects.filter(pk__in=ids).values_list("size", flat=True))
    return total / len(ids), originals / len(ids)


def run_once(company, user, documents: list[tuple[str, bytes]], processes: int, log: Path) -> dict:
    from django.db.models import Avg, Count

    from documents.choices import DocumentStatus
    from documents.models import Document
    from documents.services import document_upload
    from extraction.models import ExtractionRun

    worker = _start_worker(processes, log)
    try:
        started = time.time()
        ids, refused = [], 0
        for name, data in documents:
            try:
                ids += [d.pk for d in document_upload(company=company, data=data, filename=name, actor=user)]
            except Exception as exc:  # a refused file is reported, not fatal
                refused += 1
                print(f"  intake refused {name}: {exc}", file=sys.stderr)
        uploaded = time.time()
        done_states = [
            s for s in DocumentStatus.values if s not in (DocumentStatus.RECEIVED, DocumentStatus.EXTRACTING)
        ]

        def all_read() -> bool:
            return Document.objects.filter(pk__in=ids, status__in=done_states).count() == len(ids)

        _wait(all_read, 60 * 60, "every document to reach review")
        rows = list(Document.objects.filter(pk__in=ids).values_list("received_at", "extracted_at"))
        finished = max(extracted for _, extracted in rows).timestamp()
        latencies = [(extracted - received).total_seconds() for received, extracted in rows]
        db_bytes, original_bytes = _footprint(ids)
        categories = (
            ExtractionRun.objects.filter(document_id__in=ids)
            .values("source")
            .annotate(n=Count("id"), mean=Avg("seconds"))
            .order_by("source")
        )
    finally:
        _stop(worker)
    return {
        "processes": processes,
        "documents": len(ids),
        "refused": refused,
        "intake_seconds": uploaded - started,
        "seconds": finished - started,
        "per_minute": len(ids) / (finished - started) * 60,
        "p50": _percentile(latencies, 0.50),
        "p95": _percentile(latencies, 0.95),
        "categories": [(c["source"] or "error", c["n"], c["mean"]) for c in categories],
        "db_bytes": db_bytes,
        "original_bytes": original_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="documents per run (default 1000)")
    parser.add_argument("--workers", default="1,2", help="extraction worker processes per run (default 1,2)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (migrated)")
    counts = [int(c) for c in args.workers.split(",")]

    workdir = tempfile.mkdtemp(prefix="envoice-throughput-")
    redis_proc, redis_url = _start_redis(workdir)
    company_id = username = None
    try:
        _setup_django(redis_url, str(Path(workdir) / "media"))
        from accounts.services import company_sign_up

        suffix = secrets.token_hex(3)
        username = f"throughput-{suffix}"
        company, user = company_sign_up(company_name=f"Throughput benchmark {suffix}", username=username,
                                        email=f"{username}@example.test", password=secrets.token_urlsafe(12))  # fmt: skip
        company_id = company.pk
        files, skipped = _dev_files()
        print(f"{args.n} documents per run, cycled from {len(files)} dev files ({len(skipped)} more that "
              f"intake refuses left out); PostgreSQL + Redis; {os.cpu_count()} CPU(s) on this machine")  # fmt: skip
        results = []
        for processes in counts:
            documents = _mixed(files, args.n, f"{suffix}-{processes}")
            result = run_once(company, user, documents, processes, Path(workdir) / f"worker-{processes}.log")
            results.append(result)
            print(f"\n{processes} extraction worker process(es): {result['documents']} documents "
                  f"({result['refused']} refused at intake)")  # fmt: skip
            print(f"  intake             {result['intake_seconds']:.1f} s for all uploads")
            print(f"  all read after     {result['seconds']:.1f} s")
            print(f"  throughput         {result['per_minute']:.1f} documents/minute")
            print(f"  upload → to review p50 {result['p50']:.1f} s, p95 {result['p95']:.1f} s")
            for source, n, mean in result["categories"]:
                print(f"  engine {source:<12} {n:>5} documents, mean {mean:.2f} s")
            print(f"  per document       {result['db_bytes'] / 1024:.1f} KiB of rows in PostgreSQL, "
                  f"{result['original_bytes'] / 1024:.0f} KiB original in storage")  # fmt: skip
        if len(results) > 1:
            base = results[0]
            for other in results[1:]:
                ratio = other["per_minute"] / base["per_minute"]
                print(f"\nscaling {base['processes']} → {other['processes']} processes: × {ratio:.2f} "
                      f"(ideal × {other['processes'] / base['processes']:.0f})")  # fmt: skip
    finally:
        if company_id is not None:
            from django.contrib.auth import get_user_model

            from accounts.models import Company
            from audit.models import AuditEvent
            from documents.models import Document

            AuditEvent.objects.filter(company_id=company_id).delete()
            Document.objects.filter(company_id=company_id).delete()
            Company.objects.filter(pk=company_id).delete()
            get_user_model().objects.filter(username=username).delete()
        redis_proc.kill()
        redis_proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
