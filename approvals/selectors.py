"""Approval reads. (Contract placeholder; the approvals work fills this in.)"""

from __future__ import annotations


def approval_summary_for(*, document) -> list[dict]:
    """The document's approval steps and decisions, for the API detail and the review page."""
    return []


def approval_comment_for(*, document) -> str:
    """The text that goes into the Scoro bill's comment."""
    return "Imported from Envoice."
