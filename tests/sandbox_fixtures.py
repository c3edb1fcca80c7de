"""Pytest plugin: a Scoro sandbox over real HTTP for tests (registered from tests/conftest.py).

- `scoro_sandbox` (session): one server on a free port for the whole run; seeding is fast (~ms).
- `sandbox` (function): the same server, reset to the deterministic demo data, no faults, zeroed call
  counts and unlimited rate limits before each test. Use this one in tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scoro_sandbox.server import SandboxServer, start_in_thread


@pytest.fixture(scope="session")
def scoro_sandbox() -> Iterator[SandboxServer]:
    server = start_in_thread(port=0, rate_limit=0, daily_limit=0)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox(scoro_sandbox: SandboxServer) -> SandboxServer:
    scoro_sandbox.reset()
    return scoro_sandbox
