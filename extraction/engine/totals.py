"""Invoice totals and the VAT breakdown, chosen jointly so that the arithmetic holds.

Every money amount on the page gets a label: the words left of it on its line, or the column
header above it. Labels sort amounts into gross / due / net / VAT candidates. The chosen
(net, VAT, gross) triple maximises label evidence plus arithmetic agreement: net + VAT = gross,
the VAT breakdown adds up to the VAT total and its bases to the net total, the lines add up to
the net. VAT rows are found by their own arithmetic: base × rate = amount.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from . import lexicon as lx
from .layout import Doc
from .learning import near
from .parsing import AMOUNT_RE, CURRENCY_WORDS, ISO_CURRENCIES, money, number_str, parse_amount

CENT = Decimal("0.01")
# "määr" is Estonian for rate; Finnish "määrä" is a quantity, hence the look-ahead.
RATE_HEADER = re.compile(r"(?i)%|satz|rate|taux|tarief|määr(?!ä)|prosent|pros\.|aliquota|tipo|stawka|tasa")
TOL = Decimal("0.011")
MAX_PER_CLASS = 12


@dataclass
class Amount:
    value: Decimal
    line: int
    span: tuple[int, int]
    label: str
    labelled_left: bool  # the label stands on the same line (not a column header)


@dataclass
class Totals:
    total: Amount | None = None
    subtotal: Amount | None = None
    tax_total: Amount | None = None
    tax_lines: list[dict] | None = None
    agree: bool = False  # net + VAT = gross held
    tax_seen: bool = False  # some amount on the page is labelled as VAT
    scores: dict[str, float] | None = None


def _money_tokens(text: str) -> list[tuple[int, int, Decimal, int]]:
    """(start, end, value, decimals) for numbers with a decimal part of 1–2 digits."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        s = m.group(0)
        dm = re.search(r"[.,](\d{1,2})-?$", s.strip())
        if not dm:
            # A whole number is money only with a currency beside it: "Rs 1939", "25 €".
            if _currency_beside(text, m.start(), m.end()):
                d = parse_amount(s)
                if d is not None:
                    out.append((m.start(), m.end(), d, 0))
            continue
        if re.match(r"\s*%", text[m.end() : m.end() + 2]):
            continue
        d = parse_amount(s)
        if d is not None:
            out.append((m.start(), m.end(), d, len(dm.group(1))))
    return out


CURRENCY_BEFORE = re.compile(r"(?:[€$£₹¥]|(?<![A-Za-z])(?:Rs\.?|RM|[A-Z]{3}))\s?$")
CURRENCY_AFTER = re.compile(r"^\s?(?:[€$£₹¥]|(?:[A-Z]{3}|Rs\.?)(?![A-Za-z]))")


def _currency_beside(text: str, s: int, e: int) -> bool:
    before = CURRENCY_BEFORE.search(text[max(0, s - 5) : s])
    after = CURRENCY_AFTER.search(text[e : e + 5])
    for m in (before, after):
        if m:
            mark = m.group(0).strip().rstrip(".")
            if len(mark) == 1 or CURRENCY_WORDS.get(mark.upper()):
                return True
    return False


def amounts(doc: Doc) -> list[Amount]:
    boiler = doc.boilerplate()
    out: list[Amount] = []
    for i, ln in enumerate(doc.lines):
        if i in boiler:
            continue
        toks = _money_tokens(ln.text)
        prev_end = 0
        for s, e, v, decimals in toks:
            left = ln.text[prev_end:s]
            prev_end = e
            # Currency codes are not labels; "VAT" and "IVA" are, though three capitals as well.
            left_words = re.sub(r"[\d.,%€$£:()\-]+", " ", left)
            left_words = " ".join(w for w in left_words.split() if w not in ISO_CURRENCIES)
            if re.search(r"[A-Za-zÀ-ž]{2}", left_words):
                label = left.strip()
                if len(toks) > 1 and (header := _header_above(doc, i, s, e)):
                    # The first figure of a row of columns: "Total  24.99  5.00  29.99" under
                    # "Net  VAT  Gross" is the net; the row names the line, the header the column.
                    label = f"{label} {header}"
                out.append(Amount(v, i, (s, e), label, True))
                continue

            if decimals == 1:
                continue
            header = _header_above(doc, i, s, e)
            if header:
                out.append(Amount(v, i, (s, e), header, False))
    return out


def _header_above(doc: Doc, i: int, s: int, e: int) -> str | None:
    """Text of the nearest cell above the amount's column (a table's header)."""
    ln = doc.lines[i]
    ws = ln.words_in(s, e)
    if not ws:
        return None
    x0, x1 = ws[0].x0, ws[-1].x1
    for j in range(i - 1, max(-1, i - 8), -1):
        up = doc.lines[j]
        if up.page != ln.page:
            break
        for c in doc.cells(j):
            if c.x0 < x1 + 2 and c.x1 > x0 - 2 and re.search(r"[A-Za-zÀ-ž]{3}", c.text):
                return c.text
    return None


def choose(doc: Doc, line_sum: Decimal | None = None, learned: dict | None = None) -> Totals:
    """The (net, VAT, gross) triple that the labels and the arithmetic support best.

    learned: ``total_label``/``total_where`` (and subtotal_/tax_total_) taught by corrections.
    """
    learned = learned or {}
    found = amounts(doc)
    extra = {
        cls: [
            (re.compile(r"(?<!\w)" + r"\s*".join(map(re.escape, str(lab).split())) + r"(?!\w)", re.I), 16.0)
            for lab in ([v] if isinstance(v, str) else list(v))
            if str(lab).strip()
        ]
        for cls, key in (("gross", "total_label"), ("net", "subtotal_label"), ("tax", "tax_total_label"))
        for v in [learned.get(key)]
        if v
    }
    n = max(len(doc.lines), 1)
    classes: dict[str, list[tuple[float, Amount]]] = {"gross": [], "net": [], "tax": []}
    for a in found:
        g = max(
            lx.label_weight(a.label, extra.get("gross", []) + lx.GROSS),
            lx.label_weight(a.label, lx.DUE) - 1.5,
        )
        nt = lx.label_weight(a.label, extra.get("net", []) + lx.NET)
        tx = lx.label_weight(a.label, extra.get("tax", []) + lx.TAX)
        for cls, key in (("gross", "total_where"), ("net", "subtotal_where"), ("tax", "tax_total_where")):
            if learned.get(key) and near(doc, a.line, a.span, learned[key]):
                if cls == "gross":
                    g = max(g, 10.0) + 6
                elif cls == "net":
                    nt = max(nt, 10.0) + 6
                else:
                    tx = max(tx, 10.0) + 6
        pos = 2.0 * a.line / n
        if nt >= 8:  # "Total net", "Summe netto": the net words decide
            g = 0.0
        if tx and re.search(
            r"(?i)\b(?:ohne|without|excl|exkl|hors|sans|zonder|ilman|utan|sin|senza|bez)\b", a.label
        ):
            tx = 0.0
        if (
            tx
            and re.search(r"(?i)incl|inkl|ttc|brutto|gross", a.label)
            and not re.search(r"(?i)enthalt|davon|dont", a.label)
        ):
            tx = 0.0
        if g and (nt >= g or (tx and tx >= g and not re.search(r"(?i)total|summe|betrag", a.label))):
            g = 0.0 if nt >= g else g
        if g > 0:
            classes["gross"].append((g + pos, a))
        if nt > 0:
            classes["net"].append((nt + pos, a))
        if tx > 0 and not re.search(r"(?i)\b(?:no|nr|id|number|reg)\b", a.label):
            classes["tax"].append((tx + pos, a))
    for k in classes:
        classes[k] = sorted(classes[k], key=lambda c: c[0], reverse=True)[:MAX_PER_CLASS]
    tax_rows = tax_breakdown(doc)
    rows_tax = sum((r[2] for r in tax_rows), Decimal(0)) if tax_rows else None
    rows_base = sum((r[1] for r in tax_rows), Decimal(0)) if tax_rows else None
    if rows_tax is not None and not any(abs(a.value) == rows_tax for _, a in classes["tax"]):
        # "MwSt. 19 %  357,14  67,86" under an "Amount" header: the row's arithmetic names the VAT.
        last = tax_rows[-1][3]
        span = next(
            ((s, e) for s, e, v, _ in _money_tokens(doc.lines[last].text) if abs(v) == rows_tax), (0, 0)
        )
        classes["tax"].append((7.0 + 2.0 * last / n, Amount(rows_tax, last, span, "VAT rows", False)))

    rated = rate_rows(doc) if not tax_rows else []
    rated_tax = sum((r[1] for r in rated), Decimal(0)) if len(rated) > 1 else None
    if rated_tax is not None and not any(abs(a.value) == rated_tax for _, a in classes["tax"]):
        # "VAT 7 %  11.20", "VAT 19 %  63.84": the VAT total is their sum, printed or not.
        last = rated[-1][2]
        classes["tax"].append((7.0 + 2.0 * last / n, Amount(rated_tax, last, (0, 0), "VAT rows", False)))
        rows_tax = rated_tax

    max_gross = max((a.value for _, a in classes["gross"]), default=None)
    best: tuple[float, Amount | None, Amount | None, Amount | None, bool] = (0.0, None, None, None, False)
    grosses = [(0.0, None), *classes["gross"]]
    nets = [(0.0, None), *classes["net"]]
    taxes = [(0.0, None), *classes["tax"]]
    for (gs, ga), (ns, na), (ts, ta) in itertools.product(grosses, nets, taxes):
        if ga is None and na is None and ta is None:
            continue
        g = ga.value if ga else None
        nv = na.value if na else None
        t = ta.value if ta else None
        if g is not None and ((nv is not None and nv > g > 0) or (t is not None and t > g > 0)):
            continue
        if ga is not None and na is not None and ga.line == na.line and ga.span == na.span:
            continue
        score = gs + ns * 0.8 + ts * 0.6
        if g is not None and g == max_gross:
            score += 1.0  # the grand total is the largest of the totals
        agree = False
        if g is not None and nv is not None and t is not None:
            if abs(nv + t - g) <= TOL:
                score += 12
                agree = True
            else:
                score -= 6
        if rows_tax is not None and t is not None and abs(rows_tax - t) <= TOL:
            score += 4
        if rows_base is not None and nv is not None and abs(rows_base - nv) <= TOL:
            score += 3
        if line_sum is not None and nv is not None and abs(line_sum - nv) <= TOL:
            score += 3
        if score > best[0]:
            best = (score, ga, na, ta, agree)
    _score, ga, na, ta, agree = best
    out = Totals(total=ga, subtotal=na, tax_total=ta, agree=agree, tax_seen=bool(classes["tax"]))
    out.tax_lines = _tax_lines(tax_rows, rated, ta.value if ta else None, na.value if na else None, doc)
    return out


def tax_breakdown(doc: Doc) -> list[tuple[Decimal, Decimal, Decimal, int]]:
    """Rows (rate, base, amount, line) where base × rate / 100 = amount, deduplicated."""
    boiler = doc.boilerplate()
    rows: list[tuple[Decimal, Decimal, Decimal, int]] = []
    seen: set[tuple[Decimal, Decimal]] = set()
    for i, ln in enumerate(doc.lines):
        if i in boiler:
            continue
        t = ln.text
        money_toks = [(s, e, v) for s, e, v, dec in _money_tokens(t) if dec == 2]
        if len(money_toks) < 2:
            continue
        rates: list[tuple[Decimal, bool]] = []
        above = doc.lines[i - 1] if i > 0 and doc.lines[i - 1].page == ln.page else None
        # The line above names the VAT row when it wraps its label, not when it is the header of
        # a line table whose columns merely include "VAT %" (then qty 10 × price would pass as 10 %).
        if above is not None and sum(bool(lx.LINE_HEADER.search(c.text)) for c in doc.cells(i - 1)) >= 2:
            above = None
        context = t + " " + (above.text if above is not None else "")
        vat_row = lx.label_weight(context, lx.TAX) > 0
        if not vat_row and lx.ALLOWANCE_OR_CHARGE.search(t):
            continue
        for m in re.finditer(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)(\s*%)?(?![\d])", t):
            r = parse_amount(m.group(1))
            if r is None or not 0 <= r <= 30:
                continue
            # A rate says so: "19 %", a rate column ("Steuersatz [%]"), or a VAT row.
            header = _header_above(doc, i, m.start(1), m.end(1)) or ""
            if m.group(2) or vat_row or RATE_HEADER.search(header):
                # A rate under a rate column header is as good as one printed with "%".
                rates.append((r, bool(m.group(2)) or bool(RATE_HEADER.search(header))))
        for (_s1, _e1, signed_base), (_s2, _e2, signed_amount) in itertools.permutations(money_toks, 2):
            # Credit notes print the rows negative; the breakdown keeps the magnitudes.
            base, amount = abs(signed_base), abs(signed_amount)
            if base == 0 or amount > base:
                continue
            for r, explicit in rates:
                if r == 0:
                    # "0 %", or a bare 0 on a VAT row ("Umsatzsteuer (K)  2.000,00  0  0,00").
                    ok = amount == 0 and (explicit or vat_row)
                else:
                    ok = amount != 0 and abs(base * r / 100 - amount) <= Decimal("0.01") + abs(
                        base
                    ) * Decimal("0.00001")
                if ok:
                    key = (r, amount)
                    if key not in seen:
                        seen.add(key)
                        rows.append((r, base, amount, i))
                    break
    return rows


def rate_rows(doc: Doc) -> list[tuple[Decimal, Decimal, int]]:
    """Rows (rate, amount, line) of a VAT label, a "19 %" rate and one amount, without a base.

    "VAT 7 %  11.20" / "VAT 19 %  63.84" under the net: the breakdown of invoices that print no base
    per rate. Only rows whose label is a VAT word before the rate count, so a line item with a rate
    column is not one.
    """
    boiler = doc.boilerplate()
    out: list[tuple[Decimal, Decimal, int]] = []
    for i, ln in enumerate(doc.lines):
        if i in boiler:
            continue
        t = ln.text
        money_toks = [(s, v) for s, e, v, dec in _money_tokens(t) if dec == 2]
        m = re.search(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*%", t)
        if len(money_toks) != 1 or m is None:
            continue
        rate = parse_amount(m.group(1))
        if rate is None or not 0 <= rate <= 30 or money_toks[0][0] < m.end():
            continue
        if lx.label_weight(t[: m.start()], lx.TAX) <= 0 or re.search(r"\d", t[: m.start()]):
            continue
        out.append((rate, abs(money_toks[0][1]), i))
    return out


def _tax_lines(
    rows: list[tuple[Decimal, Decimal, Decimal, int]],
    by_rate_only: list[tuple[Decimal, Decimal, int]],
    tax: Decimal | None,
    net: Decimal | None,
    doc: Doc,
) -> list[dict] | None:
    """The VAT breakdown: full rows (rate, base, amount) first, else rate rows (choose's `rated`)."""
    if rows:
        # Keep one row per rate when the rows add up to the VAT total that way.
        by_rate: dict[Decimal, tuple[Decimal, Decimal, Decimal, int]] = {}
        for r in rows:
            by_rate.setdefault(r[0], r)
        chosen = list(by_rate.values())
        if (
            tax is not None
            and abs(sum((r[2] for r in chosen), Decimal(0)) - tax) > TOL
            and abs(sum((r[2] for r in rows), Decimal(0)) - tax) <= TOL
        ):
            chosen = rows
        return [{"rate": number_str(r), "base": money(b), "amount": money(a)} for r, b, a, _ in chosen]
    if by_rate_only and tax is not None and abs(sum((r[1] for r in by_rate_only), Decimal(0)) - tax) <= TOL:
        # Rates without bases: the base is known only when there is one rate (the net).
        single = len(by_rate_only) == 1 and net is not None
        return [
            {"rate": number_str(r), "base": money(net) if single else None, "amount": money(a)}
            for r, a, _ in by_rate_only
        ]
    if tax is not None and net and net > 0:
        # One rate: the rate printed somewhere as "19%" / "19 %" that turns the net into the VAT.
        text = doc.text()
        for m in re.finditer(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*%", text):
            r = parse_amount(m.group(1))
            if r and abs(net * r / 100 - tax) <= Decimal("0.01"):
                return [{"rate": number_str(r), "base": money(net), "amount": money(tax)}]
    return None
