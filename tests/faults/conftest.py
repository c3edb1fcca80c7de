"""Fault tests reuse the publishing fixtures: a company connected to the sandbox, coding that exists in the
sandbox seed and ready documents (tests/publishing/conftest.py)."""

from tests.publishing.conftest import coding, connection, make_document  # noqa: F401 (fixtures)
