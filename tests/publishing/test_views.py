"""The review page's publishing panel and the admins' preview page (eager Celery, sandbox over HTTP)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.models import Document

pytestmark = pytest.mark.django_db


def test_panel_publish_then_go_to_scoro(
    client, connection, make_document, accountant, sandbox, django_capture_on_commit_callbacks
):
    document = make_document()
    client.force_login(accountant)

    panel = client.get(reverse("publishing:panel", args=[document.pk]))
    assert 'data-testid="publish"' in panel.content.decode()
    assert 'data-testid="preview-payload"' not in panel.content.decode()  # admins only

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("publishing:publish", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert (
        'data-status="queued"' in queued.content.decode()
        and 'hx-trigger="every 2s"' in queued.content.decode()
    )
    html = client.get(reverse("publishing:panel", args=[document.pk])).content.decode()  # the next poll
    document.refresh_from_db()
    assert document.status == "published"
    assert 'data-status="published"' in html and "hx-trigger" not in html
    scoro_id = document.publish_attempt.scoro_id
    assert f'href="{sandbox.base_url}/bills/view/{scoro_id}"' in html and "Go to Scoro" in html


def test_panel_shows_failure_with_retry(
    client, connection, make_document, coding, accountant, sandbox, django_capture_on_commit_callbacks
):
    from tests.factories import FinanceAccountFactory

    document = make_document(finance_account=FinanceAccountFactory(company=coding.company, scoro_id=25))
    client.force_login(accountant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("publishing:publish", args=[document.pk]), HTTP_HX_REQUEST="true")
    html = client.get(reverse("publishing:panel", args=[document.pk])).content.decode()
    assert 'data-status="failed"' in html
    assert "finance_account_id 25 is not active" in html
    assert 'data-testid="retry"' in html
    assert Document.objects.get(pk=document.pk).status == "publish_failed"


def test_preview_page_for_admins(client, connection, make_document, admin_user, accountant, sandbox):
    document = make_document()
    client.force_login(accountant)
    assert client.get(reverse("publishing:preview", args=[document.pk])).status_code == 403
    client.force_login(admin_user)
    html = client.get(reverse("publishing:preview", args=[document.pk])).content.decode()
    assert "POST /api/v2/bills/modify" in html and "&quot;company_id&quot;: 5" in html
    assert sandbox.calls()["total"] == 0
