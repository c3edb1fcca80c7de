"""Match extracted supplier fields against known suppliers.

Identifiers beat names: registration number, then VAT number, then IBAN, and only then a fuzzy
name comparison (rapidfuzz) above a threshold.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

NAME_THRESHOLD = 88.0

_LEGAL = re.compile(
    r"\b(?:gmbh|ag|kg|b\.?v|n\.?v|ltd|limited|plc|llc|inc|corp|oü|ou|as|aps|a/s|ab|oy|oyj|sa|sas|sarl|srl|"
    r"sdn\.?\s*bhd|bhd|berhad|pte|pty|uab|sia|co)\b\.?",
    re.I,
)


@dataclass(frozen=True)
class SupplierCandidate:
    id: Any
    name: str = ""
    reg_no: str | None = None
    vat_no: str | None = None
    iban: str | None = None


@dataclass(frozen=True)
class SupplierMatch:
    id: Any
    reason: str
    score: float
    iban_mismatch: bool = False


def _compact(v: str | None) -> str:
    return re.sub(r"[\s.\-/]", "", v or "").upper()


def _vat_key(v: str | None) -> str:
    # The country prefix is optional on many documents ("100123456" vs "EE100123456").
    c = _compact(v)
    return c[2:] if re.match(r"^[A-Z]{2}\d", c) else c


def _name_key(v: str | None) -> str:
    s = unicodedata.normalize("NFKD", v or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = _LEGAL.sub(" ", s)
    return re.sub(r"[^\w]+", " ", s).strip()


def match_supplier(fields: dict, candidates: list[SupplierCandidate]) -> SupplierMatch | None:
    """The best known supplier for the extracted fields, or None."""
    if not candidates:
        return None
    reg, vat, iban = (
        _compact(fields.get("supplier_reg_no")),
        _vat_key(fields.get("supplier_vat_no")),
        _compact(fields.get("iban")),
    )

    def result(c: SupplierCandidate, reason: str, score: float) -> SupplierMatch:
        known = _compact(c.iban)
        return SupplierMatch(c.id, reason, score, iban_mismatch=bool(iban and known and iban != known))

    if reg:
        for c in candidates:
            if _compact(c.reg_no) == reg:
                return result(c, f"Registration number {fields.get('supplier_reg_no')}", 1.0)
    if vat:
        for c in candidates:
            if _vat_key(c.vat_no) == vat:
                return result(c, f"VAT number {fields.get('supplier_vat_no')}", 1.0)
    if iban:
        for c in candidates:
            if _compact(c.iban) == iban:
                return result(c, f"IBAN {fields.get('iban')}", 0.95)
    name = _name_key(fields.get("supplier_name"))
    if not name:
        return None
    from rapidfuzz import fuzz

    best: tuple[float, SupplierCandidate] | None = None
    for c in candidates:
        key = _name_key(c.name)
        if not key:
            continue
        s = max(fuzz.ratio(name, key), fuzz.token_sort_ratio(name, key))
        if best is None or s > best[0]:
            best = (s, c)
    if best and best[0] >= NAME_THRESHOLD:
        return result(best[1], f"Name similar to {best[1].name!r} ({best[0]:.0f}%)", round(best[0] / 100, 3))
    return None
