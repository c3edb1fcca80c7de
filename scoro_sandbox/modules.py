"""What the sandbox knows about each Scoro module: ids, date styles, references, field types, and the
validation helpers the store uses. Business errors are ApiError(http_status, messages)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

Record = dict[str, Any]

MAX_PER_PAGE = 100
DETAILED_MAX_PER_PAGE = 25
DEFAULT_PER_PAGE = 50
MAX_CHUNK_CHARS = 5_000_000
DELETED_VISIBLE_DAYS = 30

CRUD = frozenset({"list", "view", "modify", "delete"})
READ = frozenset({"list", "view"})


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    id_field: str
    date_style: str  # "iso" (contacts, users) or "sql" (everything else) — Scoro is inconsistent here
    actions: frozenset[str]
    has_lines: bool = False


MODULES: dict[str, ModuleSpec] = {
    "contacts": ModuleSpec("contacts", "contact_id", "iso", CRUD),
    "projects": ModuleSpec("projects", "project_id", "sql", CRUD),
    "financeAccounts": ModuleSpec("financeAccounts", "id", "sql", CRUD),
    "financeObjects": ModuleSpec("financeObjects", "object_id", "sql", READ),
    "vatCodes": ModuleSpec("vatCodes", "vat_code_id", "sql", CRUD),
    "products": ModuleSpec("products", "product_id", "sql", CRUD),
    "users": ModuleSpec("users", "id", "iso", READ),
    "bills": ModuleSpec("bills", "id", "sql", CRUD, has_lines=True),
    "expenses": ModuleSpec("expenses", "id", "sql", CRUD, has_lines=True),
    "files": ModuleSpec("files", "file_id", "sql", CRUD | {"download", "addRelation", "removeRelation"}),
}

# field -> module it must reference (0/None mean "not set"; "" = only checked to be an integer)
REFS: dict[str, dict[str, str]] = {
    "bills": {"company_id": "contacts", "person_id": "contacts", "project_id": "projects",
              "owner_id": "users", "vat_code_id": "vatCodes", "company_address_id": ""},
    "bills.lines": {"project_id": "projects", "finance_account_id": "financeAccounts",
                    "finance_object_id": "financeObjects", "vat_code_id": "vatCodes",
                    "product_id": "products"},
    "expenses": {"company_id": "contacts", "person_id": "contacts", "owner_id": "users",
                 "project_id": "projects", "tax_code_id": "vatCodes"},
    "expenses.lines": {"product_id": "products", "tax_code_id": "vatCodes",
                       "finance_account_id": "financeAccounts", "accounting_object_id": "financeObjects",
                       "project_id": "projects"},
    "contacts": {"manager_id": "users"},
    "projects": {"company_id": "contacts", "manager_id": "users"},
    "products": {"default_vat_code_id": "vatCodes", "default_purchases_tax_id": "vatCodes",
                 "purchases_finance_account_id": "financeAccounts", "accounting_object_id": "financeObjects",
                 "supplier_id": "contacts", "productgroup_id": ""},
    "financeAccounts": {"parent_id": "financeAccounts"},
}  # fmt: skip
DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "bills": ("date", "deadline", "recognition_date", "dateofpayment"),
    "expenses": ("date", "due_date", "recognition_date"),
    "projects": ("date", "deadline"),
}
REQUIRED_ON_CREATE: dict[str, tuple[str, ...]] = {
    "bills": ("company_id",),
    "contacts": ("name",),
    "projects": ("project_name",),
    "financeAccounts": ("account_symbol", "name"),
    "vatCodes": ("vat_code", "percent"),
    "products": ("name",),
}
ENUMS: dict[str, dict[str, frozenset[str]]] = {
    "bills": {"status": frozenset({"paid", "unpaid"}),
              "payment_type": frozenset({"banktransfer", "cash", "cardpayment", "credit", "barter"})},
    "expenses": {"status": frozenset({"paid", "unpaid"})},
    "contacts": {"contact_type": frozenset({"company", "person"})},
    "projects": {"status": frozenset({"pending", "inprogress", "cancelled", "completed", "future"}),
                 "project_type": frozenset({"regular", "retainer", "internal"})},
}  # fmt: skip
NUMERIC: dict[str, tuple[str, ...]] = {
    "bills": ("currency_rate", "discount", "vat"),
    "bills.lines": ("price", "amount", "discount", "vat"),
    "expenses": ("currency_rate", "tax_percentage"),
    "expenses.lines": ("price", "quantity", "tax_percentage"),
    "products": ("price", "buying_price"),
    "vatCodes": ("percent",),
}
BOOL_FIELDS = {
    "contacts": ("is_supplier", "is_client"),
    "bills": ("is_chargeable",),
    "expenses": ("is_chargeable", "is_reimbursable"),
    "products": ("is_active", "is_service"),
    "financeAccounts": ("is_active", "is_sales_account", "is_purchases_account"),
    "vatCodes": ("is_sales", "is_purchases", "is_active", "is_not_applicable"),
    "projects": ("is_private",),
}
# Server-computed fields a client cannot set.
READ_ONLY = {"modified_date", "created_date", "deleted_date", "is_deleted", "sum", "vat_sum", "tax_sum",
             "account_id", "status_name", "file_size", "hash", "relations"}  # fmt: skip
FILE_REL_TYPES = {"bills": "bills", "expenses": "expenses", "projects": "projects", "contacts": "contacts"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """A business error that becomes a Scoro ERROR envelope with the given HTTP/statusCode."""

    def __init__(self, status: int, messages: Record | list[str] | str):
        if isinstance(messages, str):
            messages = {"error": [messages]}
        elif isinstance(messages, list):
            messages = {"error": messages}
        super().__init__(f"{status}: {messages}")
        self.status = status
        self.messages = messages


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def norm(value: Any) -> str:
    """Loose comparison key: Scoro accepts 1/"1"/true alike for flags and ids in filters."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date_field(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if not isinstance(value, str) or not DATE_RE.match(value):
        errors.setdefault(field, []).append(f"{field} must be a date in format YYYY-mm-dd, got {value!r}")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(f"{field} is not a valid date: {value!r}")
        return None


def add_error(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)
