"""Local, faithful stand-in for the Scoro API v2 subset Envoice uses (see /work/shared/SCORO_API.md).

Standalone on purpose: it imports nothing from scoro_sync or Django.
"""

from .server import SandboxServer, make_server, start_in_thread

__all__ = ["SandboxServer", "make_server", "start_in_thread"]
