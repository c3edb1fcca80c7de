"""Point 4 of issue 19: mail to <company address>+<project number>@… is filed under that Scoro project;
per-sender default projects apply when no number is given; rules never override the address's choice."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from documents.models import Document
from documents.review import source_label
from inbound.addressing import parse_address
from inbound.models import InboundMessage, SenderProject
from rules.models import Rule
from tests import samples
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
PDF = [("inv.pdf", samples.pdf(), "application/pdf")]


def plus(company, code: str) -> str:
    local, _, domain = company.inbound_address.partition("@")
    return f"{local}+{code}@{domain}"


@pytest.fixture
def projects(company):
    return {
        "web": ProjectFactory(company=company, name="Website", number="P-24"),
        "cloud": ProjectFactory(company=company, name="Cloud", number="1042"),
        "closed": ProjectFactory(company=company, name="Old office", number="OLD", is_active=False),
    }


def test_the_address_names_company_and_code(company, other_company, settings):
    assert parse_address(plus(company, "P-24")).company == company
    assert parse_address(plus(company, "P-24")).code == "P-24"
    assert parse_address(plus(company, "p-24").upper()).company == company  # addresses ignore case
    assert parse_address(company.inbound_address).code == ""
    wrong_token = f"{company.slug}-{other_company.inbound_token}+P-24@{settings.ENVOICE_INBOUND_DOMAIN}"
    assert parse_address(wrong_token).company is None


def test_plus_code_files_the_documents_under_the_project(deliver, company, projects, admin_user, client):
    response, token = deliver(recipient=plus(company, "p-24"), attachments=PDF)  # case-insensitive

    assert response.status_code == 200, response.content
    document = Document.objects.get(company=company)
    assert document.status == "to_review"  # extracted after the project was set, which survived it
    assert document.project == projects["web"]
    assert document.coding_sources["project"] == {"kind": "e-mail", "label": "address +p-24"}
    assert source_label(document, "project") == "set by e-mail: address +p-24"
    assert InboundMessage.objects.get(token=token).project == projects["web"]
    # The review page says where the value came from.
    client.force_login(admin_user)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'data-testid="source-project">set by e-mail: address +p-24<' in page
    # And the receipt names the project.
    assert "Filed under project P-24 Website." in outbox.outbox[0].body


def test_a_rule_never_overrides_the_project_the_sender_named(deliver, company, projects):
    Rule.objects.create(company=company, name="All hosting to cloud", project=projects["cloud"])
    deliver(recipient=plus(company, "P-24"), attachments=PDF)
    document = Document.objects.get(company=company)
    assert document.project == projects["web"]
    assert document.coding_sources["project"]["kind"] == "e-mail"


def test_unknown_code_is_accepted_without_a_project_and_the_reply_says_so(deliver, company, projects):
    response, token = deliver(recipient=plus(company, "NOPE"), attachments=PDF)

    assert response.status_code == 200
    document = Document.objects.get(company=company)
    assert document.project is None and "project" not in document.coding_sources
    record = InboundMessage.objects.get(token=token)
    assert record.status == "accepted" and record.project is None
    assert any("“NOPE”" in n and "not recognised" in n for n in record.notes)
    assert "The project code “NOPE” in the address was not recognised" in outbox.outbox[0].body


def test_a_closed_project_is_not_used(deliver, company, projects):
    deliver(recipient=plus(company, "old"), attachments=PDF)
    assert Document.objects.get(company=company).project is None
    assert "closed in Scoro" in outbox.outbox[0].body


def test_another_companys_project_number_is_unknown(deliver, company, other_company, projects):
    ProjectFactory(company=other_company, name="Theirs", number="THEIRS")
    deliver(recipient=plus(company, "THEIRS"), attachments=PDF)
    assert Document.objects.get(company=company).project is None


def test_sender_default_project_applies_without_a_code(deliver, company, projects):
    SenderProject.objects.create(company=company, sender="@acme.example", project=projects["cloud"])
    SenderProject.objects.create(company=company, sender="ap@acme.example", project=projects["web"])

    deliver(recipient=company.inbound_address, sender="Billing <billing@acme.example>", attachments=PDF)
    deliver(
        recipient=company.inbound_address, sender="ap@acme.example",
        attachments=[("b.pdf", samples.pdf("Invoice no: B-2"), "application/pdf")],
    )  # fmt: skip
    by_domain, by_address = Document.objects.filter(company=company).order_by("id")
    assert by_domain.project == projects["cloud"]  # the domain's default
    assert by_domain.coding_sources["project"] == {
        "kind": "sender default",
        "label": "mail from @acme.example",
    }
    assert by_address.project == projects["web"]  # an exact address beats its domain


def test_the_code_beats_the_sender_default(deliver, company, projects):
    SenderProject.objects.create(company=company, sender="@acme.example", project=projects["cloud"])
    deliver(recipient=plus(company, "P-24"), attachments=PDF)
    assert Document.objects.get(company=company).project == projects["web"]


def test_a_rule_may_replace_a_sender_default(deliver, company, projects):
    SenderProject.objects.create(company=company, sender="@acme.example", project=projects["cloud"])
    rule = Rule.objects.create(
        company=company, name="Paper to web", keyword="Office paper", project=projects["web"]
    )
    deliver(recipient=company.inbound_address, attachments=PDF)
    document = Document.objects.get(company=company)
    assert document.project == projects["web"]
    assert document.coding_sources["project"] == {"kind": "rule", "id": rule.pk, "label": "Paper to web"}


def test_another_companys_sender_default_is_never_applied(deliver, company, other_company, projects):
    theirs = ProjectFactory(company=other_company, name="Theirs", number="T1")
    SenderProject.objects.create(company=other_company, sender="@acme.example", project=theirs)
    deliver(recipient=company.inbound_address, attachments=PDF)
    assert Document.objects.get(company=company).project is None
