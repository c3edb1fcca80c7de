"""Confidence calibration: evidence (kind, raw score) → probability that the field is right.

``fit`` builds reliability bins per field and evidence kind from judged dev predictions
(``scripts/calibrate_confidence.py`` writes its output to ``calibration_table.py``). Each bin's
probability is the lower end of a one-sided 95 % Wilson interval of its precision, and a bin is
never more confident than a bin of higher raw score, so a confidence of 0.9 is earned only by
evidence that was right well over 90 % of the time on the dev set.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .calibration_table import TABLE

MIN_BIN = 6  # judged predictions per bin
Z = 1.645  # one-sided 95 %
CEILING = 0.99


def calibrated(field: str, how: str, raw: float, table: dict | None = None) -> float:
    """Probability for a field read with evidence kind how and raw score raw."""
    table = TABLE if table is None else table
    bins = table.get(f"{field}:{how}") or table.get(f"*:{how}")
    if not bins:
        # Evidence kind never seen on dev: never shown as confident.
        return round(min(0.6, 1 / (1 + math.exp(-(raw - 8) / 3))), 3)
    p = bins[0][1]
    for threshold, prob in bins:
        if raw >= threshold:
            p = prob
    return round(p, 3)


def wilson_low(right: int, n: int) -> float:
    if n == 0:
        return 0.0
    phat = right / n
    denom = 1 + Z * Z / n
    centre = phat + Z * Z / (2 * n)
    margin = Z * math.sqrt(phat * (1 - phat) / n + Z * Z / (4 * n * n))
    return max(0.0, (centre - margin) / denom)


def _bins(samples: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    samples = sorted(samples)
    groups: list[list[tuple[float, bool]]] = []
    for s in samples:
        # Equal raw scores stay in one bin; a bin closes once it holds MIN_BIN samples.
        if groups and (len(groups[-1]) < MIN_BIN or groups[-1][-1][0] == s[0]):
            groups[-1].append(s)
        else:
            groups.append([s])
    if len(groups) > 1 and len(groups[-1]) < MIN_BIN:
        groups[-2].extend(groups.pop())
    out = [(g[0][0], wilson_low(sum(ok for _, ok in g), len(g))) for g in groups]
    # Monotone: a lower raw score is never more trusted than a higher one.
    for k in range(len(out) - 2, -1, -1):
        out[k] = (out[k][0], min(out[k][1], out[k + 1][1]))
    out[0] = (-1e9, out[0][1])
    return [(t, round(min(p, CEILING), 3)) for t, p in out]


def fit(records: list[tuple[str, str, float, bool]]) -> dict[str, list[tuple[float, float]]]:
    """records: (field, evidence kind, raw score, was right) → reliability table."""
    by_key: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for field, how, raw, ok in records:
        by_key[f"{field}:{how}"].append((raw, ok))
        by_key[f"*:{how}"].append((raw, ok))
    return {k: _bins(v) for k, v in sorted(by_key.items()) if len(v) >= MIN_BIN}
