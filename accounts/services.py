"""Writes for companies, members and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Company, Invitation, Membership, Role, _inbound_token
from audit.services import audit_record
from core.errors import ValidationFailed
from core.hooks import Happened, announce

User = get_user_model()


@transaction.atomic
def company_sign_up(*, company_name: str, username: str, email: str, password: str) -> tuple[Company, object]:
    """A new company with its first user, who becomes its admin."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("That username is taken.", {"field": "username"})
    user = User.objects.create_user(username=username, email=email, password=password)
    company = Company.objects.create(name=company_name)
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    announce(Happened.COMPANY_CREATED, company=company)
    return company, user


@transaction.atomic
def invitation_create(*, company: Company, email: str, role: str, invited_by) -> Invitation:
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationFailed(f"{email} is already a member of {company}.")
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    _invitation_send(invitation, invited_by=invited_by)
    return invitation


def _invitation_send(invitation: Invitation, *, invited_by) -> None:
    company = invitation.company
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:accept_invitation", args=[invitation.token])
    inviter = (invited_by.get_full_name() or invited_by.get_username()) if invited_by else company.name
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {company} on Envoice",
            message=(
                f"{inviter} invited you to join {company} on Envoice as {invitation.get_role_display()}.\n\n"
                f"Accept the invitation: {link}\n\nThe link is valid until {invitation.expires_at:%Y-%m-%d %H:%M}."
            ),
            from_email=None,
            recipient_list=[invitation.email],
        )
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """Send an open invitation again with a fresh link, valid for the full period from now; the old
    link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationFailed(f"{invitation.email} has already accepted the invitation.")
    invitation.token = secrets.token_urlsafe()
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token", "expires_at"])
    audit_record(
        target=invitation,
        verb="invitation_resent",
        actor=actor,
        message=f"Invitation to {invitation.email} sent again.",
    )
    _invitation_send(invitation, invited_by=actor)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> None:
    """Withdraw an open invitation: its link stops working at once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationFailed(f"{invitation.email} has already accepted the invitation.")
    audit_record(
        target=invitation,
        verb="invitation_revoked",
        actor=actor,
        message=f"Invitation to {invitation.email} revoked.",
    )
    invitation.delete()


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user=None, username: str = "", password: str = ""
) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationFailed("This invitation has expired or was already used.")
    if user is None:
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationFailed("That username is taken.", {"field": "username"})
        user = User.objects.create_user(username=username, email=invitation.email, password=password)
    membership, _ = Membership.objects.get_or_create(
        user=user, company=invitation.company, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_other_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        _ensure_other_admin(membership)
    membership.delete()


def _ensure_other_admin(membership: Membership) -> None:
    others = Membership.objects.filter(company=membership.company, role=Role.ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationFailed("A company needs at least one admin.")


def company_rotate_inbound_address(*, company: Company) -> Company:
    company.inbound_token = _inbound_token()
    company.save(update_fields=["inbound_token"])
    return company
