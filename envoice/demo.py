"""The demo company described in shared/API.md, built through the same services the product uses.

Each step is idempotent: `make demo` runs it on every start.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Company, Membership, Role
from approvals import demo as approvals_demo
from bookkeeping.models import DimensionGroup
from bookkeeping.services import dimension_groups_ensure
from core.demo import steps_of
from documents import demo as documents_demo
from rules import demo as rules_demo
from scoro_sync import demo as scoro_sync_demo

log = logging.getLogger(__name__)
DEMO_PASSWORD = "envoice-demo"
DEMO_COMPANY = "Demo OÜ"
OTHER_COMPANY = "Other Ltd"
DEMO_USERS = [
    ("admin", "Anna", "Admin", Role.ADMIN),
    ("accountant", "Kati", "Kask", Role.ACCOUNTANT),
    ("approver", "Mari", "Tamm", Role.APPROVER),
    ("employee", "Jaan", "Saar", Role.EMPLOYEE),
]


def _user(username: str, first: str = "", last: str = ""):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.envoice.local"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def create_companies_and_users() -> Company:
    demo, _ = Company.objects.get_or_create(slug="demo", defaults={"name": DEMO_COMPANY})
    other, _ = Company.objects.get_or_create(slug="other", defaults={"name": OTHER_COMPANY})
    for company in (demo, other):
        dimension_groups_ensure(company=company)
    # Employees of the demo company pick a project on their expense reports.
    DimensionGroup.objects.filter(company=demo, name=DimensionGroup.PROJECT).update(show_on_expense_form=True)
    users = {}
    for username, first, last, role in DEMO_USERS:
        users[username] = _user(username, first, last)
        Membership.objects.get_or_create(user=users[username], company=demo, defaults={"role": role})
    Membership.objects.filter(user=users["employee"], company=demo).update(manager=users["approver"])
    Membership.objects.get_or_create(
        user=_user("other", "Olav", "Other"), company=other, defaults={"role": Role.ADMIN}
    )
    return demo


# Each app's demo module registers its steps (core.demo.register); they run in this order.
DEMO_MODULES = (scoro_sync_demo, approvals_demo, rules_demo, documents_demo)


def run() -> Company:
    demo = create_companies_and_users()
    for module in DEMO_MODULES:
        for label, step in steps_of(module.__name__):
            log.info("demo: %s", label)
            step(demo)
    return demo
