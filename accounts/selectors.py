from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Company, Membership, Role
from core.validation import InputError, parse_id


def membership_get(*, user: AbstractBaseUser, company_id: int | str | None) -> Membership | None:
    """The user's membership in the company they act for.

    `company_id` picks one company (session choice or X-Company header); without it a user with a
    single company acts for that one.
    """
    if not user or not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("company").filter(user=user)
    if company_id not in (None, ""):
        try:
            return memberships.get(company_id=parse_id(company_id, name="company"))
        except (Membership.DoesNotExist, InputError):
            return None
    first_two = list(memberships.order_by("company__name")[:2])
    if len(first_two) == 1:
        return first_two[0]
    return first_two[0] if first_two else None


def member_of(*, company: Company | int, user_id: int | str | None) -> Membership | None:
    """The membership of user `user_id` in `company` (with its user and manager), or None: the one way
    services check that a person named in input belongs to the company."""
    if user_id in (None, "") or not str(user_id).isdigit():
        return None
    company_id = company.pk if isinstance(company, Company) else company
    return (
        Membership.objects.filter(company_id=company_id, user_id=int(user_id))
        .select_related("user", "manager")
        .first()
    )


def companies_for_user(*, user: AbstractBaseUser) -> list[Company]:
    return [m.company for m in Membership.objects.select_related("company").filter(user=user)]


def members_of(*, company: Company):
    return (
        Membership.objects.filter(company=company)
        .select_related("user", "manager")
        .order_by("user__username")
    )


def company_users_with_role(*, company: Company, role: str | Role):
    return [m.user for m in members_of(company=company).filter(role=role)]
