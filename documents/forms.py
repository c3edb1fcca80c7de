"""The review form: the browser's twin of the API's PATCH body (documents.api.review_serializers),
built on the same rules (core.validation) so both refuse the same values with the same words."""

from __future__ import annotations

from typing import Any

from django import forms

from core.validation import MAX_LIST_ITEMS, DecimalFormField, IdFormField, InputError, parse_id
from documents.choices import DocumentType
from documents.coding import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    HEADER_CODING,
    LINE_CODING,
    LINE_VALUES,
    TEXT_FIELDS,
    TEXT_LIMITS,
)

NEW_SUPPLIER = "new"
NEW_SUPPLIER_LIMITS = {"name": 255, "vat_no": 40, "reg_no": 40, "iban": 40}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class ReviewForm(forms.Form):
    """Fields are made from the POST itself: `f_<field>` for extracted values, the header coding,
    `dimensions` (with `dimensions_shown`), and `line-<id>-<value>` for each id in `line_ids`."""

    type = forms.ChoiceField(choices=DocumentType.choices, required=False)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    dimensions = forms.MultipleChoiceField(required=False)  # ids checked in clean_dimensions

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[f"f_{name}"] = forms.CharField(
                required=False, max_length=TEXT_LIMITS[name], label=_label(name), strip=True
            )
        for name in DATE_FIELDS:
            self.fields[f"f_{name}"] = forms.DateField(required=False, label=_label(name))
        for name in AMOUNT_FIELDS:
            self.fields[f"f_{name}"] = DecimalFormField(name=name, label=_label(name))
        for name in HEADER_CODING:
            if name == "supplier" and data.get(name) == NEW_SUPPLIER:
                self.fields[name] = forms.CharField(required=False, label="Supplier")
            else:
                self.fields[name] = IdFormField(name=name, label=_label(name))
        for key, limit in NEW_SUPPLIER_LIMITS.items():
            self.fields[f"new_supplier_{key}"] = forms.CharField(
                required=False, max_length=limit, label=f"New supplier {key.replace('_', ' ')}"
            )
        self.line_ids = self._line_ids(data.getlist("line_ids") if hasattr(data, "getlist") else [])
        for line_id in self.line_ids:
            prefix = f"line-{line_id}-"
            for name, shape in LINE_VALUES.items():
                label = f"Line {name.replace('_', ' ')}"
                self.fields[prefix + name] = (
                    forms.CharField(required=False, max_length=500, label=label)
                    if shape is str
                    else DecimalFormField(shape=shape, name=f"line {name}", label=label)
                )
            for name in LINE_CODING:
                self.fields[prefix + name] = IdFormField(name=f"line {name}", label=f"Line {name}")
        self.fields["dimensions"].choices = [(v, v) for v in (data.getlist("dimensions") if data else [])]

    def _line_ids(self, values: list[str]) -> list[int]:
        if len(values) > MAX_LIST_ITEMS:
            self.add_error(None, f"At most {MAX_LIST_ITEMS} lines at a time.")
            return []
        ids = []
        for value in values:
            try:
                ids.append(parse_id(value, name="line"))
            except InputError as error:
                self.add_error(None, str(error))
        return [i for i in ids if i]

    def clean_dimensions(self) -> list[int]:
        try:
            return [parse_id(v, name="dimension") for v in self.cleaned_data["dimensions"] if v]
        except InputError as error:
            raise forms.ValidationError(str(error)) from None

    @property
    def creates_supplier(self) -> bool:
        return self.data.get("supplier") == NEW_SUPPLIER

    def new_supplier(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"new_supplier_{key}", "") for key in NEW_SUPPLIER_LIMITS}

    def update_data(self) -> dict[str, Any]:
        """The cleaned values in the shape `document_update` (and the API's PATCH) takes; only what
        the POST carried."""
        posted, cleaned = self.data, self.cleaned_data
        fields = {}
        for name in (*TEXT_FIELDS, *DATE_FIELDS, *AMOUNT_FIELDS):
            if f"f_{name}" in posted:
                value = cleaned.get(f"f_{name}")
                fields[name] = value.isoformat() if hasattr(value, "isoformat") else value
        data: dict[str, Any] = {"fields": fields}
        for name in HEADER_CODING:
            if name in posted and not (name == "supplier" and self.creates_supplier):
                data[name] = cleaned.get(name)
        if "dimensions_shown" in posted:
            data["dimensions"] = cleaned.get("dimensions", [])
        if cleaned.get("type"):
            data["type"] = cleaned["type"]
        lines = []
        for line_id in self.line_ids:
            prefix = f"line-{line_id}-"
            line: dict[str, Any] = {"id": line_id}
            for name in (*LINE_VALUES, *LINE_CODING):
                if prefix + name in posted:
                    line[name] = cleaned.get(prefix + name)
            lines.append(line)
        if lines:
            data["lines"] = lines
        return data


class DocumentFilterForm(forms.Form):
    """The lists' filters (GET). A value that is not what its filter takes is named and dropped."""

    status = forms.CharField(required=False, max_length=200)
    type = forms.CharField(required=False, max_length=200)
    supplier = forms.CharField(required=False, max_length=200)
    q = forms.CharField(required=False, max_length=200, label="Search")
    date_from = forms.DateField(required=False, label="Date from")
    date_to = forms.DateField(required=False, label="Date to")

    def filters(self) -> dict[str, Any]:
        """The valid filters that were given."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name) not in (None, "")}


class BankAccountDecisionForm(forms.Form):
    """Confirm or reject the new bank account a bill asks to be paid to (the review screen's panel).
    `iban` is the account the admin saw: a document changed in between is refused, never confirmed."""

    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("reject", "Reject")])
    iban = forms.CharField(max_length=60, strip=True)
    reason = forms.CharField(max_length=500, required=False, strip=True)


class NotDuplicateForm(forms.Form):
    """ "Not a duplicate": the other document of the pair, as the review page posts it."""

    other = forms.IntegerField(min_value=1, max_value=2**63 - 1)
