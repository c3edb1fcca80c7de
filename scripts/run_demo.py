"""`make demo`: migrate, load the demo company, and run every process of the product.

Web on 127.0.0.1:$PORT, the Scoro sandbox on its own port, a Celery worker and Celery beat on the
embedded transport (SQLite) unless REDIS_URL / DATABASE_URL say otherwise. Ctrl-C (or SIGTERM) stops all
of it, a second one included (see `Processes`).
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


class Stop(Exception):
    """Raised in the main loop by SIGINT or SIGTERM."""


class Processes:
    """Every process the demo started, each in its own session (process group), and how to stop them all.

    The first SIGINT/SIGTERM asks each main process to stop itself (Celery's warm shutdown ends its own
    pool) and waits; a second one, or a process still running after the grace period, gets its whole
    group killed. Either way the clean-up runs to its end: it is never interrupted by the next signal.
    """

    GRACE_SECONDS = 15.0

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.started: list[tuple[str, subprocess.Popen]] = []
        self.setup_steps: set[str] = set()
        self.stopping = False
        self.hurry = False

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        # No signal between starting a process and remembering it, or it would outlive the demo.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            proc = subprocess.Popen(args, cwd=ROOT, env=self.env, start_new_session=True)
            self.started.append((name, proc))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
        return proc

    def run(self, name: str, args: list[str]) -> None:
        """A set-up step (migrate, demo data): in its own group too, so a signal stops it as well."""
        self.setup_steps.add(name)
        proc = self.start(name, args)
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, args)

    def on_signal(self, signum: int, _frame) -> None:
        if self.stopping:
            self.hurry = True  # a second signal: kill what is left, but finish the clean-up
            return
        self.stopping = True
        raise Stop(signal.Signals(signum).name)

    def exited_service(self) -> tuple[str, int] | None:
        """A long-running process that has ended (the demo stops then), if any."""
        for name, proc in self.started:
            if name not in self.setup_steps and proc.poll() is not None:
                return name, proc.returncode
        return None

    def stop_all(self) -> None:
        self.stopping = True
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                proc.terminate()  # the main process only
        deadline = time.monotonic() + self.GRACE_SECONDS
        for _name, proc in self.started:
            while proc.poll() is None and not self.hurry and time.monotonic() < deadline:
                time.sleep(0.1)
            self._kill_group(proc)
            proc.wait()
        print("\nEnvoice demo stopped.", flush=True)

    @staticmethod
    def _kill_group(proc: subprocess.Popen) -> None:
        """Whatever is left in the process's group (a pool child, a runserver thread's subprocess)."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    sandbox_port = int(os.environ.get("SANDBOX_PORT", "8765"))
    env = {
        **os.environ,
        # DEBUG off (the product's own error pages; DJANGO_DEBUG=1 for a developer's debug pages),
        # plain-HTTP cookies, a development secret key unless DJANGO_* say otherwise.
        "DJANGO_SETTINGS_MODULE": "envoice.settings.local",
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "0"),
        "ENVOICE_SITE_URL": f"http://127.0.0.1:{port}",
        "SCORO_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
        "PYTHONUNBUFFERED": "1",
        # runserver starts a thread per request; persistent connections would pile up per thread.
        "CONN_MAX_AGE": "0",
    }
    (ROOT / "var").mkdir(exist_ok=True)
    processes = Processes(env)
    # Explicit handlers: a shell starting us in the background may have left SIGINT ignored.
    signal.signal(signal.SIGINT, processes.on_signal)
    signal.signal(signal.SIGTERM, processes.on_signal)
    try:
        processes.start("sandbox", [PY, "-m", "scoro_sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port),
                                    "--seed", "demo"])  # fmt: skip
        if not wait_for_port(sandbox_port):
            print("The Scoro sandbox did not start.", file=sys.stderr)
            return 1
        processes.run("migrate", [PY, "manage.py", "migrate", "--noinput"])
        processes.run("demo data", [PY, "manage.py", "demo_setup"])
        # One worker for every queue (settings.CELERY_TASK_QUEUES) on the embedded transport.
        processes.start("worker", [PY, "-m", "celery", "-A", "envoice", "worker",
                                   "--concurrency", "2", "--loglevel", "INFO"])  # fmt: skip
        processes.start("beat", [PY, "-m", "celery", "-A", "envoice", "beat", "--loglevel", "INFO",
                                 "--schedule", str(ROOT / "var" / "celerybeat-schedule")])  # fmt: skip
        processes.start("web", [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])
        wait_for_port(port)
        print(
            f"\n  Envoice is running on http://127.0.0.1:{port}/  (Scoro sandbox: http://127.0.0.1:{sandbox_port})\n"
            "  Log in as admin, accountant, approver or employee (company Demo OÜ), or other (Other Ltd);\n"
            "  the password of every demo user is envoice-demo.  Ctrl-C stops everything.\n",
            flush=True,
        )
        while True:
            exited = processes.exited_service()
            if exited:
                print(f"{exited[0]} exited with code {exited[1]}; stopping the demo.", file=sys.stderr)
                return 1
            time.sleep(1)
    except Stop:
        return 0
    except subprocess.CalledProcessError as exc:
        print(
            f"{' '.join(exc.cmd[1:])} failed with code {exc.returncode}; stopping the demo.", file=sys.stderr
        )
        return 1
    finally:
        processes.stop_all()


if __name__ == "__main__":
    sys.exit(main())
