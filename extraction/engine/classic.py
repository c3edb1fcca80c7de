"""Pattern rules over lines of text: the reading used for receipts and as a fallback for invoices.

Label phrases followed by a value on the same or the next line; no geometry beyond line order.
The layout engine (``fields``) reads invoices first; these rules fill what it leaves empty and
read OCR receipts until a receipt-specific reader replaces them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .checks import IBAN_RE, valid_iban, vat_status
from .layout import Doc, Line
from .parsing import detect_currency, find_dates, is_amount_token, money, money_matches, parse_amount
from .patterns import (
    BUYER_RE,
    DUE_DATE_RE,
    ID_TOKEN,
    INV_NO_RE,
    ISSUE_DATE_RE,
    LEGAL_RE,
    NOT_TOTAL_RE,
    PO_RE,
    REG_LABEL_RE,
    SELLER_LABEL_RE,
    SUBTOTAL_RE,
    TAX_RE,
    TOTAL_RES,
    VAT_LABEL_RE,
    WRAPPED_SUFFIX_RE,
)
from .result import empty_fields


def _pick_value(lines: list[Line], i: int, m: re.Match, pattern: re.Pattern, look_below: int = 2):
    """First value matching pattern right of the label, else on the next lines under it."""
    ln = lines[i]
    rest = ln.text[m.end() :]
    skip = re.match(r"[\s:.#\-–=|)]*", rest)
    start = m.end() + (skip.end() if skip else 0)
    v = pattern.search(ln.text, start)
    if v and v.start() - start < 40:
        return i, v
    for j in range(i + 1, min(len(lines), i + 1 + look_below)):
        nxt = lines[j]
        if nxt.page != ln.page:
            break
        v = pattern.search(nxt.text)
        if v:
            return j, v
    return None


def _prov(doc: Doc, ln: Line, start: int, end: int) -> dict[str, Any]:
    w, h = doc.page_sizes.get(ln.page, (0.0, 0.0))
    return {"page": ln.page, "bbox": ln.bbox(start, end), "page_width": w, "page_height": h}


def _hint_labels(hints: dict[str, Any], key: str) -> list[re.Pattern]:
    v = hints.get(key)
    if not v:
        return []
    vals = [v] if isinstance(v, str) else list(v)
    out = []
    for s in vals:
        if isinstance(s, str) and s.strip():
            words = [re.escape(p) for p in s.strip().split()]
            out.append(re.compile(r"(?<!\w)" + r"\s*".join(words) + r"(?!\w)", re.I))
    return out


class _Out:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.fields = empty_fields()
        self.conf: dict[str, float] = {}
        self.prov: dict[str, dict[str, Any]] = {}

    def set(
        self, name: str, value: Any, conf: float, ln: Line | None = None, span: tuple[int, int] = (0, 0)
    ) -> None:
        if value in (None, "", []) or self.fields.get(name) not in (None, "", []):
            return
        self.fields[name] = value
        self.conf[name] = conf
        if ln is not None:
            self.prov[name] = _prov(self.doc, ln, *span)


DATE_ANY = re.compile(r".")  # placeholder for _pick_value when dates are searched by find_dates


def _date_after(lines: list[Line], i: int, m: re.Match, order: str, below: int = 2):
    ln = lines[i]
    for j, off in [(i, m.end())] + [(k, 0) for k in range(i + 1, min(len(lines), i + 1 + below))]:
        if lines[j].page != ln.page:
            break
        text = lines[j].text[off:]
        found = [f for f in find_dates(text, order) if _plausible(f[2])]
        if found and (j > i or found[0][0] < 30):
            s, e, d, _ = found[0]
            return j, (s + off, e + off), d
    return None


def _plausible(d: Any) -> bool:
    # OCR turns "2018" into "2078"; such a date is noise, not the issue date.
    import datetime as dt

    return 1990 <= d.year <= dt.date.today().year + 1


def classic_fields(
    doc: Doc, hints: dict[str, Any] | None = None, receipt: bool = False
) -> tuple[dict[str, Any], dict[str, float], dict[str, dict[str, Any]]]:
    """Fields, confidences and provenance found by the rules in doc."""
    hints = hints or {}
    order = str(hints.get("date_order") or "DMY").upper()
    lines = doc.lines
    out = _Out(doc)
    full = doc.text()

    # --- invoice number
    # Not part of an e-mail address: "jdoe4@example.com" holds no invoice number.
    id_re = re.compile(r"(?<![\w@])(?:" + ID_TOKEN + r")(?![\w@])", re.I)
    for pat in _hint_labels(hints, "invoice_number_label"):
        for i, ln in enumerate(lines):
            m = pat.search(ln.text)
            if m:
                got = _pick_value(lines, i, m, id_re)
                if got:
                    j, v = got
                    out.set("invoice_number", v.group(0).strip(".-/"), 0.85, lines[j], v.span())
                    break
        if out.fields["invoice_number"]:
            break
    if not out.fields["invoice_number"]:
        best = None
        for i, ln in enumerate(lines):
            for m in INV_NO_RE.finditer(ln.text):
                # "#" and ":" are not part of an id; skip stray '#', then take the next token.
                got = _pick_value(lines, i, m, id_re, look_below=1)
                if not got:
                    continue
                j, v = got
                val = v.group(0).strip(".-/")
                if find_dates(val) or len(val) < 3 or is_amount_token(val):
                    continue
                generic = m.group(0).strip().lower() == "invoice"
                rank = (1 if generic else 0, j - i, i)
                if best is None or rank < best[0]:
                    best = (rank, val, lines[j], v.span())
        if best:
            out.set("invoice_number", best[1], 0.7 if best[0][0] == 0 else 0.5, best[2], best[3])

    # --- dates
    for key, hint_key, label_re in (
        ("issue_date", "issue_date_label", ISSUE_DATE_RE),
        ("due_date", "due_date_label", DUE_DATE_RE),
    ):
        for pat in [*_hint_labels(hints, hint_key), label_re]:
            for i, ln in enumerate(lines):
                found = None
                for m in pat.finditer(ln.text):
                    if key == "issue_date" and re.match(
                        r"\s*(?:of\s*)?(?:order|delivery|supply|due)", ln.text[m.end() :], re.I
                    ):
                        continue
                    pre = ln.text[max(0, m.start() - 12) : m.start()].lower()
                    if key == "issue_date" and re.search(
                        r"(order|due|delivery|lever|liefer|bestel)\w*\s*$", pre
                    ):
                        continue
                    found = _date_after(lines, i, m, order)
                    if found:
                        break
                if found:
                    j, span, d = found
                    out.set(key, d.isoformat(), 0.8, lines[j], span)
                    break
            if out.fields[key]:
                break
    if not out.fields["issue_date"]:
        for ln in lines:
            found = [f for f in find_dates(ln.text, order) if _plausible(f[2])]
            if found:
                s, e, d, sure = found[0]
                out.set("issue_date", d.isoformat(), 0.55 if sure else 0.4, ln, (s, e))
                break
    if (
        out.fields["due_date"]
        and out.fields["issue_date"]
        and out.fields["due_date"] < out.fields["issue_date"]
    ):
        out.fields["due_date"] = None
        out.conf.pop("due_date", None)
        out.prov.pop("due_date", None)

    # --- amounts
    _amounts(doc, lines, out, hints, receipt)

    # --- identifiers
    _identifiers(doc, lines, out, full)

    # --- names
    _names(doc, lines, out, hints, receipt)

    # --- currency
    cur = detect_currency(full) if not receipt else _receipt_currency(full)
    out.set("currency", cur or hints.get("currency"), 0.6 if cur else 0.3)

    # --- po number
    for i, ln in enumerate(lines):
        m = PO_RE.search(ln.text)
        if m:
            got = _pick_value(lines, i, m, id_re, look_below=1)
            if got:
                j, v = got
                val = v.group(0).strip(".-/")
                if not find_dates(val):
                    out.set("po_number", val, 0.5, lines[j], v.span())
                    break
    return out.fields, out.conf, out.prov


def _receipt_currency(text: str) -> str | None:
    # Receipts rarely print an ISO code; only trust an explicit code or symbol.
    m = re.search(r"(?<![A-Za-z])(EUR|USD|GBP|MYR|SGD|€|£)(?![A-Za-z])", text)
    if not m:
        return None
    return {"€": "EUR", "£": "GBP"}.get(m[1], m[1])


def _amounts(doc: Doc, lines: list[Line], out: _Out, hints: dict[str, Any], receipt: bool) -> None:
    cands = []  # (score, value, line, span)
    hint_pats = _hint_labels(hints, "total_label")
    n = len(lines)
    for i, ln in enumerate(lines):
        t = ln.text
        for pat, weight in [(p, 12) for p in hint_pats] + TOTAL_RES:
            m = pat.search(t)
            if not m:
                continue
            if weight < 12 and NOT_TOTAL_RE.search(t[max(0, m.start() - 12) : m.end() + 25]):
                continue
            ams = money_matches(t, m.end())
            j = i
            if not ams and i + 1 < n and lines[i + 1].page == ln.page:
                # Value printed under the label (or the next OCR line).
                j = i + 1
                nt = lines[j].text
                if not re.search(r"[A-Za-z]{3,}", nt[:15]) or money_matches(nt[:20]):
                    ams = money_matches(nt)
            if not ams:
                continue
            ams = [a for a in ams if a[2] != 0] or ams
            # On the label's own line the largest figure is the total (others are qty/tax).
            s, e, v = max(ams, key=lambda a: a[2]) if j == i else ams[0]
            if v == 0:
                continue
            # Later in the document and bigger both hint at the grand total.
            score = weight + 2.0 * (i / max(n, 1))
            cands.append((score, v, lines[j], (s, e)))
            break
    if cands:
        best = max(cands, key=lambda c: (c[0], c[1]))
        # Several equally good "total" labels: the largest amount is the grand total.
        top = [c for c in cands if c[0] >= best[0] - 1.5]
        pick = max(top, key=lambda c: (c[1], c[0]))
        if receipt:
            pick = best if abs(best[0] - pick[0]) > 1 else pick
        out.set("total", money(pick[1]), min(0.9, 0.4 + pick[0] / 20), pick[2], pick[3])
    elif receipt:
        # No label: the largest plausible amount on a receipt is usually the total paid.
        allam = [(v, ln, (s, e)) for ln in lines for s, e, v in money_matches(ln.text)]
        allam = [a for a in allam if 0 < a[0] < Decimal("100000")]
        if allam:
            v, ln, span = max(allam, key=lambda a: a[0])
            out.set("total", money(v), 0.3, ln, span)

    for key, pat in (("subtotal", SUBTOTAL_RE), ("tax_total", TAX_RE)):
        for ln in lines:
            m = pat.search(ln.text)
            if not m:
                continue
            if key == "tax_total" and re.search(
                r"(?:reg|id|no\b|nr|number|%\s*$)", ln.text[m.end() : m.end() + 8], re.I
            ):
                continue
            if key == "tax_total" and re.search(
                r"incl|excl|sub|total\s*(?:amount|incl)", ln.text[: m.start()], re.I
            ):
                continue
            ams = money_matches(ln.text, m.end())
            if not ams:
                continue
            # Skip a rate such as "21%" followed by the amount.
            s, e, v = ams[-1] if key == "tax_total" else ams[0]
            out.set(key, money(v), 0.6, ln, (s, e))
            break
    t, st, tx = (
        parse_amount(out.fields[k]) if out.fields[k] else None for k in ("total", "subtotal", "tax_total")
    )
    if t is not None and st is not None and tx is not None and abs(st + tx - t) > Decimal("0.02"):
        # Inconsistent trio: keep the total, drop whichever of the others is implausible.
        if st >= t:
            out.fields["subtotal"] = None
        if tx >= t:
            out.fields["tax_total"] = None


def _identifiers(doc: Doc, lines: list[Line], out: _Out, full: str) -> None:
    # IBAN: first checksum-valid one (the payee account is normally the only one printed).
    for ln in lines:
        for m in IBAN_RE.finditer(ln.text.upper()):
            cand = m.group(1).replace(" ", "")
            # The regex may swallow a following word; trim until the checksum holds.
            for k in range(len(cand), 14, -1):
                if valid_iban(cand[:k]):
                    out.set("iban", cand[:k], 0.9, ln, (m.start(), m.end()))
                    break
            if out.fields["iban"]:
                break
        if out.fields["iban"]:
            break

    # VAT number: labelled first, then any checksum-valid EU VAT number.
    vat_re = re.compile(r"\b([A-Z]{2}\s?(?:[0-9A-Z][\s.]?){7,13}[0-9A-Z])\b")
    for ln in lines:
        for m in VAT_LABEL_RE.finditer(ln.text):
            rest = ln.text[m.end() : m.end() + 40]
            v = vat_re.search(rest.upper())
            if v:
                raw = v.group(1).strip()
                compact = re.sub(r"[\s.]", "", raw)
                if vat_status(compact) is not False and re.search(r"\d{6}", compact):
                    s = m.end() + v.start()
                    out.set(
                        "supplier_vat_no", raw, 0.8 if vat_status(compact) else 0.5, ln, (s, s + len(raw))
                    )
                    break
        if out.fields["supplier_vat_no"]:
            break
    if not out.fields["supplier_vat_no"]:
        for ln in lines:
            for v in vat_re.finditer(ln.text.upper()):
                compact = re.sub(r"[\s.]", "", v.group(1))
                if vat_status(compact) is True and not valid_iban(compact):
                    out.set("supplier_vat_no", compact, 0.6, ln, v.span())
                    break
            if out.fields["supplier_vat_no"]:
                break

    reg_re = re.compile(r"(?<![\w])(\d[\d\s.\-]{4,14}\d)(?![\w])")
    for i, ln in enumerate(lines):
        m = REG_LABEL_RE.search(ln.text)
        if m:
            got = _pick_value(lines, i, m, reg_re, look_below=0)
            if got:
                j, v = got
                val = v.group(1).strip()
                out.set("supplier_reg_no", val, 0.6, lines[j], v.span())
                break


def _clean_name(s: str) -> str:
    s = re.sub(
        r"^(?:factuur|invoice|rechnung|arve|lasku|facture|receipt|tax invoice)\b[.:\s]*", "", s, flags=re.I
    )
    s = re.split(r"\s{3,}|\s[-–|]\s|,\s*(?=\d)", s)[0]
    # Company registration numbers printed after the name: "(139386 X)", "862725-U", "(4M0517726)".
    s = re.sub(r"\s+\d{1,3}\.?$", "", s)  # store number after the brand: "MARKET 12."
    s = re.sub(r"\s*[(\[]?\b(?=[\w-]*\d{4})\w{0,3}\d[\w]*[\s-]*[A-Z]?[)\]]?\s*$", "", s)
    s = s.strip(" ,:;-*#")
    # Keep the dot of an abbreviation ("Example B.V.", "Ltd."), drop a sentence-final one.
    if s.endswith(".") and not re.search(r"(?:\b\w\.\w\.|\b\w{1,4}\.)$", s):
        s = s[:-1]
    return s


def _names(doc: Doc, lines: list[Line], out: _Out, hints: dict[str, Any], receipt: bool) -> None:
    # Explicit seller label ("Sold By : X").
    for ln in lines[:60]:
        m = SELLER_LABEL_RE.search(ln.text)
        if m and m.start() < 5:
            rest = _clean_name(ln.text[m.end() :].lstrip(" :"))
            if len(rest) >= 3 and re.search(r"[A-Za-z]{2}", rest):
                out.set("supplier_name", rest.rstrip(",."), 0.6, ln, (m.end(), len(ln.text)))
                break
    # Buyer: the line after a "Bill to" style label.
    for i, ln in enumerate(lines[:80]):
        m = BUYER_RE.search(ln.text)
        if m and m.start() < 3:
            rest = ln.text[m.end() :].strip(" :")
            rest = re.split(r"\s{3,}", rest)[0]
            if len(rest) >= 3 and not re.search(r"\d{3}", rest):
                out.set("buyer_name", rest, 0.4, ln, (m.end(), len(ln.text)))
            elif i + 1 < len(lines):
                nxt = re.split(r"\s{3,}", lines[i + 1].text)[0]
                if len(nxt) >= 3 and not re.search(r"\d{3}", nxt):
                    out.set("buyer_name", nxt, 0.35, lines[i + 1], (0, len(nxt)))
            break
    if out.fields["supplier_name"]:
        return
    page1 = [ln for ln in lines if ln.page == lines[0].page] if lines else []
    if not page1:
        out.set("supplier_name", hints.get("supplier_name"), 0.3)
        return
    height = doc.page_sizes.get(page1[0].page, (0, 0))[1] or max(ln.bottom for ln in page1)
    buyer = (out.fields.get("buyer_name") or "").lower()
    best = None
    limit = 12 if receipt else 40
    for idx, ln in enumerate(page1[:limit]):
        raw = ln.text
        for seg in re.split(r"\s{3,}", raw):
            name = _clean_name(seg)
            if len(name) < 3 or not re.search(r"[A-Za-z]{3}", name):
                continue
            if buyer and name.lower() == buyer:
                continue
            letters = sum(c.isalpha() for c in name)
            if letters < 0.5 * len(name):
                continue
            score = 0.0
            if LEGAL_RE.search(name):
                score += 3
            rel = ln.top / height if height else 0.5
            score += 1.5 * (1 - min(rel * 3, 1))
            score -= 0.15 * idx
            if re.search(
                r"(?i)\b(invoice|receipt|cash\s*sale|thank|shopping|welcome|visit|tax|date|tel|fax|phone|www|http|@|page|seite|no\.|gst|reg|cashier|"
                r"customer|bill to|total|order|address|street|road|jalan|rechnung|factuur)\b",
                name,
            ):
                score -= 3
            if re.search(r"\d", name):
                score -= 1
            if receipt and name.isupper():
                score += 0.5
            start = raw.find(seg)
            if best is None or score > best[0]:
                best = (score, name, ln, (max(start, 0), max(start, 0) + len(seg)))
    if best and best[0] > -1:
        score, name, ln, span = best
        k = page1.index(ln)
        if k > 0 and (LEGAL_RE.match(name) or WRAPPED_SUFFIX_RE.match(name)) and len(name) <= 18:
            # "Sdn Bhd" / "CO. (M) SDN BHD" wrapped onto its own line: prepend the line above.
            above = _clean_name(re.split(r"\s{3,}", page1[k - 1].text)[-1])
            if len(above) >= 3 and re.search(r"[A-Za-z]{3}", above):
                name = f"{above} {name}"
        best = (score, name, ln, span)
        out.set("supplier_name", best[1], min(0.7, 0.3 + best[0] / 10), best[2], best[3])
    else:
        out.set("supplier_name", hints.get("supplier_name"), 0.3)
