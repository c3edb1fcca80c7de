"""Coding rules: save them, match them against documents, apply them after extraction, preview them.

`rules_apply` is called once extraction has finished. Rules run in `Rule.position` order; for each
coding field the first matching rule that sets it wins, and a value a person chose is never
overwritten, nor one the sender named in the forwarding address (a sender's default project may be:
REPLACEABLE_KINDS). Each value a rule sets is marked on the document (coding_sources: "set by rule:
Cloud hosting") and written to the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import role_can
from accounts.selectors import member_of
from audit.services import audit_record
from bookkeeping.models import Contact, Dimension, FinanceAccount, Product, Project, TaxRate
from core.errors import ApplicationError, ValidationFailed
from core.validation import AMOUNT, MAX_ID, MAX_POSITIVE_INT, InputError, parse_decimal, parse_id
from documents.choices import DocumentStatus, DocumentType
from documents.coding import document_record, document_update
from documents.models import Document
from rules.models import Rule

log = logging.getLogger(__name__)

HEADER_ACTIONS = ("project", "finance_account", "tax_rate")
RULE_FKS = {
    "supplier": Contact,
    "project": Project,
    "finance_account": FinanceAccount,
    "tax_rate": TaxRate,
    "product": Product,
}
RULE_VALUES = (
    "name",
    "position",
    "is_active",
    "supplier_vat_no",
    "keyword",
    "amount_min",
    "amount_max",
    "document_type",
    "sender_email",
    "auto_record",
)
CONDITIONS = (
    "supplier",
    "supplier_vat_no",
    "keyword",
    "amount_min",
    "amount_max",
    "document_type",
    "sender_email",
)
PREVIEW_LIMIT = 50


def _compact(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


# ---------------------------------------------------------------------------------------------------
# Saving


@transaction.atomic
def rule_save(*, company, rule: Rule | None, data: dict[str, Any], actor) -> Rule:
    """Create (rule=None) or change a rule from plain values and ids of the company's own records."""
    creating = rule is None
    rule = rule_build(company=company, rule=rule, data=data)
    if creating:
        rule.created_by = actor if getattr(actor, "is_authenticated", False) else None
    rule.save()
    if hasattr(rule, "pending_dimensions"):
        rule.dimensions.set(rule.pending_dimensions)
    audit_record(
        target=rule,
        verb="rule_created" if creating else "rule_changed",
        actor=actor,
        message=f"{'Created' if creating else 'Changed'} rule {rule.name}: {rule_describe(rule)}",
        data={k: str(v) for k, v in data.items() if k != "dimensions"},
    )
    return rule


def rule_build(*, company, rule: Rule | None, data: dict[str, Any]) -> Rule:
    """An unsaved rule with `data` applied and validated (also used by the preview before saving)."""
    rule = rule or Rule(company=company)
    for name in RULE_VALUES:
        if name not in data:
            continue
        value = data[name]
        if name in ("amount_min", "amount_max"):
            value = _amount(value, name=name)
        elif name == "position":
            value = _position(value)
        elif name in ("is_active", "auto_record"):
            value = value in (True, "true", "on", "1", 1)
        else:
            if value is not None and not isinstance(value, str):
                raise ValidationFailed(
                    f"{name.replace('_', ' ').capitalize()} must be text.", {"field": name}
                )
            value = (value or "").strip()
            limit = Rule._meta.get_field(name).max_length
            if len(value) > limit:
                raise ValidationFailed(
                    f"{name.replace('_', ' ').capitalize()} is longer than {limit} characters.",
                    {"field": name},
                )
        setattr(rule, name, value)
    for name, model in RULE_FKS.items():
        if name in data:
            setattr(rule, name, _own(model, company, data[name], name=name))
    if "approver" in data:
        rule.approver = _member(company, data["approver"])
    if "dimensions" in data:
        # Kept on the instance until it is saved, so an unsaved rule can be previewed with them.
        rule.pending_dimensions = _dimensions(company, data["dimensions"])
    if not rule.name:
        raise ValidationFailed("Give the rule a name.", {"field": "name"})
    if rule.document_type and rule.document_type not in DocumentType.values:
        raise ValidationFailed(f"Unknown document type: {rule.document_type}.", {"field": "document_type"})
    if rule.amount_min is not None and rule.amount_max is not None and rule.amount_min > rule.amount_max:
        raise ValidationFailed("The lowest amount is above the highest.", {"field": "amount_min"})
    if not any(getattr(rule, c) not in (None, "") for c in CONDITIONS):
        raise ValidationFailed("A rule needs at least one condition.", {"field": "conditions"})
    has_action = any(getattr(rule, f"{a}_id") for a in (*HEADER_ACTIONS, "product", "approver"))
    has_dimensions = bool(rule_dimensions(rule))
    if not (has_action or has_dimensions or rule.auto_record):
        raise ValidationFailed("A rule needs at least one action.", {"field": "actions"})
    return rule


@transaction.atomic
def rule_delete(*, rule: Rule, actor) -> None:
    audit_record(target=rule, verb="rule_deleted", actor=actor, message=f"Deleted rule {rule.name}.")
    rule.delete()


def _amount(value: Any, *, name: str) -> Decimal | None:
    try:
        return parse_decimal(value, shape=AMOUNT, name=name)
    except InputError as error:
        raise ValidationFailed(str(error), {"field": name}) from None


def _position(value: Any) -> int:
    if value in (None, ""):
        return 100
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > MAX_POSITIVE_INT:
        raise ValidationFailed(
            f"Order must be a whole number from 0 to {MAX_POSITIVE_INT}.", {"field": "position"}
        )
    return int(value)


def _own(model, company, value: Any, *, name: str):
    if value in (None, ""):
        return None
    pk = value.pk if hasattr(value, "pk") else value
    try:
        return model.objects.for_company(company).get(pk=parse_id(pk, name=name))
    except (model.DoesNotExist, InputError):
        raise ValidationFailed(
            f"Unknown {name.replace('_', ' ')}: {str(pk)[:40]}.", {"field": name}
        ) from None


def rule_dimensions(rule: Rule) -> list[Dimension]:
    if hasattr(rule, "pending_dimensions"):
        return list(rule.pending_dimensions)
    return list(rule.dimensions.all()) if rule.pk else []


def _dimensions(company, values) -> list[Dimension]:
    if isinstance(values, (str, dict)) or not hasattr(values or [], "__iter__"):
        raise ValidationFailed("Dimensions must be a list of ids.", {"field": "dimensions"})
    return [_own(Dimension, company, v, name="dimension") for v in values or []]


def _member(company, value: Any):

    if value in (None, ""):
        return None
    pk = value.pk if hasattr(value, "pk") else value
    membership = member_of(company=company, user_id=pk) if str(pk).isdigit() and int(pk) <= MAX_ID else None
    if membership is None or not role_can(membership.role, "documents.approve"):
        raise ValidationFailed("The approver must be a member who may approve.", {"field": "approver"})
    return membership.user


# ---------------------------------------------------------------------------------------------------
# Matching


def rule_matches(rule: Rule, document: Document) -> bool:
    """All of the rule's conditions hold for the document."""
    if rule.supplier_id and document.supplier_id != rule.supplier_id:
        return False
    if rule.supplier_vat_no:
        vats = {_compact((document.fields or {}).get("supplier_vat_no") or "")}
        if document.supplier_id:
            vats.add(_compact(document.supplier.vat_no))
        if _compact(rule.supplier_vat_no) not in vats:
            return False
    if rule.keyword:
        haystack = " ".join(
            [
                document.text or "",
                document.supplier_name,
                document.email_subject,
                document.filename,
                document.note,
            ]
            + [line.description for line in document.lines.all()]
        ).casefold()
        if rule.keyword.casefold() not in haystack:
            return False
    if rule.amount_min is not None and (document.total is None or document.total < rule.amount_min):
        return False
    if rule.amount_max is not None and (document.total is None or document.total > rule.amount_max):
        return False
    if rule.document_type and document.type != rule.document_type:
        return False
    if rule.sender_email:
        wanted, sender = rule.sender_email.strip().lower(), (document.sender_email or "").lower()
        if not sender:
            return False
        if wanted.startswith("@"):
            if not sender.endswith(wanted):
                return False
        elif sender != wanted:
            return False
    return True


def rule_prefilter(rule: Rule) -> Q:
    """A database filter no narrower than `rule_matches`, to look through past documents quickly."""
    q = Q()
    if rule.supplier_id:
        q &= Q(supplier_id=rule.supplier_id)
    if rule.keyword:
        q &= (
            Q(text__icontains=rule.keyword)
            | Q(supplier_name__icontains=rule.keyword)
            | Q(email_subject__icontains=rule.keyword)
            | Q(filename__icontains=rule.keyword)
            | Q(note__icontains=rule.keyword)
            | Q(lines__description__icontains=rule.keyword)
        )
    if rule.amount_min is not None:
        q &= Q(total__gte=rule.amount_min)
    if rule.amount_max is not None:
        q &= Q(total__lte=rule.amount_max)
    if rule.document_type:
        q &= Q(type=rule.document_type)
    if rule.sender_email:
        wanted = rule.sender_email.strip()
        q &= Q(sender_email__iendswith=wanted) if wanted.startswith("@") else Q(sender_email__iexact=wanted)
    return q


def rule_describe(rule: Rule) -> str:
    conditions = []
    if rule.supplier_id:
        conditions.append(f"supplier is {rule.supplier}")
    if rule.supplier_vat_no:
        conditions.append(f"VAT number is {rule.supplier_vat_no}")
    if rule.keyword:
        conditions.append(f"text contains “{rule.keyword}”")
    if rule.amount_min is not None and rule.amount_max is not None:
        conditions.append(f"total {rule.amount_min}–{rule.amount_max}")
    elif rule.amount_min is not None:
        conditions.append(f"total ≥ {rule.amount_min}")
    elif rule.amount_max is not None:
        conditions.append(f"total ≤ {rule.amount_max}")
    if rule.document_type:
        conditions.append(f"type is {rule.get_document_type_display().lower()}")
    if rule.sender_email:
        conditions.append(f"sent from {rule.sender_email}")
    actions = [
        f"{a.replace('_', ' ')} {getattr(rule, a)}"
        for a in (*HEADER_ACTIONS, "product")
        if getattr(rule, f"{a}_id")
    ]
    dims = ", ".join(str(d) for d in rule_dimensions(rule))
    if dims:
        actions.append(f"dimensions {dims}")
    if rule.approver_id:
        actions.append(f"approver {rule.approver.get_full_name() or rule.approver}")
    if rule.auto_record:
        actions.append("record automatically")
    return f"If {' and '.join(conditions) or 'always'} → {', '.join(actions) or 'nothing'}"


# ---------------------------------------------------------------------------------------------------
# Applying


@dataclass
class Plan:
    """What one rule would change on one document."""

    rule: Rule
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    line_products: list[int] = field(default_factory=list)


def _is_persons(document: Document, name: str) -> bool:
    return (document.coding_sources or {}).get(name) == "user"


def _set_by_rule(document: Document, name: str) -> bool:
    source = (document.coding_sources or {}).get(name)
    return isinstance(source, dict) and source.get("kind") == "rule"


# Values set at intake that a rule may still replace: a sender's default project is a fallback, not a
# choice. A project the sender named in the address (kind "e-mail") is a choice, like a person's.
REPLACEABLE_KINDS = frozenset({"rule", "sender default"})


def _replaceable(document: Document, name: str) -> bool:
    source = (document.coding_sources or {}).get(name)
    return isinstance(source, dict) and source.get("kind") in REPLACEABLE_KINDS


def _free(document: Document, name: str, taken: set[str]) -> bool:
    """A rule may set `name`: no earlier rule did in this run, and it is empty or was set by a rule."""
    if name in taken or _is_persons(document, name):
        return False
    if name == "dimensions":
        return not document.dimensions.exists() or _set_by_rule(document, name)
    if name == "approver":
        return document.named_approver_id is None or _set_by_rule(document, "named_approver")
    return getattr(document, f"{name}_id") is None or _replaceable(document, name)


def rule_plan(rule: Rule, document: Document, *, taken: set[str] | None = None) -> Plan:
    """The changes `rule` would make to `document` (empty when it does not match)."""
    taken = taken if taken is not None else set()
    plan = Plan(rule=rule)
    if not rule_matches(rule, document):
        return plan
    for name in HEADER_ACTIONS:
        new_id = getattr(rule, f"{name}_id")
        if new_id and _free(document, name, taken) and getattr(document, f"{name}_id") != new_id:
            plan.changes[name] = (getattr(document, name), getattr(rule, name))
    wanted = rule_dimensions(rule)
    if wanted and _free(document, "dimensions", taken):
        current = list(document.dimensions.all())
        if {d.pk for d in current} != {d.pk for d in wanted}:
            plan.changes["dimensions"] = (current, wanted)
    if rule.product_id and "product" not in taken:
        plan.line_products = [line.pk for line in document.lines.all() if line.product_id is None]
        if plan.line_products:
            plan.changes["product"] = (None, rule.product)
    if (
        rule.approver_id
        and _free(document, "approver", taken)
        and document.named_approver_id != rule.approver_id
    ):
        plan.changes["approver"] = (None, rule.approver)
    if rule.auto_record and "auto_record" not in taken and document.status == DocumentStatus.TO_REVIEW:
        plan.changes["auto_record"] = (False, True)
    return plan


# The records a rule sets. One that is no longer active in Scoro pauses the rule: it is never applied
# with a target Scoro would refuse (or silently without it) until a person picks another.
TARGETS = ("project", "finance_account", "tax_rate", "product")
INACTIVE_TARGET = (
    Q(project__is_active=False)
    | Q(finance_account__is_active=False)
    | Q(tax_rate__is_active=False)
    | Q(product__is_active=False)
    | Q(dimensions__is_active=False)
)


def rule_broken_targets(rule: Rule) -> list[str]:
    """ "project Website" for each target of `rule` that is no longer active in Scoro."""
    broken = [
        f"{name.replace('_', ' ')} {target}"
        for name in TARGETS
        if (target := getattr(rule, name)) is not None and not target.is_active
    ]
    broken += [f"dimension {d}" for d in rule_dimensions(rule) if not d.is_active]
    return broken


def paused_rules(company) -> QuerySet[Rule]:
    """Switched-on rules held back because a target is no longer active in Scoro."""
    return Rule.objects.for_company(company).filter(is_active=True).filter(INACTIVE_TARGET).distinct()


def active_rules(company) -> QuerySet[Rule]:
    return (
        Rule.objects.for_company(company)
        .filter(is_active=True)
        .exclude(pk__in=paused_rules(company).values("pk"))
        .select_related("supplier", "project", "finance_account", "tax_rate", "product", "approver")
        .prefetch_related("dimensions")
        .order_by("position", "id")
    )


def rules_apply(*, document: Document, actor=None) -> list[Rule]:
    """Apply the company's rules to a freshly extracted document; returns the rules applied."""

    document = Document.objects.select_related("supplier").get(pk=document.pk)
    applied: list[Rule] = []
    taken: set[str] = set()
    auto_record_by: Rule | None = None
    for rule in active_rules(document.company):
        plan = rule_plan(rule, document, taken=taken)
        if not plan.changes:
            continue
        taken |= set(plan.changes)
        source = {"kind": "rule", "id": rule.pk, "label": rule.name}
        data: dict[str, Any] = {
            name: new.pk for name, (_old, new) in plan.changes.items() if name in HEADER_ACTIONS
        }
        if "dimensions" in plan.changes:
            data["dimensions"] = [d.pk for d in plan.changes["dimensions"][1]]
        if plan.line_products:
            data["lines"] = [{"id": pk, "product": rule.product_id} for pk in plan.line_products]
        with transaction.atomic():
            if data:
                document = document_update(document=document, data=data, actor=None, source=source)
            if "approver" in plan.changes:
                document.named_approver = rule.approver
                document.coding_sources = {**(document.coding_sources or {}), "named_approver": source}
                document.save(update_fields=["named_approver", "coding_sources", "updated_at"])
            audit_record(
                target=document,
                verb="rule_applied",
                actor_label=f"rule: {rule.name}",
                message=f"Rule “{rule.name}” applied: "
                + ", ".join(_change_text(n, new) for n, (_o, new) in plan.changes.items()),
                data={"rule": rule.pk, "fields": sorted(plan.changes)},
            )
            Rule.objects.filter(pk=rule.pk).update(
                applied_count=rule.applied_count + 1, last_applied_at=timezone.now()
            )
        if "auto_record" in plan.changes and auto_record_by is None:
            auto_record_by = rule
        applied.append(rule)
    if auto_record_by is not None:
        try:
            document_record(document=document, actor=actor)
        except ApplicationError as error:
            audit_record(
                target=document,
                verb="auto_record_skipped",
                actor_label=f"rule: {auto_record_by.name}",
                message=f"Not recorded automatically: {error.message}",
            )
    return applied


def _change_text(name: str, value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if name == "approver":
        value = value.get_full_name() or value.get_username()
    if name == "auto_record":
        return "record automatically"
    return f"{name.replace('_', ' ')} → {value}"


# ---------------------------------------------------------------------------------------------------
# Preview ("try on past documents")


@dataclass
class PreviewRow:
    document: Document
    changes: list[str]


def rule_preview(*, rule: Rule, limit: int = PREVIEW_LIMIT) -> list[PreviewRow]:
    """What `rule` (saved or not) would change on the company's recent documents; nothing is written."""
    candidates = (
        Document.objects.for_company(rule.company)
        .filter(rule_prefilter(rule))
        .select_related("supplier", "project", "finance_account", "tax_rate")
        .prefetch_related("dimensions", "lines")
        .distinct()
        .order_by("-received_at", "-id")[: limit * 4]
    )
    rows = []
    for document in candidates:
        plan = rule_plan(rule, document)
        if plan.changes:
            rows.append(
                PreviewRow(
                    document=document,
                    changes=[
                        _change_text(n, new) if n != "auto_record" else "record automatically"
                        for n, (_o, new) in plan.changes.items()
                    ],
                )
            )
        if len(rows) >= limit:
            break
    return rows
