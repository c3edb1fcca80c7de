"""Seller and buyer: blocks under a party heading, the sender line above the address, legal forms.

A party heading ("Verkäufer", "Bill to", "Fournisseur", ...) opens a block: the cells under it in
its column. Inside the block a "Name:" label wins, else the first line that reads like a name.
Without a seller heading, the seller is the company named in the sender line ("Acme GmbH |
street | city"), at the top of the first page, or in the footer, and never the buyer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as lx
from .layout import Doc

# A line that is an address, a contact or an identifier rather than a name.
NOT_A_NAME = re.compile(
    r"(?i)(?:\b(?:str(?:aße|asse|\.)|street|road|weg|allee|platz|gasse|chemin|rue|avenue|laan|straat|"
    r"tee|katu|gatan|calle|via|ulica|tel|phone|fax|e-?mail|www|http|iban|bic|swift|gln|gtin|nummer|"
    r"number|kunden-?nr|ust|vat|steuer|tax|postfach|p\.?o\.?\s*box|invoice|rechnung|factuur|facture|"
    r"datum|date|page|seite|attn|z\.\s?hd|lasku|faktura|fattura|factura|arve|nip|tva|btw|alv|moms|iva|"
    r"kmkr|siret|rcs|regon|krs)\b|\w*nummer\b|\w+-?nr\b|@|\d{4,}|:$|:\s)"
)
SEPARATORS = re.compile(r"\s+[|●•·∙▪–—]\s+|\s+-\s+|\s{3,}")


@dataclass
class Block:
    kind: str  # "seller" or "buyer"
    heading_line: int
    lines: list[tuple[int, int, int]]  # (line, start, end) of the cells in the block


def blocks(doc: Doc) -> list[Block]:
    """Party blocks: the cells under a seller or buyer heading, in its column."""
    out: list[Block] = []
    boiler = doc.boilerplate()
    for i in range(len(doc.lines)):
        if i in boiler:
            continue
        cells = doc.cells(i)
        for k, c in enumerate(cells):
            for kind, lexicon, alone in (
                ("seller", lx.SELLER_HEADING, lx.SELLER_HEADING_ALONE),
                ("buyer", lx.BUYER_HEADING, lx.BUYER_HEADING_ALONE),
            ):
                m = next((m for pat, _ in lexicon for m in [pat.match(c.text)] if m), None)
                if m is None:
                    m = alone.fullmatch(c.text.strip())
                if m is None:
                    continue
                tail = c.text[m.end() :]
                rest = tail.strip(" :/")
                # A heading, not a sentence: little more than the heading words.
                if (
                    len(rest.split()) > 3
                    or re.search(r"\d", rest)
                    or (rest and not tail.lstrip().startswith((":", "/")))
                ):
                    continue
                block_lines: list[tuple[int, int, int]] = []
                if rest and not re.match(r"(?i)(?:leistungsempfänger|prestatore)", rest):
                    # "Seller: Acme Ltd" in one cell.
                    block_lines.append((i, c.end - len(tail.lstrip(" :/")), c.end))
                right = cells[k + 1] if k + 1 < len(cells) else None
                if (
                    right is not None
                    and not rest
                    and not any(p.match(right.text) for p, _ in lx.PARTY_HEADINGS)
                    and not is_field_label(right.text)
                ):
                    block_lines.append((i, right.start, right.end))
                x1 = right.x0 - 4 if right is not None else c.x1 + 250
                x0 = c.x0
                for b in doc.below(i, x0, x1, max_lines=8, max_gap=2.5):
                    if b.x0 < x0 - 8 and b.x1 > x1 + 40:
                        continue
                    if any(p.match(b.text) for p, _ in lx.PARTY_HEADINGS) or is_party_heading(b.text):
                        break
                    block_lines.append((b.line, b.start, b.end))
                out.append(Block(kind, i, block_lines))
                break
            else:
                continue
            break
    return out


# OCR reads the "&" of "GmbH & Co. KG" as "8" or "8.".
OCR_AMPERSAND = re.compile(r"(?i)\b(gmbh|ag|ug|se|ltd|b\.?v\.?)\s+8\.?\s+(co\.?\s*kg)\b")


def clean_name(s: str) -> str:
    s = OCR_AMPERSAND.sub(r"\1 & \2", s)
    s = re.sub(r"(?i)^(?:name|firma|nom|naam|nimi|namn|nombre|nome|nazwa)\s*:\s*", "", s.strip())
    s = SEPARATORS.split(s)[0]
    s = re.sub(r",\s*\d.*$", "", s)
    s = s.strip(" ,:;-*#")
    if s.endswith(".") and not re.search(r"(?:\b\w\.\w\.|\b\w{1,4}\.)$", s):
        s = s[:-1]
    return s


SALUTATION = re.compile(r"(?i)^(?:herr|herrn|frau|mr|mrs|ms|m\.|mme|dhr|mevr|sr|sra)\.?$")


def is_party_heading(s: str) -> bool:
    """The whole text is a party heading ("Bill to", "Factuuradres"), nothing more."""
    s = s.strip(" :")
    return any(p.fullmatch(s) for p, _ in lx.PARTY_HEADINGS) or bool(
        lx.SELLER_HEADING_ALONE.fullmatch(s) or lx.BUYER_HEADING_ALONE.fullmatch(s)
    )


def is_field_label(s: str) -> bool:
    """s starts with the label of a document field ("Due date", "Numer faktury")."""
    return any(p.match(s.strip()) for p in lx.FIELD_LABELS)


def looks_like_name(s: str) -> bool:
    if SALUTATION.match(s) or is_party_heading(s) or is_field_label(s):
        return False  # "Mr", a party heading ("Bill to", "Factuuradres") or a field's label
    if len(s) < 3 or not re.search(r"[A-Za-zÀ-ž]{2}", s) or NOT_A_NAME.search(s):
        return False
    letters = sum(ch.isalpha() for ch in s)
    return letters >= 0.5 * len(s)


def block_name(doc: Doc, b: Block) -> tuple[str, int, tuple[int, int], float] | None:
    """The name in a party block: a "Name:" label's value, else its first name-like line."""
    for i, s, e in b.lines:
        text = doc.lines[i].text[s:e]
        m = next((m for pat, _ in lx.NAME_LABEL for m in [pat.match(text)] if m), None)
        if m is None or not re.match(r"\s*(?::|$)", text[m.end() :]):
            continue  # "Name: …" or "Name" alone; not a column header such as "Name of goods"
        value = text[m.end() :].strip(" :")
        if not value:
            # "Name:" in one cell, the value in the next.
            nxt = [c for c in doc.cells(i) if c.start >= e]
            if not nxt:
                continue
            value, s, e = nxt[0].text, nxt[0].start, nxt[0].end
        name = clean_name(value)
        if looks_like_name(name):
            return name, i, (s, e), 0.9
    for k, (i, s, e) in enumerate(b.lines[:4]):
        name = clean_name(doc.lines[i].text[s:e])
        if looks_like_name(name) and not any(p.match(name) for p, _ in lx.NAME_LABEL):
            if k + 1 < len(b.lines) and not lx.LEGAL_FORM.search(name):
                # "MVM Musterhafter" / "Versicherungsverein a.G.": a name wrapped onto the next line.
                j, s2, e2 = b.lines[k + 1]
                more = clean_name(doc.lines[j].text[s2:e2])
                if j == i + 1 and looks_like_name(more) and lx.LEGAL_FORM.search(more):
                    name = f"{name} {more}"
            score = 0.8 if lx.LEGAL_FORM.search(name) else 0.6
            return name, i, (s, e), score - 0.05 * k
    return None


def parties(doc: Doc) -> dict[str, tuple[str, int, tuple[int, int], float]]:
    """supplier_name / buyer_name → (value, line, span, strength 0..1)."""
    out: dict[str, tuple[str, int, tuple[int, int], float]] = {}
    for b in blocks(doc):
        key = "supplier_name" if b.kind == "seller" else "buyer_name"
        if key in out:
            continue
        got = block_name(doc, b)
        if got:
            out[key] = got
    if "supplier_name" not in out:
        buyer = out.get("buyer_name", ("",))[0].casefold()
        got = _sender(doc, buyer)
        if got:
            out["supplier_name"] = got
    if "buyer_name" not in out:
        seller = out.get("supplier_name", ("",))[0]
        got = _recipient(doc, seller)
        if got:
            out["buyer_name"] = got
    return out


def _wrapped_above(doc: Doc, i: int, start: int) -> str | None:
    if i == 0 or start != 0:
        return None
    ln, up = doc.lines[i], doc.lines[i - 1]
    if up.page != ln.page or ln.top - up.bottom > 0.6 * ln.height or abs(up.x0 - ln.x0) > 3:
        return None
    if SEPARATORS.search(up.text):
        return None  # a return-address line ("Acme Ltd · street · town") is not half of a name
    text = clean_name(up.text)
    return text if looks_like_name(text) and i - 1 not in doc.boilerplate() else None


_TOWN = r"[A-ZÀ-ÖØ-ÞŁŚŻŹĆŃŠŽČŘ][\w\-]+"
POSTCODE = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,2}[- ]?)?\d{4,5}(?![\d.,])\s*(?:[A-Z]{2}\s+)?"
    + _TOWN
    # Polish "23-333 Lublin", Portuguese "1000-001 Lisboa".
    + r"|(?<![\w-])\d{2,4}-\d{3}(?![\d.,])\s+"
    + _TOWN
    + r"|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
)


def _recipient(doc: Doc, seller: str) -> tuple[str, int, tuple[int, int], float] | None:
    found = recipient_block(doc, seller)
    return found[0] if found else None


def recipient_block(
    doc: Doc, seller: str = ""
) -> tuple[tuple[str, int, tuple[int, int], float], list[int]] | None:
    """The buyer without a heading: the first address block in the upper part of page 1.

    Returns the name (value, line, span, strength) and the lines of the block.

    An address block is two to seven lines starting at the same x, one of them a postcode and
    town; its first line (after a salutation) is the addressee. The seller's block is skipped.
    """
    if not doc.lines:
        return None
    boiler = doc.boilerplate()
    page = doc.lines[0].page
    seller_key = re.sub(r"\W+", "", seller).casefold()
    used: set[tuple[int, int]] = set()
    for i, ln in enumerate(doc.lines):
        if ln.page != page or doc.rel_y(i) > 0.45:
            break
        if i in boiler:
            continue
        for c in doc.cells(i):
            if (i, round(c.x0)) in used:
                continue
            block = [(i, c)]
            prev = ln
            for j in range(i + 1, min(len(doc.lines), i + 10)):
                nxt = doc.lines[j]
                # The gap is measured to the line above in any column: a column beside the block
                # (the seller's phone, e-mail, web) sets its lines between the block's.
                if nxt.page != page or nxt.top - prev.bottom > 1.2 * prev.height:
                    break
                prev = nxt
                same = next((d for d in doc.cells(j) if abs(d.x0 - c.x0) < 6), None)
                if same is None:
                    continue  # a line of another column printed between two lines of the block
                block.append((j, same))
                used.add((j, round(same.x0)))
            if len(block) > 2 and len(SEPARATORS.split(block[0][1].text)) >= 3:
                block = block[1:]  # the sender's return-address line above the recipient's address
            if not 2 <= len(block) <= 7 or not any(POSTCODE.search(b.text) for _, b in block[1:]):
                continue
            k = 1 if SALUTATION.match(block[0][1].text.strip()) and len(block) > 2 else 0
            line, cell = block[k]
            name = clean_name(cell.text)
            key = re.sub(r"\W+", "", name).casefold()
            if (
                not looks_like_name(name)
                or POSTCODE.search(name)
                or (seller_key and key and (key in seller_key or seller_key in key))
            ):
                continue
            if any(SEPARATORS.search(b.text) and lx.LEGAL_FORM.search(b.text) for _, b in block):
                continue  # the seller's return address line
            if k == 1:
                name = f"{block[0][1].text.strip()} {name}"
            return (name, line, (cell.start, cell.end), 0.5), [j for j, _ in block]
    return None


def _address_below(doc: Doc, i: int, x0: float) -> bool:
    """Whether a postcode and town follow within three lines in the same column."""
    for j in range(i + 1, min(len(doc.lines), i + 4)):
        if doc.lines[j].page != doc.lines[i].page:
            return False
        if any(abs(c.x0 - x0) < 6 and POSTCODE.search(c.text) for c in doc.cells(j)):
            return True
    return False


def _sender(doc: Doc, buyer: str) -> tuple[str, int, tuple[int, int], float] | None:
    """The seller without a heading: the sender line, a legal-form name near the top, or the footer."""
    boiler = doc.boilerplate()
    page1 = [i for i, ln in enumerate(doc.lines) if ln.page == doc.lines[0].page] if doc.lines else []
    best: tuple[float, str, int, tuple[int, int]] | None = None
    buyer_lines = {i for b in blocks(doc) if b.kind == "buyer" for i, _, _ in b.lines}
    for rank, i in enumerate(page1):
        if i in boiler or i in buyer_lines:
            continue
        ln = doc.lines[i]
        for c in doc.cells(i):
            parts = SEPARATORS.split(c.text)
            name = clean_name(parts[0])
            if not looks_like_name(name) or (buyer and name.casefold() == buyer):
                continue
            legal = bool(lx.LEGAL_FORM.search(name))
            score = 0.0
            if legal:
                score += 3
            if len(parts) >= 3:
                score += 4  # "Acme GmbH | street | city": the return address names the sender
            rel = doc.rel_y(i)
            score += 1.5 * (1 - min(rel * 3, 1)) if rel < 0.5 else (0.8 if legal and rel > 0.8 else -1)
            if rel < 0.2 and _address_below(doc, i, c.x0):
                score += 2.5  # the letterhead: a name over its own street and town
            score -= 0.03 * rank
            if not legal and len(parts) < 3:
                score -= 1.5
            if best is None or score > best[0]:
                best = (score, name, i, (c.start, c.start + len(parts[0])))
        del ln
    if best and best[0] > 0.5:
        score, name, i, span = best
        above = _wrapped_above(doc, i, span[0])
        if above and lx.LEGAL_FORM.search(name) and not lx.LEGAL_FORM.search(above):
            # "MVM Musterhafter" / "Versicherungsverein a.G.": the name's first part on the line above.
            name = f"{above} {name}"
        return name, i, span, min(0.75, 0.3 + score / 10)
    return None
