"""When two documents may be the same bill or receipt: pure rules on what each document shows.

A document is reduced to `Facts` (its file's SHA-256, the perceptual hash of its first page, supplier,
number, total and date); `match_reasons` compares two of them. The reasons, strongest first:

- ``same_file``: byte for byte the same file;
- ``same_image``: the first pages look alike (pHash within `PHASH_MAX_DISTANCE` bits) and neither the
  totals nor the dates contradict each other (both read with confidence, or corrected, and different)
  — a photo of a receipt taken
  again, resized, re-compressed or slightly turned, or a PDF exported again;
- ``same_number_total`` / ``same_number``: the same supplier and invoice number (with the same total):
  the PDF of an invoice already received as an XML e-invoice, whichever came first;
- ``same_amount_date``: the same supplier, total and issue date (receipts rarely have a number).

Measured on the 80 SROIE receipt photos of the dev set, each re-photographed three ways (scaled to 45–80 %,
JPEG quality 40–70, turned ±1.5°, up to 3 % cropped; 240 pairs) against the 3,160 pairs of different
receipts: a copy differs by 0–24 bits (median 6; 221 of 240 within 12), different receipts by 4 bits and
up, different receipts of the same shop too (22 of 77 same-shop pairs within 12 bits) — a receipt's
layout is the shop's, so the hash alone cannot tell two receipts of one shop apart. With the guard on
totals and dates, no pair of different receipts is within 12 bits (one at 14). dHash, aHash and wHash
separated worse; a 256-bit pHash did not survive the rotation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import imagehash
from PIL import Image, ImageOps

PHASH_MAX_DISTANCE = 12
# A total or date read with less confidence than this (documents.problems.LOW_CONFIDENCE, asserted equal
# by a test) may be a misreading, so it contradicts nothing; a person's correction is certain.
CERTAIN = 0.9
_BITS = 64
_MASK = (1 << _BITS) - 1

# What the review screen and the API say for each reason (after "Possible duplicate: ").
REASONS = {
    "same_file": "the same file",
    "same_image": "the same image",
    "same_number_total": "the same supplier, number and total",
    "same_number": "the same supplier and number",
    "same_amount_date": "the same supplier, amount and date",
}


def image_hash(image: Image.Image) -> int:
    """The 64-bit pHash of `image` (grayscale), as a signed integer that fits a BigIntegerField."""
    bits = imagehash.phash(ImageOps.grayscale(image)).hash.flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bool(bit))
    return value - (1 << _BITS) if value >= 1 << (_BITS - 1) else value


def hash_distance(a: int, b: int) -> int:
    """How many of the 64 bits differ."""
    return ((a ^ b) & _MASK).bit_count()


def _key(text: Any) -> str:
    s = unicodedata.normalize("NFKD", str(text or ""))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", s.casefold())


def number_key(text: Any) -> str:
    """ "INV-0042", "inv 0042" and "INV0042" are one number; leading zeros of a bare number do not count."""
    key = _key(text)
    return (key.lstrip("0") or key) if key.isdigit() else key


@dataclass(frozen=True)
class Facts:
    id: int
    sha256: str = ""
    image_hash: int | None = None
    supplier_id: int | None = None
    supplier_vat: str = ""
    supplier_name: str = ""
    number: str = ""
    total: Decimal | None = None
    issue_date: date | None = None
    total_certain: bool = True
    date_certain: bool = True

    @classmethod
    def of(cls, document) -> Facts:
        fields = document.fields or {}
        confidence = document.confidence or {}
        corrected = set(document.corrected_fields or [])

        def certain(name: str) -> bool:
            score = confidence.get(name)
            return name in corrected or not isinstance(score, int | float) or score >= CERTAIN

        return cls(
            id=document.pk,
            sha256=document.sha256 or "",
            image_hash=document.image_hash,
            supplier_id=document.supplier_id,
            supplier_vat=_key(fields.get("supplier_vat_no")),
            supplier_name=_key(document.supplier_name),
            number=number_key(document.invoice_number),
            total=document.total,
            issue_date=document.issue_date,
            total_certain=certain("total"),
            date_certain=certain("issue_date"),
        )


def same_supplier(a: Facts, b: Facts) -> bool:
    """The same contact, else the same VAT number, else the same name (case, accents and punctuation aside).
    Two different contacts or two different VAT numbers are two suppliers, whatever the names say."""
    if a.supplier_id and b.supplier_id:
        return a.supplier_id == b.supplier_id
    if a.supplier_vat and b.supplier_vat:
        return a.supplier_vat == b.supplier_vat
    return bool(a.supplier_name) and a.supplier_name == b.supplier_name


def _contradict(x, y, *, certain: bool) -> bool:
    return certain and x is not None and y is not None and x != y


def match_reasons(a: Facts, b: Facts) -> tuple[list[str], int | None]:
    """(reason codes, strongest first; the hash distance when both have a hash). No reasons: not alike."""
    reasons: list[str] = []
    distance = None
    if a.sha256 and a.sha256 == b.sha256:
        reasons.append("same_file")
    if a.image_hash is not None and b.image_hash is not None:
        distance = hash_distance(a.image_hash, b.image_hash)
        if (
            distance <= PHASH_MAX_DISTANCE
            and not _contradict(a.total, b.total, certain=a.total_certain and b.total_certain)
            and not _contradict(a.issue_date, b.issue_date, certain=a.date_certain and b.date_certain)
        ):
            reasons.append("same_image")
    supplier = same_supplier(a, b)
    if supplier and a.number and a.number == b.number:
        reasons.append("same_number_total" if a.total is not None and a.total == b.total else "same_number")
    elif (
        supplier
        and a.total is not None
        and a.total == b.total
        and a.issue_date
        and a.issue_date == b.issue_date
    ):
        reasons.append("same_amount_date")
    return reasons, distance


def reason_text(reasons: list[str]) -> str:
    """ "the same image; the same supplier, amount and date" """
    return "; ".join(REASONS.get(r, r.replace("_", " ")) for r in reasons)
