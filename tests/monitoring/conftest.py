"""Monitoring tests publish like the publishing tests do: the same sandbox-backed coding and documents."""

from tests.publishing.conftest import coding, connection, make_document  # noqa: F401 (shared fixtures)
