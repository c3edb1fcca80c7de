"""Publishing documents to Scoro. (Contract placeholder; the publishing work fills this in.)"""

from __future__ import annotations


def publish_if_automatic(*, document) -> bool:
    """Queue `document` for publishing when automatic publishing applies to it.

    Called whenever a document becomes ready. Returns True when it was queued.
    """
    return False
