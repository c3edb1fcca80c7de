"""Thread-safe in-memory store with the Scoro API v2 module semantics (list/view/modify/delete, files).

Business errors are raised as ApiError(http_status, messages); the server turns them into the envelope.
Validation is deliberately strict where Scoro is documented to be strict (integer ids, YYYY-mm-dd dates,
alpha-3 countries, existing references) so client mistakes surface in tests instead of in production.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from . import seed as seed_mod
from .files import FilesMixin
from .modules import (
    BOOL_FIELDS,
    DATE_FIELDS,
    DEFAULT_PER_PAGE,
    DELETED_VISIBLE_DAYS,
    DETAILED_MAX_PER_PAGE,
    ENUMS,
    FILE_REL_TYPES,
    MAX_PER_PAGE,
    MODULES,
    NUMERIC,
    READ_ONLY,
    REFS,
    REQUIRED_ON_CREATE,
    ApiError,
    Record,
    add_error,
    as_bool,
    is_int,
    norm,
    parse_date_field,
)


class Store(FilesMixin):
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
        if not is_int(obj_id):
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
            if not is_int(value) or value < 1:
                raise ApiError(400, {name: [f"{name} must be a positive integer, got {value!r}"]})
            numbers[name] = value
        cap = DETAILED_MAX_PER_PAGE if as_bool(body.get("detailed_response")) else MAX_PER_PAGE
        page, per_page = numbers["page"], min(numbers["per_page"], cap)
        filt = body.get("filter") or {}
        if not isinstance(filt, dict):
            raise ApiError(400, {"filter": ["filter must be an object"]})
        matcher = self._compile_filter(module, filt)
        include_deleted = as_bool(body.get("include_deleted"))
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
                    lo = parse_date_field(want["from_date"], f"{key}.from_date", errors)
                if "to_date" in want:
                    hi = parse_date_field(want["to_date"], f"{key}.to_date", errors)
                checks.append(self._range_check(key, lo, hi))
            elif module == "files" and key in ("rel_type", "rel_id"):
                continue  # handled below as a pair
            elif isinstance(want, dict):
                checks.append(self._nested_check(key, want))
            elif isinstance(want, list):
                keys = {norm(w) for w in want}
                checks.append(lambda r, k=key, ks=keys: norm(r.get(k)) in ks)
            else:
                wanted = norm(want)
                checks.append(lambda r, k=key, w=wanted: norm(r.get(k)) == w)
        if module == "files" and ("rel_type" in filt or "rel_id" in filt):
            rel_type, rel_id = filt.get("rel_type"), filt.get("rel_id")
            if rel_type not in FILE_REL_TYPES:
                add_error(errors, "rel_type", f"Unknown rel_type {rel_type!r}")

            def rel_check(rec: Record) -> bool:
                ids = (rec.get("relations") or {}).get(rel_type)
                if ids is None:
                    return False
                return rel_id is None or norm(rel_id) in {norm(x) for x in ids}

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
                if norm(sub_want) not in {norm(v) for v in values}:
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
                    add_error(errors, field, f"{field} is required")
        self._check_fields(module, data, errors, prefix="")
        if MODULES[module].has_lines and "lines" in data:
            lines = data["lines"]
            if lines is None:
                data["lines"] = []
            elif not isinstance(lines, list) or not all(isinstance(ln, dict) for ln in lines):
                add_error(errors, "lines", "lines must be a list of objects")
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
                add_error(
                    errors,
                    "custom_fields",
                    'custom_fields must be a list of {"id": "c_<name>", "value": ...}',
                )
        for field in BOOL_FIELDS.get(module, ()):
            if field in data and data[field] is not None:
                data[field] = as_bool(data[field])
        if errors:
            raise ApiError(400, errors)

    def _check_fields(self, key: str, data: Record, errors: dict[str, list[str]], prefix: str) -> None:
        for field, target in REFS.get(key, {}).items():
            if field not in data or data[field] in (None, 0):
                continue
            value = data[field]
            if not is_int(value):
                add_error(errors, prefix + field, f"{field} must be an integer, got {value!r}")
                continue
            if not target or (key == "bills" and field == "project_id" and value == -1):
                continue  # -1 on a bill header = lines carry their own projects
            ref = self._exists(target, value)
            if ref is None:
                add_error(errors, prefix + field, f"{field} {value} does not exist in {target}")
            elif target in ("financeAccounts", "vatCodes") and ref.get("is_active") is False:
                add_error(errors, prefix + field, f"{field} {value} is not active")
        for field in DATE_FIELDS.get(key, ()):
            if data.get(field) not in (None, ""):
                parse_date_field(data[field], prefix + field, errors)
        for field, allowed in ENUMS.get(key, {}).items():
            if field in data and data[field] not in allowed:
                add_error(
                    errors, prefix + field, f"{field} must be one of {sorted(allowed)}, got {data[field]!r}"
                )
        for field in NUMERIC.get(key, ()):
            value = data.get(field)
            if value is None or value == "":
                continue
            try:
                if isinstance(value, bool):
                    raise ValueError
                float(value)
            except (TypeError, ValueError):
                add_error(errors, prefix + field, f"{field} must be a number, got {value!r}")

    @staticmethod
    def _check_contact(data: Record, errors: dict[str, list[str]]) -> None:
        addresses = data.get("addresses")
        if addresses is not None:
            if not isinstance(addresses, list):
                add_error(errors, "addresses", "addresses must be a list")
            else:
                for i, addr in enumerate(addresses):
                    country = addr.get("country") if isinstance(addr, dict) else None
                    if country and not re.fullmatch(r"[A-Z]{3}", str(country)):
                        add_error(errors, f"addresses.{i}.country",
                             f"country must be an ISO 3166 alpha-3 code (e.g. EST), got {country!r}")  # fmt: skip
        moc = data.get("means_of_contact")
        if moc is not None and (
            not isinstance(moc, dict) or not all(isinstance(v, list) for v in moc.values())
        ):
            add_error(
                errors,
                "means_of_contact",
                "means_of_contact must be an object of lists, e.g. {'email': [...]}",
            )

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
