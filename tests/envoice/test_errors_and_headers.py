"""Issue 15, finding 12: the product's own error pages (no debug page), JSON errors on API and webhook
routes (oversized requests too), refusals that name what is needed, a Content-Security-Policy that
allows no inline script, the API's `file` link, and the API docs behind log-in in production."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from tests.factories import make_document

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_server_errors_show_our_page_and_json_on_the_api(client, accountant, api_client_for, company):
    client.raise_request_exception = False
    client.force_login(accountant)
    with mock.patch("documents.views.document_list", side_effect=RuntimeError("boom SECRET_KEY")):
        page = client.get("/documents/")
    assert page.status_code == 500 and b'data-testid="error-page"' in page.content
    assert b"SECRET_KEY" not in page.content and b"Traceback" not in page.content
    api = api_client_for(accountant)
    api.raise_request_exception = False
    with mock.patch("documents.api.intake_views.document_list", side_effect=RuntimeError("boom")):
        response = api.get("/api/v1/documents/")
    assert response.status_code == 500 and response.json()["detail"]


def test_not_found_is_json_on_the_api_and_a_page_in_the_browser(client, accountant):
    client.force_login(accountant)
    response = client.get("/api/v1/no-such-route/")
    assert response.status_code == 404 and response.json()["detail"]
    page = client.get("/documents/999999/")
    assert page.status_code == 404 and b'data-testid="error-page"' in page.content


def test_oversized_requests_answer_json(client, api_client_for, accountant):
    body = "x=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post(
        "/api/v1/inbound/mailgun/inbound/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and response.json()["detail"]
    api = api_client_for(accountant)
    response = api.post("/api/v1/rules/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")


def test_role_refusals_name_what_is_needed(api_client_for, client, approver, company):
    document = make_document(company)
    response = api_client_for(approver).patch(
        f"/api/v1/documents/{document.pk}/", {"note": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "To correct and code documents you need the admin or accountant role; you are an approver."
    )
    client.force_login(approver)
    page = client.get("/rules/")
    assert page.status_code == 403 and b"manage coding rules" in page.content


def test_every_page_has_a_csp_without_inline_script(client, accountant, company):
    client.force_login(accountant)
    document = make_document(company)
    for url in ("/documents/", f"/documents/{document.pk}/", "/rules/", "/accounts/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert (
            "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        )
        assert "object-src 'none'" in policy


def test_templates_have_no_inline_script_or_handlers():
    """The policy above would break them; behaviour lives in static/js/."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"hx-on|javascript:", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_api_file_link_serves_the_original(api_client_for, accountant, company):
    document = make_document(company)
    api = api_client_for(accountant)
    link = api.get(f"/api/v1/documents/{document.pk}/").json()["file"]
    response = api.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.original.open("rb").read()


def test_api_docs_need_log_in_when_configured(client, settings, accountant):
    settings.ENVOICE_API_DOCS_REQUIRE_LOGIN = True
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 302
    client.force_login(accountant)
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.slow
def test_demo_settings_run_without_debug_unless_asked():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "envoice.settings.local", "DJANGO_READ_DOT_ENV_FILE": "false"})
    code = "from django.conf import settings; print(settings.DEBUG)"
    run = [sys.executable, "manage.py", "shell", "-c", code]
    assert (
        subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        == "False"
    )
    env["DJANGO_DEBUG"] = "1"
    assert (
        subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        == "True"
    )
    assert '"DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "0")' in (ROOT / "scripts/run_demo.py").read_text()
