"""The connect flow against the live sandbox: good and bad credentials, finish, deactivate/reactivate."""

from __future__ import annotations

import logging
import socket

import pytest

from audit.models import AuditEvent
from bookkeeping.models import Contact, Project, ScoroUser
from core.errors import InvalidTransition, ValidationFailed
from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.services import (
    connection_activate,
    connection_deactivate,
    connection_finish,
    scoro_client_for,
    validate_base_url,
)
from tests.scoro_sync.conftest import connect


def activate(company, sandbox, actor, **override):
    args = {
        "base_url": sandbox.base_url,
        "api_key": sandbox.api_key,
        "company_account_id": sandbox.company_account_id,
    }
    args.update(override)
    return connection_activate(company=company, actor=actor, **args)


def test_activate_checks_credentials_and_offers_active_users(company, admin_user, sandbox):
    users = activate(company, sandbox, admin_user)
    assert [u["full_name"] for u in users] == ["Andres Mets", "Jaan Kask", "Liis Saar", "Mari Tamm"]
    conn = ScoroConnection.objects.get(company=company)
    assert conn.state == ScoroConnection.State.ACTIVATED
    assert conn.get_api_key() == sandbox.api_key
    assert sandbox.api_key not in conn.api_key_encrypted  # encrypted at rest
    assert conn.masked_api_key.endswith(sandbox.api_key[-4:])
    assert AuditEvent.objects.filter(verb="scoro.activated", company=company).exists()


def test_wrong_key(company, admin_user, sandbox):
    with pytest.raises(ValidationFailed, match="did not accept the API key") as exc:
        activate(company, sandbox, admin_user, api_key="wrong-key")
    assert "api_key" in exc.value.extra
    assert not ScoroConnection.objects.filter(company=company, state="activated").exists()


def test_wrong_account(company, admin_user, sandbox):
    with pytest.raises(ValidationFailed, match="company account id “nope”"):
        activate(company, sandbox, admin_user, company_account_id="nope")


def test_wrong_url_answering_html_and_no_answer_get_one_message(company, admin_user, sandbox):
    """Issue 15, finding 9: a web page, a closed port and an open non-Scoro port answered three
    different messages, so the server could be used to map which ports answer."""
    answers = []
    for url in (sandbox.base_url + "/not-scoro", "http://127.0.0.1:9", "http://127.0.0.1:1"):
        with pytest.raises(ValidationFailed) as refused:
            activate(company, sandbox, admin_user, base_url=url)
        answers.append(refused.value.message.replace(url, "URL"))
    assert len(set(answers)) == 1 and "No Scoro API answered at URL" in answers[0]


@pytest.mark.parametrize(
    "url",
    ["http://example.scoro.com", "ftp://127.0.0.1", "example.scoro.com", "http://10.0.0.5:8001", ""],
)
def test_only_https_or_loopback_http(url):
    with pytest.raises(ValidationFailed):
        validate_base_url(url)


def test_accepted_urls(monkeypatch):
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]  # a global address
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)
    assert validate_base_url("https://acme.scoro.com/api/v2/") == "https://acme.scoro.com"
    assert validate_base_url("http://127.0.0.1:8001") == "http://127.0.0.1:8001"
    assert validate_base_url("http://localhost:8001/") == "http://localhost:8001"
    assert validate_base_url("http://[::1]:8001") == "http://[::1]:8001"


def test_finish_needs_an_active_scoro_user(company, admin_user, sandbox):
    activate(company, sandbox, admin_user)
    with pytest.raises(ValidationFailed, match="active Scoro users"):
        connection_finish(company=company, owner_user_id=5, actor=admin_user)  # Peeter is inactive


def test_finish_before_activate_is_refused(company, admin_user):
    with pytest.raises(InvalidTransition):
        connection_finish(company=company, owner_user_id=1, actor=admin_user)


def test_finish_connects_and_runs_initial_full_sync(
    company, admin_user, sandbox, django_capture_on_commit_callbacks
):
    run = connect(company, sandbox, admin_user, owner_user_id=2, capture=django_capture_on_commit_callbacks)
    conn = ScoroConnection.objects.get(company=company)
    assert conn.state == ScoroConnection.State.CONNECTED and conn.owner_name == "Jaan Kask"
    assert run.status == SyncRun.Status.SUCCEEDED and run.trigger == "connect" and run.kind == "full"
    assert conn.last_sync_at is not None
    assert Contact.objects.for_company(company).count() == len(sandbox.records("contacts"))


def test_finish_does_not_block_when_the_run_is_queued(company, admin_user, sandbox):
    activate(company, sandbox, admin_user)
    run = connection_finish(company=company, owner_user_id=1, actor=admin_user)  # on_commit not executed
    assert run.status == SyncRun.Status.RUNNING and run.progress == "Queued"


def test_deactivate_stops_communication_and_reactivation_keeps_mappings(
    company, admin_user, sandbox, django_capture_on_commit_callbacks, fast_retries
):
    connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    project = Project.objects.for_company(company).get(scoro_id=2)
    contact_ids = dict(Contact.objects.for_company(company).values_list("scoro_id", "pk"))

    conn = connection_deactivate(company=company, actor=admin_user)
    assert conn.state == ScoroConnection.State.DEACTIVATED and conn.api_key_encrypted == ""
    sandbox.state.calls.clear()
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        scoro_client_for(company=company)
    from scoro_sync.tasks import sync_company, sync_due_companies

    assert sync_due_companies.apply().get() == 0
    assert sync_company.apply(args=[company.pk]).get() == "not connected"
    assert sandbox.calls()["total"] == 0
    # Data stays (deactivated connection ≠ deleted data).
    assert Project.objects.for_company(company).get(pk=project.pk).is_active

    sandbox.modify("projects", 2, {"project_name": "Renamed while disconnected"})
    run = connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.counts["contacts"]["created"] == 0  # the same rows, matched by their Scoro ids
    assert dict(Contact.objects.for_company(company).values_list("scoro_id", "pk")) == contact_ids
    project.refresh_from_db()
    assert project.name == "Renamed while disconnected"


def test_cannot_activate_while_connected(company, admin_user, sandbox, django_capture_on_commit_callbacks):
    connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    with pytest.raises(InvalidTransition, match="already connected"):
        activate(company, sandbox, admin_user)


def test_api_key_never_logged(company, admin_user, sandbox, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ValidationFailed):
        activate(company, sandbox, admin_user, company_account_id="nope")
    connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    assert sandbox.api_key not in caplog.text
    assert sandbox.api_key not in repr(scoro_client_for(company=company))
    audit_text = " ".join(str(e.data) + e.message for e in AuditEvent.objects.filter(company=company))
    assert sandbox.api_key not in audit_text


def test_scoro_users_are_tenant_scoped(company, other_company, admin_user, other_user, sandbox):
    activate(company, sandbox, admin_user)
    assert ScoroUser.objects.for_company(company).count() == 4  # active ones
    assert ScoroUser.objects.for_company(other_company).count() == 0


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "192.168.1.1", "172.16.0.1", "169.254.169.254", "::1", "fd00::1", "0.0.0.0"],
)
def test_https_to_a_host_resolving_inside_our_network_is_refused(monkeypatch, settings, address):
    """Production: a host name that resolves to loopback, private or link-local is refused (SSRF)."""
    settings.ENVOICE_SCORO_ALLOW_LOOPBACK = False
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *args, **kwargs: [(family, socket.SOCK_STREAM, 6, "", (address, 443))]
    )
    with pytest.raises(ValidationFailed, match="No Scoro API answered"):
        validate_base_url("https://scoro.attacker.example")


def test_loopback_only_where_the_sandbox_is_allowed(settings):
    settings.ENVOICE_SCORO_ALLOW_LOOPBACK = False
    for url in ("http://127.0.0.1:8765", "https://127.0.0.1:8765", "https://localhost"):
        with pytest.raises(ValidationFailed):
            validate_base_url(url)
    settings.ENVOICE_SCORO_ALLOW_LOOPBACK = True
    assert validate_base_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765"


def test_connecting_to_another_scoro_site_carries_no_old_scoro_id(
    company, admin_user, sandbox, django_capture_on_commit_callbacks, fast_retries
):
    """Scoro ids belong to one site: after a switch (here another base URL), no contact or background row
    keeps an id of the old site, so the new site can never see an id it gave to something else."""
    connect(company, sandbox, admin_user, capture=django_capture_on_commit_callbacks)
    assert Contact.objects.for_company(company).filter(scoro_id__isnull=False).exists()
    connection_deactivate(company=company, actor=admin_user)

    other_site = sandbox.base_url.replace("127.0.0.1", "localhost")
    assert other_site != sandbox.base_url
    activate(company, sandbox, admin_user, base_url=other_site)

    for model in (Contact, Project):
        assert not model.objects.for_company(company).filter(scoro_id__isnull=False).exists(), model
    assert set(Contact.objects.for_company(company).values_list("push_state", flat=True)) == {"pending"}
    assert not Project.objects.for_company(company).filter(is_active=True).exists()
    assert AuditEvent.objects.filter(verb="scoro.site_changed").count() == 1
    # Users were read from the new site afresh.
    assert ScoroUser.objects.for_company(company).filter(is_active=True, scoro_id__isnull=False).exists()
