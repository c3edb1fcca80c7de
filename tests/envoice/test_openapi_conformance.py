"""The REST API checked against its own OpenAPI schema with schemathesis, in-process (issue 10).

The schema is the one drf-spectacular serves at /api/schema/; schemathesis generates requests for
every GET operation (ids, filters, pagination), sends them to the WSGI app as a company admin with
demo-like data, and checks: no 5xx, responses match their documented schema and content type.
Undocumented status codes (404 for an id that does not exist, 400 for a bad filter) are not
failures here: drf-spectacular does not list error responses by default.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from documents.choices import DocumentStatus
from tests.factories import (
    ContactFactory,
    DocumentFactory,
    FinanceAccountFactory,
    MembershipFactory,
    ProjectFactory,
    TaxRateFactory,
)

EXAMPLES = 8
CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(db, company):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from envoice.wsgi import application

    # The WSGI handler closes "old" connections around each request; in a test that would close the
    # connection holding the test transaction (django.test.Client does the same disconnect).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(company) -> str:
    admin = MembershipFactory(company=company, role="admin", user__username="schema-admin").user
    supplier = ContactFactory(company=company, name="Telia Eesti AS", is_supplier=True)
    project = ProjectFactory(company=company, name="Website relaunch")
    account = FinanceAccountFactory(company=company)
    tax = TaxRateFactory(company=company)
    for n, status in enumerate([DocumentStatus.TO_REVIEW, DocumentStatus.READY, DocumentStatus.PUBLISHED]):
        doc = DocumentFactory(
            company=company,
            status=status,
            supplier=supplier,
            project=project,
            finance_account=account,
            tax_rate=tax,
            supplier_name="Telia Eesti AS",
            invoice_number=f"INV-{n}",
            total=Decimal("122.00"),
            currency="EUR",
            fields={"supplier_name": "Telia Eesti AS", "total": "122.00", "currency": "EUR"},
            confidence={"total": 0.9},
            uploaded_by=admin,
        )
        doc.lines.create(description="Internet", quantity=1, unit_price=Decimal("100"), total=Decimal("100"))
    return Token.objects.create(user=admin).key


def _check_operation(operation, *, headers: dict, seen: dict[str, set[int]]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case):
        response = case.call(headers=headers)
        seen.setdefault(operation.label, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.django_db
def test_get_operations_conform_to_the_schema(api_schema, token, company):
    """Every GET operation, a bounded number of generated examples each (hypothesis under the hood)."""
    headers = {"Authorization": f"Token {token}", "X-Company": str(company.pk)}
    operations = [
        result.ok()
        for result in api_schema.include(method="GET").get_all_operations()
        if result.ok() is not None
    ]
    assert len(operations) >= 10, [op.label for op in operations]
    seen: dict[str, set[int]] = {}
    for operation in operations:
        _check_operation(operation, headers=headers, seen=seen)
    # The data is there: list operations answered 200 with the admin's token.
    assert 200 in seen["GET /api/v1/documents/"] and 200 in seen["GET /api/v1/projects/"]


WRITE_EXAMPLES = 5


@pytest.mark.django_db
def test_write_operations_never_answer_a_server_error(api_schema, token, company):
    """Issue 15: every POST, PATCH, PUT and DELETE with generated bodies, valid ones and ones that break
    the schema (wrong types, huge numbers, missing or extra keys), on real ids and generated ones, as an
    accountant: a 4xx for whatever is wrong, never a 5xx. Bounded: a few examples per operation."""
    from hypothesis import strategies as st
    from schemathesis.generation.modes import GenerationMode

    from documents.models import Document

    accountant = MembershipFactory(
        company=company, role="accountant", user__username="schema-accountant"
    ).user
    headers = {
        "Authorization": f"Token {Token.objects.create(user=accountant).key}",
        "X-Company": str(company.pk),
    }
    document_id = Document.objects.filter(company=company).values_list("pk", flat=True).first()
    operations = [
        result.ok()
        for result in api_schema.exclude(method="GET").get_all_operations()
        if result.ok() is not None
    ]
    assert len(operations) >= 15, [op.label for op in operations]
    failures = []
    for operation in operations:
        strategies = [
            operation.as_strategy(GenerationMode.NEGATIVE),
            operation.as_strategy(GenerationMode.POSITIVE),
        ]
        if "{id}" in operation.path:
            strategies.append(
                operation.as_strategy(GenerationMode.NEGATIVE, path_parameters={"id": document_id})
            )

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=WRITE_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"

        try:
            check()
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert failures == []
