"""Amounts and dates as people, documents and other systems write them: the one home for parsing them.

`parse_*` return None for a blank value and raise ValueError for anything else they cannot read;
`clean_*` do the same for form and API input but raise `ValidationFailed` naming the field;
`*_or_none` are for machine input that may be missing or malformed (extraction, sync), where a value
that cannot be read is simply absent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import ValidationFailed


def parse_decimal(value: Any, *, places: int | None = None, max_digits: int | None = None) -> Decimal | None:
    """A number written with a decimal comma or point and spaces between thousands ("1 234,50")."""
    if value in (None, ""):
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if max_digits is not None and abs(number) >= Decimal(10) ** (max_digits - (places or 0)):
        raise ValueError(f"more than {max_digits} digits: {value!r}")
    if places is None:
        return number
    try:
        return number.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # more digits than the decimal context holds
        raise ValueError(f"too many digits: {value!r}") from None


def decimal_or_none(
    value: Any, *, places: int | None = None, max_digits: int | None = None
) -> Decimal | None:
    try:
        return parse_decimal(value, places=places, max_digits=max_digits)
    except ValueError:
        return None


def clean_decimal(value: Any, *, name: str, places: int | None = None) -> Decimal | None:
    """A number from a form or API value, or a ValidationFailed naming the field."""
    try:
        return parse_decimal(value, places=places)
    except ValueError:
        raise ValidationFailed(f"{_label(name)} must be a number.", {"field": name}) from None


def parse_date(value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD), or a date as it is."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def date_or_none(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def clean_date(value: Any, *, name: str) -> dt.date | None:
    """A date from a form or API value (ISO), or a ValidationFailed naming the field."""
    try:
        return parse_date(value)
    except ValueError:
        raise ValidationFailed(f"{_label(name)} must be a date (YYYY-MM-DD).", {"field": name}) from None


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()
