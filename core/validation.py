"""Input rules shared by every entry point: the API's serializers and the browser's forms.

One function per kind of value (`parse_decimal`, `parse_id`) holds the rule; `DecimalInput` / `IdInput`
(DRF) and `DecimalFormField` / `IdFormField` (Django forms) apply it, so an amount the API refuses is
refused by the review form with the same words. The limits are the database columns': an amount that
fits its column can always be read back (a larger one stored on SQLite made every list of the company
fail with InvalidOperation).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from rest_framework import serializers

from core.parsing import parse_decimal as read_decimal

# Column shapes (max_digits, decimal_places) of the models' DecimalFields.
AMOUNT = (14, 2)
QUANTITY = (14, 4)
PRICE = (14, 4)
PERCENT = (6, 2)
# BigAutoField primary keys; PositiveIntegerField columns (positions, priorities).
MAX_ID = 2**63 - 1
MAX_POSITIVE_INT = 2_147_483_647
MAX_LIST_ITEMS = 500
MAX_STRING = 100  # characters of a number before it is even parsed


class InputError(ValueError):
    """A value that breaks one of the rules; `str()` is the message for the person."""


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def parse_decimal(value: Any, *, shape: tuple[int, int], name: str) -> Decimal | None:
    """A finite number that fits a column of `shape`, rounded to its places; "" and None are None.

    Accepts what people type ("1 234,50") as well as JSON numbers; refuses booleans, NaN, Infinity and
    anything whose whole part has more digits than the column holds.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InputError(f"{_label(name)} must be a number.")
    text = str(value).strip().replace("\u00a0", "")
    if len(text) > MAX_STRING:
        raise InputError(f"{_label(name)} must be a number.")
    try:
        number = read_decimal(text)  # core.parsing: decimal comma or point, spaces, finite
    except ValueError:
        raise InputError(f"{_label(name)} must be a number.") from None
    max_digits, places = shape
    limit = Decimal(10) ** (max_digits - places)
    if abs(number) >= limit:
        raise InputError(f"{_label(name)} must be less than {limit:,} in absolute value.")
    rounded = number.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)
    if abs(rounded) >= limit:
        raise InputError(f"{_label(name)} must be less than {limit:,} in absolute value.")
    return rounded


def parse_id(value: Any, *, name: str) -> int | None:
    """A primary key: a whole number 1…2⁶³−1 (as a JSON number or digits); "" and None are None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(f"{_label(name)} must be an id (a whole number).")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
        number = int(value.strip())
    else:
        raise InputError(f"{_label(name)} must be an id (a whole number).")
    if not 1 <= number <= MAX_ID:
        raise InputError(f"{_label(name)} is not a known id.")
    return number


# ---------------------------------------------------------------------------------------------------
# DRF


class DecimalInput(serializers.DecimalField):
    """A DecimalField of a column's shape that reads input with `parse_decimal`."""

    def __init__(self, *, shape: tuple[int, int] = AMOUNT, **kwargs):
        self.shape = shape
        super().__init__(max_digits=shape[0], decimal_places=shape[1], **kwargs)

    def to_internal_value(self, data):
        try:
            value = parse_decimal(data, shape=self.shape, name=self.field_name or "value")
        except InputError as error:
            raise serializers.ValidationError(str(error)) from None
        if value is None:
            self.fail("invalid")
        return value


class IdInput(serializers.IntegerField):
    """The id of one of our own records (the view checks that it is the company's)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            value = parse_id(data, name=self.field_name or "id")
        except InputError as error:
            raise serializers.ValidationError(str(error)) from None
        if value is None:
            self.fail("invalid")
        return value


class StrictInput:
    """Mixin for input serializers: a body must be an object and every key must be one we know."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
            # DRF's CharField turns 123 or True into text; a name or a note must be sent as text.
            not_text = sorted(
                name
                for name, f in self.fields.items()
                if isinstance(f, serializers.CharField)
                and name in data
                and data[name] is not None
                and not isinstance(data[name], str)
            )
            if not_text:
                raise serializers.ValidationError({name: ["Must be text."] for name in not_text})
        return super().to_internal_value(data)


class StrictSerializer(StrictInput, serializers.Serializer):
    pass


# ---------------------------------------------------------------------------------------------------
# Django forms


class DecimalFormField(forms.CharField):
    """A form field for a number of a column's shape, with the same rule as the API."""

    def __init__(self, *, shape: tuple[int, int] = AMOUNT, name: str = "value", **kwargs):
        self.shape, self.rule_name = shape, name
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_decimal(value, shape=self.shape, name=self.rule_name)
        except InputError as error:
            raise forms.ValidationError(str(error)) from None


class IdFormField(forms.CharField):
    """An optional id from a form (a select's value); the view checks it belongs to the company."""

    def __init__(self, *, name: str = "id", **kwargs):
        self.rule_name = name
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_id(value, name=self.rule_name)
        except InputError as error:
            raise forms.ValidationError(str(error)) from None


def form_error_text(form: forms.BaseForm) -> str:
    """All of a form's errors in one line, each naming its field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else name
        for error in errors:
            parts.append(error if name == "__all__" else f"{label}: {error}")
    return " ".join(parts)
