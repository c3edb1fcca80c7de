"""The demo company described in shared/API.md, built through the same services the product uses.

Each step is idempotent: `make demo` runs it on every start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Company, Membership, Role

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
    from bookkeeping.models import DimensionGroup
    from bookkeeping.services import dimension_groups_ensure

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


# Later capabilities append their own step: (label, callable taking the demo company).
STEPS: list[tuple[str, Callable[[Company], None]]] = []


def register(label: str):
    def decorator(func: Callable[[Company], None]):
        STEPS.append((label, func))
        return func

    return decorator


def run() -> Company:
    demo = create_companies_and_users()
    for module in ("scoro_sync.demo", "approvals.demo", "rules.demo", "documents.demo"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    for label, step in STEPS:
        log.info("demo: %s", label)
        step(demo)
    return demo
