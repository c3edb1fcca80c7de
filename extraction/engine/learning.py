"""Learning from a correction: where does this supplier print the field?

Given a document's page model and the value a person entered, find the value on the page and
describe its place so it can be found on the supplier's next documents: the label printed left of
it or above it (``<field>_label``), its position on the page (``<field>_where``: page, x and y
relative to the page size) and, for dates, the day/month order. The reader (``fields``) tries a
learned label before its lexicon and prefers candidates near the learned position.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .layout import Doc
from .parsing import find_dates, money_matches, parse_amount

LEARNABLE = ("invoice_number", "po_number", "issue_date", "due_date", "total", "subtotal", "tax_total")
LABEL_CHARS = re.compile(r"[^\W\d_]{2,}")


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def locate(doc: Doc, field: str, value: str) -> list[tuple[int, int, int]]:
    """(line, start, end) of each place the value is printed."""
    out = []
    if field in ("issue_date", "due_date"):
        try:
            want = dt.date.fromisoformat(value)
        except ValueError:
            return []
        for i, ln in enumerate(doc.lines):
            for order in ("DMY", "MDY"):
                for s, e, d, _ in find_dates(ln.text, order):
                    if d == want and (i, s, e) not in out:
                        out.append((i, s, e))
    elif field in ("total", "subtotal", "tax_total"):
        want_amount = parse_amount(value)
        if want_amount is None:
            return []
        for i, ln in enumerate(doc.lines):
            out.extend((i, s, e) for s, e, v in money_matches(ln.text) if abs(v) == abs(want_amount))
    else:
        key = _compact(value)
        if not key:
            return []
        for i, ln in enumerate(doc.lines):
            compact, index = [], []
            for k, ch in enumerate(ln.text):
                if not ch.isspace():
                    compact.append(ch.casefold())
                    index.append(k)
            at = "".join(compact).find(key)
            if at >= 0:
                out.append((i, index[at], index[at + len(key) - 1] + 1))
    return out


def label_for(doc: Doc, i: int, start: int) -> str | None:
    """The words printed before the value on its line, or in the cell above it."""
    ln = doc.lines[i]
    cells = [c for c in doc.cells(i) if c.start < start]
    if cells:
        text = ln.text[cells[-1].start : start]
        if not LABEL_CHARS.search(text) and len(cells) >= 2:
            text = cells[-2].text  # "Invoice no:" in one cell, the value in the next
        # The label is the run of words nearest the value, after the last word with digits.
        words = re.findall(r"\S+", text)
        while words and re.search(r"\d", words[-1]):
            words.pop()
        tail: list[str] = []
        for w in reversed(words):
            if re.search(r"\d", w) or len(tail) == 4:
                break
            tail.insert(0, w)
        label = " ".join(tail).strip(" :#.-–=|(")
        if LABEL_CHARS.search(label):
            return label
    x = ln.x_at(start)
    for j in range(i - 1, max(-1, i - 3), -1):
        up = doc.lines[j]
        if up.page != ln.page:
            break
        for c in doc.cells(j):
            if c.x0 - 4 <= x <= c.x1 + 4 and LABEL_CHARS.search(c.text):
                return c.text.strip(" :#.-")
    return None


def hints_from_correction(doc: Doc, field: str, value: Any) -> dict[str, Any]:
    """Hints that find `value` of `field` on this supplier's documents; {} when it is not on the page."""
    if field not in LEARNABLE or value in (None, ""):
        return {}
    value = str(value).strip()
    spots = locate(doc, field, value)
    if not spots:
        return {}
    boiler = doc.boilerplate()
    spots.sort(key=lambda sp: (sp[0] in boiler, sp[0]))
    hints: dict[str, Any] = {}
    i, s, e = spots[0]
    for spot in spots:
        label = label_for(doc, spot[0], spot[1])
        if label:
            hints[f"{field}_label"] = label
            i, s, e = spot
            break
    ln = doc.lines[i]
    width, height = doc.page_sizes.get(ln.page, (0.0, 0.0))
    if width and height:
        box = ln.bbox(s, e)
        hints[f"{field}_where"] = [ln.page, round(box[0] / width, 4), round(box[1] / height, 4)]
    if field in ("issue_date", "due_date"):
        d = dt.date.fromisoformat(value)
        text = ln.text[s:e]
        if d.day != d.month and d.day <= 12 and re.match(r"\d", text):
            hints["date_order"] = "MDY" if text.lstrip("0").startswith(str(d.month)) else "DMY"
    return hints


def near(doc: Doc, line: int, span: tuple[int, int], where: Any) -> bool:
    """Whether a value at (line, span) stands where a learned position says (same page, close by)."""
    if not (isinstance(where, (list, tuple)) and len(where) == 3):
        return False
    page, rx, ry = where
    ln = doc.lines[line]
    width, height = doc.page_sizes.get(ln.page, (0.0, 0.0))
    if ln.page != page or not width or not height:
        return False
    box = ln.bbox(*span)
    try:
        return abs(box[0] / width - float(rx)) < 0.12 and abs(box[1] / height - float(ry)) < 0.04
    except (TypeError, ValueError):
        return False


def amount_at(doc: Doc, where: Any) -> tuple[Decimal, int, tuple[int, int]] | None:
    """The amount printed at a learned position, if any."""
    for i, ln in enumerate(doc.lines):
        for s, e, v in money_matches(ln.text):
            if near(doc, i, (s, e), where):
                return v, i, (s, e)
    return None
