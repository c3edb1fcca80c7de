"""Demo step: one coding rule, "Cloud hosting" (keyword hosting → a project and an expense account)."""

from __future__ import annotations

import logging

from accounts.models import Company
from bookkeeping.models import FinanceAccount, Project
from core.demo import register
from rules.models import Rule
from rules.services import rule_save

log = logging.getLogger(__name__)


@register("Rules: a demo coding rule")
def demo_rules(company: Company) -> None:
    if Rule.objects.for_company(company).filter(name="Cloud hosting").exists():
        return
    project = Project.objects.for_company(company).filter(is_active=True).order_by("name").first()
    account = (
        FinanceAccount.objects.for_company(company)
        .filter(is_active=True, is_purchases=True)
        .order_by("code")
        .first()
    )
    if project is None and account is None:
        log.info("demo: no projects or accounts synced yet; the demo rule is skipped")
        return
    rule_save(
        company=company,
        rule=None,
        data={
            "name": "Cloud hosting",
            "position": 10,
            "keyword": "hosting",
            "project": project.pk if project else None,
            "finance_account": account.pk if account else None,
        },
        actor=None,
    )
