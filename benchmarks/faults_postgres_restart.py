"""Fault: PostgreSQL restarted under load. Requests must fail cleanly (an error answer, never a hang) and the
product must recover by itself; every upload that was answered 201 must still be there afterwards.

    python benchmarks/faults_postgres_restart.py                      # prints the plan, touches nothing
    python benchmarks/faults_postgres_restart.py --i-know \\
        --url http://127.0.0.1:8000 --username admin --password envoice-demo [--seconds 30] [--threads 4] \\
        [--restart-cmd "pg_ctlcluster 15 main restart"]

Restarting PostgreSQL disconnects EVERY database on that server (other engineers' test runs too), so it is
done only with --i-know. Run it against a product you started yourself (`make demo`), which uses that server.
Prints what was done and what was lost (the target is nothing).
"""

from __future__ import annotations

import argparse
import collections
import os
import shlex
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _default_restart_cmd() -> list[str]:
    """pg_ctlcluster for the Debian cluster that serves DATABASE_URL's port, else pg_ctl on its data dir."""
    try:
        out = subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        out = ""
    port = os.environ.get("PGPORT", "5432")
    for line in out.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return ["pg_ctlcluster", version, name, "restart", "--", "-m", "fast"]
    return ["pg_ctl", "-D", os.environ.get("PGDATA", "/var/lib/postgresql/data"), "restart", "-m", "fast"]


class Load:
    """Threads that list and upload documents through the API, recording every answer."""

    def __init__(self, url: str, token: str, threads: int):
        self.url, self.threads = url.rstrip("/"), threads
        self.headers = {"Authorization": f"Token {token}"}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results: list[tuple[float, str, str]] = []  # (time, kind, outcome)
        self.accepted: list[int] = []  # ids answered 201

    def _record(self, kind: str, outcome: str) -> None:
        with self.lock:
            self.results.append((time.monotonic(), kind, outcome))

    def _one(self, n: int) -> None:
        from documents.intake import text_to_pdf

        while not self.stop.is_set():
            try:
                if n % 2:
                    r = requests.get(f"{self.url}/api/v1/documents/", headers=self.headers, timeout=15)
                    self._record("list", str(r.status_code))
                else:
                    pdf = text_to_pdf(
                        f"Fault Supplier OÜ\nInvoice no: PGR-{uuid.uuid4().hex[:8]}\nTotal EUR 12.00"
                    )
                    r = requests.post(
                        f"{self.url}/api/v1/documents/",
                        headers=self.headers,
                        files={"file": ("pg.pdf", pdf, "application/pdf")},
                        timeout=15,
                    )
                    self._record("upload", str(r.status_code))
                    if r.status_code == 201:
                        with self.lock:
                            self.accepted.append(r.json()["id"])
            except requests.Timeout:
                self._record("list" if n % 2 else "upload", "timeout")
            except requests.ConnectionError:
                self._record("list" if n % 2 else "upload", "connection refused")
            time.sleep(0.05)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._one, args=(n,), daemon=True) for n in range(self.threads)]
        for t in threads:
            t.start()
        return threads


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--i-know", action="store_true", help="really restart the PostgreSQL server")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="envoice-demo")
    parser.add_argument("--seconds", type=float, default=30.0, help="load duration; restart at a third of it")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--restart-cmd", help="command that restarts PostgreSQL (default: pg_ctlcluster/pg_ctl)"
    )
    parser.add_argument("--recovery-limit", type=float, default=30.0, help="seconds allowed to recover")
    args = parser.parse_args()
    restart = shlex.split(args.restart_cmd) if args.restart_cmd else _default_restart_cmd()

    plan = [
        f"log in to {args.url} as {args.username!r} (token endpoint)",
        f"{args.threads} threads list and upload documents for {args.seconds:.0f} s",
        f"after {args.seconds / 3:.0f} s restart PostgreSQL with: {' '.join(restart)}",
        "count answers per second: 2xx, clean errors (5xx/503 with a body), timeouts, refused connections",
        f"require /healthz to answer 200 and uploads to succeed again within {args.recovery_limit:.0f} s",
        "check every upload answered 201 is still there (GET /api/v1/documents/{id}/)",
    ]
    if not args.i_know:
        print("Dry run (nothing touched). With --i-know this script would:")
        for n, step in enumerate(plan, 1):
            print(f"  {n}. {step}")
        print(
            "Restarting PostgreSQL disconnects every database on the server; run it only on a machine of your own."
        )
        return 0

    token = requests.post(
        f"{args.url}/api/v1/auth/token/",
        json={"username": args.username, "password": args.password},
        timeout=10,
    ).json()["token"]
    load = Load(args.url, token, args.threads)
    t0 = time.monotonic()
    threads = load.start()
    time.sleep(args.seconds / 3)
    print(f"[{time.monotonic() - t0:5.1f} s] restarting PostgreSQL: {' '.join(restart)}")
    restart_at = time.monotonic()
    done = subprocess.run(restart, capture_output=True, text=True)
    restarted_at = time.monotonic()
    print(
        f"[{restarted_at - t0:5.1f} s] restart command exited {done.returncode} after {restarted_at - restart_at:.1f} s"
    )
    if done.returncode:
        print(done.stdout, done.stderr)
    time.sleep(max(0.0, args.seconds - (time.monotonic() - t0)))
    load.stop.set()
    for t in threads:
        t.join(timeout=20)

    # What the clients saw, before / during / after.
    by_phase: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    first_ok_after = None
    for at, kind, outcome in load.results:
        phase = "before" if at < restart_at else ("during" if at <= restarted_at else "after")
        by_phase[phase][f"{kind} {outcome}"] += 1
        if at > restarted_at and kind == "upload" and outcome == "201" and first_ok_after is None:
            first_ok_after = at - restarted_at
    for phase in ("before", "during", "after"):
        print(f"{phase:>7}: " + ", ".join(f"{k} ×{v}" for k, v in sorted(by_phase[phase].items())))

    deadline = time.monotonic() + args.recovery_limit
    health = None
    while time.monotonic() < deadline:
        try:
            health = requests.get(f"{args.url}/healthz", timeout=5)
            if health.status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    headers = {"Authorization": f"Token {token}"}
    lost = [
        pk
        for pk in load.accepted
        if requests.get(f"{args.url}/api/v1/documents/{pk}/", headers=headers, timeout=10).status_code != 200
    ]
    hangs = sum(c for p in by_phase.values() for k, c in p.items() if k.endswith("timeout"))
    unclean = sum(c for p in by_phase.values() for k, c in p.items() if k.endswith(" 500"))
    print(f"uploads answered 201: {len(load.accepted)}; lost afterwards: {lost or 'nothing'}")
    print(f"requests that hung (timeout): {hangs}; plain 500 answers: {unclean}")
    print(f"first successful upload {first_ok_after:.1f} s after the restart" if first_ok_after is not None
          else "no upload succeeded after the restart")  # fmt: skip
    print(f"/healthz after the restart: {health.status_code if health is not None else 'no answer'}")
    ok = (
        not lost
        and not hangs
        and first_ok_after is not None
        and health is not None
        and health.status_code == 200
    )
    print("RESULT:", "recovered, nothing lost" if ok else "NOT clean — see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
