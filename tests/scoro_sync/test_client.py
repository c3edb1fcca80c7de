"""ScoroClient against the sandbox over real HTTP. No database: these never touch Django models."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import traceback
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from scoro_sandbox.server import SandboxServer
from scoro_sync.client import (
    MAX_CHUNK_CHARS,
    RAW_CHUNK_BYTES,
    ScoroAuthError,
    ScoroBudgetExceeded,
    ScoroClient,
    ScoroNotFound,
    ScoroRateLimited,
    ScoroUnavailable,
    ScoroValidationError,
    flatten_messages,
)

SECRET = "super-secret-api-key-7731"


@pytest.fixture
def secret_sandbox(sandbox: SandboxServer):
    """Use a recognisable key so tests can prove it never leaks into error texts."""
    old = sandbox.state.api_key
    sandbox.state.api_key = SECRET
    yield sandbox
    sandbox.state.api_key = old


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(secret_sandbox: SandboxServer, sleeps: Sleeps):
    clients: list[ScoroClient] = []

    def make(**kwargs: Any) -> ScoroClient:
        kwargs.setdefault("sleep", sleeps)
        kwargs.setdefault("timeout", (2, 5))
        base_url = kwargs.pop("base_url", secret_sandbox.base_url)
        api_key = kwargs.pop("api_key", SECRET)
        account = kwargs.pop("company_account_id", secret_sandbox.company_account_id)
        client = ScoroClient(base_url, api_key, account, **kwargs)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client) -> ScoroClient:
    return make_client()


def api_calls(sb: SandboxServer) -> dict[str, int]:
    return sb.calls()["by_endpoint"]


def assert_no_secret(exc: BaseException, client: ScoroClient | None = None) -> None:
    text = (
        str(exc)
        + repr(exc)
        + "".join(traceback.format_exception(exc))
        + json.dumps(getattr(exc, "messages", []))
    )
    assert SECRET not in text
    if client is not None:
        assert SECRET not in repr(client)


def bill(**overrides: Any) -> dict[str, Any]:
    data = {
        "no": "ARVE-2001",
        "company_id": 6,
        "date": "2025-04-01",
        "deadline": "2025-04-15",
        "reference_no": "ENV-idem-1",
        "description": "Toner and paper",
        "custom_fields": [{"id": "c_envoice_id", "value": "doc-9"}],
        "lines": [
            {"comment": "Toner", "amount": 2, "price": 92, "vat_code_id": 1, "finance_account_id": 10},
            {"comment": "Paper", "amount": 5, "price": 4.1, "vat_code_id": 1, "finance_account_id": 10,
             "finance_object_id": 3},
        ],
    }  # fmt: skip
    data.update(overrides)
    return data


def lookup_bill(client: ScoroClient, ref: str):
    return lambda: next(iter(client.list("bills", filter={"reference_no": ref})), None)


# --------------------------------------------------------------------------------------------- credentials
def test_check_credentials_ok(client: ScoroClient):
    result = client.check_credentials()
    assert result["ok"] is True and result["user"]["id"] == 1
    assert result["rate_limit"]["x-daily-requests-remaining"] > 0


def test_wrong_key(make_client, sleeps: Sleeps):
    client = make_client(api_key="wrong-key-0000")
    with pytest.raises(ScoroAuthError) as info:
        client.check_credentials()
    assert "API key" in str(info.value) and info.value.status_code == 401
    assert sleeps == []  # auth errors are not retried
    assert "wrong-key-0000" not in str(info.value) + repr(client)


def test_wrong_company_account(make_client):
    with pytest.raises(ScoroAuthError) as info:
        make_client(company_account_id="someone-else").check_credentials()
    assert "company_account_id" in str(info.value)
    assert_no_secret(info.value)


def test_wrong_url_returns_html(make_client, secret_sandbox: SandboxServer, sleeps: Sleeps):
    client = make_client(base_url=secret_sandbox.base_url + "/wrongsite")
    with pytest.raises(ScoroUnavailable) as info:
        client.check_credentials()
    assert info.value.html and "web page" in str(info.value) and "site address" in str(info.value)
    assert sleeps == []
    assert_no_secret(info.value, client)


def test_unreachable_host_is_retried_then_unavailable(make_client, sleeps: Sleeps):
    with socket_free_port() as port:
        client = make_client(base_url=f"http://127.0.0.1:{port}", max_retries=2)
    with pytest.raises(ScoroUnavailable) as info:
        client.view("contacts", 1)
    assert len(sleeps) == 2 and not info.value.ambiguous
    assert_no_secret(info.value, client)


def socket_free_port():
    import contextlib
    import socket

    @contextlib.contextmanager
    def _cm():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there afterwards
        yield port

    return _cm()


def test_base_url_normalisation_and_repr():
    c = ScoroClient("https://acme.scoro.com/api/v2/", SECRET, "acme")
    assert c.url("bills", "view", 5) == "https://acme.scoro.com/api/v2/bills/view/5"
    assert SECRET not in repr(c) and "***" in repr(c)
    with pytest.raises(ValueError):
        ScoroClient("acme.scoro.com", SECRET, "acme")


# --------------------------------------------------------------------------------------------- lists
def test_list_pages_until_short_page(client: ScoroClient, secret_sandbox: SandboxServer):
    rows = list(client.list("contacts", per_page=25))
    assert [r["contact_id"] for r in rows] == list(range(1, 61))
    assert api_calls(secret_sandbox) == {"contacts/list": 3}  # 25 + 25 + 10


def test_list_exact_multiple_needs_one_empty_page(client: ScoroClient, secret_sandbox: SandboxServer):
    secret_sandbox.reset(contacts=50)
    assert len(list(client.list("contacts", per_page=25))) == 50
    assert api_calls(secret_sandbox) == {"contacts/list": 3}


def test_list_per_page_is_capped_at_100(client: ScoroClient, secret_sandbox: SandboxServer):
    secret_sandbox.reset(contacts=250)
    assert len(list(client.list("contacts", per_page=1000))) == 250
    assert api_calls(secret_sandbox) == {"contacts/list": 3}


def test_incremental_modified_since(client: ScoroClient, secret_sandbox: SandboxServer):
    today = datetime.now(UTC).date()
    assert list(client.list("contacts", modified_since=today)) == []
    secret_sandbox.modify("contacts", 4, {"name": "Renamed in Scoro OÜ"})
    client.update("projects", 2, {"status": "completed"})
    changed = list(client.list("contacts", modified_since=today))
    assert [(c["contact_id"], c["name"]) for c in changed] == [(4, "Renamed in Scoro OÜ")]
    assert [p["project_id"] for p in client.list("projects", modified_since=datetime.now(UTC))] == [2]


def test_filter_and_include_deleted(client: ScoroClient):
    suppliers = list(client.list("contacts", filter={"is_supplier": 1}))
    assert suppliers and all(c["is_supplier"] for c in suppliers)
    assert client.delete("contacts", 8) is True
    assert 8 not in {c["contact_id"] for c in client.list("contacts")}
    with_deleted = {c["contact_id"]: c for c in client.list("contacts", include_deleted=True)}
    assert with_deleted[8]["is_deleted"] is True and with_deleted[8]["deleted_date"]


# --------------------------------------------------------------------------------------------- writes
def test_contact_create_update_delete(client: ScoroClient):
    created = client.create("contacts", {
        "contact_type": "company", "name": "Kivi ja Puit OÜ", "id_code": "12345678", "vatno": "EE102030405",
        "bankaccount": "EE382200221020145685", "is_supplier": 1,
        "addresses": [{"country": "EST", "city": "Tartu", "street": "Riia 1", "zipcode": "51004"}],
        "means_of_contact": {"email": ["arved@kivijapuit.ee"]},
    })  # fmt: skip
    cid = created["contact_id"]
    assert created["is_supplier"] is True and created["modified_date"].endswith("+00:00")
    updated = client.update("contacts", cid, {"vatno": "EE102030406"})
    assert updated["vatno"] == "EE102030406" and updated["name"] == "Kivi ja Puit OÜ"
    client.delete("contacts", cid)
    with pytest.raises(ScoroNotFound):
        client.view("contacts", cid)


def test_bill_with_lines_round_trip(client: ScoroClient, secret_sandbox: SandboxServer):
    created = client.create("bills", bill())
    assert created["id"] and [ln["comment"] for ln in created["lines"]] == ["Toner", "Paper"]
    assert created["sum"] == 204.5
    listed = next(b for b in client.list("bills") if b["id"] == created["id"])
    assert listed["lines"] is None  # list never carries lines
    viewed = client.view("bills", created["id"])
    assert viewed["custom_fields"] == [{"id": "c_envoice_id", "value": "doc-9"}]
    assert viewed["description"] == "Toner and paper"
    updated = client.update("bills", created["id"], {"lines": [{**viewed["lines"][1], "amount": 10}]})
    assert [ln["id"] for ln in updated["lines"]] == [viewed["lines"][1]["id"]] and updated["sum"] == 41.0
    page = requests.get(f"{secret_sandbox.base_url}/bills/view/{created['id']}", timeout=5).text
    assert "ARVE-2001" in page and "Toner and paper" in page


def test_validation_error_is_typed_and_not_retried(
    client: ScoroClient, secret_sandbox: SandboxServer, sleeps
):
    with pytest.raises(ScoroValidationError) as info:
        client.create("bills", bill(company_id=None, lines=[{"comment": "x", "project_id": 424242}]))
    err = info.value
    assert err.status_code == 400
    assert "company_id" in err.field_errors and "lines.0.project_id" in err.field_errors
    assert any("company_id" in m for m in err.messages)
    assert api_calls(secret_sandbox) == {"bills/modify": 1} and sleeps == []
    assert_no_secret(err, client)


def test_non_int_id_is_refused_client_side(client: ScoroClient):
    with pytest.raises(ValueError):
        client.view("bills", "5")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- files
def test_chunked_upload_and_relation(client: ScoroClient, secret_sandbox: SandboxServer):
    content = bytes(range(256)) * 4  # 1024 bytes
    uploaded = client.upload_file("scan.pdf", content, uploaded_by=2, chunk_size=300)
    assert uploaded["is_complete"] is True and uploaded["hash"] == hashlib.md5(content).hexdigest()
    assert api_calls(secret_sandbox) == {"files/modify": 4}  # 300*3 + 124
    client.add_file_relation(uploaded["file_id"], "bills", 1)
    files = list(client.list("files", filter={"rel_type": "bills", "rel_id": 1}))
    assert [f["file_id"] for f in files] == [uploaded["file_id"]]
    downloaded = client._call("files", "download", uploaded["file_id"], payload={})
    assert base64.b64decode(downloaded["content"]) == content
    page = requests.get(f"{secret_sandbox.base_url}/bills/view/1", timeout=5).text
    assert "scan.pdf" in page


def test_default_chunk_size_respects_5mb_base64_limit(client: ScoroClient, secret_sandbox: SandboxServer):
    assert len(base64.b64encode(b"\0" * RAW_CHUNK_BYTES)) <= MAX_CHUNK_CHARS
    content = b"\x89PNG" * 1_000_000  # 4 MB -> 2 chunks; the sandbox rejects any chunk over 5,000,000 chars
    uploaded = client.upload_file("photo.png", content, uploaded_by=1)
    assert uploaded["file_size"] == len(content) and uploaded["is_complete"]
    assert api_calls(secret_sandbox) == {"files/modify": 2}


# --------------------------------------------------------------------------------------------- retries
def test_429_is_retried_honouring_retry_after(client: ScoroClient, secret_sandbox, sleeps: Sleeps):
    secret_sandbox.add_fault("429", count=2, module="users", retry_after=3)
    assert client.check_credentials()["ok"]
    assert len(sleeps) == 2 and all(3 <= s <= 3.5 for s in sleeps)
    assert api_calls(secret_sandbox) == {"users/list": 3}


def test_429_without_retry_after_uses_ratelimit_reset(client: ScoroClient, secret_sandbox, sleeps: Sleeps):
    secret_sandbox.add_fault("429", module="contacts")
    assert client.view("contacts", 1)["contact_id"] == 1
    assert len(sleeps) == 1 and 1 <= sleeps[0] <= 1.5


def test_429_on_create_is_safe_to_retry(client: ScoroClient, secret_sandbox: SandboxServer, sleeps: Sleeps):
    secret_sandbox.add_fault("429", module="bills", action="modify")
    created = client.create("bills", bill(reference_no="ENV-429"))  # no lookup needed: 429 = not executed
    assert created["id"] and len(sleeps) == 1
    assert len(list(client.list("bills", filter={"reference_no": "ENV-429"}))) == 1


def test_5xx_retried_with_exponential_backoff(make_client, secret_sandbox, sleeps: Sleeps):
    client = make_client(backoff_base=1.0)
    secret_sandbox.add_fault("500", count=2, module="users")
    secret_sandbox.add_fault("503", count=1, module="users")
    assert client.check_credentials()["ok"]
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps):  # base * 2**attempt with ±50 % jitter
        assert 0.5 * 2**attempt <= slept <= 1.5 * 2**attempt


def test_retries_are_bounded(make_client, secret_sandbox, sleeps: Sleeps):
    client = make_client(max_retries=3)
    secret_sandbox.add_fault("500", count=10, module="contacts")
    with pytest.raises(ScoroUnavailable) as info:
        client.view("contacts", 1)
    assert len(sleeps) == 3 and api_calls(secret_sandbox) == {"contacts/view": 4}
    assert_no_secret(info.value, client)


def test_timeout_is_retried(make_client, secret_sandbox: SandboxServer, sleeps: Sleeps):
    client = make_client(timeout=(2, 0.3))
    secret_sandbox.add_fault("delay", seconds=1.0, module="users")
    assert client.check_credentials()["ok"]
    assert len(sleeps) == 1 and api_calls(secret_sandbox) == {"users/list": 2}


def test_update_retried_after_drop(client: ScoroClient, secret_sandbox: SandboxServer):
    secret_sandbox.add_fault("drop_after_commit", module="contacts", action="modify")
    assert client.update("contacts", 3, {"comments": "x"})["comments"] == "x"  # same state sent twice
    assert api_calls(secret_sandbox) == {"contacts/modify": 2}


# --------------------------------------------------------------------------------------------- create safety
def test_create_not_blindly_retried_after_drop_without_lookup(client: ScoroClient, secret_sandbox, sleeps):
    secret_sandbox.add_fault("drop_after_commit", module="bills", action="modify")
    with pytest.raises(ScoroUnavailable) as info:
        client.create("bills", bill(reference_no="ENV-drop-1"))
    assert info.value.ambiguous and "not repeated" in str(info.value)
    assert api_calls(secret_sandbox) == {"bills/modify": 1}
    assert len([b for b in secret_sandbox.records("bills") if b.get("reference_no") == "ENV-drop-1"]) == 1
    assert_no_secret(info.value, client)


def test_create_after_drop_with_lookup_returns_existing(client: ScoroClient, secret_sandbox: SandboxServer):
    secret_sandbox.add_fault("drop_after_commit", module="bills", action="modify")
    created = client.create(
        "bills", bill(reference_no="ENV-drop-2"), lookup=lookup_bill(client, "ENV-drop-2")
    )
    assert created["reference_no"] == "ENV-drop-2"
    matches = [b for b in secret_sandbox.records("bills") if b.get("reference_no") == "ENV-drop-2"]
    assert len(matches) == 1 and matches[0]["id"] == created["id"]
    assert api_calls(secret_sandbox) == {"bills/modify": 1, "bills/list": 1}


def test_create_after_500_with_lookup_creates_once(client: ScoroClient, secret_sandbox: SandboxServer):
    secret_sandbox.add_fault("500", module="bills", action="modify")  # 500 before the write: nothing saved
    created = client.create("bills", bill(reference_no="ENV-500"), lookup=lookup_bill(client, "ENV-500"))
    assert created["id"]
    assert len([b for b in secret_sandbox.records("bills") if b.get("reference_no") == "ENV-500"]) == 1
    assert api_calls(secret_sandbox) == {"bills/modify": 2, "bills/list": 1}


def test_create_timeout_without_lookup_raises(make_client, secret_sandbox: SandboxServer):
    client = make_client(timeout=(2, 0.2))
    secret_sandbox.add_fault("delay", seconds=0.6, module="contacts", action="modify")
    with pytest.raises(ScoroUnavailable) as info:
        client.create("contacts", {"name": "Aeglane OÜ"})
    assert info.value.ambiguous
    assert api_calls(secret_sandbox) == {"contacts/modify": 1}
    # The server finishes the write after we gave up: exactly why creates are never blindly repeated.
    # Waiting for it also keeps this late write from landing in the next test's fresh data.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not any(
        c["name"] == "Aeglane OÜ" for c in secret_sandbox.records("contacts")
    ):
        time.sleep(0.05)
    assert sum(c["name"] == "Aeglane OÜ" for c in secret_sandbox.records("contacts")) == 1


# --------------------------------------------------------------------------------------------- budgets & quota
def test_on_call_counts_every_request(make_client, secret_sandbox: SandboxServer):
    seen: list[tuple[str, str]] = []
    client = make_client(on_call=lambda m, a: seen.append((m, a)))
    secret_sandbox.add_fault("500", module="users")
    client.check_credentials()
    list(client.list("contacts", per_page=25))
    client.create("bills", bill())
    assert seen == [("users", "list")] * 2 + [("contacts", "list")] * 3 + [("bills", "modify")]
    assert secret_sandbox.calls()["total"] == len(seen)


def test_budget_stop_before_sending(make_client, secret_sandbox: SandboxServer):
    budget = {"left": 2}

    def on_call(module: str, action: str) -> None:
        if budget["left"] <= 0:
            raise ScoroBudgetExceeded("Daily Scoro budget for this company is used up")
        budget["left"] -= 1

    client = make_client(on_call=on_call)
    with pytest.raises(ScoroBudgetExceeded):
        list(client.list("contacts", per_page=10))
    assert secret_sandbox.calls()["total"] == 2


def test_daily_quota_stops_until_midnight(make_client, secret_sandbox: SandboxServer):
    secret_sandbox.configure(daily_limit=2)
    client = make_client()
    client.view("contacts", 1)
    client.view("contacts", 2)  # this answer says remaining = 0
    with pytest.raises(ScoroRateLimited) as info:
        client.view("contacts", 3)
    assert info.value.daily and 0 < info.value.retry_after <= 86400
    assert secret_sandbox.calls()["total"] == 2  # not even sent

    fresh = make_client()  # a new worker learns it from the 429 itself
    with pytest.raises(ScoroRateLimited) as info2:
        fresh.view("contacts", 3)
    assert info2.value.daily and secret_sandbox.calls()["total"] == 3
    assert_no_secret(info2.value, fresh)


def test_burst_window_full_waits_before_next_call(make_client, secret_sandbox: SandboxServer, sleeps):
    secret_sandbox.configure(rate_limit=2)
    client = make_client()
    client.view("contacts", 1)
    client.view("contacts", 2)  # remaining 0 after this one
    assert sleeps == []
    secret_sandbox.configure(rate_limit=2)  # fresh window (our fake sleep does not pass real time)
    client.view("contacts", 3)
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 2


# --------------------------------------------------------------------------------------------- envelope unit
class FakeResponse(requests.Response):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None):
        super().__init__()
        self.status_code = status
        self._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.headers.update(headers or {"Content-Type": "application/json"})


class FakeSession:
    def __init__(self, *responses: FakeResponse):
        self.responses = list(responses)
        self.bodies: list[dict] = []

    def post(self, url: str, data: str, headers: dict, timeout: Any, allow_redirects: bool) -> FakeResponse:
        assert allow_redirects is False  # a redirect would lead past the checked base URL
        self.bodies.append(json.loads(data))
        return self.responses.pop(0)

    def close(self) -> None:
        pass


def test_string_status_code_and_lowercase_ok_accepted():
    session = FakeSession(FakeResponse(200, {"status": "ok", "statusCode": "200", "messages": None,
                                             "data": {"id": 1}}))  # fmt: skip
    client = ScoroClient("https://x.scoro.com", SECRET, "x", session=session)  # type: ignore[arg-type]
    assert client.view("bills", 1) == {"id": 1}
    body = session.bodies[0]
    assert body["apiKey"] == SECRET and body["company_account_id"] == "x" and body["lang"] == "eng"


def test_error_in_body_with_http_200_is_raised():
    session = FakeSession(FakeResponse(200, {"status": "ERROR", "statusCode": 404,
                                             "messages": ["Object not found"], "data": None}))  # fmt: skip
    client = ScoroClient("https://x.scoro.com", SECRET, "x", session=session)  # type: ignore[arg-type]
    with pytest.raises(ScoroNotFound, match="Object not found"):
        client.view("bills", 1)


def test_api_key_echoed_by_server_is_redacted():
    session = FakeSession(FakeResponse(400, {"status": "ERROR", "statusCode": 400,
                                             "messages": {"error": [f"bad key {SECRET}"]}}))  # fmt: skip
    client = ScoroClient("https://x.scoro.com", SECRET, "x", session=session)  # type: ignore[arg-type]
    with pytest.raises(ScoroValidationError) as info:
        client.view("bills", 1)
    assert_no_secret(info.value, client)


def test_flatten_messages_shapes():
    assert flatten_messages(None) == []
    assert flatten_messages({"error": ["Too many requests"]}) == ["Too many requests"]
    assert flatten_messages({"company_id": ["required"], "lines": {"0": {"price": ["NaN"]}}}) == [
        "company_id: required",
        "lines: price: NaN",
    ]
    assert flatten_messages(["a", ["b"]]) == ["a", "b"]
