"""Validation of identifiers and arithmetic cross-checks between extracted fields.

Each check either raises the confidence of the fields it confirms or adds a human-readable
warning; nothing here changes a value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .parsing import money, number_str, to_decimal

try:
    from schwifty import IBAN as _SchwiftyIBAN
except ImportError:  # pragma: no cover - schwifty is a declared dependency
    _SchwiftyIBAN = None

try:
    from stdnum.eu import vat as _eu_vat
except ImportError:  # pragma: no cover
    _eu_vat = None

IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?)\b")


def valid_iban(value: str | None) -> bool:
    """True when value is an IBAN with a valid checksum and country length."""
    if not value:
        return False
    compact = re.sub(r"\s+", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact):
        return False
    if _SchwiftyIBAN is not None:
        try:
            _SchwiftyIBAN(compact)
            return True
        except Exception:
            return False
    # Fallback: ISO 13616 mod-97.
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def vat_status(value: str | None) -> bool | None:
    """True/False for a checkable EU VAT number, None when its format is not an EU VAT number."""
    if not value:
        return None
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", compact) or _eu_vat is None:
        return None
    try:
        _eu_vat.validate(compact)
        return True
    except Exception as exc:
        if type(exc).__name__ in ("InvalidChecksum",):
            return False
        if type(exc).__name__ in ("InvalidComponent",) and compact[:2] not in _eu_vat.MEMBER_STATES:
            return None
        return False


def _d(v: Any) -> Decimal | None:
    return to_decimal(v) if v is not None else None


def line_tolerance(quantity: Decimal) -> Decimal:
    """How far quantity × unit price may be from the line total through rounding alone.

    Two cents for the total's own rounding plus half a cent per unit for a unit price that was
    printed rounded to cents.
    """
    return Decimal("0.02") + abs(quantity) * Decimal("0.005")


def line_consistent(
    quantity: Decimal | None,
    unit_price: Decimal | None,
    total: Decimal | None,
    tax_rate: Decimal | None = None,
    others: tuple[Decimal, ...] = (),
) -> bool | None:
    """Whether quantity × unit price accounts for the line total; None when it cannot be told.

    A gross line total (net plus the line's tax rate) counts as consistent, and so does a row whose
    other money columns (`others`, e.g. a net or VAT amount column) explain the total.
    """
    if unit_price is None or total is None:
        return None
    qty = Decimal(1) if quantity is None else quantity
    net = qty * unit_price
    tol = line_tolerance(qty)
    if abs(net - total) <= tol:
        return True
    if tax_rate and abs(net * (1 + tax_rate / 100) - total) <= tol * (1 + abs(tax_rate) / 100):
        return True
    return any(abs(net - o) <= tol or abs(net + o - total) <= tol for o in others)


def line_problem(line: dict[str, Any]) -> str | None:
    """ "1 × 1100.00 = 1100.00 but the line total says 100.00" for an inconsistent line, else None."""
    qty = _d(line.get("quantity"))
    unit, total, rate = _d(line.get("unit_price")), _d(line.get("total")), _d(line.get("tax_rate"))
    if line_consistent(qty, unit, total, rate) is not False:
        return None
    qty = Decimal(1) if qty is None else qty
    return (
        f"{qty.normalize():f} × {number_str(unit)} = {money(qty * unit)} "
        f"but the line total says {money(total)}"
    )


def cross_check(fields: dict[str, Any], confidence: dict[str, float], warnings: list[str]) -> None:
    """Mutates confidence and warnings according to the consistency of fields."""
    total, sub, tax = _d(fields.get("total")), _d(fields.get("subtotal")), _d(fields.get("tax_total"))
    tol = Decimal("0.02")

    def bump(names: tuple[str, ...], amount: float) -> None:
        for n in names:
            if fields.get(n) is not None:
                confidence[n] = max(0.0, min(1.0, confidence.get(n, 0.5) + amount))

    if total is not None and sub is not None and tax is not None:
        if abs(sub + tax - total) <= tol:
            bump(("total", "subtotal", "tax_total"), 0.2)
        else:
            warnings.append(f"Subtotal {sub:.2f} + tax {tax:.2f} does not equal the total {total:.2f}")
            bump(("total", "subtotal", "tax_total"), -0.2)

    lines = fields.get("lines") or []
    line_totals = [_d(ln.get("total")) for ln in lines if isinstance(ln, dict)]
    if line_totals and all(v is not None for v in line_totals):
        s = sum(line_totals, Decimal(0))
        targets = [t for t in (sub, total) if t is not None]
        if targets:
            if any(abs(s - t) <= tol for t in targets):
                bump(("lines",), 0.2)
            else:
                ref = sub if sub is not None else total
                label = "subtotal" if sub is not None else "total"
                warnings.append(f"Lines add up to {s:.2f} but the {label} says {ref:.2f}")
                bump(("lines",), -0.2)

    for i, ln in enumerate(lines):
        problem = line_problem(ln) if isinstance(ln, dict) else None
        if problem:
            label = str(ln.get("description") or "").strip()[:40]
            warnings.append(f"Line {i + 1}{f' ({label})' if label else ''}: {problem}")
            # The line's own score; the list as a whole is less trustworthy too.
            confidence[f"lines[{i}]"] = max(0.0, confidence.get("lines", 0.5) - 0.3)
            bump(("lines",), -0.1)

    tax_lines = fields.get("tax_lines") or []
    amounts = [_d(t.get("amount")) for t in tax_lines if isinstance(t, dict)]
    if (
        tax is not None
        and amounts
        and all(a is not None for a in amounts)
        and abs(sum(amounts, Decimal(0)) - tax) > tol
    ):
        warnings.append(
            f"VAT breakdown adds up to {sum(amounts, Decimal(0)):.2f} but the VAT total says {tax:.2f}"
        )

    iban = fields.get("iban")
    if iban:
        if valid_iban(iban):
            bump(("iban",), 0.2)
        else:
            warnings.append(f"IBAN {iban} checksum invalid")
            bump(("iban",), -0.4)

    vat = fields.get("supplier_vat_no")
    st = vat_status(vat)
    if st is True:
        bump(("supplier_vat_no",), 0.2)
    elif st is False:
        warnings.append(f"VAT number {vat} checksum invalid")
        bump(("supplier_vat_no",), -0.3)

    issue, due = fields.get("issue_date"), fields.get("due_date")
    today = dt.date.today()
    try:
        idate = dt.date.fromisoformat(issue) if issue else None
    except ValueError:
        idate = None
    try:
        ddate = dt.date.fromisoformat(due) if due else None
    except ValueError:
        ddate = None
    if idate:
        if idate > today + dt.timedelta(days=366):
            warnings.append(f"Issue date {issue} is far in the future")
            bump(("issue_date",), -0.3)
        elif idate.year < 1990:
            warnings.append(f"Issue date {issue} is implausibly old")
            bump(("issue_date",), -0.3)
    if idate and ddate:
        if ddate < idate:
            warnings.append(f"Due date {due} is before the issue date {issue}")
            bump(("due_date",), -0.3)
        elif (ddate - idate).days > 366:
            warnings.append(f"Due date {due} is more than a year after the issue date {issue}")
            bump(("due_date",), -0.2)
