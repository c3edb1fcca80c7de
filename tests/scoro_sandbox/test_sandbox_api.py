"""The sandbox, exercised with plain `requests` (never through scoro_sync) so the wire format is checked
independently of the client."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import requests
from stdnum import iban as std_iban
from stdnum.ee import ik, kmkr, registrikood

from scoro_sandbox import seed
from scoro_sandbox.server import SandboxServer


class Api:
    def __init__(self, sb: SandboxServer):
        self.sb = sb
        self.http = requests.Session()
        self.auth = {"apiKey": sb.api_key, "company_account_id": sb.company_account_id, "lang": "eng"}

    def post(self, path: str, **body) -> requests.Response:
        return self.http.post(f"{self.sb.base_url}/api/v2/{path}", json={**self.auth, **body}, timeout=10)

    def ok(self, path: str, **body):
        resp = self.post(path, **body)
        assert resp.status_code == 200, resp.text
        payload = resp.json()
        assert payload["status"] == "OK" and payload["statusCode"] == 200 and payload["messages"] is None
        return payload["data"]

    def control(self, name: str, method: str = "POST", **body) -> dict:
        resp = self.http.request(method, f"{self.sb.base_url}/_sandbox/{name}", json=body or None, timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()


@pytest.fixture
def api(sandbox: SandboxServer) -> Api:
    return Api(sandbox)


def bill_request(**overrides):
    data = {
        "no": "ARVE-1001",
        "company_id": 5,
        "date": "2025-03-01",
        "deadline": "2025-03-15",
        "currency": "EUR",
        "reference_no": "ENV-7f3a",
        "description": "Office chairs for Tartu",
        "project_id": -1,
        "custom_fields": [{"id": "c_envoice_id", "value": "doc-42"}],
        "lines": [
            {"comment": "Chair", "amount": 2, "price": 100, "vat_code_id": 1, "finance_account_id": 24,
             "finance_object_id": 6, "project_id": 2},
            {"comment": "Delivery", "amount": 1, "price": 10, "vat": 22, "finance_account_id": 15,
             "project_id": 1},
        ],
    }  # fmt: skip
    data.update(overrides)
    return data


# --------------------------------------------------------------------------------------------- envelope & auth
def test_success_envelope_and_rate_headers(api: Api):
    resp = api.post("users/list")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"status", "statusCode", "messages", "data"}
    assert {u["status"] for u in body["data"]} == {"active", "inactive"}
    for header in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-daily-requests-limit",
                   "x-daily-requests-remaining", "x-daily-requests-reset"):  # fmt: skip
        assert int(resp.headers[header]) >= 0


def test_get_is_405_json(api: Api):
    resp = api.http.get(f"{api.sb.base_url}/api/v2/users/list")
    assert resp.status_code == 405
    assert resp.json()["status"] == "ERROR"


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ({"apiKey": "nope"}, "API key"),
        ({"apiKey": None}, "apiKey"),
        ({"company_account_id": "other"}, "company"),
    ],
)
def test_bad_credentials_are_401(api: Api, override, needle):
    resp = api.post("users/list", **override)
    assert resp.status_code == 401
    body = resp.json()
    assert body["status"] == "ERROR" and body["statusCode"] == 401
    assert needle in body["messages"]["error"][0]


def test_wrong_site_path_answers_html(api: Api):
    resp = api.http.post(f"{api.sb.base_url}/wrongsite/api/v2/users/list", json=api.auth)
    assert resp.headers["Content-Type"].startswith("text/html")
    assert resp.text.lstrip().startswith("<")


def test_not_found_and_bad_ids(api: Api):
    assert api.post("nosuchmodule/list").status_code == 404
    assert api.post("users/modify", request={"firstname": "X"}).status_code == 404  # users are read-only
    resp = api.post("contacts/view/99999")
    assert resp.status_code == 404 and resp.json()["statusCode"] == 404
    assert api.post("contacts/view/abc").status_code == 400
    assert api.post("contacts/list", page="x").status_code == 400
    resp = api.http.post(f"{api.sb.base_url}/api/v2/users/list", data=b"{not json", timeout=5)
    assert resp.status_code == 400


# --------------------------------------------------------------------------------------------- lists
def test_pagination_defaults_and_caps(api: Api):
    assert len(api.ok("contacts/list")) == 50  # default page size
    assert len(api.ok("contacts/list", per_page=500)) == 60  # capped at 100; demo has 60
    assert len(api.ok("contacts/list", per_page=100, detailed_response=True)) == 25
    page2 = api.ok("contacts/list", per_page=25, page=2)
    assert [c["contact_id"] for c in page2] == list(range(26, 51))
    assert api.ok("contacts/list", per_page=25, page=4) == []


def test_bill_list_has_null_lines_view_has_lines(api: Api):
    bills = api.ok("bills/list")
    assert bills and all(b["lines"] is None for b in bills)
    assert len(api.ok(f"bills/view/{bills[0]['id']}")["lines"]) == 2


def test_equality_and_nested_filters(api: Api):
    suppliers = api.ok("contacts/list", per_page=100, filter={"is_supplier": 1})
    assert suppliers and all(c["is_supplier"] for c in suppliers)
    persons = api.ok("contacts/list", per_page=100, filter={"contact_type": "person"})
    assert persons and all(c["lastname"] for c in persons)
    email = suppliers[0]["means_of_contact"]["email"][0]
    found = api.ok("contacts/list", filter={"means_of_contact": {"email": email}})
    assert [c["contact_id"] for c in found] == [suppliers[0]["contact_id"]]
    active = api.ok("projects/list", per_page=100, filter={"status": ["pending", "inprogress"]})
    assert {p["status"] for p in active} == {"pending", "inprogress"}


def test_modified_date_filter_is_date_granular(api: Api):
    today = datetime.now(UTC).date().isoformat()
    assert api.ok("contacts/list", filter={"modified_date": {"from_date": today}}) == []
    api.control("modify", module="contacts", id=3, data={"comments": "edited in Scoro"})
    changed = api.ok("contacts/list", filter={"modified_date": {"from_date": today, "to_date": today}})
    assert [c["contact_id"] for c in changed] == [3]
    assert "T" in changed[0]["modified_date"] and changed[0]["modified_date"].endswith("+00:00")  # ISO-8601
    old = api.ok("contacts/list", per_page=100, filter={"modified_date": {"to_date": "2024-06-30"}})
    assert old and all(c["modified_date"][:10] <= "2024-06-30" for c in old)
    resp = api.post("contacts/list", filter={"modified_date": {"from_date": "01.02.2025"}})
    assert resp.status_code == 400


def test_soft_delete_and_include_deleted(api: Api):
    assert api.ok("contacts/delete/7") is None
    assert 7 not in [c["contact_id"] for c in api.ok("contacts/list", per_page=100)]
    assert api.post("contacts/view/7").status_code == 404
    rows = api.ok("contacts/list", per_page=100, include_deleted=1)
    deleted = next(c for c in rows if c["contact_id"] == 7)
    assert deleted["is_deleted"] is True and deleted["deleted_date"]
    assert api.post("contacts/delete/7").status_code == 404


# --------------------------------------------------------------------------------------------- modify
def test_bill_create_view_update(api: Api):
    created = api.ok("bills/modify", request=bill_request(), return_data=1)
    bill_id = created["id"]
    assert created["sum"] == 210.0 and created["vat_sum"] == 46.2
    assert len(created["modified_date"]) == 19 and "T" not in created["modified_date"]  # bills: SQL format
    view = api.ok(f"bills/view/{bill_id}")
    assert view["custom_fields"] == [{"id": "c_envoice_id", "value": "doc-42"}]
    assert view["description"] == "Office chairs for Tartu"
    assert [ln["comment"] for ln in view["lines"]] == ["Chair", "Delivery"]

    by_ref = api.ok("bills/list", filter={"reference_no": "ENV-7f3a"})
    assert [b["id"] for b in by_ref] == [bill_id]
    assert [b["id"] for b in api.ok("bills/list", filter={"company_id": 5, "no": "ARVE-1001"})] == [bill_id]

    keep = view["lines"][0]
    updated = api.ok(f"bills/modify/{bill_id}", return_data=1,
                     request={"status": "paid", "lines": [{**keep, "amount": 3}]})  # fmt: skip
    assert updated["no"] == "ARVE-1001" and updated["status"] == "paid"  # partial update kept the rest
    assert [ln["id"] for ln in updated["lines"]] == [keep["id"]]  # lines replaced, id kept
    assert updated["sum"] == 300.0


def test_modify_without_return_data_returns_id_only(api: Api):
    data = api.ok("contacts/modify", request={"name": "Uus Tarnija OÜ", "is_supplier": 1})
    assert set(data) == {"contact_id"}
    assert api.ok(f"contacts/view/{data['contact_id']}")["is_supplier"] is True
    assert api.ok("bills/modify/0", request=bill_request(no="X-0"))["id"]  # SDK style create


@pytest.mark.parametrize(
    ("request_data", "field"),
    [
        (bill_request(company_id=None), "company_id"),
        (bill_request(company_id=99999), "company_id"),
        (bill_request(company_id="5"), "company_id"),
        (bill_request(date="15.03.2025"), "date"),
        (bill_request(deadline="2025-02-30"), "deadline"),
        (bill_request(lines=[{"comment": "x", "project_id": 99999}]), "lines.0.project_id"),
        (bill_request(lines=[{"comment": "x", "finance_account_id": 99999}]), "lines.0.finance_account_id"),
        (bill_request(lines=[{"comment": "x", "finance_account_id": 25}]), "lines.0.finance_account_id"),
        (bill_request(lines=[{"comment": "x", "vat_code_id": 99}]), "lines.0.vat_code_id"),
        (bill_request(lines=[{"comment": "x", "price": "abc"}]), "lines.0.price"),
        (bill_request(status="open"), "status"),
        (bill_request(custom_fields=[{"id": "envoice", "value": 1}]), "custom_fields"),
    ],
)
def test_bill_validation(api: Api, request_data, field):
    resp = api.post("bills/modify", request=request_data)
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == "ERROR" and body["statusCode"] == 400
    assert field in body["messages"]
    assert len(api.sb.records("bills")) == 3  # nothing saved


def test_expense_lines_use_expense_field_names(api: Api):
    data = api.ok("expenses/modify", return_data=1, request={
        "company_id": 1, "owner_id": 2, "date": "2025-03-02", "comment": "Trip to Riga", "is_reimbursable": 1,
        "lines": [{"description": "Fuel", "quantity": 40, "price": 1.5, "tax_code_id": 1,
                   "finance_account_id": 16, "accounting_object_id": 7, "project_id": 1}],
    })  # fmt: skip
    assert data["sum"] == 60.0 and data["tax_sum"] == 13.2
    resp = api.post("expenses/modify", request={"lines": [{"description": "x", "accounting_object_id": 999}]})
    assert "lines.0.accounting_object_id" in resp.json()["messages"]


def test_contact_validation_alpha3_country(api: Api):
    resp = api.post("contacts/modify", request={"name": "X OÜ", "addresses": [{"country": "EE"}]})
    assert resp.status_code == 400 and "addresses.0.country" in resp.json()["messages"]


# --------------------------------------------------------------------------------------------- files
def test_chunked_upload_relation_download_and_html(api: Api):
    content = b"%PDF-1.4 fake invoice " * 10
    parts = [content[:90], content[90:180], content[180:]]
    first = api.ok("files/modify", return_data=1, request={
        "name": "arve.pdf", "size": len(content), "chunk_no": 1, "chunks_total": 3, "uploaded_by": 2,
        "chunk_data": base64.b64encode(parts[0]).decode()})  # fmt: skip
    file_id = first["file_id"]
    assert first["is_complete"] is False
    assert api.ok("files/list") == []  # incomplete uploads are invisible
    for no, part in ((2, parts[1]), (2, parts[1]), (3, parts[2])):  # chunk 2 re-sent: idempotent
        last = api.ok(f"files/modify/{file_id}", return_data=1, request={
            "size": len(content), "chunk_no": no, "chunks_total": 3,
            "chunk_data": base64.b64encode(part).decode()})  # fmt: skip
    assert last["is_complete"] is True and last["hash"] == hashlib.md5(content).hexdigest()

    api.ok(f"files/addRelation/{file_id}", request={"rel_type": "bills", "rel_id": 2})
    api.ok(f"files/addRelation/{file_id}", request={"rel_type": "bills", "rel_id": 2})  # no-op
    assert api.ok(f"files/view/{file_id}")["relations"] == {"bills": [2]}
    assert [f["file_id"] for f in api.ok("files/list", filter={"rel_type": "bills", "rel_id": 2})] == [
        file_id
    ]
    assert api.ok("files/list", filter={"rel_type": "bills", "rel_id": 1}) == []
    assert base64.b64decode(api.ok(f"files/download/{file_id}")["content"]) == content
    assert (
        api.post(f"files/addRelation/{file_id}", request={"rel_type": "bills", "rel_id": 999}).status_code
        == 400
    )

    page = api.http.get(f"{api.sb.base_url}/bills/view/2")
    assert page.status_code == 200 and "arve.pdf" in page.text and "INV-2024-1002" in page.text
    assert api.http.get(f"{api.sb.base_url}/files/download/{file_id}").content == content


def test_upload_rejects_oversized_chunk_and_bad_input(api: Api):
    big = "A" * 5_000_004
    resp = api.post("files/modify", request={"name": "big.bin", "size": 3_750_003, "chunk_no": 1,
                                             "chunks_total": 1, "chunk_data": big, "uploaded_by": 1})  # fmt: skip
    assert resp.status_code == 400 and "chunk_data" in resp.json()["messages"]
    resp = api.post("files/modify", request={"name": "a", "size": 1, "chunk_no": 1, "chunks_total": 1,
                                             "chunk_data": "!!", "uploaded_by": 1})  # fmt: skip
    assert resp.status_code == 400
    resp = api.post("files/modify", request={"name": "a", "size": 1, "chunk_no": 1, "chunks_total": 1,
                                             "chunk_data": "QQ==", "uploaded_by": 5000})  # fmt: skip
    assert "uploaded_by" in resp.json()["messages"]


# --------------------------------------------------------------------------------------------- limits & faults
def test_burst_rate_limit_429_body_and_headers(api: Api):
    api.sb.configure(rate_limit=3)
    statuses = [api.post("users/list", per_page=1) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[2].headers["x-ratelimit-remaining"] == "0"
    limited = statuses[3]
    assert limited.json() == {"status": "ERROR", "statusCode": "429",
                              "messages": {"error": ["Too many requests"]}, "data": None}  # fmt: skip
    assert limited.headers["x-ratelimit-limit"] == "3" and int(limited.headers["x-ratelimit-reset"]) >= 1


def test_daily_quota(api: Api):
    api.sb.configure(daily_limit=2)
    first, second, third = (api.post("users/list", per_page=1) for _ in range(3))
    assert first.headers["x-daily-requests-remaining"] == "1"
    assert second.status_code == 200 and second.headers["x-daily-requests-remaining"] == "0"
    assert third.status_code == 429 and third.headers["x-daily-requests-remaining"] == "0"
    assert 0 < int(third.headers["x-daily-requests-reset"]) <= 86400


def test_injected_faults(api: Api):
    api.control("faults", kind="500", module="users", action="list")
    api.control(
        "faults",
        faults=[{"kind": "503", "module": "users"}, {"kind": "429", "module": "contacts", "retry_after": 7}],
    )
    assert len(api.control("faults", "GET")["faults"]) == 3
    assert api.post("contacts/list").status_code == 429
    r500 = api.post("users/list")
    assert r500.status_code == 500 and r500.json()["status"] == "ERROR"
    r503 = api.post("users/list")
    assert r503.status_code == 503 and r503.headers["Content-Type"].startswith("text/html")
    assert api.post("users/list").status_code == 200


def test_fault_429_has_retry_after(api: Api):
    api.sb.add_fault("429", retry_after=7)
    resp = api.post("users/list")
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "7"
    assert resp.json()["statusCode"] == "429"


def test_drop_after_commit_performs_write(api: Api):
    api.control("faults", kind="drop_after_commit", module="bills", action="modify")
    resp = api.post("bills/modify", request=bill_request(reference_no="DROP-1"))
    assert resp.status_code == 502 and "Bad Gateway" in resp.text
    assert len(api.ok("bills/list", filter={"reference_no": "DROP-1"})) == 1


def test_delay_fault(api: Api):
    api.sb.add_fault("delay", seconds=0.3, module="users")
    t0 = time.perf_counter()
    assert api.post("users/list").status_code == 200
    assert time.perf_counter() - t0 >= 0.3


# --------------------------------------------------------------------------------------------- controls
def test_control_endpoints(api: Api):
    api.post("users/list")
    api.post("users/list")
    api.post("contacts/view/1")
    calls = api.control("calls", "GET")
    assert calls["total"] == 3 and calls["by_endpoint"] == {"users/list": 2, "contacts/view": 1}
    state = api.control("state", "GET", module="vatCodes")
    # Estonian codes, and the purchase codes a German, French or Nordic customer's Scoro would hold.
    assert state["count"] == len(seed.VAT_CODES)
    assert {v["vat_code"] for v in state["records"]} >= {"22", "24", "9", "0", "RC", "DE19", "FR20", "SE25"}
    assert [v["is_active"] for v in state["records"]].count(False) == 1
    rec = api.control("modify", module="projects", id=1, data={"status": "completed"})["record"]
    assert rec["status"] == "completed"
    assert api.control("modify", module="bills", id=1, delete=True)["record"]["is_deleted"] is True
    counts = api.control("reset")["counts"]
    assert counts["contacts"] == 60 and api.control("calls", "GET")["total"] == 0
    assert api.ok("projects/view/1")["status"] == "inprogress"


def test_benchmark_seed_is_fast(api: Api):
    result = api.control("seed", contacts=5000, projects=2000, products=1000)
    assert result["counts"]["contacts"] == 5000 and result["counts"]["projects"] == 2000
    assert result["counts"]["products"] == 1000
    assert result["seconds"] < 3
    assert len(api.ok("contacts/list", per_page=100, page=50)) == 100
    assert api.ok("contacts/list", per_page=100, page=51) == []


# --------------------------------------------------------------------------------------------- seed data
def test_seed_is_deterministic_and_identifiers_valid(sandbox: SandboxServer):
    first = sandbox.records("contacts")
    sandbox.reset()
    assert sandbox.records("contacts") == first
    for c in first:
        if c["bankaccount"]:
            assert std_iban.is_valid(c["bankaccount"]), c["bankaccount"]
        country = c["addresses"][0]["country"] if c["addresses"] else "EST"
        if c["contact_type"] == "company" and country == "EST":
            assert registrikood.is_valid(c["id_code"]), c["id_code"]
            if c["vatno"]:
                assert kmkr.is_valid(c["vatno"]), c["vatno"]
        if c["contact_type"] == "person":
            assert ik.is_valid(c["id_code"]), c["id_code"]
    assert any(c["contact_type"] == "person" and c["is_supplier"] for c in first)
    projects = sandbox.records("projects")
    assert {p["status"] for p in projects} == {"pending", "inprogress", "completed", "cancelled"}
    assert all(p["manager_id"] for p in projects)
    accounts = sandbox.records("financeAccounts")
    assert 20 <= len(accounts) <= 30 and sum(not a["is_active"] for a in accounts) == 1
    assert {o["parent_group_name"] for o in sandbox.records("financeObjects")} == {"Department", "Object"}
    users = sandbox.records("users")
    assert sum(u["status"] == "active" for u in users) == 4 and len(users) == 5
    assert any(p["is_service"] for p in sandbox.records("products"))


def test_cli_starts_server(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "scoro_sandbox", "--port", "0", "--seed", "none", "--api-key", "k1"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()
        base = line.split(" on ")[1].split("/api/v2/")[0]
        resp = requests.post(f"{base}/api/v2/contacts/list", json={"apiKey": "k1", "company_account_id":
                                                                   "envoice-demo"}, timeout=5)  # fmt: skip
        assert resp.json()["data"] == []
    finally:
        proc.terminate()
        proc.wait(timeout=5)
