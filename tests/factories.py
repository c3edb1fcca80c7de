"""The one set of test data builders: factory_boy factories for plain rows and `make_document` for a
document as extraction leaves it. Richer states (recorded, ready, approved) go through the services or
the state machine in the tests' own fixtures, so they take the same path as production."""

import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from accounts.models import Company, Membership, Role
from bookkeeping import models as bk
from documents.models import Document, DocumentLine


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "envoice-test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Role.ACCOUNTANT


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = bk.Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Supplier {n} OÜ")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = bk.Project

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    status = "inprogress"


class FinanceAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = bk.FinanceAccount

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"4{n:03d}")
    name = factory.Sequence(lambda n: f"Expense account {n}")


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = bk.TaxRate

    company = factory.SubFactory(CompanyFactory)
    code = "22"
    name = "VAT 22%"
    percent = "22.00"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document as intake leaves it; richer states come from the services, not the factory."""

    class Meta:
        model = Document

    company = factory.SubFactory(CompanyFactory)
    filename = factory.Sequence(lambda n: f"invoice-{n}.pdf")
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    original = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.filename))

    class Params:
        content = factory.Sequence(lambda n: f"%PDF-1.4 test document {n}".encode())


EXTRACTED_VALUES = {
    "supplier_name": "Zone Media OÜ",
    "invoice_number": "INV-1001",
    "issue_date": "2024-05-02",
    "currency": "EUR",
    "total": "122.00",
    "subtotal": "100.00",
    "tax_total": "22.00",
}
_TEXT_COLUMNS = ("supplier_name", "invoice_number", "currency")
_AMOUNT_COLUMNS = ("total", "subtotal", "tax_total")


def make_document(
    company, *, lines=(), status="to_review", fields=None, extracted=True, confidence=None, **columns
) -> Document:
    """A document in `status` (no transition runs: this is where intake and extraction leave it).

    With `extracted` (the default) it is as extraction leaves it: EXTRACTED_VALUES updated by `fields`
    are its extracted values, mirrored onto the columns unless a column is given in `columns`, each with
    confidence 0.95. Without, it holds only the given columns and `fields` (a document coded by hand).
    `lines` are `(description, total)` pairs or dicts of DocumentLine fields, numbered from 1 as extraction
    numbers them (a dict may carry its own `position`).
    """
    if extracted:
        values = {**EXTRACTED_VALUES, **(fields or {})}
        mirrored = {name: values[name] for name in _TEXT_COLUMNS if name in values}
        for name in _AMOUNT_COLUMNS:
            mirrored[name] = Decimal(values[name]) if values.get(name) else None
        mirrored["issue_date"] = values.get("issue_date")
        columns = {**mirrored, **columns}
        confidence = {name: 0.95 for name in values} if confidence is None else confidence
    else:
        values = fields or {}
    if confidence is not None:
        columns["confidence"] = confidence
    document = DocumentFactory(company=company, status=status, fields=values, **columns)
    for position, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            description, total = line
            line = {"description": description, "total": Decimal(total)}
        DocumentLine.objects.create(document=document, **{"position": position, **line})
    return document
