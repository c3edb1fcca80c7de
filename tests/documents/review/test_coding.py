"""Corrections, coding, recording and its refusals, duplicates, bulk actions, deletion."""

from decimal import Decimal
from unittest import mock

import pytest

from audit.models import AuditEvent
from bookkeeping.models import Contact
from core.errors import InvalidTransition, ValidationFailed
from documents.coding import (
    document_delete,
    document_record,
    document_supplier_create,
    document_update,
    documents_bulk,
)
from documents.models import Document
from documents.review import coding_suggestions, field_problems
from tests.factories import make_document

pytestmark = pytest.mark.django_db


def test_correcting_a_field_updates_columns_marks_it_corrected_and_learns(company, accountant):
    document = make_document(company)
    with mock.patch("extraction.services.learn_from_correction") as learn:
        document = document_update(document=document, data={"fields": {"total": "120,5"}}, actor=accountant)
    assert document.fields["total"] == "120.50"
    assert document.total == Decimal("120.50")
    assert document.corrected_fields == ["total"]
    assert document.version == 2  # amounts changed
    learn.assert_called_once_with(document=document, field="total", value="120.50", actor=accountant)
    event = AuditEvent.objects.get(verb="corrected")
    assert event.actor == accountant and event.data["fields"]["total"] == ["122.00", "120.50"]


def test_unchanged_values_change_nothing(company, accountant):
    document = make_document(company)
    document = document_update(document=document, data={"fields": {"total": "122"}}, actor=accountant)
    assert document.version == 1 and document.corrected_fields == []
    assert not AuditEvent.objects.exists()


def test_invalid_values_are_refused_with_the_field_named(company, accountant):
    document = make_document(company)
    with pytest.raises(ValidationFailed, match="Issue date must be a date"):
        document_update(document=document, data={"fields": {"issue_date": "yesterday"}}, actor=accountant)
    with pytest.raises(ValidationFailed, match="Unknown field"):
        document_update(document=document, data={"fields": {"status": "ready"}}, actor=accountant)


def test_coding_header_and_lines_with_line_override(company, accountant, books):
    document = make_document(company, lines=[("Hosting", "60.00"), ("Licence", "40.00")])
    first, second = document.lines.all()
    document = document_update(
        document=document,
        data={
            "supplier": books["supplier"].pk,
            "project": books["project"].pk,
            "finance_account": books["account"].pk,
            "tax_rate": books["tax"].pk,
            "dimensions": [books["dimension"].pk],
            "lines": [
                {"id": second.pk, "finance_account": books["account2"].pk, "product": books["product"].pk}
            ],
        },
        actor=accountant,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.effective("finance_account") == books["account"]
    assert second.effective("finance_account") == books["account2"]
    assert second.effective("project") == books["project"]
    assert list(document.dimensions.all()) == [books["dimension"]]
    assert document.coding_sources["project"] == "user"
    assert document.version == 2


def test_coding_with_another_companys_record_is_refused(company, other_company, accountant):
    from tests.factories import ProjectFactory

    theirs = ProjectFactory(company=other_company)
    with pytest.raises(ValidationFailed, match="Unknown project"):
        document_update(document=make_document(company), data={"project": theirs.pk}, actor=accountant)


def test_editing_during_approval_restarts_it(company, accountant, books):
    document = make_document(company, status="in_approval")
    with mock.patch("approvals.services.approval_restart_if_in_progress") as restart:
        document_update(document=document, data={"project": books["project"].pk}, actor=accountant)
    restart.assert_called_once()


def _coded(company, books, **kwargs):
    document = make_document(company, **kwargs)
    document.supplier = books["supplier"]
    document.project = books["project"]
    document.finance_account = books["account"]
    document.save()
    return document


def test_record_refuses_naming_what_is_missing(company, accountant):
    document = make_document(company)
    with pytest.raises(ValidationFailed) as error:
        document_record(document=document, actor=accountant)
    assert error.value.message == "Cannot record: missing supplier, finance account, project."
    assert error.value.extra["missing"] == ["supplier", "finance account", "project"]
    document.refresh_from_db()
    assert document.status == "to_review"


def test_record_refuses_totals_that_do_not_reconcile(company, accountant, books):
    document = _coded(
        company,
        books,
        lines=[("Hosting", "60.00"), ("Licence", "58.00")],
        fields={"subtotal": "120.00", "tax_total": "2.00"},
    )
    with pytest.raises(ValidationFailed, match=r"lines add up to 118.00, subtotal says 120.00"):
        document_record(document=document, actor=accountant)


def test_record_makes_ready_audits_and_offers_publishing(company, accountant, books):
    document = _coded(company, books)
    with mock.patch("publishing.services.publish_if_automatic") as publish:
        document = document_record(document=document, actor=accountant)
    assert document.status == "ready"
    assert document.recorded_by == accountant and document.recorded_at
    publish.assert_called_once()
    assert AuditEvent.objects.filter(verb="record", to_state="ready", actor=accountant).exists()


def test_record_goes_to_approval_when_a_workflow_applies(company, accountant, books):
    document = _coded(company, books)

    def start(*, document, actor):
        from documents.state import transition

        transition(document, "send_to_approval", actor=actor)
        return True

    with (
        mock.patch("approvals.services.approval_start_if_required", side_effect=start),
        mock.patch("publishing.services.publish_if_automatic") as publish,
    ):
        document = document_record(document=document, actor=accountant)
    assert document.status == "in_approval"
    publish.assert_not_called()


def test_without_recording_required_submit_needs_only_supplier_and_totals(company, accountant, books):
    from scoro_sync.models import ScoroConnection

    ScoroConnection.objects.create(company=company, recording_required=False)
    document = make_document(company)
    with pytest.raises(ValidationFailed, match=r"Cannot submit: missing supplier\."):
        document_record(document=document, actor=accountant)
    document.supplier = books["supplier"]
    document.save()
    document = document_record(document=document, actor=accountant)
    assert document.status == "ready" and document.recorded_at is None
    assert AuditEvent.objects.filter(verb="submit").exists()


def test_record_twice_is_an_invalid_transition(company, accountant, books):
    document = document_record(document=_coded(company, books), actor=accountant)
    with pytest.raises(InvalidTransition):
        document_record(document=document, actor=accountant)


def test_field_problems_carry_the_reason(company):
    document = make_document(
        company,
        lines=[("A", "100.00"), ("B", "18.00")],
        fields={"subtotal": None, "tax_total": None, "total": "120.00"},
        confidence={"total": 0.4, "invoice_number": 0.3},
    )
    document.warnings = ["Lines add up to 118.00 but the total says 120.00"]
    problems = field_problems(document)
    # the engine's arithmetic is re-checked on the values as they are now, and said once
    assert problems["total"] == [
        "Lines add up to 118.00, total says 120.00.",
        "Low confidence in the total (40%): please check.",
    ]
    assert problems["invoice_number"] == ["Low confidence in the number (30%): please check."]


def test_duplicates_by_supplier_and_number(company, accountant, books):
    first = make_document(company)
    second = make_document(company)
    make_document(company, fields={"invoice_number": "OTHER", "total": "1.00"})
    from documents.duplicates.services import duplicates_check

    assert [p.other(second.pk) for p in duplicates_check(document_id=second.pk)] == [first.pk]


def test_suggestions_count_the_suppliers_history(company, accountant, books):
    for project in (books["project"], books["project"], books["project2"]):
        old = _coded(company, books, status="published")
        old.project = project
        old.save()
    document = make_document(company)
    document.supplier = books["supplier"]
    document.save()
    by_field = {s.field: s for s in coding_suggestions(document)}
    assert by_field["project"].value == books["project"] and by_field["project"].count == 2
    assert by_field["project"].total == 3
    assert by_field["finance_account"].value == books["account"]


def test_bulk_actions_report_each_document(company, accountant, books):
    ready = _coded(company, books)
    incomplete = make_document(company)
    result = documents_bulk(
        documents=Document.objects.filter(pk__in=[ready.pk, incomplete.pk]),
        action="record",
        value=None,
        actor=accountant,
    )
    assert result.done == 1 and [d.pk for d, _ in result.errors] == [incomplete.pk]
    result = documents_bulk(
        documents=Document.objects.filter(pk=incomplete.pk),
        action="set_project",
        value=books["project"].pk,
        actor=accountant,
    )
    incomplete.refresh_from_db()
    assert result.done == 1 and incomplete.project == books["project"]
    documents_bulk(
        documents=Document.objects.filter(pk=incomplete.pk),
        action="assign",
        value=accountant.pk,
        actor=accountant,
    )
    incomplete.refresh_from_db()
    assert incomplete.assigned_to == accountant


def test_delete_refuses_published_documents(company, accountant, django_capture_on_commit_callbacks):
    published = make_document(company, status="published")
    with pytest.raises(InvalidTransition):
        document_delete(document=published, actor=accountant)
    draft = make_document(company)
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=draft, actor=accountant)
    assert not Document.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(verb="delete", target_id=draft.pk).exists()


def test_a_supplier_created_for_one_document_is_the_supplier_of_the_next(company, accountant):
    """Two invoices of one new supplier: the second reuses the contact made for the first (same VAT
    number, however it is spaced), so Scoro never sees the supplier twice."""
    first, second = make_document(company), make_document(company)
    data = {"name": "Lieferant GmbH", "vat_no": "DE123456789", "reg_no": "HRB 1"}
    first = document_supplier_create(document=first, data=data, actor=accountant)
    second = document_supplier_create(
        document=second,
        data={**data, "name": "Lieferant GmbH (Berlin)", "vat_no": "DE 123 456 789"},
        actor=accountant,
    )
    assert first.supplier_id == second.supplier_id
    assert Contact.objects.for_company(company).filter(name__startswith="Lieferant").count() == 1
