"""Server-rendered intake pages and the forwarding-address settings."""

import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_upload_and_capture_pages_render(client, employee):
    client.force_login(employee)
    upload = client.get("/documents/upload/")
    assert upload.status_code == 200
    assert b"data-dropzone" in upload.content and b"js/upload.js" in upload.content
    capture = client.get("/documents/capture/")
    assert b'capture="environment"' in capture.content


def test_pages_need_login(client):
    assert client.get("/documents/upload/").status_code == 302


def test_admin_rotates_address(client, admin_user, company):
    client.force_login(admin_user)
    old = company.inbound_address
    assert old.encode() in client.get("/settings/").content
    response = client.post("/documents/inbound-address/rotate/")
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.inbound_address != old
    assert AuditEvent.objects.get(verb="rotate_inbound_address").data["old"] == old


def test_only_admin_rotates(client, accountant, company):
    client.force_login(accountant)
    old = company.inbound_token
    assert client.post("/documents/inbound-address/rotate/").status_code == 403
    company.refresh_from_db()
    assert company.inbound_token == old


def test_sender_allow_list_is_validated_and_saved(client, admin_user, company):
    client.force_login(admin_user)
    client.post("/documents/inbound-address/senders/", {"senders": "AP@acme.example\n@trusted.example"})
    company.refresh_from_db()
    assert company.inbound_allowed_senders == "ap@acme.example\n@trusted.example"
    client.post("/documents/inbound-address/senders/", {"senders": "not an address"})
    company.refresh_from_db()
    assert company.inbound_allowed_senders == "ap@acme.example\n@trusted.example"
