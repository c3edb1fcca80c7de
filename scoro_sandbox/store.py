"""Thread-safe in-memory store with the Scoro API v2 module semantics (list/view/modify/delete, files).

Business errors are raised as ApiError(http_status, messages); the server turns them into the envelope.
Validation is deliberately strict where Scoro is documented to be strict (integer ids, YYYY-mm-dd dates,
alpha-3 countries, existing references) so client mistakes surface in tests instead of in production.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from . import seed as seed_mod

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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _norm(value: Any) -> str:
    """Loose comparison key: Scoro accepts 1/"1"/true alike for flags and ids in filters."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_date(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if not isinstance(value, str) or not DATE_RE.match(value):
        errors.setdefault(field, []).append(f"{field} must be a date in format YYYY-mm-dd, got {value!r}")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(f"{field} is not a valid date: {value!r}")
        return None


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


class Store:
    def __init__(self, company_account_id: str = "envoice-demo"):
        self.lock = threading.RLock()
        self.company_account_id = company_account_id
        self.records: dict[str, dict[int, Record]] = {}
        self.next_id: dict[str, int] = {}
        self.next_line_id: dict[str, int] = {}
        self.file_chunks: dict[int, list[bytes]] = {}
        self.seed("none")

    # ------------------------------------------------------------------------------------------ seeding
    def seed(self, kind: str = "demo", **sizes: int | None) -> dict[str, int]:
        data = seed_mod.generate(kind, **sizes)
        with self.lock:
            self.records = {m: {} for m in MODULES}
            self.file_chunks = {}
            for module, rows in data.items():
                id_field = MODULES[module].id_field
                self.records[module] = {r[id_field]: r for r in rows}
            self.next_id = {m: max(self.records[m], default=0) + 1 for m in MODULES}
            self.next_line_id = {}
            for m in ("bills", "expenses"):
                line_ids = [ln["id"] for r in self.records[m].values() for ln in r.get("lines") or []]
                self.next_line_id[m] = max(line_ids, default=0) + 1
            return {m: len(v) for m, v in self.records.items()}

    # ------------------------------------------------------------------------------------------ helpers
    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def stamp(self, module: str, dt: datetime | None = None) -> str:
        dt = dt or self.now()
        if MODULES[module].date_style == "iso":
            return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return dt.strftime("%Y-%m-%d %H:%M:%S")

    def _get(self, module: str, obj_id: Any, *, include_deleted: bool = False) -> Record:
        if not _is_int(obj_id):
            raise ApiError(400, f"Invalid id: {obj_id!r} (must be an integer)")
        rec = self.records[module].get(obj_id)
        if rec is None or (rec.get("is_deleted") and not include_deleted):
            raise ApiError(404, f"{module} object with id {obj_id} not found")
        return rec

    def _exists(self, module: str, obj_id: Any) -> Record | None:
        rec = self.records.get(module, {}).get(obj_id)
        if rec is None or rec.get("is_deleted"):
            return None
        return rec

    def _public(self, module: str, rec: Record, *, listing: bool = False) -> Record:
        out = copy.deepcopy(rec)
        if listing and MODULES[module].has_lines:
            out["lines"] = None  # as documented: lines only come with view
        return out

    @staticmethod
    def _deleted_visible(rec: Record, now: datetime) -> bool:
        raw = str(rec.get("deleted_date"))[:19].replace("T", " ")
        try:
            deleted = datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return True
        return now.replace(tzinfo=None) - deleted <= timedelta(days=DELETED_VISIBLE_DAYS)

    # ------------------------------------------------------------------------------------------ list
    def list(self, module: str, body: Record) -> list[Record]:
        numbers = {}
        for name, default in (("page", 1), ("per_page", DEFAULT_PER_PAGE)):
            value = body.get(name, default)
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if not _is_int(value) or value < 1:
                raise ApiError(400, {name: [f"{name} must be a positive integer, got {value!r}"]})
            numbers[name] = value
        cap = DETAILED_MAX_PER_PAGE if _as_bool(body.get("detailed_response")) else MAX_PER_PAGE
        page, per_page = numbers["page"], min(numbers["per_page"], cap)
        filt = body.get("filter") or {}
        if not isinstance(filt, dict):
            raise ApiError(400, {"filter": ["filter must be an object"]})
        matcher = self._compile_filter(module, filt)
        include_deleted = _as_bool(body.get("include_deleted"))
        now = self.now()
        with self.lock:
            rows = []
            for key in sorted(self.records[module]):
                rec = self.records[module][key]
                if rec.get("is_deleted") and not (include_deleted and self._deleted_visible(rec, now)):
                    continue
                if module == "files" and not rec.get("is_complete"):
                    continue  # half-uploaded files are invisible until the last chunk arrives
                if matcher(rec):
                    rows.append(rec)
            start = (page - 1) * per_page
            return [self._public(module, r, listing=True) for r in rows[start : start + per_page]]

    def _compile_filter(self, module: str, filt: Record):
        checks = []
        errors: dict[str, list[str]] = {}
        for key, want in filt.items():
            if isinstance(want, dict) and ("from_date" in want or "to_date" in want):
                lo = hi = None
                if "from_date" in want:
                    lo = _parse_date(want["from_date"], f"{key}.from_date", errors)
                if "to_date" in want:
                    hi = _parse_date(want["to_date"], f"{key}.to_date", errors)
                checks.append(self._range_check(key, lo, hi))
            elif module == "files" and key in ("rel_type", "rel_id"):
                continue  # handled below as a pair
            elif isinstance(want, dict):
                checks.append(self._nested_check(key, want))
            elif isinstance(want, list):
                keys = {_norm(w) for w in want}
                checks.append(lambda r, k=key, ks=keys: _norm(r.get(k)) in ks)
            else:
                wanted = _norm(want)
                checks.append(lambda r, k=key, w=wanted: _norm(r.get(k)) == w)
        if module == "files" and ("rel_type" in filt or "rel_id" in filt):
            rel_type, rel_id = filt.get("rel_type"), filt.get("rel_id")
            if rel_type not in FILE_REL_TYPES:
                _add(errors, "rel_type", f"Unknown rel_type {rel_type!r}")

            def rel_check(rec: Record) -> bool:
                ids = (rec.get("relations") or {}).get(rel_type)
                if ids is None:
                    return False
                return rel_id is None or _norm(rel_id) in {_norm(x) for x in ids}

            checks.append(rel_check)
        if errors:
            raise ApiError(400, errors)
        return lambda rec: all(check(rec) for check in checks)

    @staticmethod
    def _range_check(key: str, lo: date | None, hi: date | None):
        def check(rec: Record) -> bool:
            raw = rec.get(key)
            if not raw:
                return False
            try:
                value = date.fromisoformat(str(raw)[:10])  # date-granular, like Scoro
            except ValueError:
                return False
            return (lo is None or value >= lo) and (hi is None or value <= hi)

        return check

    @staticmethod
    def _nested_check(key: str, want: Record):
        def check(rec: Record) -> bool:
            container = rec.get(key)
            if not isinstance(container, dict):
                return False
            for sub, sub_want in want.items():
                have = container.get(sub)
                values = have if isinstance(have, list) else [have]
                if _norm(sub_want) not in {_norm(v) for v in values}:
                    return False
            return True

        return check

    # ------------------------------------------------------------------------------------------ view/delete
    def view(self, module: str, obj_id: Any, *, include_deleted: bool = False) -> Record:
        with self.lock:
            return self._public(module, self._get(module, obj_id, include_deleted=include_deleted))

    def delete(self, module: str, obj_id: Any) -> None:
        with self.lock:
            rec = self._get(module, obj_id)
            now = self.now()
            rec["is_deleted"] = True
            rec["deleted_date"] = self.stamp(module, now)
            rec["modified_date"] = self.stamp(module, now)

    # ------------------------------------------------------------------------------------------ modify
    def modify(self, module: str, obj_id: Any, request: Any) -> Record:
        if not isinstance(request, dict):
            raise ApiError(400, {"request": ["request must be an object with the fields to save"]})
        if module == "files":
            return self._modify_file(obj_id, request)
        with self.lock:
            existing = self._get(module, obj_id) if obj_id is not None else None
            data = {k: v for k, v in request.items() if k not in READ_ONLY and k != MODULES[module].id_field}
            self._validate(module, data, creating=existing is None)
            now = self.now()
            if existing is None:
                new_id = self.next_id[module]
                self.next_id[module] += 1
                rec = self._defaults(module, new_id, now)
                self.records[module][new_id] = rec
            else:
                rec = existing
            lines = data.pop("lines", None) if MODULES[module].has_lines else None
            rec.update(data)
            if MODULES[module].has_lines and ("lines" in request or existing is None):
                rec["lines"] = self._build_lines(module, rec.get("lines") or [], lines or [])
            self._compute(module, rec)
            rec["modified_date"] = self.stamp(module, now)
            return self._public(module, rec)

    def _defaults(self, module: str, new_id: int, now: datetime) -> Record:
        rec: Record = {MODULES[module].id_field: new_id}
        if module == "contacts":
            rec.update(contact_type="company", is_supplier=False, is_client=False, addresses=[],
                       means_of_contact={"email": [], "phone": [], "mobile": [], "website": []}, tags=[],
                       custom_fields=[])  # fmt: skip
        elif module == "bills":
            rec.update(status="unpaid", currency="EUR", currency_rate=1, project_id=None, lines=[],
                       account_id=self.company_account_id, custom_fields=[])  # fmt: skip
        elif module == "expenses":
            rec.update(status="unpaid", currency="EUR", currency_rate=1, lines=[], custom_fields=[])
        elif module == "projects":
            rec.update(status="pending", project_type="regular", is_private=False, project_accounts=[])
        elif module in ("products", "financeAccounts", "vatCodes"):
            rec.update(is_active=True)
        rec.update(created_date=self.stamp(module, now), deleted_date=None, is_deleted=False)
        return rec

    def _build_lines(self, module: str, old: list[Record], new: list[Record]) -> list[Record]:
        """Sending lines replaces the whole set; a line that carries an existing id keeps it."""
        old_ids = {ln["id"] for ln in old}
        out = []
        for raw in new:
            line = {k: v for k, v in raw.items() if k != "sum"}
            if line.get("id") not in old_ids:
                line["id"] = self.next_line_id[module]
                self.next_line_id[module] += 1
            out.append(line)
        return out

    def _compute(self, module: str, rec: Record) -> None:
        if module not in ("bills", "expenses"):
            return
        qty_field = "amount" if module == "bills" else "quantity"
        code_field = "vat_code_id" if module == "bills" else "tax_code_id"
        pct_field = "vat" if module == "bills" else "tax_percentage"
        net_total = vat_total = 0.0
        for line in rec.get("lines") or []:
            qty = float(line[qty_field]) if line.get(qty_field) is not None else 1.0
            net = round(qty * float(line.get("price") or 0) * (1 - float(line.get("discount") or 0) / 100), 2)
            code = self._exists("vatCodes", line.get(code_field)) if line.get(code_field) else None
            if code is None and rec.get(code_field):
                code = self._exists("vatCodes", rec[code_field])
            pct = float(code["percent"]) if code else float(line.get(pct_field) or rec.get(pct_field) or 0)
            line["sum"] = net
            net_total += net
            vat_total += net * pct / 100
        rec["sum"] = round(net_total, 2)
        rec["vat_sum" if module == "bills" else "tax_sum"] = round(vat_total, 2)

    # ------------------------------------------------------------------------------------------ validation
    def _validate(self, module: str, data: Record, *, creating: bool) -> None:
        errors: dict[str, list[str]] = {}
        if creating:
            for field in REQUIRED_ON_CREATE.get(module, ()):
                if data.get(field) in (None, "", 0):
                    _add(errors, field, f"{field} is required")
        self._check_fields(module, data, errors, prefix="")
        if MODULES[module].has_lines and "lines" in data:
            lines = data["lines"]
            if lines is None:
                data["lines"] = []
            elif not isinstance(lines, list) or not all(isinstance(ln, dict) for ln in lines):
                _add(errors, "lines", "lines must be a list of objects")
            else:
                for i, line in enumerate(lines):
                    self._check_fields(f"{module}.lines", line, errors, prefix=f"lines.{i}.")
        if module == "contacts":
            self._check_contact(data, errors)
        if "custom_fields" in data:
            cf = data["custom_fields"]
            if not isinstance(cf, list) or not all(
                isinstance(c, dict) and isinstance(c.get("id"), str) and c["id"].startswith("c_") for c in cf
            ):
                _add(
                    errors,
                    "custom_fields",
                    'custom_fields must be a list of {"id": "c_<name>", "value": ...}',
                )
        for field in BOOL_FIELDS.get(module, ()):
            if field in data and data[field] is not None:
                data[field] = _as_bool(data[field])
        if errors:
            raise ApiError(400, errors)

    def _check_fields(self, key: str, data: Record, errors: dict[str, list[str]], prefix: str) -> None:
        for field, target in REFS.get(key, {}).items():
            if field not in data or data[field] in (None, 0):
                continue
            value = data[field]
            if not _is_int(value):
                _add(errors, prefix + field, f"{field} must be an integer, got {value!r}")
                continue
            if not target or (key == "bills" and field == "project_id" and value == -1):
                continue  # -1 on a bill header = lines carry their own projects
            ref = self._exists(target, value)
            if ref is None:
                _add(errors, prefix + field, f"{field} {value} does not exist in {target}")
            elif target in ("financeAccounts", "vatCodes") and ref.get("is_active") is False:
                _add(errors, prefix + field, f"{field} {value} is not active")
        for field in DATE_FIELDS.get(key, ()):
            if data.get(field) not in (None, ""):
                _parse_date(data[field], prefix + field, errors)
        for field, allowed in ENUMS.get(key, {}).items():
            if field in data and data[field] not in allowed:
                _add(errors, prefix + field, f"{field} must be one of {sorted(allowed)}, got {data[field]!r}")
        for field in NUMERIC.get(key, ()):
            value = data.get(field)
            if value is None or value == "":
                continue
            try:
                if isinstance(value, bool):
                    raise ValueError
                float(value)
            except (TypeError, ValueError):
                _add(errors, prefix + field, f"{field} must be a number, got {value!r}")

    @staticmethod
    def _check_contact(data: Record, errors: dict[str, list[str]]) -> None:
        addresses = data.get("addresses")
        if addresses is not None:
            if not isinstance(addresses, list):
                _add(errors, "addresses", "addresses must be a list")
            else:
                for i, addr in enumerate(addresses):
                    country = addr.get("country") if isinstance(addr, dict) else None
                    if country and not re.fullmatch(r"[A-Z]{3}", str(country)):
                        _add(errors, f"addresses.{i}.country",
                             f"country must be an ISO 3166 alpha-3 code (e.g. EST), got {country!r}")  # fmt: skip
        moc = data.get("means_of_contact")
        if moc is not None and (
            not isinstance(moc, dict) or not all(isinstance(v, list) for v in moc.values())
        ):
            _add(
                errors,
                "means_of_contact",
                "means_of_contact must be an object of lists, e.g. {'email': [...]}",
            )

    # ------------------------------------------------------------------------------------------ files
    def _modify_file(self, obj_id: Any, req: Record) -> Record:
        with self.lock:
            rec = self._get("files", obj_id) if obj_id is not None else None
            if "chunk_data" not in req and "chunk_no" not in req:
                if rec is None:
                    raise ApiError(400, {"chunk_data": ["chunk_data is required to upload a file"]})
                for field in ("file_name", "category_id", "file_type", "is_private", "is_public"):
                    if field in req:
                        rec[field] = req[field]
                rec["modified_date"] = self.stamp("files")
                return copy.deepcopy(rec)
            errors: dict[str, list[str]] = {}
            chunk_no, total, size = req.get("chunk_no"), req.get("chunks_total"), req.get("size")
            for field, value in (("chunk_no", chunk_no), ("chunks_total", total), ("size", size)):
                if not _is_int(value) or value < (0 if field == "size" else 1):
                    _add(errors, field, f"{field} must be a positive integer, got {value!r}")
            name = req.get("name")
            if rec is None and (not isinstance(name, str) or not name.strip()):
                _add(errors, "name", "name is required")
            uploaded_by = req.get("uploaded_by")
            if rec is None and (not _is_int(uploaded_by) or self._exists("users", uploaded_by) is None):
                _add(errors, "uploaded_by", f"uploaded_by must be a user id, got {uploaded_by!r}")
            chunk_data = req.get("chunk_data")
            raw = b""
            if not isinstance(chunk_data, str):
                _add(errors, "chunk_data", "chunk_data must be a base64 string")
            elif len(chunk_data) > MAX_CHUNK_CHARS:
                _add(errors, "chunk_data",
                     f"chunk_data is {len(chunk_data)} bytes; the maximum is {MAX_CHUNK_CHARS} bytes per chunk")  # fmt: skip
            else:
                try:
                    raw = base64.b64decode(chunk_data, validate=True)
                except (binascii.Error, ValueError):
                    _add(errors, "chunk_data", "chunk_data is not valid base64")
            if not errors and chunk_no > total:
                _add(errors, "chunk_no", f"chunk_no {chunk_no} is greater than chunks_total {total}")
            if errors:
                raise ApiError(400, errors)
            if rec is None and chunk_no != 1:
                # Tolerate clients that send follow-up chunks without the id (matched like Scoro would: by file).
                rec = self._find_pending_upload(name, size, uploaded_by, total)
                if rec is None:
                    raise ApiError(
                        400, {"chunk_no": ["No upload in progress: the first chunk must be chunk_no 1"]}
                    )
            now = self.now()
            if rec is None:
                new_id = self.next_id["files"]
                self.next_id["files"] += 1
                rec = {"file_id": new_id, "file_name": name, "file_size": size, "hash": None,
                       "uploaded_by": uploaded_by, "category_id": req.get("category_id"),
                       "file_type": req.get("file_type") or "other",
                       "is_private": bool(req.get("is_private")), "is_public": False, "relations": {},
                       "chunks_total": total, "chunks_received": 0, "is_complete": False,
                       "created_date": self.stamp("files", now), "deleted_date": None,
                       "is_deleted": False}  # fmt: skip
                self.records["files"][new_id] = rec
                self.file_chunks[new_id] = []
            chunks = self.file_chunks.setdefault(rec["file_id"], [])
            if total != rec["chunks_total"] or size != rec["file_size"]:
                raise ApiError(400, {"chunks_total": ["size/chunks_total differ from the first chunk"]})
            if chunk_no == len(chunks) and chunk_no >= 1:
                chunks[-1] = raw  # re-sent last chunk (client retry after a lost answer): idempotent
            elif chunk_no == len(chunks) + 1:
                chunks.append(raw)
            else:
                raise ApiError(400, {"chunk_no": [f"Expected chunk_no {len(chunks) + 1}, got {chunk_no}"]})
            rec["chunks_received"] = len(chunks)
            if len(chunks) == rec["chunks_total"]:
                content = b"".join(chunks)
                if len(content) != rec["file_size"]:
                    msg = f"Declared size {rec['file_size']} but received {len(content)} bytes"
                    raise ApiError(400, {"size": [msg]})
                rec["is_complete"] = True
                rec["hash"] = hashlib.md5(content).hexdigest()
            rec["modified_date"] = self.stamp("files", now)
            return copy.deepcopy(rec)

    def _find_pending_upload(self, name: Any, size: Any, uploaded_by: Any, total: Any) -> Record | None:
        for rec in self.records["files"].values():
            if (not rec["is_complete"] and not rec["is_deleted"] and rec["file_name"] == name
                    and rec["file_size"] == size and rec["uploaded_by"] == uploaded_by
                    and rec["chunks_total"] == total):  # fmt: skip
                return rec
        return None

    def file_content(self, file_id: Any) -> tuple[Record, bytes]:
        with self.lock:
            rec = self._get("files", file_id)
            if not rec.get("is_complete"):
                raise ApiError(404, f"File {file_id} upload is not complete")
            return copy.deepcopy(rec), b"".join(self.file_chunks.get(file_id, []))

    def file_relation(self, file_id: Any, req: Any, *, add: bool) -> Record:
        if not isinstance(req, dict):
            raise ApiError(400, {"request": ["request must be an object with rel_type and rel_id"]})
        with self.lock:
            rec = self._get("files", file_id)
            rel_type, rel_id = req.get("rel_type"), req.get("rel_id")
            errors: dict[str, list[str]] = {}
            if rel_type not in FILE_REL_TYPES:
                _add(
                    errors, "rel_type", f"rel_type must be one of {sorted(FILE_REL_TYPES)}, got {rel_type!r}"
                )
            if not _is_int(rel_id):
                _add(errors, "rel_id", f"rel_id must be an integer, got {rel_id!r}")
            elif (
                add and rel_type in FILE_REL_TYPES and self._exists(FILE_REL_TYPES[rel_type], rel_id) is None
            ):
                _add(errors, "rel_id", f"{rel_type} object {rel_id} does not exist")
            if add and not rec.get("is_complete"):
                _add(errors, "file_id", "File upload is not complete")
            if errors:
                raise ApiError(400, errors)
            ids: list[int] = rec["relations"].setdefault(rel_type, [])
            if add and rel_id not in ids:
                ids.append(rel_id)  # adding twice is a no-op, so client retries are harmless
            elif not add and rel_id in ids:
                ids.remove(rel_id)
            if not ids:
                rec["relations"].pop(rel_type, None)
            rec["modified_date"] = self.stamp("files")
            return copy.deepcopy(rec)

    def files_for(self, rel_type: str, rel_id: int) -> list[Record]:
        with self.lock:
            return [
                copy.deepcopy(r)
                for r in self.records["files"].values()
                if not r["is_deleted"] and rel_id in (r.get("relations") or {}).get(rel_type, [])
            ]

    # ------------------------------------------------------------------------------------------ test control
    def server_modify(self, module: str, obj_id: int | None, data: Record, *, delete: bool = False) -> Record:
        """Edit as a person in the Scoro UI would: no API validation, always bumps modified_date."""
        if module not in MODULES:
            raise ApiError(404, f"Unknown module {module!r}")
        with self.lock:
            if delete:
                self.delete(module, obj_id)
                return copy.deepcopy(self.records[module][obj_id])
            now = self.now()
            if obj_id is None:
                obj_id = self.next_id[module]
                self.next_id[module] += 1
                self.records[module][obj_id] = self._defaults(module, obj_id, now)
            rec = self._get(module, obj_id, include_deleted=True)
            lines = data.get("lines")
            rec.update({k: v for k, v in data.items() if k != "lines"})
            if MODULES[module].has_lines and lines is not None:
                rec["lines"] = self._build_lines(module, rec.get("lines") or [], lines)
            self._compute(module, rec)
            if "modified_date" not in data:  # a test may backdate explicitly
                rec["modified_date"] = self.stamp(module, now)
            return copy.deepcopy(rec)

    def dump(self, module: str, ids: Iterable[int] | None = None) -> list[Record]:
        if module not in MODULES:
            raise ApiError(404, f"Unknown module {module!r}")
        with self.lock:
            wanted = set(ids) if ids is not None else None
            return [
                copy.deepcopy(r)
                for k, r in sorted(self.records[module].items())
                if wanted is None or k in wanted
            ]

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {m: len(v) for m, v in self.records.items()}
