"""One set of checks for the review screen and the Inbox row (documents.problems)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from documents.problems import document_problems, problem_summary
from documents.review import field_problems
from tests.factories import make_document

pytestmark = pytest.mark.django_db


def _inbox_row(client, document):
    rows = client.get("/documents/").context["rows"]
    return next(r for r in rows if r["doc"].pk == document.pk)


def test_a_guessed_currency_is_a_problem_in_the_row_and_on_the_review_screen(
    client, company, accountant, books
):
    document = make_document(
        company,
        type="receipt",
        supplier=books["supplier"],
        project=books["project"],
        finance_account=books["account"],
        confidence={"total": 0.97, "currency": 0.5, "invoice_number": 0.95},
    )
    client.force_login(accountant)
    row = _inbox_row(client, document)
    assert row["problem_summary"] == "Unsure currency"
    assert "OK" not in client.get("/documents/").content.decode().split(row["problem_summary"])[1][:80]
    review = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Low confidence in the currency (50%): please check." in review


def test_a_row_is_ok_only_when_no_check_fails(client, company, accountant, books):
    books["tax"].refresh_from_db()
    document = make_document(
        company,
        supplier=books["supplier"],
        project=books["project"],
        finance_account=books["account"],
        tax_rate=books["tax"],
    )
    client.force_login(accountant)
    assert _inbox_row(client, document)["problems"] == []
    assert field_problems(document) == {}


def test_each_warning_once_and_the_live_totals_check_replaces_the_engines(company):
    document = make_document(company, fields={"total": "130.00"})
    document.warnings = [
        "Subtotal 100.00 + tax 22.00 does not equal the total 130.00",
        "IBAN checksum fails",
        "IBAN checksum fails",
    ]
    problems = field_problems(document)
    assert problems["total"] == ["Subtotal 100.00 + tax 22.00 does not equal the total 130.00."]
    assert problems["iban"] == ["IBAN checksum fails."]


def test_vat_that_does_not_fit_the_coded_rate(company, books):
    books["tax"].percent = Decimal("22")
    books["tax"].save()
    document = make_document(
        company,
        tax_rate=books["tax"],
        fields={"subtotal": "100.00", "tax_total": "9.00", "total": "109.00"},
    )
    kinds = {p.kind: p for p in document_problems(document)}
    assert kinds["vat"].message == "Tax 9.00 does not fit 22% of 100.00 (22.00)."
    assert "VAT does not fit" in problem_summary(list(kinds.values()), limit=5)
    document.tax_total, document.total = Decimal("22.00"), Decimal("122.00")
    assert "vat" not in {p.kind for p in document_problems(document)}


def test_duplicate_and_missing_coding_are_in_the_summary(company):
    first = make_document(company)
    copy = make_document(company, duplicate_of=first)
    problems = document_problems(copy)
    assert [p.kind for p in problems] == ["duplicate", "coding"]
    assert problems[1].message == "Missing supplier, finance account, project."
    assert problem_summary(problems) == "Possible duplicate, coding missing"


def test_review_shows_a_coded_project_that_scoro_no_longer_has_active(client, company, accountant, books):
    document = make_document(company, project=books["project"])
    books["project"].is_active = False
    books["project"].save()
    client.force_login(accountant)
    html = client.get(f"/documents/{document.pk}/").content.decode()
    assert f'<option value="{books["project"].pk}" selected>Website (inactive in Scoro)</option>' in html
