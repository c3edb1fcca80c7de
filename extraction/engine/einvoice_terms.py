"""EN 16931 amounts that decide an e-invoice's totals: document and line allowances/charges (BG-20/21,
BG-27/28), the type code (credit note, corrective) and which lines carry amounts (EXTENDED sub-lines).

Read into fields["einvoice"] and onto each line by the readers in einvoice.py.
"""

from __future__ import annotations

from typing import Any

from .parsing import money, number_str, to_decimal
from .xmlpath import all_of as _all
from .xmlpath import text_of as _text

# UNTDID 1001 codes EN 16931 treats as credit notes (their amounts reverse the invoice's sign).
CREDIT_NOTE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
CORRECTIVE_CODES = frozenset({"384"})
# Lines that carry no amount of their own (ZUGFeRD EXTENDED BT-X-8): a group heading whose amount is the
# sum of its sub-lines, or an information line.
NOT_COUNTED_STATUSES = frozenset({"GROUP", "INFORMATION"})


def amount_at(el: Any, path: str) -> str | None:
    return money(to_decimal(_text(el, path)))


def number_at(el: Any, path: str) -> str | None:
    return number_str(to_decimal(_text(el, path)))


def without_sign(value: str | None) -> str | None:
    return value.lstrip("-") if value else value


def without_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def totals_block(*, type_code: str | None, credit_note: bool, **amounts: Any) -> dict[str, Any]:
    """The `einvoice` part of the fields: every amount that decides the totals (see EN 16931 BG-20..23)."""
    block = without_empty(amounts)
    block["type_code"] = type_code
    block["credit_note"] = credit_note or (type_code or "") in CREDIT_NOTE_CODES
    block["corrective"] = (type_code or "") in CORRECTIVE_CODES
    return block


def mark_groups(lines: list[dict]) -> None:
    """Only leaf lines carry amounts: a line stated as GROUP/INFORMATION, or a parent of other lines that
    is not stated as DETAIL, is kept for reading but not counted (`counted: False`)."""
    parents = {ln.get("parent_line_id") for ln in lines if ln.get("parent_line_id")}
    for ln in lines:
        status = (ln.get("line_status") or "").upper()
        if status in NOT_COUNTED_STATUSES or (
            status != "DETAIL" and ln.get("line_id") and ln["line_id"] in parents
        ):
            ln["counted"] = False


def ubl_allowance_charges(el: Any) -> tuple[list[dict], list[dict]]:
    """BG-20/21 (document) or BG-27/28 (line) allowances and charges: the AllowanceCharge children of `el`."""
    allowances, charges = [], []
    for ac in _all(el, "AllowanceCharge"):
        item = without_empty(
            {
                "amount": amount_at(ac, "Amount"),
                "base": amount_at(ac, "BaseAmount"),
                "percent": number_at(ac, "MultiplierFactorNumeric"),
                "reason": _text(ac, "AllowanceChargeReason"),
                "reason_code": _text(ac, "AllowanceChargeReasonCode"),
                "vat_category": _text(ac, "TaxCategory/ID"),
                "vat_rate": number_at(ac, "TaxCategory/Percent"),
            }
        )
        (charges if (_text(ac, "ChargeIndicator") or "").lower() == "true" else allowances).append(item)
    return allowances, charges


def cii_allowance_charges(el: Any, *, unsigned: bool = False) -> tuple[list[dict], list[dict]]:
    """BG-20/21 (header) or BG-27/28 (line) allowances and charges, plus ZUGFeRD 1.0/EXTENDED logistics
    service charges (which are charges too).

    The sign of an EN 16931 amount is as stated (a negative invoice has negative charges). ZUGFeRD 1.0
    carries the direction in the indicator only and some of its producers write an allowance negative:
    there (`unsigned`) the amount is read without its sign.
    """
    allowances, charges = [], []
    for ac in _all(el, "SpecifiedTradeAllowanceCharge"):
        actual = amount_at(ac, "ActualAmount")
        item = without_empty(
            {
                "amount": without_sign(actual) if unsigned else actual,
                "base": amount_at(ac, "BasisAmount"),
                "percent": number_at(ac, "CalculationPercent"),
                "reason": _text(ac, "Reason"),
                "reason_code": _text(ac, "ReasonCode"),
                "vat_category": _text(ac, "CategoryTradeTax/CategoryCode"),
                "vat_rate": number_at(ac, "CategoryTradeTax/RateApplicablePercent")
                or number_at(ac, "CategoryTradeTax/ApplicablePercent"),
            }
        )
        (charges if (_text(ac, "ChargeIndicator/Indicator") or "").lower() == "true" else allowances).append(
            item
        )
    for sc in _all(el, "SpecifiedLogisticsServiceCharge"):
        charges.append(
            without_empty(
                {
                    "amount": amount_at(sc, "AppliedAmount"),
                    "reason": _text(sc, "Description"),
                    "vat_category": _text(sc, "AppliedTradeTax/CategoryCode"),
                    "vat_rate": number_at(sc, "AppliedTradeTax/RateApplicablePercent")
                    or number_at(sc, "AppliedTradeTax/ApplicablePercent"),
                }
            )
        )
    return allowances, charges
