"""The partials htmx polls while a document is read: they stop polling once it has been read."""

from __future__ import annotations

import pytest

from tests.factories import make_document

pytestmark = pytest.mark.django_db


def test_upload_state_polls_until_read(client, company, accountant):
    document = make_document(company, status="extracting")
    client.force_login(accountant)
    html = client.get(f"/documents/{document.pk}/state/").content.decode()
    assert "Reading…" in html and 'hx-trigger="every 2s"' in html
    document.status = "to_review"
    document.save()
    html = client.get(f"/documents/{document.pk}/state/").content.decode()
    assert "hx-get" not in html and 'data-read="1"' in html
    assert "Read · Coding missing" in html


def test_row_partial_is_the_list_row_and_scoped_to_the_company(client, company, accountant, other_user):
    document = make_document(company, status="received")
    client.force_login(accountant)
    html = client.get(f"/documents/{document.pk}/row/?list=inbox").content.decode()
    assert html.strip().startswith("<tr") and 'data-status="received"' in html
    assert f'hx-get="/documents/{document.pk}/row/?list=inbox"' in html
    client.force_login(other_user)
    assert client.get(f"/documents/{document.pk}/row/").status_code == 404
    assert client.get(f"/documents/{document.pk}/state/").status_code == 404
