"""Confidence calibration: raw evidence strength → probability that the field is right.

Fitted on the dev set by ``scripts/calibrate_confidence.py`` (reliability bins per evidence kind);
the table below is that script's output. A field is shown as confident (≥ 0.9) only where the dev
set says at least 97 % of such fields were right.
"""

from __future__ import annotations

import math

from .calibration_table import TABLE

DEFAULT = 0.5


def calibrated(field: str, how: str, raw: float) -> float:
    """Probability for a field read with evidence kind how and raw score raw."""
    bins = TABLE.get(f"{field}:{how}") or TABLE.get(f"*:{how}")
    if bins:
        # bins: ascending (threshold, probability); the last threshold at or below raw wins.
        p = bins[0][1]
        for threshold, prob in bins:
            if raw >= threshold:
                p = prob
        return round(p, 3)
    return round(min(0.85, 1 / (1 + math.exp(-(raw - 8) / 3))), 3)
