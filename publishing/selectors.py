"""Publishing reads. (Contract placeholder; the publishing work fills this in.)"""

from __future__ import annotations


def publishing_summary_for(*, document) -> dict:
    """{"status", "scoro_id", "scoro_url", "error"} for the API detail and lists."""
    return {"status": "not_published", "scoro_id": None, "scoro_url": None, "error": ""}
