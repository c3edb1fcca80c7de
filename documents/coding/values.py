"""Corrections and coding of a document: every write to its extracted values or coding goes through
`document_update`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.selectors import member_of
from audit.services import audit_record
from bookkeeping.models import Contact, Dimension, FinanceAccount, Product, Project, TaxRate
from core.errors import InvalidTransition, StaleVersion, ValidationFailed
from core.hooks import Happened, announce
from core.parsing import clean_date
from core.validation import AMOUNT, PERCENT, PRICE, QUANTITY, InputError, parse_decimal, parse_id
from documents.choices import LOCKED_STATUSES, DocumentType
from documents.choices import DocumentStatus as S
from documents.duplicates.services import duplicates_check_on_commit
from documents.models import Document, DocumentLine

# Extracted values a person may correct, and how each is parsed. Denormalised ones mirror onto columns.
DATE_FIELDS = ("issue_date", "due_date")
AMOUNT_FIELDS = ("total", "subtotal", "tax_total")
TEXT_FIELDS = (
    "supplier_name",
    "supplier_vat_no",
    "supplier_reg_no",
    "buyer_name",
    "invoice_number",
    "currency",
    "po_number",
    "iban",
)
EDITABLE_FIELDS = TEXT_FIELDS + DATE_FIELDS + AMOUNT_FIELDS
DENORMALISED = {
    "supplier_name": 255,
    "invoice_number": 100,
    "currency": 3,
    "issue_date": None,
    "due_date": None,
    "total": None,
    "subtotal": None,
    "tax_total": None,
}
# Longest text a person may type into each extracted text field (the columns' widths, or close).
TEXT_LIMITS = {
    "supplier_name": 255,
    "supplier_vat_no": 40,
    "supplier_reg_no": 40,
    "buyer_name": 255,
    "invoice_number": 100,
    "currency": 3,
    "po_number": 100,
    "iban": 50,
}
# Changing these changes what gets approved: a running approval starts again.
# What documents.duplicates compares: a change checks the document again once it is committed.
DUPLICATE_FACTS = frozenset(
    {"supplier_name", "supplier_vat_no", "invoice_number", "total", "issue_date", "supplier", "type"}
)
VERSIONED_FIELDS = frozenset({"currency", *AMOUNT_FIELDS})

HEADER_CODING = {
    "supplier": Contact,
    "project": Project,
    "finance_account": FinanceAccount,
    "tax_rate": TaxRate,
}
LINE_CODING = {
    "product": Product,
    "project": Project,
    "finance_account": FinanceAccount,
    "tax_rate": TaxRate,
    "dimension": Dimension,
}
LINE_VALUES = {
    "description": str,
    "quantity": QUANTITY,
    "unit_price": PRICE,
    "total": AMOUNT,
    "tax_percent": PERCENT,
}

# A document in these states is being sent to Scoro right now; it cannot change under the worker.
DELETABLE_STATUSES = frozenset(
    {S.RECEIVED, S.TO_REVIEW, S.REJECTED, S.IN_APPROVAL, S.READY, S.PUBLISH_FAILED}
)
# Coded by a person and waiting for them: recording (again, after a rejection) starts here.
RECORDABLE_STATUSES = frozenset({S.TO_REVIEW, S.REJECTED})

USER_SOURCE = "user"


def _decimal(value: Any, *, name: str, shape: tuple[int, int]) -> Decimal | None:
    """A number that fits its column (core.validation.parse_decimal), or ValidationFailed."""
    try:
        return parse_decimal(value, shape=shape, name=name)
    except InputError as error:
        raise ValidationFailed(str(error), {"field": name}) from None


def _clean_field(name: str, value: Any) -> Any:
    """The JSON value stored in document.fields for a corrected extracted field."""
    if name in AMOUNT_FIELDS:
        number = _decimal(value, name=name, shape=AMOUNT)
        return None if number is None else f"{number:.2f}"
    if name in DATE_FIELDS:
        date = clean_date(value, name=name)
        return None if date is None else date.isoformat()
    if value is not None and not isinstance(value, (str, int)):
        raise ValidationFailed(f"{name.replace('_', ' ').capitalize()} must be text.", {"field": name})
    text = "" if value is None else str(value).strip()
    if len(text) > TEXT_LIMITS.get(name, 255):
        raise ValidationFailed(
            f"{name.replace('_', ' ').capitalize()} is longer than {TEXT_LIMITS.get(name, 255)} characters.",
            {"field": name},
        )
    if name == "currency":
        text = text.upper()
        if text and (len(text) != 3 or not text.isalpha()):
            raise ValidationFailed("Currency must be a three-letter ISO code.", {"field": name})
    return text or None


def _same_field(name: str, old: Any, new: Any) -> bool:
    try:
        return _clean_field(name, old) == new
    except ValidationFailed:
        return False


def _column_value(name: str, value: Any) -> Any:
    if name in AMOUNT_FIELDS:
        return None if value is None else Decimal(value)
    if name in DATE_FIELDS:
        return None if value is None else dt.date.fromisoformat(value)
    limit = DENORMALISED[name]
    return (value or "")[:limit]


def _resolve(model, value: Any, *, company, name: str):
    """An id (or instance) of one of the company's own records, or None. Others' ids are unknown ids."""
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        value = value.pk
    try:
        pk = parse_id(value, name=name)
        return model.objects.for_company(company).get(pk=pk)
    except (model.DoesNotExist, InputError):
        raise ValidationFailed(
            f"Unknown {name.replace('_', ' ')}: {str(value)[:40]}.", {"field": name}
        ) from None


def _source_label(source: Any) -> str:
    if isinstance(source, dict):
        return source.get("label") or source.get("kind", "")
    return str(source or "")


@dataclass
class _Changes:
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    coding: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    versioned: bool = False

    def __bool__(self) -> bool:
        return bool(self.fields or self.coding)


def _check_shape(data: Any) -> None:
    """The body's containers are what they should be (the API's serializer already ensures it; this
    keeps every other caller from reaching the loops below with a string or a number)."""
    if not isinstance(data, dict):
        raise ValidationFailed("Expected an object of fields.", {"field": "body"})
    shapes = {"fields": dict, "dimensions": list, "lines": list}
    for name, kind in shapes.items():
        if data.get(name) is not None and not isinstance(data[name], kind):
            raise ValidationFailed(
                f"{name.capitalize()} must be {'an object' if kind is dict else 'a list'}.", {"field": name}
            )
    if any(not isinstance(line, dict) for line in data.get("lines") or []):
        raise ValidationFailed("Each line must be an object.", {"field": "lines"})


def check_version(obj, expected: Any) -> None:
    """Optimistic locking: `expected` is the version the client read; another one means someone else
    changed the object since, and nothing is written (409 with the current version)."""
    if expected in (None, ""):
        return
    if str(expected) != str(obj.version):
        raise StaleVersion(
            f"Someone else changed this {obj._meta.verbose_name} since you opened it "
            f"(now version {obj.version}). Reload it and make your change again.",
            {"version": obj.version},
        )


@transaction.atomic
def document_update(
    *,
    document: Document,
    data: dict[str, Any],
    actor,
    source: Any = USER_SOURCE,
    expected_version: int | str | None = None,
) -> Document:
    """Apply corrections of extracted values and coding in the shape of the API's PATCH.

    `data` keys: `fields` (extracted values by name), `supplier`, `project`, `finance_account`,
    `tax_rate` (ids; null clears), `dimensions` (list of ids), `lines` (list of {id?, delete?, values
    and per-line coding}), `type`, `note`, `assigned_to` (a member's user id). `source` records who set
    the coding (a person, or a rule/suggestion as {"kind", "label", ...}). With `expected_version`,
    a document changed by someone else since is refused (StaleVersion).
    """
    _check_shape(data)
    document = Document.objects.select_for_update().get(pk=document.pk)
    check_version(document, expected_version)
    if document.status in LOCKED_STATUSES:
        raise InvalidTransition(
            f"The document is {document.get_status_display().lower()} and cannot be changed right now."
        )
    company = document.company
    changes = _Changes()
    update_fields: set[str] = set()

    for name, raw in (data.get("fields") or {}).items():
        if name not in EDITABLE_FIELDS:
            raise ValidationFailed(f"Unknown field: {name}.", {"field": name})
        value = _clean_field(name, raw)
        old = document.fields.get(name)
        if _same_field(name, old, value):
            continue
        document.fields = {**document.fields, name: value}
        update_fields.add("fields")
        if name in DENORMALISED:
            setattr(document, name, _column_value(name, value))
            update_fields.add(name)
        if name not in document.corrected_fields:
            document.corrected_fields = [*document.corrected_fields, name]
            update_fields.add("corrected_fields")
        changes.fields[name] = (old, value)
        changes.versioned |= name in VERSIONED_FIELDS

    sources = dict(document.coding_sources or {})
    for name, model in HEADER_CODING.items():
        if name not in data:
            continue
        new = _resolve(model, data[name], company=company, name=name)
        if getattr(document, f"{name}_id") == (new.pk if new else None):
            continue
        changes.coding[name] = (getattr(document, name), new)
        setattr(document, name, new)
        update_fields.add(name)
        sources[name] = source if new is not None else None
        if name == "supplier" and source == USER_SOURCE:
            document.supplier_match_reason = "Chosen by a person" if new else ""
            update_fields.add("supplier_match_reason")
    if "dimensions" in data:
        wanted = [
            _resolve(Dimension, pk, company=company, name="dimension") for pk in data["dimensions"] or []
        ]
        current = set(document.dimensions.values_list("pk", flat=True))
        if {d.pk for d in wanted} != current:
            document.dimensions.set(wanted)
            changes.coding["dimensions"] = (sorted(current), sorted(d.pk for d in wanted))
            sources["dimensions"] = source if wanted else None

    for line_data in data.get("lines") or []:
        _line_update(document=document, data=line_data, changes=changes, source=source)

    if "type" in data and data["type"] != document.type:
        if data["type"] not in DocumentType.values:
            raise ValidationFailed(f"Unknown document type: {data['type']}.", {"field": "type"})
        changes.coding["type"] = (document.type, data["type"])
        document.type = data["type"]
        update_fields.add("type")
    if "note" in data and (data["note"] or "") != document.note:
        document.note = data["note"] or ""
        update_fields.add("note")
    if "assigned_to" in data:
        _assign(document=document, user_id=data["assigned_to"])
        update_fields.add("assigned_to")

    sources = {k: v for k, v in sources.items() if v is not None}
    if sources != (document.coding_sources or {}):
        document.coding_sources = sources
        update_fields.add("coding_sources")
    if changes:
        document.version += 1
        update_fields.add("version")
    if update_fields:
        document.save(update_fields=[*sorted(update_fields), "updated_at"])
    if not changes:
        return document

    audit_record(
        target=document,
        verb="coded" if changes.coding and not changes.fields else "corrected",
        actor=actor if source == USER_SOURCE else None,
        actor_label="" if source == USER_SOURCE else _source_label(source),
        message=_describe(changes, source=source),
        data={
            "fields": {k: [_plain(o), _plain(n)] for k, (o, n) in changes.fields.items()},
            "coding": {k: [_plain(o), _plain(n)] for k, (o, n) in changes.coding.items()},
            "version": document.version,
        },
    )
    if DUPLICATE_FACTS & {*changes.fields, *changes.coding}:
        duplicates_check_on_commit(document=document)
    if source == USER_SOURCE and changes.fields:
        fields = {name: value for name, (_old, value) in changes.fields.items()}
        announce(Happened.FIELDS_CORRECTED, document=document, fields=fields, actor=actor)
    if changes.coding or changes.versioned:
        announce(Happened.CODING_CHANGED, document=document, actor=actor)
    return document


def _line_update(*, document: Document, data: dict[str, Any], changes: _Changes, source: Any) -> None:
    company = document.company
    if data.get("id"):
        try:
            line = document.lines.get(pk=parse_id(data["id"], name="line"))
        except (DocumentLine.DoesNotExist, InputError):
            raise ValidationFailed(f"Unknown line: {str(data['id'])[:40]}.", {"field": "lines"}) from None
        if data.get("delete"):
            changes.coding[f"line {line.position}"] = (str(line), None)
            changes.versioned = True
            line.delete()
            return
    else:
        last = document.lines.order_by("-position").values_list("position", flat=True).first()
        line = DocumentLine(document=document, position=(last or 0) + 1)
        changes.versioned = True
    label = f"line {line.position}"
    for name, kind in LINE_VALUES.items():
        if name not in data:
            continue
        if kind is str:
            value = str(data[name] or "")[:500]
        else:
            value = _decimal(data[name], name=f"line {name}", shape=kind)
            if name == "quantity" and value is None:
                value = Decimal("1")
        old = getattr(line, name)
        if (old if kind is str else (None if old is None else Decimal(old))) != value:
            setattr(line, name, value)
            changes.fields[f"{label} {name}"] = (old, value)
            changes.versioned |= name != "description"
    for name, model in LINE_CODING.items():
        if name not in data:
            continue
        new = _resolve(model, data[name], company=company, name=f"line {name}")
        if getattr(line, f"{name}_id") != (new.pk if new else None):
            changes.coding[f"{label} {name}"] = (getattr(line, name), new)
            setattr(line, name, new)
    line.save()


def _assign(*, document: Document, user_id: Any) -> None:

    if user_id in (None, ""):
        document.assigned_to = None
        return
    try:
        user_id = parse_id(user_id, name="assigned_to")
    except InputError:
        raise ValidationFailed(
            "That person is not a member of this company.", {"field": "assigned_to"}
        ) from None
    membership = member_of(company=document.company_id, user_id=user_id)
    if membership is None:
        raise ValidationFailed("That person is not a member of this company.", {"field": "assigned_to"})
    document.assigned_to = membership.user


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list)):
        return value
    if hasattr(value, "pk"):
        return {"id": value.pk, "name": str(value)}
    return str(value)


def _describe(changes: _Changes, *, source: Any) -> str:
    items = [*changes.fields.items(), *changes.coding.items()]
    text = "; ".join(f"{k.replace('_', ' ')} → {'—' if n in (None, '', []) else n}" for k, (_o, n) in items)
    if source != USER_SOURCE:
        text = f"Set by {_source_label(source)}: {text}"
    return text[:1000]
