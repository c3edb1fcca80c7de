"""Label–value candidates for the scalar fields, found by geometry and scored by several signals.

A candidate is a value printed right of a label (same line) or under it (same column, next
lines). Its score adds the label's weight, where it was found, and checks of its own format
(dates that parse, VAT numbers and IBANs whose checksums hold). ``best`` keeps the top candidate
and the margin over the runner-up with a different value, which feeds the confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .checks import IBAN_RE, valid_iban, vat_status
from .layout import Doc
from .parsing import find_dates, is_amount_token

# Between a label and its value: punctuation, a type code "(380)", a stray "Nr."/"No.".
FILLER_RE = re.compile(
    r"(?:[\s:.#\-–=|/)]|\(\d{1,4}\)|\b(?:nr|no|n°|nº|nummer|number|num|numéro|numero|número)\b\.?)*", re.I
)
ID_RE = re.compile(r"[A-Z0-9][A-Z0-9\-/_.]*", re.I)
VAT_RE = re.compile(r"\b([A-Z]{2}\s?(?:[0-9A-Z][\s.]?){7,13}[0-9A-Z])\b")
REG_RE = re.compile(r"(?<![\w])((?:HR[AB]\s*)?\d[\d\s.\-/]{3,14}\d|HR[AB]\s*\d{2,7})(?![\w])", re.I)

# A date label that names another date: "Lieferschein-Datum", "Date of delivery", "Order date".
OTHER_DATE_BEFORE = re.compile(
    r"(?i)(?:liefer\w*|leistung\w*|bestell\w*|order|delivery|auftrag\w*|due|fällig\w*|zahl\w*|payment|"
    r"period\w*|zeitraum|versand\w*|ship\w*|levering\w*|livraison|commande|toimitus\w*|tarne\w*|"
    r"leverans\w*|entrega|consegna|dostawy|stylesheet\w*|version|skonto|eingang\w*|"
    r"original|preceding|previous|referenced|related|ursprüngl\w*|vorherig\w*|bezugs\w*)[\s\-/.]*$"
)
OTHER_DATE_AFTER = re.compile(
    r"(?i)^\s*(?:of\s*)?(?:order|delivery|supply|due|shipment|service|livraison|commande"
    # The date of another invoice this one refers to: "Date de facture associée", "... d'origine".
    r"|associ\w*|d['’]origine|initiale|précédente|rectifiée|corrigée)"
)

# A weak label ("vom", "du", "Nr.") that follows a reference to another document.
WEAK_LABEL_CONTEXT = re.compile(
    r"(?i)bestell|order|liefer|delivery|auftrag|commande|pedido|ordine|zamów|tilaus|tellimus|referen|vertrag|contract"
)


@dataclass
class Candidate:
    field: str
    value: Any
    score: float
    line: int
    span: tuple[int, int]
    how: str  # "right", "below", "pattern"


Parser = Callable[[str], "tuple[Any, int, int] | None"]


def parse_id(text: str) -> tuple[Any, int, int] | None:
    m = ID_RE.match(text)
    if not m or text[m.end() : m.end() + 1] == "@":  # an e-mail address, not an id
        return None
    val = m.group(0).rstrip(".-/_")
    if not re.search(r"\d", val) or len(val) < 2:
        return None
    if any(s == 0 and e == len(val) for s, e, _, _ in find_dates(val)):  # the whole token is a date
        return None
    if is_amount_token(val) or re.match(r"[.,]\d{2}(?!\d)", text[m.end() :]):
        return None  # an amount ("Totale fattura 235,62"), not an id
    return val, m.start(), m.start() + len(val)


def make_date_parser(order: str) -> Parser:
    def parse(text: str) -> tuple[Any, int, int] | None:
        for s, e, d, _sure in find_dates(text[:60], order):
            if s > 12:
                return None
            if plausible_date(d):
                return d.isoformat(), s, e
        return None

    return parse


def plausible_date(d: dt.date) -> bool:
    # OCR turns "2018" into "2078"; such a date is noise, not an invoice date.
    return 1990 <= d.year <= dt.date.today().year + 1


def parse_vat(text: str) -> tuple[Any, int, int] | None:
    m = VAT_RE.search(text[:40].upper())
    if not m or m.start() > 6:
        return None
    raw = m.group(1).strip()
    compact = re.sub(r"[\s.]", "", raw)
    if not re.search(r"\d{6}", compact) or valid_iban(compact):
        return None
    return compact, m.start(1), m.start(1) + len(raw)


def parse_reg(text: str) -> tuple[Any, int, int] | None:
    m = REG_RE.match(text)
    if not m:
        return None
    return m.group(1).strip(), m.start(1), m.end(1)


def label_candidates(
    doc: Doc,
    field: str,
    labels: list[tuple[re.Pattern, float]],
    parse: Parser,
    *,
    below: bool = True,
    wrapped: bool = False,
    reject_before: re.Pattern | None = None,
    reject_after: re.Pattern | None = None,
    lines: range | None = None,
) -> list[Candidate]:
    """Values right of or under each occurrence of a label."""
    boiler = doc.boilerplate()
    out: list[Candidate] = []
    for i in lines if lines is not None else range(len(doc.lines)):
        if i in boiler:
            continue
        ln = doc.lines[i]
        taken: list[tuple[int, int]] = []
        cell_starts = [c.start for c in doc.cells(i)]
        for pat, weight in labels:
            for m in _matches(pat, ln.text, cell_starts):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                cell = doc.cell_at(i, m.start())
                before = ln.text[cell.start if cell else 0 : m.start()]
                if reject_before is not None and reject_before.search(before):
                    continue
                if reject_after is not None and reject_after.search(ln.text[m.end() :]):
                    continue
                if weight <= 4 and WEAK_LABEL_CONTEXT.search(before):
                    continue
                across = cell is not None and m.end() > cell.end
                if not across:
                    # A match across a column gap ("Faktura   Numer" of "Faktura   Numer faktury")
                    # is tried for a value right of it, but does not hide the label in the next
                    # cell, and has no column to look under ("Invoice date   Due date").
                    taken.append(m.span())
                skip = FILLER_RE.match(ln.text, m.end())
                vstart = skip.end() if skip else m.end()
                got = parse(ln.text[vstart:])
                if got is not None:
                    val, s, e = got
                    score = weight + 3
                    first = doc.cells(i)[0]
                    if cell is not None and cell is not first and first.text.rstrip().endswith(":"):
                        score -= 4  # inside the value of another label ("Payment reference: Invoice no. X")
                    out.append(Candidate(field, val, score, i, (vstart + s, vstart + e), "right"))
                    continue
                if across:
                    continue
                rest_of_cell = ln.text[vstart : cell.end if cell else len(ln.text)].strip()
                if wrapped and not ln.text[vstart:].strip() and i + 1 < len(doc.lines):
                    # The label ends its line and the value starts the next: a footer's run-on
                    # text "... · Registered in England No.:" / "39794011".
                    nxt = doc.lines[i + 1]
                    lead = FILLER_RE.match(nxt.text).end()
                    got = parse(nxt.text[lead:]) if nxt.page == ln.page else None
                    if got is not None:
                        val, s, e = got
                        out.append(Candidate(field, val, weight + 1, i + 1, (lead + s, lead + e), "wrapped"))
                        continue
                if not below or len(rest_of_cell) > 3:
                    continue
                x0 = ln.words_in(m.start(), m.end())[0].x0
                x1 = max(w.x1 for w in ln.words_in(m.start(), m.end()))
                for k, c in enumerate(doc.below(i, x0, x1, max_lines=2)):
                    # The value under a title may carry its own "#" or "No.": "INVOICE" / "# 2022-17".
                    lead = FILLER_RE.match(c.text).end()
                    got = parse(c.text[lead:])
                    if got is not None:
                        val, s, e = got
                        span = (c.start + lead + s, c.start + lead + e)
                        out.append(Candidate(field, val, weight + 2 - 0.5 * k, c.line, span, "below"))
                        break
    return out


def _matches(pat: re.Pattern, text: str, cell_starts: list[int]) -> Iterator[re.Match]:
    """pat's matches in text; after one that runs across a column gap, search again from the next cell."""
    pos = 0
    while (m := pat.search(text, pos)) is not None:
        yield m
        nxt = next((c for c in cell_starts if m.start() < c < m.end()), None)
        pos = nxt if nxt is not None else max(m.end(), m.start() + 1)


def best(cands: list[Candidate], key: Callable[[Any], Any] = lambda v: v) -> tuple[Candidate | None, float]:
    """Top candidate and its margin over the best one with another value (agreeing votes add up)."""
    if not cands:
        return None, 0.0
    by_value: dict[Any, list[Candidate]] = {}
    for c in cands:
        by_value.setdefault(key(c.value), []).append(c)
    ranked = sorted(
        by_value.values(),
        key=lambda cs: (max(c.score for c in cs) + 0.5 * min(len(cs) - 1, 2), -min(c.line for c in cs)),
        reverse=True,
    )
    top = max(ranked[0], key=lambda c: (c.score, -c.line))
    top_score = top.score + 0.5 * min(len(ranked[0]) - 1, 2)
    runner = max(c.score for c in ranked[1]) + 0.5 * min(len(ranked[1]) - 1, 2) if len(ranked) > 1 else 0.0
    return top, top_score - runner


def iban_candidates(doc: Doc) -> list[Candidate]:
    """Checksum-valid IBANs; a payer's account (direct debit) or one in the buyer's block scores lower."""
    out = []
    for i, ln in enumerate(doc.lines):
        for m in IBAN_RE.finditer(ln.text.upper()):
            cand = m.group(1).replace(" ", "")
            # The regex may swallow a following word; trim until the checksum holds.
            for k in range(len(cand), 14, -1):
                if valid_iban(cand[:k]):
                    context = " ".join(x.text for x in doc.lines[max(0, i - 2) : i + 1])
                    score = 10.0
                    if re.search(
                        r"(?i)lastschrift|direct\s*debit|prélèvement|incasso|mandat|abgebucht|debited",
                        context,
                    ):
                        score -= 6
                    out.append(Candidate("iban", cand[:k], score, i, (m.start(), m.end()), "pattern"))
                    break
    return out


def vat_pattern_candidates(doc: Doc) -> list[Candidate]:
    """Any checksum-valid EU VAT number, wherever it stands (weak: could be the buyer's)."""
    out = []
    for i, ln in enumerate(doc.lines):
        for v in VAT_RE.finditer(ln.text.upper()):
            compact = re.sub(r"[\s.]", "", v.group(1))
            if vat_status(compact) is True and not valid_iban(compact):
                out.append(Candidate("supplier_vat_no", compact, 6.0, i, v.span(1), "pattern"))
    return out
