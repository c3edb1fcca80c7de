"""Line items: table rows between a header row and the totals, each checked by quantity × price.

Two readers: ``column_items`` maps each row's words to the header's columns (description,
quantity, unit price, amount) by x position; ``line_items`` reads a row's text when there is no
usable header geometry, trying every way the spaces in its numbers can be read.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import lexicon as lx
from .checks import line_consistent
from .layout import Cell, Doc, Line
from .parsing import money, money_matches, number_str, parse_amount

LINE_HEADER_RE = re.compile(
    r"(?i)\b(description|item|product|article|artikel|omschrijving|beschreibung|bezeichnung|kirjeldus|"
    r"nimetus|désignation|tuote|product\s*title|qty|menge|aantal|quantity)\b"
)
LINE_END_RE = re.compile(
    r"(?i)^\s*(sub\s*-?total|total|totaal|summe|gesamt|exclusief|kokku|yhteensä|net\s*amount|amount\s*due|"
    r"zwischensumme|grand\s*total)\b"
)


# A row is read at most this many ways (each ambiguous space doubles the readings).
MAX_ROW_READINGS = 32
MAX_TABLE_COMBINATIONS = 512


@dataclass
class _Reading:
    """One way to cut a table row into numeric columns."""

    item: dict[str, Any]
    splits: int  # spaces read as column gaps instead of thousands separators
    consistent: bool | None  # quantity × unit price ≈ total (None: cannot tell)

    @property
    def total(self) -> Decimal:
        return Decimal(self.item["total"])


def _space_splits(text: str, s: int, e: int) -> list[list[tuple[int, int]]]:
    """Ways to cut the amount text[s:e] at its plain spaces: lists of (start, end) pieces.

    "1 100.00" may be one amount with a space thousands separator or a quantity column followed by
    100.00; the first way (no cut) is the reading of AMOUNT_RE itself. Non-breaking and thin spaces
    are inside one printed word, so they always group thousands.
    """
    cuts = [s + k for k, c in enumerate(text[s:e]) if c == " "]
    ways = []
    for mask in range(1 << len(cuts)):
        pieces, begin = [], s
        for k, pos in enumerate(cuts):
            if mask >> k & 1:
                pieces.append((begin, pos))
                begin = pos + 1
        pieces.append((begin, e))
        ways.append(pieces)
    return ways


def _row_readings(t: str, ams: list[tuple[int, int, Decimal]]) -> list[_Reading]:
    """Every plausible segmentation of a row, the AMOUNT_RE reading first."""
    per_amount = [_space_splits(t, s, e) for s, e, _ in ams]
    combos: list[list[list[tuple[int, int]]]] = [[]]
    for ways in per_amount:
        combos = [[*c, w] for c in combos for w in ways][:MAX_ROW_READINGS]
    out = []
    for combo in combos:
        pieces = [(ps, pe, parse_amount(t[ps:pe])) for way in combo for ps, pe in way]
        if any(v is None for _, _, v in pieces):
            continue
        money_cols = [(ps, pe, v) for ps, pe, v in pieces if re.search(r"[.,]\d{2}-?$", t[ps:pe])]
        # Integer pieces cut off an amount: quantity candidates.
        bare = [(ps, v) for ps, pe, v in pieces if not re.search(r"[.,]\d{2}-?$", t[ps:pe])]
        if money_cols:
            reading = _row_item(t, money_cols, bare, splits=sum(len(way) - 1 for way in combo))
            if reading is not None:
                out.append(reading)
    return out


def _row_item(
    t: str, ams: list[tuple[int, int, Decimal]], bare: list[tuple[int, Decimal]], splits: int
) -> _Reading | None:
    first = ams[0][0]
    desc = t[:first]
    desc = re.sub(r"[€$£]\s*$", "", desc).strip()
    # Leading position number and quantity ("2 1 Small Business ...").
    qty = None
    mq = re.match(r"^(?:\d{1,3}\s+)?(\d+(?:[.,]\d+)?)\s+(?=[A-Za-z])", desc)
    if mq:
        qty = parse_amount(mq.group(1))
        desc = desc[mq.end() :]
    else:
        mq = re.search(r"\s(\d{1,4})\s*$", desc)
        if mq:
            qty = Decimal(mq.group(1))
            desc = desc[: mq.start()]
    if qty is None:
        # "unit  qty  total" order: a quantity cut off the amount that follows it.
        qty = next((v for pos, v in bare if ams[0][0] < pos < ams[-1][0]), None)
    desc = desc.strip(" €$£")
    if len(desc) < 3 or not re.search(r"[A-Za-z]{2}", desc):
        return None
    rate = None
    mr = re.search(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%", t)
    if mr:
        rate = parse_amount(mr.group(1))
    total = ams[-1][2]
    unit = ams[0][2] if len(ams) >= 2 else None
    if unit is None and qty:
        unit = total / qty if qty else None
    item = {
        "description": desc,
        "quantity": number_str(qty if qty is not None else Decimal(1)),
        "unit_price": money(unit) if unit is not None else money(total),
        "total": money(total),
        "tax_rate": number_str(rate) if rate is not None else None,
        "_extra": [],
    }
    others = tuple(v for _, _, v in ams[1:-1])
    return _Reading(item, splits, line_consistent(qty, unit, total, rate, others))


def _pick_readings(rows: list[list[_Reading]], targets: list[Decimal]) -> list[_Reading]:
    """One reading per row: consistent rows first, then fewest spaces taken for column gaps.

    When the preferred readings do not add up to the subtotal (or total) but another consistent
    combination does, that combination wins: "Consulting 1 250,00" alone is 1250.00, unless the
    subtotal says 250.00.
    """
    ranked = []
    for readings in rows:
        consistent = [r for r in readings if r.consistent is not False]
        pool = consistent or readings
        ranked.append(sorted(pool, key=lambda r: r.splits))
    best = [r[0] for r in ranked]
    tol = Decimal("0.02")

    def adds_up(choice: list[_Reading]) -> bool:
        s = sum((r.total for r in choice), Decimal(0))
        return any(abs(s - t) <= tol for t in targets)

    if not targets or adds_up(best) or all(len(r) == 1 for r in ranked):
        return best
    count = 1
    for r in ranked:
        count *= len(r)
    if count > MAX_TABLE_COMBINATIONS:
        return best
    found: list[_Reading] | None = None
    found_changes = 0
    for choice in itertools.product(*ranked):
        if adds_up(list(choice)):
            changes = sum(c is not b for c, b in zip(choice, best, strict=True))
            if found is None or changes < found_changes:
                found, found_changes = list(choice), changes
    return found or best


def _line_items(lines: list[Line], targets: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Table rows between a header row and the totals: description then amounts.

    targets are the subtotal/total read elsewhere on the page; they decide between readings of a
    row that are each consistent on their own.
    """
    rows: list[list[_Reading]] = []
    in_table = False
    for ln in lines:
        t = ln.text
        if LINE_HEADER_RE.search(t) and len(LINE_HEADER_RE.findall(t)) >= 2:
            in_table = True
            continue
        if not in_table:
            continue
        if LINE_END_RE.search(t):
            in_table = False
            continue
        ams = money_matches(t)
        if not ams:
            if rows and len(t) < 80 and not re.search(r"(?i)seite|page", t):
                for r in rows[-1]:
                    r.item["_extra"].append(t.strip())
            continue
        readings = _row_readings(t, ams)
        if readings:
            rows.append(readings)
    wanted = [d for d in (parse_amount(str(v)) if v is not None else None for v in targets) if d is not None]
    items = [r.item for r in _pick_readings(rows, wanted)]
    for it in items:
        extra = it.pop("_extra")
        if extra:
            it["description_extra"] = " ".join(extra)
    for it in items:
        it.pop("description_extra", None)
    return items


# ------------------------------------------------------------------ column tables
# A number, not a piece of a date or range ("01.05.14-31.05.14").
SPACE_GROUPED = re.compile(
    r"(-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?)\s*(?:€|EUR|kr|zł|PLN|SEK|%)?"
)
NUMBER_RE = re.compile(
    r"(?<![\w.,/])-?\d+(?:[.,'\u00a0]\d{3})*(?:[.,]\d+)?(?![.,]?\d)(?![.\-/]\d)(?!\.(?:\s|$))"
)
PRICE_HEADER = re.compile(r"(?i)price|preis|prix|prijs|hind|hinta|pris|precio|prezzo|cena|einzel")
SKIP_ROW = re.compile(
    r"(?i)rabatt|discount|remise|korting|allowance|bruttopreis|gross\s*price|basis|zuschlag|abschlag|"
    r"charge|frais|übertrag|carried\s*forward|zwischensumme|subtotal"
)


# Header words that name only an amount column; a header of nothing else heads the totals.
TOTAL_HEADER_WORDS = {
    "total", "gesamt", "amount", "betrag", "montant", "bedrag", "summa", "importe", "importo", "wartość",
    "nettowert", "nettobetrag",
}  # fmt: skip


@dataclass
class _Header:
    line: int
    page: int
    desc: tuple[float, float] | None  # x range of the description column
    right: float  # right edge of the header
    qty: tuple[float, float] | None = None  # x range of the quantity header
    price: tuple[float, float] | None = None  # x range of the unit price header


def _header(doc: Doc, i: int) -> _Header | None:
    cells = doc.cells(i)
    hits = [c for c in cells if lx.LINE_HEADER.search(c.text)]
    if len(hits) < 2 or money_matches(doc.lines[i].text) or len(hits) < 0.4 * len(cells):
        return None
    words = {m.group(0).casefold() for c in hits for m in lx.LINE_HEADER.finditer(c.text)}
    if words <= TOTAL_HEADER_WORDS:
        return None  # "TOTAL HT   TOTAL TVA   TOTAL TTC": the head of the totals, not of the lines
    # Header words are column anchors even when set close together ("Menge Beschreibung").
    cols = _word_cells(doc, i)
    ln = doc.lines[i]
    for k in (i - 1, i + 1):
        # Header cells set at staggered heights overlap the header row: their words are columns too.
        near = doc.lines[k] if 0 <= k < len(doc.lines) else None
        if (
            near is not None
            and near.page == ln.page
            and min(near.bottom, ln.bottom) - max(near.top, ln.top) > 0.3 * ln.height
            and not money_matches(near.text)
        ):
            cols = sorted(cols + _word_cells(doc, k), key=lambda c: c.x0)
    # A second header row under the first ("Art-Nr-Kunde  Artikelbezeichnung").
    nxt = doc.lines[i + 1] if i + 1 < len(doc.lines) else None
    if nxt is not None and nxt.page == doc.lines[i].page and not money_matches(nxt.text):
        extra = doc.cells(i + 1)
        if any(lx.DESCRIPTION_HEADER.match(c.text) for c in extra) and not any(
            lx.DESCRIPTION_HEADER.match(c.text) for c in cells
        ):
            cols = sorted(cols + _word_cells(doc, i + 1), key=lambda c: c.x0)
    desc = None
    for c in cols:
        if lx.DESCRIPTION_HEADER.match(c.text):
            prev_x1 = max((p.x1 for p in cols if p.x1 <= c.x0 + 1 and p is not c), default=c.x0 - 20)
            nxt_x0 = min((p.x0 for p in cols if p.x0 > c.x1 - 1 and p is not c), default=c.x1 + 200)
            desc = (c.x0 - min(0.3 * max(c.x0 - prev_x1, 0), 8.0), nxt_x0)
            break
    qty = next(((c.x0, c.x1) for c in cols if lx.QTY_HEADER.match(c.text)), None)
    price = next(((c.x0, c.x1) for c in cols if PRICE_HEADER.search(c.text)), None)
    return _Header(i, doc.lines[i].page, desc, max(c.x1 for c in cols), qty, price)


def _word_cells(doc: Doc, i: int) -> list[Cell]:
    ln = doc.lines[i]
    return [Cell(i, [w], o, o + len(w.text), w.text) for w, o in zip(ln.words, ln.offsets, strict=True)]


def _desc_text(doc: Doc, j: int, hdr: _Header) -> str:
    ws = doc.lines[j].words
    if hdr.desc is None:
        # No description column: the first cell with words in it.
        return next((c.text for c in doc.cells(j) if re.search(r"[^\W\d_]{3}", c.text)), "")
    lo, hi = hdr.desc
    return " ".join(w.text for w in ws if lo <= (w.x0 + w.x1) / 2 < hi).strip()


def _row_numbers(doc: Doc, j: int, hdr: _Header) -> list[tuple[float, Decimal, bool, bool]]:
    """(x, value, has cents, is a percentage) of the numbers right of the description column."""
    ln = doc.lines[j]
    lo = hdr.desc[1] - 2 if hdr.desc else 0.0
    out = []
    grouped = []
    for c in doc.cells(j):
        # "4 500,00" alone in its cell: one amount with spaces between the thousands, as French,
        # Nordic, Baltic and Polish invoices print them, not the numbers 4 and 500,00.
        g = SPACE_GROUPED.fullmatch(c.text.strip())
        if g and c.x0 >= lo:
            grouped.append((c.start, c.end))
            v = parse_amount(g.group(1).replace(" ", "").replace("\u00a0", ""))
            if v is not None:
                pct = bool(re.match(r"\s*%", ln.text[c.end : c.end + 2]))
                out.append((c.x0, v, bool(re.search(r"[.,]\d{2}$", g.group(1))), pct))
    for m in NUMBER_RE.finditer(ln.text):
        if any(s <= m.start() < e for s, e in grouped):
            continue
        x = ln.x_at(m.start())
        if x < lo:
            continue
        v = parse_amount(m.group(0))
        if v is None:
            continue
        cents = bool(re.search(r"[.,]\d{2}$", m.group(0))) and not re.search(r"[.,]\d{3,}$", m.group(0))
        pct = bool(re.match(r"\s*%", ln.text[m.end() : m.end() + 2]))
        out.append((x, v, cents, pct))
    return sorted(out, key=lambda nm: nm[0])


def column_items(doc: Doc) -> list[dict[str, Any]]:
    """Rows under header rows, read by column: description from its column, total the rightmost amount."""
    items: list[dict[str, Any]] = []
    boiler = doc.boilerplate()
    i, n = 0, len(doc.lines)
    while i < n:
        hdr = _header(doc, i) if i not in boiler else None
        if hdr is None:
            i += 1
            continue
        j = i + 1
        # A table may run on over the next page (no header repeated there); its end stops it.
        while j < n and doc.lines[j].page <= hdr.page + 1:
            ln = doc.lines[j]
            if j in boiler:
                j += 1
                continue
            first = doc.cells(j)[0].text if doc.cells(j) else ""
            if lx.TABLE_END.match(first) or _header(doc, j) is not None or _totals_row(first):
                break
            nums = _row_numbers(doc, j, hdr)
            money_cols = [nm for nm in nums if nm[2] and not nm[3]]
            desc = _desc_text(doc, j, hdr)
            if not money_cols or SKIP_ROW.search(ln.text):
                j += 1
                continue
            total = money_cols[-1][1]
            if (
                not re.search(r"[A-Za-zÀ-ž]{3}", desc)
                and j + 1 < n
                and not money_matches(doc.lines[j + 1].text)
            ):
                desc = _desc_text(doc, j + 1, hdr)
            desc = re.sub(r"^(?:[\w-]+:\s*)(?=\S)", "", desc).strip(" :-")
            # Article numbers and stray quantities before the words: "WA997 Wirkarbeit HT".
            desc = re.sub(r"^(?:[\w./-]*\d[\w./-]*,?\s+)+(?=[^\W\d_]{2})", "", desc)
            if len(desc) < 2 or not re.search(r"[A-Za-zÀ-ž]{2}", desc):
                j += 1
                continue
            others = [nm for nm in nums if nm is not money_cols[-1] and not nm[3]]
            rate = next((nm[1] for nm in nums if nm[3]), None)
            qty, unit = _qty_price(others, total, hdr)
            if qty is None and unit is None:
                qty, unit = _under(others, hdr.qty), _under(others, hdr.price)
            if total == 0 and all(v == 0 for _, v, _, _ in others):
                j += 1  # a note or section header exported as a line: all zero
                continue
            items.append(
                {
                    "description": desc,
                    "quantity": number_str(qty) if qty is not None else None,
                    "unit_price": number_str(unit) if unit is not None else None,
                    "total": money(total),
                    "tax_rate": number_str(rate) if rate is not None else None,
                }
            )
            j += 1
        i = j
    if items and all(Decimal(it["total"]) <= 0 for it in items):
        # A credit note prints its rows negative; the schema keeps the amounts positive.
        for it in items:
            it["total"] = money(abs(Decimal(it["total"])))
            if it["unit_price"] is not None:
                it["unit_price"] = number_str(abs(Decimal(it["unit_price"])))
    # A negative row among positive ones (a correction, a returned item) is a line of its own.
    return items


def _totals_row(first_cell: str) -> bool:
    """A row that starts with a totals label ends the table."""
    return any(lx.label_weight(first_cell, lex) >= 9 for lex in (lx.GROSS, lx.NET, lx.TAX))


def _qty_price(
    others: list[tuple[float, Decimal, bool, bool]], total: Decimal, hdr: _Header
) -> tuple[Decimal | None, Decimal | None]:
    """The (quantity, unit price) pair among a row's numbers whose product is the total.

    The product does not tell 2 × 300,00 from 300,00 × 2, so when both fit, the pair that sits under
    the quantity and price headers wins, then the one whose quantity is printed without cents and
    whose price with them ("300,00  2 Stk")."""
    best, best_score = (None, None), -1.0
    for (xa, a, cents_a, _), (xb, b, cents_b, _) in itertools.permutations(others, 2):
        if not (a > 0 and b and line_consistent(a, b, total) is True):
            continue
        score = float(not cents_a and cents_b) + 2.0 * _near(xa, hdr.qty) + 2.0 * _near(xb, hdr.price)
        if score > best_score:
            best, best_score = (a, b), score
    if best[0] is not None:
        return best
    for v in (v for _, v, _, _ in others):
        if v == total:
            return Decimal(1), v
    return None, None


def _near(x: float, span: tuple[float, float] | None) -> bool:
    """Whether x is printed under the header cell spanning span (within 60 points of its middle)."""
    return span is not None and abs(x - (span[0] + span[1]) / 2) < 60


def _under(nums: list[tuple[float, Decimal, bool, bool]], span: tuple[float, float] | None) -> Decimal | None:
    """The number printed under a header cell (closest by x), if any is near it."""
    if span is None or not nums:
        return None
    mid = (span[0] + span[1]) / 2
    x, v, _, _ = min(nums, key=lambda nm: abs(nm[0] - mid))
    return v if _near(x, span) else None


def table_items(doc: Doc) -> list[dict[str, Any]]:
    """Line items: the column reader when a header is found, else the row-text reader's consistent rows."""
    items = column_items(doc)
    if items:
        return items
    rows = _line_items(doc.lines)
    return [
        it
        for it in rows
        if line_consistent(
            parse_amount(it["quantity"]), parse_amount(it["unit_price"]), parse_amount(it["total"])
        )
        is True
    ]
