"""`make demo`: migrate, load the demo company, and run every process of the product.

Web on 127.0.0.1:$PORT, the Scoro sandbox on its own port, a Celery worker and Celery beat on the
embedded transport (SQLite) unless REDIS_URL / DATABASE_URL say otherwise. Ctrl-C stops all of it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def wait_for_port(port: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    sandbox_port = int(os.environ.get("SANDBOX_PORT", "8765"))
    env = {
        **os.environ,
        # DEBUG on, plain-HTTP cookies, a development secret key unless DJANGO_* say otherwise.
        "DJANGO_SETTINGS_MODULE": "envoice.settings.local",
        "ENVOICE_SITE_URL": f"http://127.0.0.1:{port}",
        "SCORO_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
        "PYTHONUNBUFFERED": "1",
        # runserver starts a thread per request; persistent connections would pile up per thread.
        "CONN_MAX_AGE": "0",
    }
    (ROOT / "var").mkdir(exist_ok=True)
    processes: list[tuple[str, subprocess.Popen]] = []

    def start(name: str, args: list[str]) -> subprocess.Popen:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)
        processes.append((name, proc))
        return proc

    def stop_all(*_args) -> None:
        for _name, proc in reversed(processes):
            if proc.poll() is None:
                # The main process only: Celery stops its own pool children after a warm shutdown.
                proc.terminate()
        deadline = time.monotonic() + 15
        for _name, proc in processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        print("\nEnvoice demo stopped.")

    signal.signal(signal.SIGTERM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        start("sandbox", [PY, "-m", "scoro_sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port),
                          "--seed", "demo"])  # fmt: skip
        if not wait_for_port(sandbox_port):
            print("The Scoro sandbox did not start.", file=sys.stderr)
            return 1
        subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True)
        subprocess.run([PY, "manage.py", "demo_setup"], cwd=ROOT, env=env, check=True)
        # One worker for every queue (settings.CELERY_TASK_QUEUES) on the embedded transport.
        start("worker", [PY, "-m", "celery", "-A", "envoice", "worker",
                         "--concurrency", "2", "--loglevel", "INFO"])  # fmt: skip
        start("beat", [PY, "-m", "celery", "-A", "envoice", "beat", "--loglevel", "INFO",
                       "--schedule", str(ROOT / "var" / "celerybeat-schedule")])  # fmt: skip
        start("web", [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])
        wait_for_port(port)
        print(
            f"\n  Envoice is running on http://127.0.0.1:{port}/  (Scoro sandbox: http://127.0.0.1:{sandbox_port})\n"
            "  Log in as admin, accountant, approver or employee (company Demo OÜ), or other (Other Ltd);\n"
            "  the password of every demo user is envoice-demo.  Ctrl-C stops everything.\n",
            flush=True,
        )
        while True:
            for name, proc in processes:
                if proc.poll() is not None:
                    print(f"{name} exited with code {proc.returncode}; stopping the demo.", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
