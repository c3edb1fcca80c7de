"""Extraction inside the product. (Contract placeholder; the intake/extraction work fills this in.)"""

from __future__ import annotations


def learn_from_correction(*, document, field: str, value, actor=None) -> None:
    """Remember a person's correction of `field` so the next document of that supplier uses it."""
