"""Settings › Rules: list, create/edit with "try on past documents", delete."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.roles import PERMISSIONS
from accounts.selectors import members_of
from accounts.views_mixins import CompanyRequiredMixin
from bookkeeping.models import Contact, Dimension, FinanceAccount, Product, Project, TaxRate
from core.errors import ApplicationError
from documents.choices import DocumentType
from rules.models import Rule
from rules.services import (
    active_rules,
    rule_broken_targets,
    rule_build,
    rule_delete,
    rule_describe,
    rule_dimensions,
    rule_preview,
    rule_save,
)

FORM_FIELDS = (
    "name", "position", "supplier", "supplier_vat_no", "keyword", "amount_min", "amount_max", "document_type",
    "sender_email", "project", "finance_account", "tax_rate", "product", "approver",
)  # fmt: skip


class RuleListView(CompanyRequiredMixin, View):
    required_permission = "rules.manage"

    def get(self, request):
        rules = (
            Rule.objects.for_company(request.company)
            .select_related("supplier", "project", "finance_account", "tax_rate", "product", "approver")
            .prefetch_related("dimensions")
        )
        return render(
            request,
            "rules/list.html",
            {
                "title": "Rules",
                "rules": [(r, rule_describe(r), rule_broken_targets(r)) for r in rules],
                "active": active_rules(request.company).count(),
            },
        )


class RuleFormView(CompanyRequiredMixin, View):
    required_permission = "rules.manage"

    def rule(self, request, pk):
        return None if pk is None else get_object_or_404(Rule.objects.for_company(request.company), pk=pk)

    def get(self, request, pk: int | None = None):
        rule = self.rule(request, pk)
        return render(request, "rules/form.html", self.context(request, rule, None, None))

    def post(self, request, pk: int | None = None):
        rule = self.rule(request, pk)
        data = {name: request.POST.get(name, "") for name in FORM_FIELDS}
        data["dimensions"] = request.POST.getlist("dimensions")
        data["is_active"] = "is_active" in request.POST
        data["auto_record"] = "auto_record" in request.POST
        try:
            if request.POST.get("then") == "preview":
                draft = rule_build(
                    company=request.company, rule=Rule(company=request.company, pk=None), data=data
                )
                return render(
                    request, "rules/form.html", self.context(request, rule, draft, rule_preview(rule=draft))
                )
            saved = rule_save(company=request.company, rule=rule, data=data, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return render(
                request, "rules/form.html", self.context(request, rule, None, None, data=data), status=400
            )
        messages.success(request, f"Rule “{saved.name}” saved. It applies to documents read from now on.")
        return redirect("rules:list")

    def context(self, request, rule, draft, preview, data=None):
        company = request.company
        shown = draft or rule
        broken = rule_broken_targets(shown) if shown else []
        approvers = members_of(company=company).filter(role__in=PERMISSIONS["documents.approve"])
        return {
            "title": f"Rule: {rule.name}" if rule else "New rule",
            "rule": rule,
            "shown": shown,
            "data": data or {},
            "selected_dimensions": {d.pk for d in rule_dimensions(shown)} if shown else set(),
            "preview": preview,
            "broken": broken,
            "preview_description": rule_describe(draft) if draft else "",
            "suppliers": Contact.objects.for_company(company).filter(is_active=True, is_supplier=True),
            "projects": _choices(Project, company, shown, "project"),
            "finance_accounts": _choices(FinanceAccount, company, shown, "finance_account"),
            "tax_rates": _choices(TaxRate, company, shown, "tax_rate"),
            "products": _choices(Product, company, shown, "product"),
            "dimensions": Dimension.objects.for_company(company)
            .filter(is_active=True)
            .select_related("group"),
            "approvers": approvers,
            "types": DocumentType.choices,
        }


def _choices(model, company, rule, name: str):
    """The active records, and the rule's own target even when Scoro no longer has it active (the
    editor shows it, marked, rather than "—")."""
    current = getattr(rule, f"{name}_id", None) if rule else None
    return model.objects.for_company(company).filter(Q(is_active=True) | Q(pk=current))


class RuleDeleteView(CompanyRequiredMixin, View):
    required_permission = "rules.manage"

    def post(self, request, pk: int):
        rule = get_object_or_404(Rule.objects.for_company(request.company), pk=pk)
        rule_delete(rule=rule, actor=request.user)
        messages.success(request, f"Rule “{rule.name}” deleted.")
        return redirect("rules:list")
