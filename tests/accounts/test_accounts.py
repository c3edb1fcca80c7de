import re

import pytest
from django.core import mail

from accounts.models import Invitation, Membership, Role
from accounts.services import invitation_create, membership_remove
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_token_endpoint_returns_token_for_valid_credentials(client, accountant):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "accountant", "password": "envoice-test"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_endpoint_refuses_wrong_password(client, accountant):
    response = client.post("/api/v1/auth/token/", {"username": "accountant", "password": "nope"})
    assert response.status_code == 400


def test_api_requires_authentication(client):
    assert client.get("/api/v1/projects/").status_code in (401, 403)


def test_sign_up_creates_company_with_admin(client):
    response = client.post(
        "/accounts/signup/",
        {
            "company_name": "Fresh AS",
            "username": "founder",
            "email": "f@fresh.test",
            "password": "a-Good-passw0rd",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="founder")
    assert membership.company.name == "Fresh AS"
    assert membership.role == Role.ADMIN
    from bookkeeping.models import DimensionGroup

    groups = DimensionGroup.objects.for_company(membership.company).values_list("name", flat=True)
    assert set(groups) == {"Project", "Object"}


def test_invitation_flow(client, admin_user, company, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/members/", {"email": "new@demo.test", "role": "approver"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/accounts/invitations/\S+/", mail.outbox[0].body).group(0)
    client.logout()
    path = link.split("127.0.0.1:8000")[-1] if "127.0.0.1:8000" in link else "/" + link.split("/", 3)[3]
    response = client.post(path, {"username": "newbie", "password": "a-Good-passw0rd"})
    assert response.status_code == 302
    assert Membership.objects.get(user__username="newbie", company=company).role == Role.APPROVER
    assert Invitation.objects.get(email="new@demo.test").accepted_at is not None
    # The link works once.
    assert client.get(path).status_code == 404


def test_expired_invitation_is_refused(client, admin_user, company):
    from datetime import timedelta

    from django.utils import timezone

    invitation = invitation_create(
        company=company, email="late@demo.test", role="employee", invited_by=admin_user
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/accounts/invitations/{invitation.token}/").status_code == 404


def test_last_admin_cannot_be_removed(admin_user, company):
    with pytest.raises(ValidationFailed):
        membership_remove(membership=admin_user.memberships.get(company=company))


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("accountant", 403), ("employee", 403)])
def test_only_admins_manage_members(client, company, role, status):
    from tests.factories import MembershipFactory

    user = MembershipFactory(company=company, role=role).user
    client.force_login(user)
    assert client.get("/accounts/members/").status_code == status


def test_password_reset_sends_mail(client, accountant):
    accountant.email = "acc@demo.test"
    accountant.save()
    client.post("/accounts/password-reset/", {"email": "acc@demo.test"})
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_login_is_rate_limited(client, accountant):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "accountant", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "accountant", "password": "envoice-test"})
    assert response.status_code == 429
