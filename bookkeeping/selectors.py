"""Reads of the company's Scoro background data."""

from __future__ import annotations

from decimal import Decimal

from bookkeeping.models import TaxRate

# EN 16931 VAT categories (UNTDID 5305) that carry no VAT on a purchase: reverse charge, intra-community
# supply, exempt, export, zero rated, not subject to VAT.
ZERO_RATE_CATEGORIES = frozenset({"AE", "K", "E", "G", "Z", "O"})
# Words Scoro VAT codes use for reverse charge (English, German, French, Finnish, Swedish, Estonian).
REVERSE_CHARGE_WORDS = ("reverse", "umkehr", "§13b", "autoliquidation", "käännetty", "omvänd", "pöörd")


def purchase_vat_codes(company) -> list[TaxRate]:
    """The company's active purchase VAT codes, highest rate first."""
    return list(TaxRate.objects.for_company(company).filter(is_active=True, is_purchases=True))


def _reverse_charge(code: TaxRate) -> bool:
    text = f"{code.code} {code.name}".casefold()
    return code.code.upper() == "RC" or any(word in text for word in REVERSE_CHARGE_WORDS)


def match_vat_code(
    codes: list[TaxRate], *, percent: Decimal | str | None, category: str | None = None
) -> TaxRate | None:
    """The purchase VAT code for an invoice's own rate and VAT category, or None when no code has it.

    Reverse charge (AE) takes a reverse-charge 0 % code when there is one; the other VAT-free
    categories (and AE without such a code) take a plain 0 % code.
    """
    category = (category or "").upper()
    rate = (
        Decimal("0")
        if category in ZERO_RATE_CATEGORIES
        else Decimal(str(percent if percent is not None else 0))
    )
    same_rate = [c for c in codes if Decimal(c.percent) == rate]
    if not same_rate:
        return None
    if rate == 0:
        reverse = [c for c in same_rate if _reverse_charge(c)]
        plain = [c for c in same_rate if not _reverse_charge(c)]
        if category == "AE" and reverse:
            return reverse[0]
        return (plain or same_rate)[0]
    return same_rate[0]


def vat_code_percents(company) -> dict[int, Decimal]:
    """Scoro VAT code id → its percentage (what Scoro applies to a line carrying that code)."""
    return {
        int(scoro_id): Decimal(percent)
        for scoro_id, percent in TaxRate.objects.for_company(company)
        .filter(scoro_id__isnull=False)
        .values_list("scoro_id", "percent")
    }
