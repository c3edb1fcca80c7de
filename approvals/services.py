"""Approval workflows. (Contract placeholder; the approvals work fills this in.)"""

from __future__ import annotations


def approval_start_if_required(*, document, actor) -> bool:
    """Route a recorded (or submitted) document into its approval workflow, if one applies.

    Returns True when the document entered approval (status in_approval), False when it needs none.
    """
    return False


def approval_restart_if_in_progress(*, document, actor) -> bool:
    """An edit of amounts or coding during approval restarts it. Returns True when restarted."""
    return False


def approval_start_for_expense_report(*, report, actor) -> bool:
    """Route a submitted expense report into its approval. Returns True when it needs approval."""
    return False
