"""Approval workflows. (Contract placeholder; the approvals work fills this in.)"""

from __future__ import annotations


def approval_start_if_required(*, document, actor) -> bool:
    """Route a recorded (or submitted) document into its approval workflow, if one applies.

    Returns True when the document entered approval (status in_approval), False when it needs none.
    """
    return False
