"""Deterministic seed data for the Scoro sandbox.

Everything is generated from a fixed random seed and a fixed base timestamp, so two sandboxes seeded with the
same sizes hold byte-identical data (tests can rely on ids such as "project 1 is in progress").
Identifiers carry real check digits (Estonian registry/personal codes, EE VAT numbers, IBAN mod-97)
because the app validates them; a sandbox that handed out invalid IBANs would hide bugs or cause false alarms.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

# Seed records predate any test run, so "modified today" filters only see what a test changed.
BASE_TIME = datetime(2025, 1, 15, 9, 0, 0, tzinfo=UTC)

DEFAULT_SIZES = {"contacts": 60, "projects": 30, "products": 40}

Record = dict[str, Any]


# --------------------------------------------------------------------------------------------- identifiers
def _ee_check_digit(digits: str) -> int:
    """Check digit shared by Estonian personal codes and registry codes (mod 11, two weight sets)."""
    w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]
    w2 = [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]
    total = sum(int(d) * w1[i % 10] for i, d in enumerate(digits)) % 11
    if total == 10:
        total = sum(int(d) * w2[i % 10] for i, d in enumerate(digits)) % 11
        if total == 10:
            total = 0
    return total


def ee_registry_code(n: int) -> str:
    base = f"{10000000 + (n * 7919) % 6999999:08d}"[:7]
    return base + str(_ee_check_digit(base))


def ee_personal_code(rng: random.Random) -> str:
    century = rng.choice("3456")
    yy = rng.randint(0, 99) if century in "34" else rng.randint(0, 5)
    body = f"{century}{yy:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + str(_ee_check_digit(body))


def ee_vat_number(n: int) -> str:
    base = f"10{(n * 104729) % 1000000:06d}"
    weights = [3, 7, 1, 3, 7, 1, 3, 7]
    check = (10 - sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 10) % 10
    return f"EE{base}{check}"


def iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def ee_iban(rng: random.Random) -> str:
    bank = rng.choice(["22", "10", "77", "96", "42"])  # Swedbank, SEB, LHV, Luminor, Coop
    body = bank + "".join(str(rng.randint(0, 9)) for _ in range(9))
    # Estonian domestic account check digit: weights 7-3-1 from the right.
    weights = [7, 3, 1]
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(body)))
    account = body + str((10 - total % 10) % 10)
    return iban("EE", bank + account.zfill(14))


def _ts(dt: datetime, style: str) -> str:
    if style == "iso":
        return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _past(rng: random.Random, max_days: int = 400) -> datetime:
    return BASE_TIME - timedelta(days=rng.randint(1, max_days), seconds=rng.randint(0, 86399))


# --------------------------------------------------------------------------------------------- static lists
FIRST_NAMES = [
    "Mari", "Jaan", "Liis", "Andres", "Kadri", "Tiit", "Kristi", "Marko", "Piret", "Rein", "Triin", "Urmas",
    "Eveli", "Siim", "Katrin", "Margus", "Helen", "Priit", "Anu", "Indrek", "Kersti", "Toomas", "Merle",
    "Raivo",
]  # fmt: skip
LAST_NAMES = [
    "Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel", "Mets", "Lepik",
    "Kuusk", "Karu", "Lill", "Oja", "Teder", "Kivi", "Vaher", "Org",
]  # fmt: skip
NAME_PREFIX = [
    "Balti", "Põhja", "Lõuna", "Tallinna", "Tartu", "Pärnu", "Viru", "Saare", "Harju", "Läänemere", "Nordic",
    "Emajõe", "Toompea", "Kalevi", "Peipsi", "Ida",
]  # fmt: skip
NAME_CORE = [
    "Ehitus", "Kontoritarbed", "IT Lahendused", "Logistika", "Energia", "Trükikoda", "Puidutööstus", "Metall",
    "Toiduained", "Kinnisvara", "Transport", "Konsultatsioonid", "Turvateenused", "Puhastus", "Arendus",
    "Tarkvara", "Reklaam", "Raamatupidamine", "Kütus", "Telekom",
]  # fmt: skip
NAME_EXTRA = ["", " Grupp", " Partnerid", " Teenused", " Eesti", " Kaubandus", " Holding", " Service"]
EE_CITIES = [
    ("Tallinn", "Harju maakond", "10111"), ("Tartu", "Tartu maakond", "50090"),
    ("Pärnu", "Pärnu maakond", "80010"),
    ("Narva", "Ida-Viru maakond", "20308"), ("Viljandi", "Viljandi maakond", "71020"),
    ("Rakvere", "Lääne-Viru maakond", "44307"),
]  # fmt: skip
STREETS = [
    "Narva mnt",
    "Pärnu mnt",
    "Tartu mnt",
    "Mustamäe tee",
    "Riia",
    "Rüütli",
    "Lossi",
    "Tööstuse",
    "Sadama",
]

FOREIGN_SUPPLIERS: list[Record] = [
    {"name": "Nordic Cloud Services Oy", "country": "FIN", "city": "Helsinki", "zipcode": "00100",
     "street": "Mannerheimintie 12", "vatno": "FI23456781", "id_code": "2345678-1",
     "bankaccount": iban("FI", "40055010012345")},
    {"name": "Baltic Freight SIA", "country": "LVA", "city": "Rīga", "zipcode": "LV-1010",
     "street": "Brīvības iela 55", "vatno": "LV40003123456", "id_code": "40003123456",
     "bankaccount": iban("LV", "HABA0551012345678")},
    {"name": "Vilniaus Technologijos UAB", "country": "LTU", "city": "Vilnius", "zipcode": "01103",
     "street": "Gedimino pr. 20", "vatno": "LT100001234567", "id_code": "301234567",
     "bankaccount": iban("LT", "7300010123456789")},
    {"name": "Muster Bürobedarf GmbH", "country": "DEU", "city": "Berlin", "zipcode": "10115",
     "street": "Invalidenstraße 3", "vatno": "DE123456789", "id_code": "HRB 123456",
     "bankaccount": iban("DE", "370400440532013000")},
]  # fmt: skip

USERS: list[tuple[str, str, str, str]] = [
    ("Mari", "Tamm", "active", "Administrator"),
    ("Jaan", "Kask", "active", "Accountant"),
    ("Liis", "Saar", "active", "Project manager"),
    ("Andres", "Mets", "active", "Project manager"),
    ("Peeter", "Org", "inactive", "Former employee"),
]

# (symbol, name, parent symbol, is_sales, is_purchases, is_active)
FINANCE_ACCOUNTS: list[tuple[str, str, str | None, bool, bool, bool]] = [
    ("3", "Revenue", None, False, False, True),
    ("3000", "Sales of goods", "3", True, False, True),
    ("3010", "Sales of services", "3", True, False, True),
    ("3020", "Sales to EU customers", "3", True, False, True),
    ("3100", "Other operating income", "3", True, False, True),
    ("4", "Operating expenses", None, False, False, True),
    ("4000", "Goods for resale", "4", False, True, True),
    ("4010", "Raw materials", "4", False, True, True),
    ("4020", "Subcontracted services", "4", False, True, True),
    ("4100", "Office supplies", "4", False, True, True),
    ("4110", "Rent of premises", "4", False, True, True),
    ("4120", "Utilities", "4", False, True, True),
    ("4130", "Telecommunications", "4", False, True, True),
    ("4140", "IT services and software", "4", False, True, True),
    ("4150", "Business travel", "4", False, True, True),
    ("4160", "Vehicle costs and fuel", "4", False, True, True),
    ("4170", "Training", "4", False, True, True),
    ("4180", "Marketing and advertising", "4", False, True, True),
    ("4190", "Accounting and legal services", "4", False, True, True),
    ("4200", "Bank service fees", "4", False, True, True),
    ("4210", "Representation expenses", "4", False, True, True),
    ("4220", "Insurance", "4", False, True, True),
    ("4230", "Repairs and maintenance", "4", False, True, True),
    ("4240", "Small equipment (under 5,000 EUR)", "4", False, True, True),
    ("4999", "Miscellaneous expenses (old, do not use)", "4", False, True, False),
]

# (vat_code, percent, vat_name, is_sales, is_purchases, is_active, is_not_applicable)
VAT_CODES: list[tuple[str, float, str, bool, bool, bool, bool]] = [
    ("22", 22.0, "VAT 22%", True, True, True, False),
    ("24", 24.0, "VAT 24%", True, True, True, False),
    ("9", 9.0, "VAT 9% (books, accommodation)", True, True, True, False),
    ("0", 0.0, "VAT 0% (export, intra-EU supply)", True, True, True, False),
    ("RC", 0.0, "Reverse charge (EU services)", False, True, True, False),
    ("-", 0.0, "Not subject to VAT", True, True, True, True),
    ("20", 20.0, "VAT 20% (until 2023)", True, True, False, False),
    # What a German, French or Nordic customer's Scoro holds beside the Estonian codes (appended, so the
    # ids above stay as they are).
    ("DE19", 19.0, "Vorsteuer 19%", False, True, True, False),
    ("DE7", 7.0, "Vorsteuer 7%", False, True, True, False),
    ("DE-RC", 0.0, "Vorsteuer §13b UStG (reverse charge)", False, True, True, False),
    ("FR20", 20.0, "TVA déductible 20%", False, True, True, False),
    ("FR10", 10.0, "TVA déductible 10%", False, True, True, False),
    ("FR5.5", 5.5, "TVA déductible 5,5%", False, True, True, False),
    ("FR2.1", 2.1, "TVA déductible 2,1%", False, True, True, False),
    ("FI25.5", 25.5, "ALV 25,5% (Finland)", False, True, True, False),
    ("FI14", 14.0, "ALV 14% (Finland)", False, True, True, False),
    ("FI10", 10.0, "ALV 10% (Finland)", False, True, True, False),
    ("SE25", 25.0, "Ingående moms 25% (Sweden; also DK, NO 25%)", False, True, True, False),
    ("SE12", 12.0, "Ingående moms 12% (Sweden)", False, True, True, False),
    ("SE6", 6.0, "Ingående moms 6% (Sweden)", False, True, True, False),
    ("NO15", 15.0, "Inngående mva 15% (Norway)", False, True, True, False),
]

# (object_symbol, name, parent_group_name)
FINANCE_OBJECTS: list[tuple[str, str, str]] = [
    ("SALES", "Sales", "Department"),
    ("DEV", "Development", "Department"),
    ("ADM", "Administration", "Department"),
    ("MKT", "Marketing", "Department"),
    ("TLN", "Tallinn office", "Object"),
    ("TRT", "Tartu office", "Object"),
    ("CAR-123ABC", "Company car 123 ABC", "Object"),
    ("EU-GRANT", "EU grant project 2024", "Object"),
]

# (code, name, unit, price, buying_price, is_service, purchases account symbol)
PRODUCTS: list[tuple[str, str, str, float, float, bool, str]] = [
    ("PAP-A4", "A4 copy paper 80 g (500 sheets)", "pk", 6.50, 4.10, False, "4100"),
    ("TON-59A", "Toner cartridge HP 59A", "pcs", 129.00, 92.00, False, "4100"),
    ("DOCK-USB", "USB-C docking station", "pcs", 219.00, 164.00, False, "4240"),
    ("CHAIR-ERG", "Ergonomic office chair", "pcs", 349.00, 251.00, False, "4240"),
    ("LAPTOP-14", 'Laptop 14" business', "pcs", 1290.00, 1049.00, False, "4240"),
    ("COFFEE-1K", "Coffee beans 1 kg", "kg", 21.90, 15.40, False, "4210"),
    ("FUEL-D", "Diesel fuel", "l", 1.69, 1.55, False, "4160"),
    ("CONS-H", "Consulting hour", "h", 95.00, 70.00, True, "4020"),
    ("DEV-H", "Software development hour", "h", 85.00, 62.00, True, "4020"),
    ("LIC-M365", "Microsoft 365 Business licence (monthly)", "month", 12.50, 10.50, True, "4140"),
    ("HOST-VPS", "Cloud server hosting (monthly)", "month", 45.00, 32.00, True, "4140"),
    ("CLEAN-M", "Office cleaning service (monthly)", "month", 380.00, 300.00, True, "4230"),
    ("COURIER", "Courier delivery", "pcs", 9.90, 6.90, True, "4150"),
    ("RENT-M", "Office rent (monthly)", "month", 2400.00, 2400.00, True, "4110"),
    ("ACC-H", "Accounting services hour", "h", 55.00, 45.00, True, "4190"),
    ("TRAIN-D", "Training day", "day", 450.00, 320.00, True, "4170"),
]

PROJECT_TOPICS = [
    "Website redesign", "ERP rollout", "Office renovation", "Warehouse automation", "Mobile app",
    "CRM migration",
    "Annual report design", "Trade fair stand", "Data warehouse", "Security audit", "E-shop launch",
    "Solar panel installation", "Fleet renewal", "Brand refresh", "Intranet upgrade",
]  # fmt: skip


# --------------------------------------------------------------------------------------------- generators
def _users() -> list[Record]:
    out = []
    for i, (first, last, status, category) in enumerate(USERS, start=1):
        dt = BASE_TIME - timedelta(days=300 - i * 10)
        out.append(
            {
                "id": i,
                "username": f"{first.lower()}.{last.lower()}",
                "firstname": first,
                "lastname": last,
                "full_name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}@envoice-demo.ee",
                "status": status,
                "is_active": status == "active",  # deprecated by Scoro since 20.4, still returned
                "category": category,
                "modified_date": _ts(dt, "iso"),
            }
        )
    return out


def _finance_accounts() -> list[Record]:
    out: list[Record] = []
    ids: dict[str, int] = {}
    for i, (symbol, name, parent, sales, purch, active) in enumerate(FINANCE_ACCOUNTS, start=1):
        ids[symbol] = i
        dt = BASE_TIME - timedelta(days=500 - i)
        out.append(
            {
                "id": i,
                "account_symbol": symbol,
                "name": name,
                "parent_id": ids.get(parent) if parent else None,
                "parent_name": next((f[1] for f in FINANCE_ACCOUNTS if f[0] == parent), None),
                "is_active": active,
                "is_sales_account": sales,
                "is_purchases_account": purch,
                "created_date": _ts(dt, "sql"),
                "modified_date": _ts(dt, "sql"),
            }
        )
    return out


def _vat_codes() -> list[Record]:
    out = []
    for i, (code, pct, name, sales, purch, active, na) in enumerate(VAT_CODES, start=1):
        out.append(
            {
                "vat_code_id": i,
                "vat_code": code,
                "percent": pct,
                "vat_name": name,
                "is_sales": sales,
                "is_purchases": purch,
                "is_active": active,
                "is_not_applicable": na,
                "modified_date": _ts(BASE_TIME - timedelta(days=200 - i), "sql"),
            }
        )
    return out


def _finance_objects() -> list[Record]:
    return [
        {
            "object_id": i,
            "object_symbol": symbol,
            "name": name,
            "parent_group_name": group,
            "modified_date": _ts(BASE_TIME - timedelta(days=250 - i), "sql"),
        }
        for i, (symbol, name, group) in enumerate(FINANCE_OBJECTS, start=1)
    ]


def _contacts(rng: random.Random, n: int) -> list[Record]:
    out: list[Record] = []
    used: set[str] = set()
    for i in range(1, n + 1):
        created = _past(rng)
        modified = min(BASE_TIME - timedelta(hours=1), created + timedelta(days=rng.randint(0, 60)))
        rec: Record = {
            "contact_id": i,
            "contact_type": "company",
            "name": "",
            "lastname": "",
            "id_code": "",
            "vatno": "",
            "bankaccount": "",
            "reference_no": "",
            "is_supplier": False,
            "is_client": False,
            "addresses": [],
            "means_of_contact": {"email": [], "phone": [], "mobile": [], "website": []},
            "tags": [],
            "manager_id": rng.choice([1, 2, 3, 4]),
            "comments": "",
            "custom_fields": [],
            "created_date": _ts(created, "iso"),
            "modified_date": _ts(modified, "iso"),
            "deleted_date": None,
            "is_deleted": False,
        }
        kind = i % 10
        if i <= len(FOREIGN_SUPPLIERS):
            f = FOREIGN_SUPPLIERS[i - 1]
            rec.update(
                name=f["name"], id_code=f["id_code"], vatno=f["vatno"], bankaccount=f["bankaccount"],
                is_supplier=True,
                addresses=[{"contacts_addresses_id": i * 10, "country": f["country"], "county": "",
                            "municipality": "", "city": f["city"], "street": f["street"],
                            "zipcode": f["zipcode"]}],
            )  # fmt: skip
            slug = "".join(ch for ch in f["name"].lower() if ch.isalnum())[:16]
            rec["means_of_contact"]["email"] = [f"invoices@{slug}.example"]
        elif kind in (7, 8):
            # Persons: freelancers (suppliers with a bank account) and private clients.
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            rec.update(contact_type="person", name=first, lastname=last, id_code=ee_personal_code(rng))
            if kind == 7:
                rec.update(is_supplier=True, bankaccount=ee_iban(rng))
            else:
                rec["is_client"] = True
            rec["means_of_contact"]["email"] = [f"{first.lower()}.{last.lower()}{i}@mail.ee"]
            rec["means_of_contact"]["mobile"] = [f"+372 5{rng.randint(100, 999)} {rng.randint(1000, 9999)}"]
        else:
            name = (
                f"{NAME_PREFIX[i % len(NAME_PREFIX)]} {NAME_CORE[(i // 3) % len(NAME_CORE)]}"
                f"{NAME_EXTRA[(i // 7) % len(NAME_EXTRA)]} {'AS' if i % 6 == 0 else 'OÜ'}"
            )
            if name in used:
                name = name.replace(" OÜ", f" {i} OÜ").replace(" AS", f" {i} AS")
            used.add(name)
            city, county, zipcode = EE_CITIES[i % len(EE_CITIES)]
            rec.update(
                name=name, id_code=ee_registry_code(i), vatno=ee_vat_number(i) if kind != 5 else "",
                bankaccount=ee_iban(rng), is_supplier=kind in (0, 1, 2, 3, 4, 5), is_client=kind in (4, 6, 9),
                addresses=[{"contacts_addresses_id": i * 10, "country": "EST", "county": county,
                            "municipality": city, "city": city,
                            "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}", "zipcode": zipcode}],
            )  # fmt: skip
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            rec["means_of_contact"]["email"] = [f"arved@{slug}.ee"]
            rec["means_of_contact"]["phone"] = [f"+372 6{rng.randint(100, 999)} {rng.randint(1000, 9999)}"]
            rec["means_of_contact"]["website"] = [f"https://www.{slug}.ee"]
        out.append(rec)
    return out


def _projects(rng: random.Random, n: int, contacts: list[Record]) -> list[Record]:
    clients = [c["contact_id"] for c in contacts if c["is_client"]] or [None]
    statuses = ["inprogress", "pending", "completed", "cancelled", "inprogress", "inprogress", "pending",
                "completed", "inprogress", "inprogress"]  # fmt: skip
    out = []
    for i in range(1, n + 1):
        start = _past(rng, 500)
        modified = min(BASE_TIME - timedelta(hours=2), start + timedelta(days=rng.randint(0, 90)))
        out.append(
            {
                "project_id": i,
                "no": f"{start.year}-{i:04d}",
                "project_name": f"{PROJECT_TOPICS[i % len(PROJECT_TOPICS)]} {(i // len(PROJECT_TOPICS)) + 1}",
                "company_id": clients[i % len(clients)],
                "status": statuses[(i - 1) % len(statuses)],
                "project_type": "internal" if i % 11 == 0 else "regular",
                "manager_id": [3, 4, 1, 3][i % 4],
                "date": start.strftime("%Y-%m-%d"),
                "deadline": (start + timedelta(days=rng.randint(30, 365))).strftime("%Y-%m-%d"),
                "is_private": False,
                "project_accounts": [],
                "modified_date": _ts(modified, "sql"),
                "deleted_date": None,
                "is_deleted": False,
            }
        )
    return out


def _products(rng: random.Random, n: int, contacts: list[Record]) -> list[Record]:
    acc_ids = {sym: i for i, (sym, *_rest) in enumerate(FINANCE_ACCOUNTS, start=1)}
    suppliers = [c["contact_id"] for c in contacts if c["is_supplier"]] or [None]
    out = []
    for i in range(1, n + 1):
        code, name, unit, price, buying, service, acc = PRODUCTS[(i - 1) % len(PRODUCTS)]
        variant = (i - 1) // len(PRODUCTS)
        if variant:
            code, name = f"{code}-{variant + 1}", f"{name} (variant {variant + 1})"
        out.append(
            {
                "product_id": i,
                "code": code,
                "name": name,
                "price": price,
                "buying_price": buying,
                "unit": unit,
                "is_active": i % 17 != 0,
                "is_service": service,
                "default_vat_code_id": 1,
                "default_purchases_tax_id": 1,
                "purchases_finance_account_id": acc_ids[acc],
                "accounting_object_id": None,
                "supplier_id": suppliers[i % len(suppliers)],
                "productgroup_id": 2 if service else 1,
                "modified_date": _ts(_past(rng), "sql"),
                "deleted_date": None,
                "is_deleted": False,
            }
        )
    return out


def _bills(contacts: list[Record], *, with_project: bool = True) -> list[Record]:
    """A handful of historic bills so the human pages and lists have something to show."""
    suppliers = [c for c in contacts if c["is_supplier"] and c["contact_type"] == "company"][:3]
    out: list[Record] = []
    line_id = 1
    for i, sup in enumerate(suppliers, start=1):
        dt = BASE_TIME - timedelta(days=40 - i * 5)
        lines = [
            {"id": line_id, "product_id": 1, "comment": "A4 copy paper 80 g", "comment2": "", "price": 4.10,
             "amount": 10, "discount": 0, "unit": "pk", "vat": 22.0, "vat_code_id": 1,
             "finance_account_id": 10, "finance_object_id": 3, "project_id": None, "sum": 41.0},
            {"id": line_id + 1, "product_id": None, "comment": "Delivery", "comment2": "", "price": 9.90,
             "amount": 1, "discount": 0, "unit": "pcs", "vat": 22.0, "vat_code_id": 1,
             "finance_account_id": 15, "finance_object_id": None, "project_id": 1 if with_project else None,
             "sum": 9.9},
        ]  # fmt: skip
        line_id += 2
        out.append(
            {
                "id": i,
                "no": f"INV-2024-{1000 + i}",
                "company_id": sup["contact_id"],
                "person_id": None,
                "date": dt.strftime("%Y-%m-%d"),
                "deadline": (dt + timedelta(days=14)).strftime("%Y-%m-%d"),
                "status": "paid" if i == 1 else "unpaid",
                "currency": "EUR",
                "currency_rate": 1,
                "reference_no": f"1234{i:03d}",
                "description": "Office supplies",
                "project_id": -1,
                "owner_id": 2,
                "sum": 50.9,
                "vat_sum": 11.2,
                "custom_fields": [],
                "lines": lines,
                "created_date": _ts(dt, "sql"),
                "modified_date": _ts(dt, "sql"),
                "deleted_date": None,
                "is_deleted": False,
            }
        )
    return out


def generate(
    kind: str = "demo",
    *,
    contacts: int | None = None,
    projects: int | None = None,
    products: int | None = None,
) -> dict[str, list[Record]]:
    """Build the full data set. kind "none" gives empty modules apart from what a site always has (users)."""
    if kind == "none":
        return {"users": _users()}
    if kind != "demo":
        raise ValueError(f"unknown seed {kind!r} (use 'demo' or 'none')")
    rng = random.Random(20250115)
    n_contacts = DEFAULT_SIZES["contacts"] if contacts is None else contacts
    n_projects = DEFAULT_SIZES["projects"] if projects is None else projects
    n_products = DEFAULT_SIZES["products"] if products is None else products
    cons = _contacts(rng, n_contacts)
    return {
        "users": _users(),
        "financeAccounts": _finance_accounts(),
        "vatCodes": _vat_codes(),
        "financeObjects": _finance_objects(),
        "contacts": cons,
        "projects": _projects(rng, n_projects, cons),
        "products": _products(rng, n_products, cons),
        "bills": _bills(cons, with_project=n_projects > 0) if n_contacts else [],
        "expenses": [],
    }
