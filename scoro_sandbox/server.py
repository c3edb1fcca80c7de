"""HTTP front of the Scoro sandbox: Scoro API v2 wire format, rate limits, fault injection and test controls.

Standard library only (http.server) so the sandbox shares no code with scoro_sync: a misunderstanding of the
wire format would then show up as a failing test rather than being mirrored on both sides.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .modules import MODULES, ApiError, Record
from .pages import WRONG_SITE_HTML, HumanPagesMixin
from .state import RateLimiter, SandboxState
from .store import Store

API_PREFIX = "/api/v2/"
CONTROL_PREFIX = "/_sandbox/"

BAD_GATEWAY_HTML = """<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"""
UNAVAILABLE_HTML = """<html><head><title>503 Service Temporarily Unavailable</title></head>
<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>"""


def envelope(data: Any = None, *, status: int = 200, messages: Any = None) -> Record:
    return {
        "status": "OK" if status == 200 else "ERROR",
        # Documented 429 body carries statusCode as a string; everything else as int.
        "statusCode": "429" if status == 429 else status,
        "messages": messages,
        "data": data,
    }


# --------------------------------------------------------------------------------------------- handler
class Handler(HumanPagesMixin, BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive: requests.Session reuses connections, tests stay fast

    def version_string(self) -> str:
        return "nginx"  # what a real Scoro answer carries; no Python version banner

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    @property
    def state(self) -> SandboxState:
        return self.server.state

    # ---------------------------------------------------------------------------------- plumbing
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # client gave up (e.g. its timeout fired during an injected delay)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=str).encode()
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8")

    # ---------------------------------------------------------------------------------- verbs
    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(API_PREFIX):
            self._read_body()
            self._json(405, envelope(status=405, messages={"error": ["Only POST requests are allowed"]}),
                       {"Allow": "POST"})  # fmt: skip
        elif path.startswith(CONTROL_PREFIX) or path.rstrip("/") == "/_sandbox":
            self._control("GET", path, self._read_body())
        else:
            self._read_body()
            self._human(path)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._read_body()
        if path.startswith(API_PREFIX):
            self._api(path, body)
        elif path.startswith(CONTROL_PREFIX):
            self._control("POST", path, body)
        else:
            self._html(200, WRONG_SITE_HTML)  # a wrong subdomain answers with a web page, not JSON

    def do_DELETE(self) -> None:
        path = urlsplit(self.path).path
        body = self._read_body()
        if path.startswith(CONTROL_PREFIX):
            self._control("DELETE", path, body)
        else:
            self._json(405, envelope(status=405, messages={"error": ["Only POST requests are allowed"]}))

    do_PUT = do_PATCH = do_DELETE

    # ---------------------------------------------------------------------------------- API
    def _api(self, path: str, raw: bytes) -> None:
        parts = [p for p in path[len(API_PREFIX) :].split("/") if p]
        module = parts[0] if parts else ""
        action = parts[1] if len(parts) > 1 else "list"
        obj_id = parts[2] if len(parts) > 2 else None
        self.state.record_call(module, action, obj_id)

        fault = self.state.take_fault(module, action)
        drop_after_commit = False
        if fault is not None:
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            elif fault.kind == "500":
                self._json(500, envelope(status=500, messages={"error": ["Internal server error"]}))
                return
            elif fault.kind == "503":
                self._html(503, UNAVAILABLE_HTML)
                return
            elif fault.kind == "429":
                _, headers = self.state.limiter.hit()
                headers["x-ratelimit-remaining"] = "0"
                headers["x-ratelimit-reset"] = str(fault.retry_after or 1)
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                self._json(429, envelope(status=429, messages={"error": ["Too many requests"]}), headers)
                return
            elif fault.kind == "drop_after_commit":
                drop_after_commit = True

        allowed, rl_headers = self.state.limiter.hit()
        if not allowed:
            self._json(429, envelope(status=429, messages={"error": ["Too many requests"]}), rl_headers)
            return
        status, payload = self._dispatch(module, action, obj_id, raw)
        if drop_after_commit:
            # The write happened; the answer is lost on the way back (proxy error / worker killed).
            self._html(502, BAD_GATEWAY_HTML)
            return
        self._json(status, payload, rl_headers)

    def _dispatch(self, module: str, action: str, raw_id: str | None, raw: bytes) -> tuple[int, Record]:
        try:
            try:
                body = json.loads(raw.decode() or "{}")
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ApiError(400, "Request body must be valid JSON")
            if not isinstance(body, dict):
                raise ApiError(400, "Request body must be a JSON object")
            if body.get("apiKey") != self.state.api_key:
                raise ApiError(401, "Invalid API key" if body.get("apiKey") else "apiKey is required")
            if body.get("company_account_id") != self.state.company_account_id:
                raise ApiError(401, f"Unknown company_account_id {body.get('company_account_id')!r}")
            spec = MODULES.get(module)
            if spec is None:
                raise ApiError(404, f"Unknown module {module!r}")
            if action not in spec.actions:
                raise ApiError(404, f"Unknown action {action!r} for module {module!r}")
            obj_id: int | None = None
            if raw_id is not None:
                try:
                    obj_id = int(raw_id)
                except ValueError:
                    raise ApiError(400, f"Invalid id {raw_id!r}: must be an integer")
            data = self._run(module, action, obj_id, body)
            return 200, envelope(data)
        except ApiError as exc:
            return exc.status, envelope(status=exc.status, messages=exc.messages)
        except Exception as exc:  # never let a sandbox bug look like a hang; report as Scoro would
            return 500, envelope(status=500, messages={"error": [f"Sandbox error: {exc!r}"]})

    def _run(self, module: str, action: str, obj_id: int | None, body: Record) -> Any:
        store = self.state.store
        needs_id = action in {"view", "delete", "download", "addRelation", "removeRelation"}
        if needs_id and obj_id is None:
            raise ApiError(400, f"{module}/{action} needs an id in the URL")
        if action == "list":
            return store.list(module, body)
        if action == "view":
            return store.view(module, obj_id, include_deleted=bool(body.get("include_deleted")))
        if action == "modify":
            # .../modify/0 is how Scoro's own SDK spells "create"
            saved = store.modify(module, obj_id or None, body.get("request", {}))
            if body.get("return_data") in (None, 0, "0", False):
                return {MODULES[module].id_field: saved[MODULES[module].id_field]}
            return saved
        if action == "delete":
            store.delete(module, obj_id)
            return None
        if action == "download":
            rec, content = store.file_content(obj_id)
            return {"file_id": rec["file_id"], "file_name": rec["file_name"], "file_size": rec["file_size"],
                    "content": base64.b64encode(content).decode()}  # fmt: skip
        if action in ("addRelation", "removeRelation"):
            return store.file_relation(obj_id, body.get("request", {}), add=action == "addRelation")
        raise ApiError(404, f"Unknown action {action!r}")

    # ---------------------------------------------------------------------------------- control
    def _control(self, method: str, path: str, raw: bytes) -> None:
        name = path[len(CONTROL_PREFIX) :].strip("/") if path.startswith(CONTROL_PREFIX) else ""
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        try:
            body = json.loads(raw.decode() or "{}") if raw else {}
            if not isinstance(body, dict):
                raise ValueError("body must be a JSON object")
            params: Record = {**query, **body}
            self._json(200, self._control_action(method, name, params))
        except (ValueError, TypeError, KeyError) as exc:
            self._json(400, {"ok": False, "error": str(exc)})
        except ApiError as exc:
            self._json(exc.status, {"ok": False, "error": exc.messages})

    def _control_action(self, method: str, name: str, p: Record) -> Record:
        st = self.state
        sizes = {k: int(p[k]) for k in ("contacts", "projects", "products") if k in p}
        if name == "":
            return {
                "ok": True,
                "endpoints": ["reset", "seed", "faults", "calls", "state", "modify", "config"],
            }
        if name == "reset":
            return {"ok": True, "counts": st.reset(p.get("seed"), **sizes)}
        if name == "seed":
            t0 = time.perf_counter()
            counts = st.reset(p.get("seed", "demo"), **sizes)
            return {"ok": True, "counts": counts, "seconds": round(time.perf_counter() - t0, 3)}
        if name == "faults":
            if method == "DELETE" or p.get("clear"):
                with st.lock:
                    st.faults.clear()
                return {"ok": True, "faults": []}
            if method == "POST":
                specs = p.get("faults") or [p]
                added = []
                for s in specs:
                    retry_after = int(s["retry_after"]) if s.get("retry_after") is not None else None
                    fault = st.add_fault(s["kind"], int(s.get("count", 1)), s.get("module"), s.get("action"),
                                         float(s.get("seconds", 0)), retry_after)  # fmt: skip
                    added.append(fault.as_dict())
                return {"ok": True, "queued": added, "faults": [f.as_dict() for f in st.faults]}
            return {"ok": True, "faults": [f.as_dict() for f in st.faults]}
        if name == "calls":
            if method == "DELETE" or p.get("clear"):
                with st.lock:
                    st.calls.clear()
                    st.call_log.clear()
            return {"ok": True, **st.calls_snapshot()}
        if name == "state":
            module = p.get("module")
            if not module:
                return {"ok": True, "counts": st.store.counts()}
            ids = [int(p["id"])] if p.get("id") not in (None, "") else None
            records = st.store.dump(module, ids)
            return {"ok": True, "module": module, "count": len(records), "records": records}
        if name == "modify":
            if method != "POST":
                raise ValueError("use POST")
            obj_id = p.get("id")
            rec = st.store.server_modify(
                p["module"],
                int(obj_id) if obj_id not in (None, "") else None,
                p.get("data") or {},
                delete=bool(p.get("delete")),
            )
            return {"ok": True, "record": rec}
        if name == "config":
            if method == "POST":
                if "rate_limit" in p:
                    st.rate_limit = int(p["rate_limit"])
                if "daily_limit" in p:
                    st.daily_limit = int(p["daily_limit"])
                st.limiter.configure(st.rate_limit, st.daily_limit)
            return {"ok": True, "rate_limit": st.rate_limit, "daily_limit": st.daily_limit,
                    "api_key": st.api_key, "company_account_id": st.company_account_id}  # fmt: skip
        raise ApiError(404, f"Unknown control endpoint {name!r}")


# --------------------------------------------------------------------------------------------- server
class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # delayed (fault) handlers must not block shutdown
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SandboxState, verbose: bool = False):
        super().__init__(address, Handler)
        self.state = state
        self.verbose = verbose

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or drop keep-alive sockets are normal here (fault tests); stay quiet.
        if isinstance(sys.exc_info()[1], ConnectionError) and not self.verbose:
            return
        super().handle_error(request, client_address)


class SandboxServer:
    """A running sandbox (in a background thread) plus Python-side shortcuts for tests."""

    def __init__(self, httpd: SandboxHTTPServer, thread: threading.Thread | None = None):
        self.httpd = httpd
        self.thread = thread
        host, port = httpd.server_address[:2]
        self.host, self.port = str(host), int(port)
        self.base_url = f"http://{self.host}:{self.port}"

    @property
    def state(self) -> SandboxState:
        return self.httpd.state

    @property
    def store(self) -> Store:
        return self.httpd.state.store

    @property
    def api_key(self) -> str:
        return self.state.api_key

    @property
    def company_account_id(self) -> str:
        return self.state.company_account_id

    def reset(self, seed: str | None = None, **sizes: int | None) -> dict[str, int]:
        return self.state.reset(seed, **sizes)

    def add_fault(self, kind: str, count: int = 1, *, module: str | None = None, action: str | None = None,
                  seconds: float = 0.0, retry_after: int | None = None) -> Record:  # fmt: skip
        return self.state.add_fault(kind, count, module, action, seconds, retry_after).as_dict()

    def calls(self) -> Record:
        return self.state.calls_snapshot()

    def configure(self, *, rate_limit: int | None = None, daily_limit: int | None = None) -> None:
        if rate_limit is not None:
            self.state.rate_limit = rate_limit
        if daily_limit is not None:
            self.state.daily_limit = daily_limit
        self.state.limiter.configure(self.state.rate_limit, self.state.daily_limit)

    def records(self, module: str) -> list[Record]:
        return self.store.dump(module)

    def modify(self, module: str, obj_id: int | None, data: Record, *, delete: bool = False) -> Record:
        return self.store.server_modify(module, obj_id, data, delete=delete)

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


def make_server(
    host: str = "127.0.0.1",
    port: int = 8001,
    *,
    api_key: str = "sandbox-api-key",
    company_account_id: str = "envoice-demo",
    seed: str = "demo",
    contacts: int | None = None,
    projects: int | None = None,
    products: int | None = None,
    rate_limit: int = 40,
    daily_limit: int = 100_000,
    verbose: bool = False,
) -> SandboxServer:
    store = Store(company_account_id)
    state = SandboxState(
        store=store, api_key=api_key, company_account_id=company_account_id,
        limiter=RateLimiter(rate_limit, daily_limit), seed_kind=seed,
        sizes={"contacts": contacts, "projects": projects, "products": products},
        rate_limit=rate_limit, daily_limit=daily_limit, startup_limits=(rate_limit, daily_limit),
    )  # fmt: skip
    state.reset()
    return SandboxServer(SandboxHTTPServer((host, port), state, verbose=verbose))


def start_in_thread(port: int = 0, **options: Any) -> SandboxServer:
    """Start a sandbox on 127.0.0.1 (port 0 = any free port) in a daemon thread; call .stop() when done.

    Tests default to generous limits (rate_limit=0 → unlimited) so only tests that configure a limit see 429s.
    """
    options.setdefault("rate_limit", 0)
    options.setdefault("daily_limit", 0)
    host = options.pop("host", "127.0.0.1")
    server = make_server(host, port, **options)
    thread = threading.Thread(target=server.serve_forever, name=f"scoro-sandbox-{server.port}", daemon=True)
    server.thread = thread
    thread.start()
    return server
