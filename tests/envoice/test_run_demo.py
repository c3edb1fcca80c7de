"""`make demo` (scripts/run_demo.py) leaves nothing running once its process group is signalled, even when
a second signal arrives during its clean-up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Migrates a fresh SQLite database and starts five processes: about half a minute.
pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _parents() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents, found, frontier = _parents(), set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_signals_to_the_demo_stop_every_process_it_started_and_free_the_ports(tmp_path):
    port, sandbox_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "REDIS_URL"))}
    env.update(
        {
            "PORT": str(port),
            "SANDBOX_PORT": str(sandbox_port),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_READ_DOT_ENV_FILE": "false",
        }
    )
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [sys.executable, "scripts/run_demo.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not _listening(port) and demo.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        output = (tmp_path / "demo.log").read_text(errors="replace")
        assert _listening(port), f"the demo did not start:\n{output[-3000:]}"
        started = _descendants(demo.pid)
        assert len(started) >= 4, started  # sandbox, worker (and its pool), beat, web

        os.killpg(demo.pid, signal.SIGTERM)
        time.sleep(0.5)
        os.killpg(demo.pid, signal.SIGTERM)  # the second signal arrives during the clean-up
        assert demo.wait(timeout=60) == 0
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
        for pid in _descendants(demo.pid):
            os.kill(pid, signal.SIGKILL)

    time.sleep(0.5)  # orphans are reaped by init
    assert started & set(_parents()) == set(), "processes the demo started are still running"
    assert not _listening(port) and not _listening(sandbox_port)
    assert "Envoice demo stopped." in (tmp_path / "demo.log").read_text(errors="replace")
