"""Settings pages: Company, Integrations › Scoro (admins) and Bookkeeping (background data from Scoro)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.views_mixins import CompanyRequiredMixin
from bookkeeping.models import Contact, DimensionGroup, FinanceAccount, Product, Project, TaxRate
from core.errors import ApplicationError
from scoro_sync import selectors, services
from scoro_sync.contacts import SYNCED_FIELDS, contact_conflict_resolve
from scoro_sync.models import ScoroConnection, SyncRun

PER_PAGE = 50


class CompanySettingsView(CompanyRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "settings/company.html",
            {"company": self.company, "connection": selectors.connection_for(company=self.company)},
        )


# ------------------------------------------------------------------------------------------ Integrations › Scoro
class _ScoroAdminView(CompanyRequiredMixin, View):
    required_permission = "integrations.manage"

    def page(
        self, request, *, form: dict | None = None, error: ApplicationError | None = None, status: int = 200
    ):
        connection = selectors.connection_for(company=self.company) or ScoroConnection(company=self.company)
        context = {
            "connection": connection,
            "form": form
            or {"base_url": connection.base_url, "company_account_id": connection.company_account_id},
            "error": error,
            "field_errors": error.extra if error else {},
            "scoro_users": services.scoro_users_to_pick(company=self.company)
            if connection.state == ScoroConnection.State.ACTIVATED
            else [],
            "api_calls": selectors.api_calls_used(company=self.company),
            "runs": selectors.sync_runs_recent(company=self.company),
            "latest_run": selectors.sync_run_latest(company=self.company),
            "toggles": _toggles(connection),
        }
        return render(request, "settings/scoro.html", context, status=status)


def _toggles(connection: ScoroConnection) -> list[dict]:
    texts = {
        "recording_required": ("Recording required", "Documents must be recorded by an accountant before they can be published."),
        "auto_publish": ("Enable automatic publishing", "Publish documents to Scoro as soon as they are ready."),
        "auto_publish_exclude_purchases_expenses": ("Exclude purchases & expenses", "Never publish bills and expenses automatically."),
        "auto_publish_exclude_sales": ("Exclude sales", "Never publish sales documents automatically."),
        "publish_attachments": ("Publish all attachments", "Besides the original, attach extra files and the files embedded in e-invoices."),
        "auto_sync": ("Auto Sync", "Pull background data from Scoro every 24 hours."),
    }  # fmt: skip
    return [
        {"name": name, "label": label, "help": help_text, "value": getattr(connection, name)}
        for name, (label, help_text) in texts.items()
    ]


class ScoroSettingsView(_ScoroAdminView):
    def get(self, request):
        return self.page(request)


class ScoroActivateView(_ScoroAdminView):
    def post(self, request):
        form = {k: request.POST.get(k, "").strip() for k in ("base_url", "company_account_id")}
        try:
            services.connection_activate(
                company=self.company, actor=request.user, api_key=request.POST.get("api_key", ""), **form
            )
        except ApplicationError as exc:
            return self.page(request, form=form, error=exc, status=400)
        messages.success(
            request, "Scoro accepted the credentials. Choose the Scoro user who will own the data."
        )
        return redirect("scoro_sync:scoro")


class ScoroFinishView(_ScoroAdminView):
    def post(self, request):
        try:
            services.connection_finish(
                company=self.company, owner_user_id=request.POST.get("owner_user_id"), actor=request.user
            )
        except ApplicationError as exc:
            return self.page(request, error=exc, status=400)
        messages.success(request, "Connected to Scoro. The first sync is running in the background.")
        return redirect("scoro_sync:scoro")


class ScoroToggleView(_ScoroAdminView):
    def post(self, request):
        values = {name: request.POST.get(name) == "on" for name in services.TOGGLES}
        services.connection_settings_update(company=self.company, actor=request.user, **values)
        messages.success(request, "Settings saved.")
        return redirect("scoro_sync:scoro")


class ScoroDeactivateView(_ScoroAdminView):
    def post(self, request):
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm that all communication with Scoro should stop.")
            return redirect("scoro_sync:scoro")
        try:
            services.connection_deactivate(company=self.company, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Scoro is deactivated. Nothing is sent to or read from Scoro any more.")
        return redirect("scoro_sync:scoro")


class ScoroSyncNowView(_ScoroAdminView):
    def post(self, request):
        return _start_sync(request, self.company, None, "scoro_sync:scoro")


class SyncProgressView(CompanyRequiredMixin, View):
    """htmx fragment: the latest run's progress, polled while it runs."""

    required_permission = "bookkeeping.sync"

    def get(self, request):
        return render(
            request,
            "settings/_sync_progress.html",
            {"latest_run": selectors.sync_run_latest(company=self.company)},
        )


def _start_sync(request, company, types, back: str, **back_kwargs):
    try:
        run = services.sync_start(company=company, types=types, trigger="manual", actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if run.status == SyncRun.Status.RUNNING:
            messages.success(request, "Sync started. This page shows its progress.")
        else:
            messages.success(request, "Sync finished.")
    return redirect(back, **back_kwargs)


# ------------------------------------------------------------------------------------------ Bookkeeping
TABS = {
    "accounts": ("Accounts", ["accounts"]),
    "dimensions": ("Dimensions", ["dimensions", "projects"]),
    "tax-rates": ("Tax rates", ["tax_rates"]),
    "contacts": ("Contacts", ["contacts"]),
    "products": ("Products", ["products"]),
}


class BookkeepingView(CompanyRequiredMixin, View):
    required_permission = "bookkeeping.sync"

    def get(self, request, tab: str = "accounts"):
        if tab not in TABS:
            tab = "accounts"
        context = {
            "tab": tab,
            "tabs": [(slug, label) for slug, (label, _types) in TABS.items()],
            "connection": selectors.connection_for(company=self.company),
            "latest_run": selectors.sync_run_latest(company=self.company),
            "q": request.GET.get("q", "").strip(),
            "show_inactive": request.GET.get("inactive") == "1",
        }
        context.update(getattr(self, f"_{tab.replace('-', '_')}")(request, context))
        return render(request, "settings/bookkeeping.html", context)

    def _rows(self, request, queryset, context, search: list[str]):
        if not context["show_inactive"]:
            queryset = queryset.filter(is_active=True)
        if context["q"]:
            cond = Q()
            for field in search:
                cond |= Q(**{f"{field}__icontains": context["q"]})
            queryset = queryset.filter(cond)
        return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))

    def _accounts(self, request, context):
        return {"page": self._rows(request, self.scoped(FinanceAccount), context, ["code", "name"])}

    def _tax_rates(self, request, context):
        return {"page": self._rows(request, self.scoped(TaxRate), context, ["code", "name"])}

    def _products(self, request, context):
        qs = self.scoped(Product).select_related("default_tax_rate", "finance_account")
        return {"page": self._rows(request, qs, context, ["code", "name"])}

    def _dimensions(self, request, context):
        groups = list(self.scoped(DimensionGroup).order_by("name"))
        groups.sort(key=lambda g: (g.name != DimensionGroup.PROJECT, g.name))
        for group in groups:
            if group.name == DimensionGroup.PROJECT:
                group.rows = self._rows(request, self.scoped(Project), context, ["number", "name"])
            else:
                qs = group.dimensions.all()
                group.rows = qs if context["show_inactive"] else qs.filter(is_active=True)
        return {"groups": groups}

    def _contacts(self, request, context):
        qs = self.scoped(Contact).annotate(
            conflict_first=Case(
                When(push_state=Contact.PushState.CONFLICT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        page = self._rows(
            request, qs.order_by("conflict_first", "name"), context, ["name", "lastname", "reg_no", "vat_no"]
        )
        labels = {f.name: f.verbose_name for f in Contact._meta.fields}
        for contact in page:
            if contact.push_state == Contact.PushState.CONFLICT:
                contact.differences = [
                    {
                        "label": labels[f].capitalize(),
                        "mine": getattr(contact, f),
                        "theirs": contact.conflict_remote.get(f),
                    }
                    for f in SYNCED_FIELDS
                    if getattr(contact, f) != contact.conflict_remote.get(f)
                ]
        conflicts = self.scoped(Contact).filter(push_state=Contact.PushState.CONFLICT).count()
        return {"page": page, "conflicts": conflicts}


class BookkeepingSyncView(CompanyRequiredMixin, View):
    required_permission = "bookkeeping.sync"

    def post(self, request, tab: str):
        if tab not in TABS:
            return redirect("scoro_sync:bookkeeping")
        return _start_sync(request, self.company, TABS[tab][1], "scoro_sync:bookkeeping_tab", tab=tab)


class DimensionGroupView(CompanyRequiredMixin, View):
    required_permission = "bookkeeping.sync"

    def post(self, request, pk: int):
        group = get_object_or_404(self.scoped(DimensionGroup), pk=pk)
        services.dimension_group_update(
            group=group,
            show_on_expense_form=request.POST.get("show_on_expense_form") == "on",
            actor=request.user,
        )
        messages.success(request, f"Saved: {group.name}.")
        return redirect("scoro_sync:bookkeeping_tab", tab="dimensions")


class ContactResolveView(CompanyRequiredMixin, View):
    required_permission = "contacts.edit"

    def post(self, request, pk: int):
        contact = get_object_or_404(self.scoped(Contact), pk=pk)
        try:
            contact_conflict_resolve(contact=contact, keep=request.POST.get("keep", ""), actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Conflict resolved for {contact}.")
        return redirect("scoro_sync:bookkeeping_tab", tab="contacts")
