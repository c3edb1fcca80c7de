"""Writes for the Scoro connection: building a counted client, the connect flow and the toggles.

Every Scoro call made for a company goes through `scoro_client_for` (or, before the connection is
finished, `_client_from_credentials`), so each call is counted in ApiCallCount and stops before the
company's daily budget is exceeded.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from celery.exceptions import Retry
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Company
from audit.services import audit_record
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
from core.errors import ApplicationError, InvalidTransition, ValidationFailed
from core.netguard import resolves_to_public
from scoro_sync.client import ScoroClient
from scoro_sync.errors import (
    ScoroAuthError,
    ScoroBudgetExceeded,
    ScoroError,
    ScoroNotFound,
    ScoroRateLimited,
    ScoroUnavailable,
)
from scoro_sync.models import ApiCallCount, ScoroConnection, SyncRun
from scoro_sync.selectors import connection_for, scoro_today
from scoro_sync.state import CONNECTION_MACHINE, SYNC_RUN_MACHINE

logger = logging.getLogger(__name__)

CallObserver = Callable[[str, str], None]


def api_call_count(*, company: Company, budget: int) -> None:
    """Count one Scoro call for `company` today; raise ScoroBudgetExceeded instead if it would exceed `budget`.

    Race-free without locks: the increment is a conditional UPDATE (calls < budget), and the first call
    of the day inserts the row (a concurrent insert loses on the unique constraint and retries the update).
    """
    day = scoro_today()
    for _attempt in range(2):
        updated = ApiCallCount.objects.filter(company=company, day=day, calls__lt=budget).update(
            calls=F("calls") + 1
        )
        if updated:
            return
        if ApiCallCount.objects.filter(company=company, day=day).exists():
            break  # the row exists and is at the budget
        if budget <= 0:
            break
        try:
            with transaction.atomic():
                ApiCallCount.objects.create(company=company, day=day, calls=1)
            return
        except IntegrityError:
            continue  # another worker created today's row first: increment it instead
    raise ScoroBudgetExceeded(
        f"The daily budget of {budget} Scoro API calls for {company.name} is used up; "
        "synchronisation continues tomorrow (UTC).",
    )


def _timeout() -> tuple[float, float]:
    read = float(settings.SCORO_TIMEOUT_SECONDS)
    return (min(5.0, read), read)


def _client_from_credentials(
    *,
    company: Company,
    base_url: str,
    api_key: str,
    company_account_id: str,
    budget: int,
    observer: CallObserver | None = None,
    max_retries: int | None = None,
) -> ScoroClient:
    def on_call(module: str, action: str) -> None:
        api_call_count(company=company, budget=budget)
        if observer is not None:
            observer(module, action)

    return ScoroClient(
        base_url,
        api_key,
        company_account_id,
        timeout=_timeout(),
        max_retries=settings.SCORO_MAX_RETRIES if max_retries is None else max_retries,
        backoff_base=settings.SCORO_RETRY_BACKOFF_SECONDS,
        on_call=on_call,
        on_answer=_count_answer,
    )


def _count_answer(module: str, action: str, status: int | None) -> None:
    metrics.SCORO_CALLS.inc(module=module, status=str(status) if status is not None else "error")
    if status == 429:
        metrics.SCORO_RATE_LIMITED.inc(module=module)


def scoro_client_for(
    *,
    company: Company,
    connection: ScoroConnection | None = None,
    observer: CallObserver | None = None,
    max_retries: int | None = None,
) -> ScoroClient:
    """A ScoroClient for the company's connection; every call is counted against the daily budget.

    Raises ApplicationError when the company is not connected to Scoro (deactivated counts as not
    connected: deactivation stops all communication). The budget check raises the client's
    ScoroBudgetExceeded before a call is sent. `observer(module, action)` is told about each call
    (sync runs use it to count their own calls).
    """
    if connection is None:
        connection = connection_for(company=company)
    if connection is None or not connection.is_connected:
        raise ApplicationError(
            f"{company.name} is not connected to Scoro. An admin can connect it under "
            "Settings › Integrations › Scoro."
        )
    return _client_from_credentials(
        company=company,
        base_url=connection.base_url,
        api_key=connection.get_api_key(),
        company_account_id=connection.company_account_id,
        budget=connection.daily_call_budget,
        observer=observer,
        max_retries=max_retries,
    )


# ------------------------------------------------------------------------------------------ connect flow
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
TOGGLES = (
    "recording_required",
    "auto_publish",
    "auto_publish_exclude_purchases_expenses",
    "auto_publish_exclude_sales",
    "publish_attachments",
    "auto_sync",
)


def _is_loopback(host: str) -> bool:
    host = (host or "").lower()
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


UNREACHABLE = (
    "No Scoro API answered at {url}. Check the address (it looks like https://yourcompany.scoro.com), "
    "or try again in a few minutes."
)


def validate_base_url(base_url: str) -> str:
    """https:// to a public host only. Where settings.ENVOICE_SCORO_ALLOW_LOOPBACK (the demo, tests)
    allows it, also http(s):// on a loopback address: the Scoro sandbox. Every address that cannot be
    used gets the same answer as one that does not answer, so the check tells nothing about our network."""
    url = (base_url or "").strip()
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.scheme or not parts.hostname or port == -1:
        raise ValidationFailed(
            "Enter the Scoro site address, e.g. https://yourcompany.scoro.com.",
            {"base_url": ["Invalid address."]},
        )
    sandbox = settings.ENVOICE_SCORO_ALLOW_LOOPBACK and _is_loopback(parts.hostname)
    if parts.scheme != "https" and not (sandbox and parts.scheme == "http"):
        raise ValidationFailed(
            "The Scoro address must start with https://.", {"base_url": ["Must use https://."]}
        )
    if not sandbox and not resolves_to_public(parts.hostname, port or 443):
        raise ValidationFailed(UNREACHABLE.format(url=url[:200]), {"base_url": ["No answer."]})
    path = parts.path.rstrip("/").removesuffix("/api/v2").removesuffix("/api")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _credential_error(exc: Exception, *, base_url: str, company_account_id: str) -> ValidationFailed:
    """Turn what Scoro answered into a message a person can act on (wrong URL, key or account)."""
    if isinstance(exc, ScoroAuthError):
        text = " ".join(exc.messages).lower()
        if "company_account" in text or ("account" in text and "key" not in text):
            return ValidationFailed(
                f"Scoro does not know the company account id “{company_account_id}”. Copy it from Scoro › "
                "Settings › Integrations › Scoro API (it is shown next to the API key).",
                {"company_account_id": ["Not accepted by Scoro."]},
            )
        return ValidationFailed(
            "Scoro did not accept the API key. Check it under Scoro › Settings › Integrations › Scoro API.",
            {"api_key": ["Not accepted by Scoro."]},
        )
    if isinstance(exc, ScoroUnavailable | ScoroNotFound):
        # One answer whether nothing listens there, something else does, or it is slow: a different
        # message for each would let anyone map which ports answer.
        return ValidationFailed(UNREACHABLE.format(url=base_url), {"base_url": ["No answer."]})
    if isinstance(exc, ScoroRateLimited | ScoroBudgetExceeded):
        return ValidationFailed(f"Scoro's request limit is reached; try again later. ({exc})")
    return ValidationFailed(f"Scoro answered with an error: {exc}")


# What an activation stores besides the state (sync_marks: cleared when the site changes).
ACTIVATION_FIELDS = ("base_url", "company_account_id", "api_key_encrypted", "api_key_last4", "sync_marks")


def _connection_for_update(company: Company) -> ScoroConnection:
    ScoroConnection.objects.get_or_create(
        company=company, defaults={"daily_call_budget": settings.SCORO_DAILY_CALL_BUDGET}
    )
    return ScoroConnection.objects.select_for_update().get(company=company)


def connection_activate(
    *, company: Company, base_url: str, api_key: str, company_account_id: str, actor
) -> list[dict[str, Any]]:
    """Check the credentials against Scoro; on success store them (key encrypted) and return the Scoro
    users an admin picks the data owner from. The connection then waits for `connection_finish`."""
    base_url = validate_base_url(base_url)
    api_key = (api_key or "").strip()
    company_account_id = (company_account_id or "").strip()
    if not api_key:
        raise ValidationFailed("Enter the Scoro API key.", {"api_key": ["Required."]})
    if not company_account_id:
        raise ValidationFailed("Enter the Scoro company account id.", {"company_account_id": ["Required."]})
    current = connection_for(company=company)
    if current is not None and current.is_connected:
        raise InvalidTransition(
            "Scoro is already connected. Deactivate the connection to change its credentials."
        )
    budget = current.daily_call_budget if current else settings.SCORO_DAILY_CALL_BUDGET
    try:
        client = _client_from_credentials(
            company=company, base_url=base_url, api_key=api_key,
            company_account_id=company_account_id, budget=budget, max_retries=1,
        )  # fmt: skip
    except ValueError as exc:
        raise ValidationFailed(str(exc), {"base_url": ["Invalid address."]}) from None
    try:
        with client:
            client.check_credentials()
            users = list(client.list("users"))
    except ScoroError as exc:
        logger.info("Scoro credentials for company %s refused: %s", company.pk, exc)
        raise _credential_error(exc, base_url=base_url, company_account_id=company_account_id) from None

    from scoro_sync.sync import SYNC_TYPES, rows_apply  # sync imports these services

    with transaction.atomic():
        connection = _connection_for_update(company)
        if connection.is_connected:
            raise InvalidTransition("Scoro is already connected.")
        same_site = (connection.base_url, connection.company_account_id) == (base_url, company_account_id)
        if not same_site:
            connection.sync_marks = {}  # another Scoro site: the first sync lists everything
            if connection.base_url:
                scoro_ids_forget(connection=connection, actor=actor)
        connection.base_url = base_url
        connection.company_account_id = company_account_id
        connection.set_api_key(api_key)
        CONNECTION_MACHINE.fire(
            connection, "activate", actor=actor, message=f"Credentials checked for {base_url}",
            data={"base_url": base_url, "company_account_id": company_account_id},
            also={name: getattr(connection, name) for name in ACTIVATION_FIELDS},
        )  # fmt: skip
        counts = {"created": 0, "updated": 0, "deactivated": 0}
        rows_apply(company=company, sync_type=SYNC_TYPES["users"], rows=users, full=True, counts=counts)
    return scoro_users_to_pick(company=company)


def scoro_ids_forget(*, connection: ScoroConnection, actor) -> dict[str, int]:
    """Scoro ids belong to one Scoro site: when the company connects to another one (another base URL or
    company account id), none of the old site's ids is carried over. Background data keeps its rows
    (documents stay coded) without an id until the new site's sync links them again by its own ids;
    contacts made here are pushed again (matched there by VAT number, registration code, then name).
    Call it before the new site's credentials are stored (it reads the old site from `connection`)."""
    company, old_site = connection.company, connection.base_url
    counts = {}
    for model in (FinanceAccount, Dimension, Project, TaxRate, Product, ScoroUser):
        # The old site's background data: kept for the documents coded with it, but no longer offered.
        counts[model.__name__] = (
            model.objects.for_company(company)
            .filter(scoro_id__isnull=False)
            .update(scoro_id=None, scoro_modified="", is_active=False)
        )
    counts["Contact"] = (
        Contact.objects.for_company(company)
        .filter(scoro_id__isnull=False)
        .update(scoro_id=None, scoro_modified="", synced_snapshot={}, push_state=Contact.PushState.PENDING)
    )
    audit_record(
        target=connection, verb="scoro.site_changed", actor=actor,
        message=f"Connected to another Scoro site; ids from {old_site} forgotten", data=counts,
    )  # fmt: skip
    return counts


def scoro_users_to_pick(*, company: Company) -> list[dict[str, Any]]:
    return [
        {"id": u.scoro_id, "full_name": u.full_name, "email": u.email}
        for u in ScoroUser.objects.for_company(company).filter(is_active=True).order_by("full_name")
    ]


def connection_finish(*, company: Company, owner_user_id: int, actor) -> SyncRun:
    """Pick the Scoro user who owns what we create there; connect and start the initial full sync."""
    with transaction.atomic():
        connection = _connection_for_update(company)
        if connection.state != ScoroConnection.State.ACTIVATED:
            raise InvalidTransition("Activate the connection with the Scoro credentials first.")
        try:
            owner = ScoroUser.objects.for_company(company).get(scoro_id=int(owner_user_id), is_active=True)
        except (ScoroUser.DoesNotExist, TypeError, ValueError):
            raise ValidationFailed(
                "Choose one of the active Scoro users.", {"owner_user_id": ["Not an active Scoro user."]}
            ) from None
        CONNECTION_MACHINE.fire(
            connection, "connect", actor=actor,
            message=f"Connected to {connection.site_url}; data owner {owner.full_name}",
            also={"owner_scoro_user_id": owner.scoro_id, "owner_name": owner.full_name, "connected_at": timezone.now()},
        )  # fmt: skip
        dimension_groups_ensure(company=company)
        return sync_start(company=company, trigger="connect", full=True, actor=actor)


def connection_deactivate(*, company: Company, actor) -> ScoroConnection:
    """Stop all communication with Scoro: no calls, no scheduled sync. The API key is forgotten;
    synced rows and their Scoro ids stay, so reconnecting links everything up again."""
    with transaction.atomic():
        connection = _connection_for_update(company)
        if connection.state in (ScoroConnection.State.NOT_CONNECTED, ScoroConnection.State.DEACTIVATED):
            raise InvalidTransition("Scoro is not connected.")
        stopped = SYNC_RUN_MACHINE.fire_many(
            SyncRun.objects.for_company(company),
            "fail",
            actor=actor,
            message="Stopped: connection deactivated",
            also={"finished_at": timezone.now(), "progress": "Stopped: connection deactivated"},
        )
        CONNECTION_MACHINE.fire(
            connection, "deactivate", actor=actor, message="Scoro connection deactivated",
            data={"stopped_runs": stopped}, also={"api_key_encrypted": "", "api_key_last4": ""},
        )  # fmt: skip
    return connection


def connection_settings_update(*, company: Company, actor, **changes: bool) -> ScoroConnection:
    unknown = sorted(set(changes) - set(TOGGLES))
    if unknown:
        raise ValidationFailed(f"Unknown setting(s): {', '.join(unknown)}.")
    with transaction.atomic():
        connection = _connection_for_update(company)
        changed = {k: bool(v) for k, v in changes.items() if getattr(connection, k) != bool(v)}
        if changed:
            for key, value in changed.items():
                setattr(connection, key, value)
            connection.save(update_fields=[*changed])
            audit_record(
                target=connection, verb="scoro.settings_changed", actor=actor,
                message=", ".join(f"{k} {'on' if v else 'off'}" for k, v in changed.items()), data=changed,
            )  # fmt: skip
    return connection


# ------------------------------------------------------------------------------------------ syncs
STALE_RUN_AFTER = timedelta(minutes=30)


def sync_start(
    *,
    company: Company,
    types: list[str] | None = None,
    trigger: str = "manual",
    full: bool = False,
    actor=None,
) -> SyncRun:
    """Record a SyncRun and run it in the background (after commit). A run already under way for the
    company is returned instead of starting a second one."""
    from scoro_sync.sync import normalise_types  # sync imports these services

    connection = connection_for(company=company)
    if connection is None or not connection.is_connected:
        raise InvalidTransition("Connect Scoro first (Settings › Integrations › Scoro).")
    try:
        types = normalise_types(types)
    except ValueError as exc:
        raise ValidationFailed(str(exc), {"types": [str(exc)]}) from None
    running = (
        SyncRun.objects.for_company(company)
        .filter(status=SyncRun.Status.RUNNING, started_at__gte=timezone.now() - STALE_RUN_AFTER)
        .first()
    )
    if running is not None:
        return running
    run = SyncRun.objects.create(
        company=company,
        types=types,
        trigger=trigger,
        kind="full" if full else "incremental",
        progress="Queued",
    )
    if actor is not None:
        audit_record(target=run, verb="scoro.sync_started", actor=actor, message=", ".join(types))
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue_sync(company.pk, types, trigger, run_id, full))
    return run


def _enqueue_sync(company_id: int, types: list[str], trigger: str, run_id: int, full: bool) -> None:
    try:
        from scoro_sync.tasks import sync_company  # the tasks module imports these services

        sync_company.delay(company_id, types=types, trigger=trigger, run_id=run_id, full=full)
    except Retry:
        pass  # eager mode (tests, `make demo` steps): the task already ran and scheduled its retry
    except Exception:  # broker down: the run says so; the 30-minute sweep starts a new one when due
        logger.warning("Could not queue Scoro sync run %s", run_id, exc_info=True)
        reason = "Could not start: the background queue is unavailable"
        SYNC_RUN_MACHINE.fire_many(
            SyncRun.objects.filter(pk=run_id),
            "fail",
            actor_label="Scoro sync",
            message=reason,
            also={"finished_at": timezone.now(), "progress": reason},
        )


def dimension_group_update(*, group: DimensionGroup, show_on_expense_form: bool, actor) -> DimensionGroup:
    if group.show_on_expense_form != show_on_expense_form:
        group.show_on_expense_form = show_on_expense_form
        group.save(update_fields=["show_on_expense_form"])
        audit_record(
            target=group, verb="dimension_group.changed", actor=actor,
            message=f"Show on expense form {'on' if show_on_expense_form else 'off'}",
        )  # fmt: skip
    return group
