"""Coding rules. (Contract placeholder; the review/rules work fills this in.)"""

from __future__ import annotations


def rules_apply(*, document, actor=None) -> list:
    """Apply the company's rules to a freshly extracted document; returns the rules applied."""
    return []
