import hashlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from accounts.models import Company, Membership, Role
from bookkeeping import models as bk
from documents.models import Document


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
