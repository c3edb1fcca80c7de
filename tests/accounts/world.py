"""Two tenants for the security tests, built generically from the installed models.

Company A has one member per role. Company B ("the victim") has an admin and ONE row of every model
that belongs to a company: every `CompanyOwned` subclass, every model with a foreign key to
`accounts.Company`, and every model hanging off those (DocumentLine, ApprovalStep, ...), found through
`django.apps` so a model added tomorrow is built too without anyone remembering.

Every row of B gets the same primary key, `B_ID`. Primary keys are per table, so any URL
`.../<int:pk>/...` filled with `B_ID` names B's object of whatever model that route serves, and one
request per route and verb is enough. Text fields carry `MARKER`, so a response that shows any of
B's data is easy to spot.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import Company, Membership
from core.tenancy import CompanyOwned
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

B_ID = 900_000_001
MARKER = "BSECRET"
ROLES = ("admin", "accountant", "approver", "employee")
# Apps whose models hold tenant data (everything of ours; Django's and DRF's own models are not).
THIRD_PARTY_APPS = {"admin", "auth", "contenttypes", "sessions", "messages", "staticfiles", "authtoken"}


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label not in THIRD_PARTY_APPS]


def _fk_fields(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def tenant_models() -> list[type[models.Model]]:
    """Models whose rows belong to one company: directly, or through a required foreign key chain."""
    owned: set[type[models.Model]] = {Company}
    candidates = [m for m in project_models() if m is not Company]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in owned:
                continue
            direct = issubclass(model, CompanyOwned) or any(
                f.related_model is Company for f in _fk_fields(model)
            )
            through = any(f.related_model in owned and not f.null for f in _fk_fields(model))
            if direct or through:
                owned.add(model)
                changed = True
    return sorted(owned - {Company}, key=lambda m: m._meta.label)


@dataclass
class World:
    a: Company
    b: Company
    users: dict[str, object]  # role → A's member
    b_admin: object
    b_rows: dict[type[models.Model], models.Model] = field(default_factory=dict)
    unbuildable: dict[str, str] = field(default_factory=dict)

    def snapshot(self) -> dict[str, object]:
        """B's rows as stored, and how many rows each tenant model has for B: compared before/after."""
        state: dict[str, object] = {}
        for model in self.b_rows:
            state[model._meta.label] = list(model._base_manager.filter(pk=B_ID).values())
        for model in tenant_models():
            if issubclass(model, CompanyOwned):
                state[f"{model._meta.label}#count"] = model._base_manager.filter(company=self.b).count()
        return state


class _Builder:
    def __init__(self, world: World):
        self.world = world
        self.seq = 0
        self.png = _png()

    def value(self, f: models.Field):
        self.seq += 1
        n = self.seq
        if f.choices:
            return f.get_default() if f.has_default() else f.choices[0][0]
        if isinstance(f, models.FileField):
            return ContentFile(self.png, name=f"{MARKER.lower()}.png")
        if isinstance(f, models.EmailField):
            return f"{MARKER.lower()}{n}@b.example"
        if isinstance(f, models.URLField):
            return f"http://127.0.0.1:9/{MARKER.lower()}"
        if isinstance(f, models.SlugField):
            return f"{MARKER.lower()}-{n}"
        if isinstance(f, models.CharField | models.TextField):
            text = f"{MARKER}{n}"
            return text[: f.max_length] if f.max_length else text
        if isinstance(f, models.BooleanField):
            return f.get_default() if f.has_default() else False
        if isinstance(f, models.DecimalField):
            return Decimal("1.00")
        if isinstance(f, models.IntegerField):
            return f.get_default() if f.has_default() and f.get_default() else n
        if isinstance(f, models.DateTimeField):
            return timezone.now()
        if isinstance(f, models.DateField):
            return date.today()
        if isinstance(f, models.JSONField | ArrayField):
            return f.get_default()
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        raise TypeError(f"no value for {f.model._meta.label}.{f.name} ({type(f).__name__})")

    def related(self, f: models.ForeignKey):
        target = f.related_model
        if target is Company:
            return self.world.b
        if target is get_user_model():
            return self.world.b_admin
        if target is ContentType:
            return ContentType.objects.get_for_model(apps.get_model("documents", "Document"))
        if target is f.model:
            return None  # self references (duplicate_of) stay empty
        if f.model._meta.label == "documents.DuplicatePair" and f.name == "second":
            return self.another(target)  # a pair joins two documents, the lower id first
        if target in tenant_models():
            return self.build(target)
        return target._default_manager.first()

    def another(self, model):
        """A second row of `model` in company B (pk B_ID + 1), a copy of the first."""
        first = self.build(model)
        obj = model._default_manager.get(pk=first.pk)
        obj.pk = B_ID + 1
        obj._state.adding = True
        obj.save(force_insert=True)
        return obj

    def build(self, model):
        if model in self.world.b_rows:
            return self.world.b_rows[model]
        plain, required_fks, optional_fks = {}, {}, {}
        for f in model._meta.concrete_fields:
            if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            if f.is_relation:
                (optional_fks if f.null else required_fks)[f.name] = f
            else:
                plain[f.name] = self.value(f)
        related = {name: self.related(f) for name, f in {**required_fks, **optional_fks}.items()}
        required = {k: related[k] for k in required_fks}
        # All relations first (most data to leak); then the required ones only; then one optional at
        # a time (check constraints such as "a document or an expense report, not both").
        attempts = [related, required] + [{**required, k: related[k]} for k in optional_fks]
        last_error = None
        for relations in attempts:
            try:
                with transaction.atomic():
                    obj = model(pk=B_ID, **plain, **relations)
                    obj.save(force_insert=True)
            except IntegrityError as exc:
                last_error = exc
                continue
            self.world.b_rows[model] = obj
            return obj
        self.world.unbuildable[model._meta.label] = str(last_error)
        return None


def build_world() -> World:
    a = CompanyFactory(name="Alpha OÜ")
    users = {role: MembershipFactory(company=a, role=role, user__username=f"a_{role}").user for role in ROLES}
    b = CompanyFactory(pk=B_ID, name=f"Other {MARKER} Ltd")
    b_admin = UserFactory(pk=B_ID, username=f"b_admin_{MARKER.lower()}", email=f"{MARKER.lower()}@b.example")
    world = World(a=a, b=b, users=users, b_admin=b_admin)
    world.b_rows[Membership] = MembershipFactory(pk=B_ID, company=b, user=b_admin, role="admin")
    builder = _Builder(world)
    for model in tenant_models():
        builder.build(model)
    return world


def member_client(user, company, *, api: bool):
    """A client acting as `user` for `company`: token + X-Company for the API, a session for pages."""
    from django.test import Client
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    if api:
        client = APIClient(raise_request_exception=False)
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_X_COMPANY=str(company.pk))
        return client
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client
