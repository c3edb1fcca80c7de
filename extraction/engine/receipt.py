"""Field choice for till receipts (scanned or photographed): supplier, issue date, total, currency.

A receipt is not a small invoice. The shop's name is the big print at the top, above its address,
registration and tax numbers and a "TAX INVOICE" style header. The amount paid is confirmed by
the receipt's own arithmetic (subtotal + tax = total, total + rounding, cash - change = total).
Currency is rarely written as an ISO code; the evidence is a symbol, a tax-number format, a
legal form or a country name. Every field carries the name of the evidence that chose it
(`provenance[field]["evidence"]`), and its confidence is the precision that evidence had on the
labelled receipts (see CONFIDENCE and `benchmarks/receipts.py`).

Nothing here names a shop or a phrase of one receipt: labels are the generic vocabulary of tills.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Any

from .classic import LEGAL_RE, WRAPPED_SUFFIX_RE
from .layout import Doc, Line
from .parsing import AMOUNT_RE, find_dates, money, parse_amount
from .receipt_currency import currency_evidence
from .result import empty_fields

# Confidence per evidence: the share of right answers each kind of evidence had on the labelled
# receipts, measured by `benchmarks/receipts.py` on one half of them and checked on the other
# (rounded down). Only evidence that was right at least 97 % of the time is given >= 0.9.
CONFIDENCE = {
    "total/confirmed": 0.95,
    "total/learned": 0.85,
    "total/arithmetic": 0.85,
    "total/label": 0.65,
    "total/plain-label": 0.65,
    "total/repeated": 0.65,
    "total/cash-change": 0.5,
    "total/largest": 0.3,
    "issue_date/repeated": 0.9,
    "issue_date/labelled": 0.85,
    "issue_date/unambiguous": 0.85,
    "issue_date/ordered": 0.6,
    "issue_date/repaired": 0.5,  # one dev receipt: too few to earn more
    "supplier_name/learned": 0.95,
    "supplier_name/legal-form": 0.85,
    "supplier_name/top-line": 0.65,
    "currency/symbol": 0.9,
    "currency/code": 0.9,
    "currency/country": 0.8,
    "currency/learned": 0.8,
    "currency/weak": 0.5,
    # Subtotal and tax that add up to the chosen total.
    "subtotal/adds-up": 0.85,
    "tax_total/adds-up": 0.85,
}

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")

# Kinds of till lines, most specific first. A line gets the first kind whose label it starts with
# (or carries within its first words); the value is the line's last amount.
_KINDS: list[tuple[str, re.Pattern]] = [
    (k, re.compile(p, re.I))
    for k, p in [
        (
            "skip",
            r"total\s*(?:qty|quantity|items?|pcs|units|disc\w*|savings?|number|no\b)|(?:qty|items?)\s*total",
        ),
        (
            "subtotal",
            r"sub\s*-?\s*tot\w*|\bsupplies\b|total\s*\d{1,2}\s*%|\bexc\w*|\bex\b|before\s*(?:gst|tax|vat|sst|disc|round)|w/?o\s*(?:gst|tax)|without",
        ),
        ("rounding", r"round\w*\s*(?:adj\w*|amt|amount|diff\w*)?\s*$|round(?:ing)?\s*adj|adj\w*\s*round"),
        (
            "final",
            r"(?:total\s*)?round(?:ed)?\s*(?:total|amount|amt)|grand\s*total|nett?\s*(?:total|amount|amt)"
            r"|total\s*(?:amount\s*)?(?:due|payable|to\s*pay)|amount\s*(?:due|payable)|total\s*(?:incl\w*|inc\b|"
            r"with|aft\w*)|total\s*(?:amount|amt|sales|price|rm|myr|\$|€|£)|(?:incl\w*\.?|\w*clusive|inc\.)\s*(?:of\s*)?"
            r"(?:gst|tax|vat|sst)",
        ),
        ("change", r"change|chg\b|kembali|balance(?!\s*due)"),
        ("paid", r"cash\b|tender\w*|paid|payment|received|visa|master\w*|card|credit|debit|e-?wallet|tunai"),
        ("discount", r"disc\w*|savings?|voucher|coupon"),
        ("tax", r"(?:total\s*)?(?:gst|sst|vat|tax|service\s*(?:charge|tax)|svc)\b|ta[xk]\s*total"),
        ("total", r"total|jumlah|amount|amt\b|summe|totaal|kokku|yhteensä"),
    ]
]
_LABEL_SCORE = {"final": 10.0, "total": 7.0}
_SUMMARY = re.compile(
    r"(?i)\b(?:gst|sst|vat|tax|mwst|btw|alv)\s*(?:su\w{0,3}\s?\w{0,3}ary|analysis|breakdown|details?)\b"
    r"|\bsu[mn]{2}ary\b"
)

_DATE_LABEL = re.compile(r"(?i)\b(?:date|dated|tarikh|datum|fecha|data|kuupäev|päivämäärä)\b")
_NOT_ISSUE = re.compile(r"(?i)\b(?:exp\w*|valid|due|until|best\s*before|birth|member\s*since)\b")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")


@dataclass
class _Amount:
    value: Decimal
    line: int
    span: tuple[int, int]


@dataclass
class _Choice:
    value: Any
    evidence: str
    line: Line | None = None
    span: tuple[int, int] = (0, 0)


def looks_like_receipt(doc: Doc) -> bool:
    """A narrow page (A4 is 0.71 wide for 1 high), or till vocabulary (cash/change, rounding, "thank you", GST/SST)."""
    if not doc.lines:
        return False
    w, h = doc.page_sizes.get(doc.lines[0].page, (0.0, 0.0))
    text = doc.text().lower()
    words = sum(
        1
        for p in (r"\bcash\b", r"\bchange\b", r"round", r"thank", r"\b(?:gst|sst)\b", r"receipt", r"cashier")
        if re.search(p, text)
    )
    return (h > 0 and w / h < 0.6) or words >= 2


def read_receipt(
    doc: Doc, hints: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, float], dict[str, dict[str, Any]]]:
    """Fields, confidences and provenance of a receipt (the eval schema's field names)."""
    hints = hints or {}
    lines = [ln for ln in doc.lines if ln.page == doc.lines[0].page] if doc.lines else []
    fields = empty_fields()
    conf: dict[str, float] = {}
    prov: dict[str, dict[str, Any]] = {}
    cur = currency_evidence(doc.text())
    order = str(hints.get("date_order") or (cur.date_order if cur else "DMY")).upper()
    choices: dict[str, _Choice | None] = {
        "supplier_name": choose_supplier(lines, hints),
        "issue_date": choose_date(lines, order, hints),
    }
    total, parts = choose_total(lines, hints)
    choices["total"] = total
    if total is not None:
        for key in ("subtotal", "tax_total"):
            if parts.get(key) is not None:
                choices[key] = _Choice(
                    money(parts[key].value), f"{key}/adds-up", lines[parts[key].line], parts[key].span
                )
    hinted = hints.get("currency")
    if cur is not None:
        choices["currency"] = _Choice(cur.code, f"currency/{cur.evidence}")
    elif isinstance(hinted, str) and re.fullmatch(r"[A-Z]{3}", hinted):
        choices["currency"] = _Choice(hinted, "currency/learned")
    for key, ch in choices.items():
        if ch is None or ch.value in (None, ""):
            continue
        fields[key] = ch.value
        conf[key] = CONFIDENCE.get(ch.evidence, 0.5)
        p: dict[str, Any] = {"evidence": ch.evidence}
        if ch.line is not None:
            w, h = doc.page_sizes.get(ch.line.page, (0.0, 0.0))
            p.update(page=ch.line.page, bbox=ch.line.bbox(*ch.span), page_width=w, page_height=h)
        prov[key] = p
    return fields, conf, prov


# ------------------------------------------------------------------ total
def _amounts(text: str) -> list[tuple[int, int, Decimal]]:
    # OCR often sets a space after the decimal point ("200. 00"); the length stays the same.
    text = re.sub(r"(\d+)([.,]) (\d{2})(?!\d)", r" \1\2\3", text)
    out = []
    for m in AMOUNT_RE.finditer(text):
        s = m.group(0)
        if not re.search(r"[.,]\d{2}-?$", s.strip()):
            continue  # receipts print cents; bare integers are quantities, codes or years
        v = parse_amount(s)
        if v is not None and abs(v) < MAX_AMOUNT:
            out.append((m.start(), m.end(), abs(v)))
    return out


def line_kind(text: str) -> str | None:
    """The till role of a line from its label: final, total, subtotal, tax, rounding, paid, change..."""
    ams = _amounts(text)
    head = text[: ams[0][0] if ams else len(text)][:48]
    for kind, pat in _KINDS:
        if pat.search(head):
            return kind
    return None


def _classify(lines: list[Line]) -> list[tuple[str | None, list[_Amount]]]:
    """(kind, amounts) per line; a label with its value on the next line takes that value."""
    out = []
    in_summary = False
    for i, ln in enumerate(lines):
        kind = line_kind(ln.text)
        # A tax summary table ("GST SUMMARY", "VAT analysis") repeats net amounts under "Total".
        if _SUMMARY.search(ln.text):
            in_summary = True
        if in_summary:
            kind = "summary"
        ams = [_Amount(v, i, (s, e)) for s, e, v in _amounts(ln.text)]
        out.append([kind, ams])
    for i in range(len(out) - 1):
        kind, ams = out[i]
        nk, nams = out[i + 1]
        if kind and not ams and nk is None and nams:
            out[i][1], out[i + 1][1] = nams[-1:], []
    return [(k, a) for k, a in out]


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= CENT


def choose_total(lines: list[Line], hints: dict[str, Any]) -> tuple[_Choice | None, dict[str, _Amount]]:
    """The amount paid, and the subtotal and tax that add up to it (when they do)."""
    rows = _classify(lines)
    n = len(rows)
    by_kind: dict[str, list[_Amount]] = {}
    for kind, ams in rows:
        if kind and ams:
            by_kind.setdefault(kind, []).append(ams[-1])
    learned = _hint_patterns(hints.get("total_label"))
    cands: dict[Decimal, dict[str, Any]] = {}

    def add(a: _Amount, score: float, evidence: str) -> None:
        c = cands.setdefault(a.value, {"score": -99.0, "evidence": "", "at": a, "labels": 0})
        if score > c["score"]:
            c.update(score=score, evidence=evidence, at=a)

    for i, (kind, ams) in enumerate(rows):
        if not ams:
            continue
        text = lines[i].text
        if learned and any(p.search(text) for p in learned):
            add(ams[-1], 30.0, "total/learned")
        if kind in _LABEL_SCORE:
            a = ams[-1]
            # Later lines and a lower half of the receipt both point at the amount paid.
            add(
                a,
                _LABEL_SCORE[kind] + 2.0 * i / max(n, 1),
                "total/label" if kind == "final" else "total/plain-label",
            )
            cands[a.value]["labels"] += 1
        elif kind is None and i > n // 3:
            for a in ams:
                add(a, 0.5 * i / max(n, 1), "total/largest")
    paid = [a.value for a in by_kind.get("paid", [])]
    change = [a.value for a in by_kind.get("change", [])]
    # The totals block: from the first subtotal/total line on, without payment and summary lines.
    start = next((i for i, (k, _a) in enumerate(rows) if k in ("subtotal", "final", "total")), n)
    printed = [a for k, ams in rows[start:] if k not in ("paid", "change", "summary", "skip") for a in ams]
    for p_at in by_kind.get("paid", []):
        for g in change:
            v = p_at.value - g
            if v <= 0:
                continue
            # Cash minus change is the amount paid; it is kept when a printed amount agrees with it
            # (up to the 5-cent rounding of cash payments).
            near = [a for a in printed if abs(a.value - v) <= Decimal("0.05") and a.value != p_at.value]
            known = cands.get(v)
            score, evidence = (8.0, "total/arithmetic") if near else (6.5, "total/cash-change")
            if known is None:
                at = near[0] if near else p_at
                cands[v] = {"score": score, "evidence": evidence, "at": at, "labels": 0}
                cands[v].update(derived=not near, near=bool(near))
            elif known["score"] < score:
                known.update(score=score, evidence=evidence)
    subs = by_kind.get("subtotal", [])
    subs_printed = [a for a in subs if a.value > 0]
    if subs_printed and all(c["evidence"] == "total/largest" for c in cands.values()):
        # No total line was read, only a subtotal: when no larger amount stands under it, it is
        # what was paid (tax included, or the total line lost to OCR; a larger unlabelled amount
        # below would be that lost total).
        top_sub = max(subs_printed, key=lambda a: a.value)
        if all(top_sub.value >= v for v in cands):
            add(top_sub, 5.0, "total/plain-label")
            cands[top_sub.value]["labels"] += 1
    cands = {v: c for v, c in cands.items() if v > 0}
    if not cands:
        return None, {}

    taxes = by_kind.get("tax", [])
    roundings = [a.value for a in by_kind.get("rounding", [])]
    parts: dict[Decimal, dict[str, _Amount]] = {}
    for v, c in cands.items():
        # Independent confirmations of the amount by the receipt's own figures.
        proofs = int(bool(c.get("near")))
        # Cash is counted exactly; a difference printed nowhere proves nothing by itself.
        if not c.get("derived") and any(p - g == v for p in paid for g in change if g > 0):
            proofs += 1
        for s in subs:
            for t in (t for t in taxes if t.value > 0):  # "+ 0.00 tax" proves nothing
                if _close(s.value + t.value, v) or any(_close(s.value + t.value + r, v) for r in roundings):
                    proofs += v not in parts
                    parts[v] = {"subtotal": s, "tax_total": t}
        # The rounded total: another total plus (or minus) the printed rounding.
        rounded = abs(v * 20 - (v * 20).to_integral_value()) < Decimal("0.001")
        if rounded and any(
            w != v and r > 0 and (_close(w + r, v) or _close(w - r, v)) for w in cands for r in roundings
        ):
            c["score"] += 3
            proofs += 1
        if c["labels"] >= 2:
            c["score"] += 1.5
            proofs += 1
            if c["evidence"] in ("total/label", "total/plain-label"):
                c["evidence"] = "total/repeated"
        if any(_close(p, v) for p in paid):
            c["score"] += 1.0
            proofs += any(g == 0 for g in change)  # paid exactly, by card or counted cash
        if paid and change and v > max(paid) + CENT:
            c["score"] -= 6  # more than the customer handed over: a misread digit
        proof = proofs > 0
        if proof and c["evidence"] != "total/largest":
            c["score"] += 4
            learned = c["evidence"] == "total/learned"
            c["evidence"] = "total/confirmed" if proofs >= 2 or learned else "total/arithmetic"
        other_role = any(
            _close(v, a.value) for k in ("subtotal", "tax", "change", "discount") for a in by_kind.get(k, [])
        )
        if other_role and not proof and c["labels"] < 2:
            c["score"] -= 3
    if all(c["evidence"] == "total/largest" for c in cands.values()):
        v = max(cands)
        best = cands[v]
    else:
        v, best = max(cands.items(), key=lambda kv: (kv[1]["score"], kv[0]))
    at: _Amount = best["at"]
    return _Choice(money(v), best["evidence"], lines[at.line], at.span), parts.get(v, {})


def _hint_patterns(value: Any) -> list[re.Pattern]:
    vals = [value] if isinstance(value, str) else list(value or [])
    out = []
    for s in vals:
        words = [re.escape(w) for w in str(s).split() if w]
        if words:
            out.append(re.compile(r"(?<!\w)" + r"\s*".join(words) + r"(?!\w)", re.I))
    return out


# ------------------------------------------------------------------ date
# OCR reads 0 as O/o/D and 1 as l/I/|; only repaired inside date-shaped tokens.
_DATEISH = re.compile(r"(?<![\w])[\dOoDlI|]{1,4}[./\-][\dOoDlI|]{1,2}[./\-][\dOoDlI|]{2,4}(?![\w])")
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})


def _repair_dates(text: str) -> str:
    return _DATEISH.sub(lambda m: m.group(0).translate(_DIGIT_FIX), text)


def choose_date(lines: list[Line], order: str, hints: dict[str, Any]) -> _Choice | None:
    learned = _hint_patterns(hints.get("issue_date_label"))
    this_year = dt.date.today().year
    best = None
    n = len(lines)
    seen: dict[dt.date, int] = {}
    for ln in lines:
        for d in {d for _s, _e, d, _sure in find_dates(_repair_dates(ln.text), order)}:
            seen[d] = seen.get(d, 0) + 1
    for i, ln in enumerate(lines):
        text = _repair_dates(ln.text)
        for s, e, d, sure in find_dates(text, order):
            if not 2000 <= d.year <= this_year + 1:
                continue  # OCR turns 2018 into 2078 or 2010; such a date is noise
            before = text[max(0, s - 25) : s]
            if _NOT_ISSUE.search(before):
                continue
            labelled = bool(_DATE_LABEL.search(before)) or any(p.search(before) for p in learned)
            score = 3.0 * labelled + 1.0 * sure + 1.0 * bool(_TIME.search(text)) - 1.5 * i / max(n, 1)
            if any(p.search(before) for p in learned):
                score += 5
            if best is None or score > best[0]:
                if sure and seen[d] >= 2:
                    ev = "issue_date/repeated"  # printed twice alike: no OCR slip in its digits
                elif labelled and sure:
                    ev = "issue_date/labelled"
                elif sure:
                    ev = "issue_date/unambiguous"
                else:
                    ev = "issue_date/ordered"
                best = (score, _Choice(d.isoformat(), ev, ln, (s, e)))
    return best[1] if best else _slash_misread_date(lines, order)


# Tesseract reads a thin "/" on till paper as "1" or "7": "Date 27106118" is 27/06/18.
_SLASH_MISREAD = re.compile(r"(?<![\d.,])(\d{2})[17](\d{2})[17](\d{2}|20\d{2})(?![\d.,])")


def _slash_misread_date(lines: list[Line], order: str) -> _Choice | None:
    """A labelled date whose separators were read as digits, when no date was found at all."""
    this_year = dt.date.today().year
    for ln in lines:
        label = _DATE_LABEL.search(ln.text)
        if label is None:
            continue
        m = _SLASH_MISREAD.search(ln.text, label.end())
        if m is None or m.start() - label.end() > 6:
            continue
        for _s, _e, d, _sure in find_dates(f"{m[1]}/{m[2]}/{m[3]}", order):
            if 2000 <= d.year <= this_year + 1:
                return _Choice(d.isoformat(), "issue_date/repaired", ln, (m.start(), m.end()))
    return None


# ------------------------------------------------------------------ supplier
_HEADER = re.compile(
    r"(?i)\b(?:tax\s*invoice|invoice|receipt|cash\s*(?:sales?|bill|receipt)|official|simplified|welcome|"
    r"thank|bill\b|order|table|cashier|counter|date|time|tel|fax|phone|h/?p|e-?mail|www|http|gst|sst|"
    r"reg\b|reg\.|regn|registration|co\.?\s*no|company\s*no|roc\b|vat|tax\s*id|member|customer|copy)"
)
_ADDRESS = re.compile(
    r"(?i)(?:^\s*(?:no\b|lot\b|unit\b|blk\b|block\b|level\b|floor\b|suite\b|\d)|\b(?:jalan|jln|lorong|road|rd\b|"
    r"street|st\b|avenue|ave\b|taman|tmn|kawasan|bandar|batu|km\b|lebuh|persiaran|strasse|straße|"
    r"kg\b|kampung|plaza|mall|centre|center|complex|building|bldg|industrial|perindustrian)|\b\d{5}\b|@"
    r"|^[\dS$§]\d{3,4}\s+[A-Za-z])"
)
_REG_NO = re.compile(r"\(?\b[A-Z]{0,3}\d[\dA-Z\-/ ]{4,}[A-Z]?\)?\s*$")
# OCR confusions inside legal forms: "SON BHD", "SDN, BHX", "S/8".
_LEGAL_FIX = [
    (re.compile(r"(?i)\bs[adeloun0]n\.?\s*,?\s*b(?:h\w{0,2}|\w{0,2}[dx])\b\.?$"), "SDN BHD"),
    (re.compile(r"(?i)\bsdn\.?$"), "SDN BHD"),
    (re.compile(r"(?i)\bs[aoeu0l]n\.?\s*,?\s*bh[dxo0]\b\.?"), "SDN BHD"),
    (re.compile(r"(?<=\s)[5S]/[8B]\b"), "S/B"),
]


def _clean_name(s: str) -> str:
    s = re.split(r"\s{3,}", s.strip())[0].strip(" ,:;-*#|~_=\\")
    s = re.sub(r"\(?\s*(?:co\.?\s*(?:reg\.?\s*)?no|company\s*no|roc)\b.*$", "", s, flags=re.I)
    s = re.sub(r"\s*\((?=[^()]*\d)[^()]*\)?\s*$", "", s)  # a registration number: "(123456-X)"
    s = _REG_NO.sub("", s) if re.search(r"\d{4}", s[-14:]) else s
    s = re.sub(r"\s+[(#]?\s*\d{1,4}[.)]*$", "", s)  # the store's number after the brand: "SHOP (9."
    s = s.strip(" ,:;-*#|~_=")
    for pat, rep in _LEGAL_FIX:
        s = pat.sub(rep, s)
    # Keep the dot of an abbreviation ("Sdn. Bhd.", "Co."), drop a sentence's.
    if s.endswith(".") and not re.search(r"(?:\b\w\.\w\.|\b\w{1,4}\.)$", s):
        s = s[:-1]
    return s.strip(" ,:;-*#|~_=")


def _glyph_height(lines: list[Line]) -> float:
    hs = [w.bottom - w.top for ln in lines for w in ln.words if len(w.text) > 1]
    return statistics.median(hs) if hs else 1.0


def choose_supplier(lines: list[Line], hints: dict[str, Any]) -> _Choice | None:
    top = lines[: max(8, len(lines) // 4)][:14]
    learned = hints.get("supplier_name")
    if isinstance(learned, str) and learned.strip():
        for i, ln in enumerate(top):
            wrapped = f"{ln.text} {top[i + 1].text}" if i + 1 < len(top) else ln.text
            if _is_shop_name(ln.text, learned) or _is_shop_name(wrapped, learned):
                return _Choice(learned.strip(), "supplier_name/learned", ln, (0, len(ln.text)))
    median_h = _glyph_height(lines)
    best = None
    for i, ln in enumerate(top):
        name = _clean_name(ln.text)
        letters = sum(c.isalpha() for c in name)
        if letters < 5 or letters < 0.6 * len(name.replace(" ", "")) or _word_quality(name) < 0.6:
            continue  # OCR noise from a logo or a stamp
        if _HEADER.search(name) and not LEGAL_RE.search(name):
            continue
        if _ADDRESS.search(name) and not LEGAL_RE.search(name):
            continue
        height = statistics.median([w.bottom - w.top for w in ln.words]) / max(median_h, 1.0)
        legal = bool(LEGAL_RE.search(name))
        score = 3.0 * legal + min(2.5, 2.5 * (height - 1.0)) - 0.35 * i
        if name.upper() == name:
            score += 0.7
        elif name.lower() == name:
            score -= 2.0  # a handwritten note or a lower-case slogan, not the printed name
        if _HEADER.search(name):
            score -= 2.0
        if name.startswith("(") and name.endswith(")"):
            continue  # a branch or a mall in brackets under the shop's name
        if not legal and len(name.split()) == 1:
            score -= 1.0  # a place or a branch in brackets, rarely the shop's whole name
        if best is None or score > best[0]:
            best = (score, i, name, legal)
    if best is None:
        return None
    score, i, name, legal = best
    ln = top[i]
    if i + 1 < len(top) and not legal:
        nxt = _clean_name(top[i + 1].text)
        # The legal form wrapped onto its own line: "(M) SDN BHD", "TRADING".
        if LEGAL_RE.search(nxt) and len(nxt) <= 22 and not _ADDRESS.search(nxt):
            name, legal = f"{name} {nxt}", True
    if i > 0 and (LEGAL_RE.match(name) or WRAPPED_SUFFIX_RE.match(name)) and len(name) <= 18:
        above = _clean_name(top[i - 1].text)
        if len(above) >= 3 and not _HEADER.search(above) and not _ADDRESS.search(above):
            name = f"{above} {name}"
    return _Choice(
        name, "supplier_name/legal-form" if legal else "supplier_name/top-line", ln, (0, len(ln.text))
    )


def _word_quality(name: str) -> float:
    """Share of the name's words that look like words (letters, at most a short suffix of others)."""
    words = name.split()
    good = [w for w in words if re.fullmatch(r"[(\[]?[^\W\d_][^\W\d_'.&/-]*[^\W\d_]?[.)\],]*|&|\d{1,4}", w)]
    return len(good) / len(words) if words else 0.0


# A receipt prints its shop's name again with other OCR noise: this similarity of the letters
# and digits still means the same name (different shops' names differ by far more).
SAME_SHOP = 0.75
TOP_LINES = 14


def _is_shop_name(line: str, name: str) -> bool:
    a, b = _name_key(_clean_name(line)), _name_key(name)
    return len(a) >= 3 and _similar(a, b) >= SAME_SHOP


def prints_shop_name(text: str, name: str) -> bool:
    """Whether a receipt's OCR text prints this shop name on one of its top lines (noise allowed).

    A name wrapped over two lines is compared with both lines joined too."""
    if not name or not name.strip():
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()][:TOP_LINES]
    pairs = [f"{a} {b}" for a, b in pairwise(lines)]
    return any(_is_shop_name(ln, name) for ln in lines + pairs)


def _name_key(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", s.lower())


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio() if a and b else 0.0


RECEIPT_FIELDS = ("supplier_name", "issue_date", "total", "subtotal", "tax_total", "currency")
# What the invoice rules found on a receipt but receipt evidence did not confirm is shown, not trusted.
UNCONFIRMED = 0.45


def overlay_receipt(
    doc: Doc,
    fields: dict[str, Any],
    conf: dict[str, float],
    prov: dict[str, dict[str, Any]],
    hints: dict[str, Any] | None = None,
) -> None:
    """Replace the invoice rules' reading of a receipt's own fields by the receipt reading (in place)."""
    rf, rc, rp = read_receipt(doc, hints)
    for key in RECEIPT_FIELDS:
        if rf.get(key) not in (None, ""):
            fields[key], conf[key] = rf[key], rc[key]
            prov[key] = rp[key]
        elif key in ("currency", "subtotal", "tax_total"):
            # No receipt evidence: a currency or a subtotal guessed from stray symbols is dropped.
            fields[key] = None
            conf.pop(key, None)
            prov.pop(key, None)
        elif fields.get(key) not in (None, ""):
            conf[key] = min(conf.get(key, UNCONFIRMED), UNCONFIRMED)
