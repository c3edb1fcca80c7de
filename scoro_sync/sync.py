"""Pull background data from Scoro into bookkeeping (finance accounts, dimensions, projects, tax rates,
products, users, contacts).

- Small catalogues (accounts, accounting objects, VAT codes, users) are re-listed in full every time.
- Contacts, projects and products: the first run lists everything; later runs ask only for rows with
  `modified_date` from the module's high-water mark minus one day (the filter is date-granular), with
  `include_deleted` so deletions arrive too. A full re-list runs again after FULL_RELIST_AFTER, to
  catch deletions older than Scoro's 30-day `include_deleted` window.
- Rows that vanish, close or are deleted in Scoro are deactivated (is_active=False), never deleted,
  so coded documents keep their links.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import Company
from bookkeeping.models import (
    Contact,
    Dimension,
    DimensionGroup,
    FinanceAccount,
    Product,
    Project,
    ScoroUser,
    TaxRate,
)
from bookkeeping.services import dimension_groups_ensure
from core import metrics
from core.parsing import decimal_or_none
from scoro_sync.client import ScoroClient
from scoro_sync.contacts import contact_push, contacts_apply_remote
from scoro_sync.errors import ScoroError
from scoro_sync.models import ScoroConnection, SyncRun
from scoro_sync.services import scoro_client_for
from scoro_sync.state import SYNC_RUN_MACHINE

logger = logging.getLogger(__name__)

FULL_RELIST_AFTER = timedelta(days=7)
PROGRESS_EVERY = 100  # rows: one progress write per page


class SyncCancelled(Exception):
    """The connection was deactivated while a sync was running."""


Mapper = Callable[[dict[str, Any], "_Context"], dict[str, Any]]


@dataclass(frozen=True)
class SyncType:
    name: str  # what the API, buttons and counts call it
    label: str
    module: str  # Scoro module
    id_field: str
    model: type[models.Model]
    incremental: bool = False


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


class _Context:
    """Lookups a mapper needs (scoro id → our row), loaded lazily once per run."""

    def __init__(self, company: Company):
        self.company = company
        self._maps: dict[type, dict[int, int]] = {}
        self._groups: dict[str, DimensionGroup] = {}

    def pk_for(self, model: type[models.Model], scoro_id: Any) -> int | None:
        if not scoro_id:
            return None
        if model not in self._maps:
            self._maps[model] = dict(
                model.objects.for_company(self.company)
                .filter(scoro_id__isnull=False)
                .values_list("scoro_id", "pk")
            )
        try:
            return self._maps[model].get(int(scoro_id))
        except (TypeError, ValueError):
            return None

    def group(self, name: str) -> DimensionGroup:
        name = (name or DimensionGroup.OBJECT).strip()[:100] or DimensionGroup.OBJECT
        if name not in self._groups:
            self._groups[name], _ = DimensionGroup.objects.get_or_create(company=self.company, name=name)
        return self._groups[name]


def _map_account(row: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {
        "code": _text(row.get("account_symbol"), 40),
        "name": _text(row.get("name"), 200),
        "is_purchases": _bool(row.get("is_purchases_account")),
        "is_sales": _bool(row.get("is_sales_account")),
        "is_active": _bool(row.get("is_active", True)),
    }


def _map_object(row: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {
        "group_id": ctx.group(row.get("parent_group_name") or "").pk,
        "code": _text(row.get("object_symbol"), 60),
        "name": _text(row.get("name"), 200),
        "is_active": _bool(row.get("is_active", True)),
    }


def _map_project(row: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    status = _text(row.get("status"), 30)
    return {
        "number": _text(row.get("no"), 60),
        "name": _text(row.get("project_name"), 255),
        "status": status,
        "manager_scoro_id": row.get("manager_id") or None,
        "client_scoro_id": row.get("company_id") or None,
        "is_active": status in Project.ACTIVE_STATUSES,
    }


def _map_vat(row: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    return {
        "code": _text(row.get("vat_code"), 40),
        "name": _text(row.get("vat_name"), 200),
        "percent": decimal_or_none(row.get("percent"), places=2) or Decimal("0"),
        "is_purchases": _bool(row.get("is_purchases")),
        "is_sales": _bool(row.get("is_sales")),
        "is_active": _bool(row.get("is_active", True)),
    }


def _map_product(row: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    tax_id = row.get("default_purchases_tax_id") or row.get("default_vat_code_id")
    return {
        "code": _text(row.get("code"), 60),
        "name": _text(row.get("name"), 255),
        "unit": _text(row.get("unit"), 20),
        "is_service": _bool(row.get("is_service")),
        "default_tax_rate_id": ctx.pk_for(TaxRate, tax_id),
        "finance_account_id": ctx.pk_for(FinanceAccount, row.get("purchases_finance_account_id")),
        "is_active": _bool(row.get("is_active", True)),
    }


def _map_user(row: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    status = _text(row.get("status"), 20) or ("active" if _bool(row.get("is_active", True)) else "inactive")
    full_name = row.get("full_name") or " ".join(filter(None, [row.get("firstname"), row.get("lastname")]))
    return {
        "full_name": _text(full_name or row.get("username") or f"User {row.get('id')}", 200),
        "email": _text(row.get("email"), 254),
        "status": status,
        "is_active": status == "active",
    }


# In dependency order: products refer to tax rates and accounts.
SYNC_TYPES: dict[str, SyncType] = {
    t.name: t
    for t in (
        SyncType("users", "Users", "users", "id", ScoroUser),
        SyncType("accounts", "Finance accounts", "financeAccounts", "id", FinanceAccount),
        SyncType("dimensions", "Accounting objects", "financeObjects", "object_id", Dimension),
        SyncType("tax_rates", "Tax rates", "vatCodes", "vat_code_id", TaxRate),
        SyncType("products", "Products & services", "products", "product_id", Product, incremental=True),
        SyncType("projects", "Projects", "projects", "project_id", Project, incremental=True),
        SyncType("contacts", "Contacts", "contacts", "contact_id", Contact, incremental=True),
    )
}
MAPPERS: dict[str, Mapper] = {
    "users": _map_user,
    "accounts": _map_account,
    "dimensions": _map_object,
    "tax_rates": _map_vat,
    "products": _map_product,
    "projects": _map_project,
}


def normalise_types(types: Iterable[str] | None) -> list[str]:
    """Validated type names in dependency order; None or empty means all."""
    if not types:
        return list(SYNC_TYPES)
    unknown = sorted(set(types) - SYNC_TYPES.keys())
    if unknown:
        raise ValueError(f"Unknown sync type(s): {', '.join(unknown)}. Known: {', '.join(SYNC_TYPES)}.")
    return [name for name in SYNC_TYPES if name in set(types)]


def _modified_key(value: Any) -> str:
    """'2025-01-15T08:00:00+00:00' and '2025-01-15 08:00:00' compare alike (first 19 characters)."""
    return str(value or "")[:19].replace("T", " ")


def _new_counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deactivated": 0}


# ------------------------------------------------------------------------------------------ upsert
def rows_apply(
    *,
    company: Company,
    sync_type: SyncType,
    rows: list[dict[str, Any]],
    full: bool,
    counts: dict[str, int],
    ctx: _Context | None = None,
) -> None:
    """Upsert pulled rows by Scoro id. New rows that are already inactive or deleted are not imported;
    existing ones are deactivated. With `full`, rows of ours Scoro no longer lists are deactivated."""
    if sync_type.name == "contacts":
        contacts_apply_remote(company=company, rows=rows, full=full, counts=counts)
        return
    ctx = ctx or _Context(company)
    mapper = MAPPERS[sync_type.name]
    model = sync_type.model
    ids = [int(r[sync_type.id_field]) for r in rows]
    existing = {o.scoro_id: o for o in model.objects.for_company(company).filter(scoro_id__in=ids)}
    now = timezone.now()
    to_create, to_update = [], []
    update_fields: set[str] = set()
    for row in rows:
        sid = int(row[sync_type.id_field])
        fields = mapper(row, ctx)
        if _bool(row.get("is_deleted")):
            fields["is_active"] = False
        modified = str(row.get("modified_date") or "")[:40]
        obj = existing.get(sid)
        if obj is None:
            if fields["is_active"]:
                to_create.append(model(company=company, scoro_id=sid, scoro_modified=modified, **fields))
                counts["created"] += 1
            continue
        fields["scoro_modified"] = modified
        changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        if not changed:
            continue
        if "is_active" in changed and not fields["is_active"]:
            counts["deactivated"] += 1
        elif set(changed) != {"scoro_modified"}:
            counts["updated"] += 1
        for key, value in changed.items():
            setattr(obj, key, value)
        obj.updated_at = now
        update_fields.update(changed)
        to_update.append(obj)
    with transaction.atomic():
        model.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            model.objects.bulk_update(to_update, [*update_fields, "updated_at"], batch_size=500)
        if full:
            vanished = (
                model.objects.for_company(company)
                .filter(scoro_id__isnull=False, is_active=True)
                .exclude(scoro_id__in=set(ids))
            )
            counts["deactivated"] += vanished.update(is_active=False, updated_at=now)


# ------------------------------------------------------------------------------------------ a run
class SyncRunner:
    """Runs one SyncRun: pulls each requested type, records counts, calls, errors and progress."""

    def __init__(self, *, run: SyncRun, client_factory: Callable[..., ScoroClient] | None = None):
        self.run = run
        self.company = run.company
        self.calls = 0
        self._client_factory = client_factory

    # -- bookkeeping of the run
    def _observe(self, module: str, action: str) -> None:
        self.calls += 1
        state = ScoroConnection.objects.filter(company=self.company).values_list("state", flat=True).first()
        if state != ScoroConnection.State.CONNECTED:
            raise SyncCancelled("The Scoro connection was deactivated; the sync stopped.")

    def _progress(self, text: str) -> None:
        self.run.progress = text[:200]
        SyncRun.objects.filter(pk=self.run.pk).update(progress=self.run.progress, api_calls=self.calls)

    def _client(self, connection: ScoroConnection) -> ScoroClient:
        factory = self._client_factory or scoro_client_for
        return factory(company=self.company, connection=connection, observer=self._observe)

    def execute(self, *, full: bool = False) -> SyncRun:
        """Pull the run's types. Raises ScoroError/SyncCancelled after recording it on the run (the task
        decides whether to retry); marks the run succeeded otherwise."""
        run = self.run
        connection = ScoroConnection.objects.for_company(self.company).get()
        types = normalise_types(run.types)
        dimension_groups_ensure(company=self.company)
        client = self._client(connection)
        counts = dict(run.counts or {})
        any_full = False
        try:
            with client:
                for index, name in enumerate(types, start=1):
                    sync_type = SYNC_TYPES[name]
                    self._progress(f"{sync_type.label} ({index} of {len(types)})…")
                    type_counts = _new_counts()
                    was_full = self._pull(connection, client, sync_type, type_counts, force_full=full)
                    any_full = any_full or (was_full and sync_type.incremental)
                    counts[name] = type_counts
                    SyncRun.objects.filter(pk=run.pk).update(counts=counts, api_calls=self.calls)
                if "contacts" in types:
                    self._push_pending_contacts(client)
        except (ScoroError, SyncCancelled) as exc:
            run.counts = counts
            run.api_calls = self.calls
            run.errors = [*run.errors, {"at": timezone.now().isoformat(), "error": str(exc)}][-20:]
            run.progress = f"Stopped: {exc}"[:200]
            run.save(update_fields=["counts", "api_calls", "errors", "progress"])
            raise
        SYNC_RUN_MACHINE.fire(
            run,
            "succeed",
            actor_label="Scoro sync",
            data={"api_calls": self.calls},
            also={
                "counts": counts,
                "api_calls": self.calls,
                "kind": "full"
                if any_full or not any(SYNC_TYPES[t].incremental for t in types)
                else "incremental",
                "finished_at": timezone.now(),
                "progress": "Finished",
            },
        )
        metrics.SYNC_SECONDS.observe((run.finished_at - run.started_at).total_seconds(), status=run.status)
        if set(types) == set(SYNC_TYPES):
            ScoroConnection.objects.filter(pk=connection.pk).update(last_sync_at=run.finished_at)
        return run

    def _pull(
        self,
        connection: ScoroConnection,
        client: ScoroClient,
        sync_type: SyncType,
        counts: dict[str, int],
        *,
        force_full: bool,
    ) -> bool:
        marks = dict(connection.sync_marks or {})
        mark = dict(marks.get(sync_type.module) or {})
        since: date | None = None
        if sync_type.incremental and not force_full and mark.get("mark"):
            full_at = mark.get("full_at")
            recent_full = full_at and datetime.fromisoformat(full_at) > timezone.now() - FULL_RELIST_AFTER
            if recent_full:
                since = date.fromisoformat(mark["mark"][:10]) - timedelta(days=1)
        full = since is None
        rows: list[dict[str, Any]] = []
        # The mark never lags behind this listing's start: with data last modified long ago, the newest
        # modified_date alone would make every later run re-read a full day of old rows.
        newest = max(mark.get("mark", ""), _modified_key(timezone.now().strftime("%Y-%m-%d %H:%M:%S")))
        label = SYNC_TYPES[sync_type.name].label
        for row in client.list(sync_type.module, modified_since=since, include_deleted=not full):
            rows.append(row)
            newest = max(newest, _modified_key(row.get("modified_date")))
            if len(rows) % PROGRESS_EVERY == 0:
                self._progress(f"{label}: {len(rows)} read from Scoro…")
        rows_apply(company=self.company, sync_type=sync_type, rows=rows, full=full, counts=counts)
        if sync_type.incremental:
            mark["mark"] = newest
            if full:
                mark["full_at"] = timezone.now().isoformat()
            marks[sync_type.module] = mark
            connection.sync_marks = marks
            ScoroConnection.objects.filter(pk=connection.pk).update(sync_marks=marks)
        return full

    def _push_pending_contacts(self, client: ScoroClient) -> None:
        """Contacts changed here whose push never ran (e.g. the queue was down) go out with the sync."""
        pending = Contact.objects.for_company(self.company).filter(push_state=Contact.PushState.PENDING)
        for contact in pending.order_by("pk")[:200]:
            self._progress(f"Sending contact {contact} to Scoro…")
            contact_push(contact=contact, client=client)
