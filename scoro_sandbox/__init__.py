"""Local, faithful stand-in for the Scoro API v2 subset Envoice uses (see ../shared/SCORO_API.md, beside the repository).

Standalone on purpose: it imports nothing from scoro_sync or Django, so a wire-format misunderstanding in the
client cannot be mirrored here and hidden.

Run:  python -m scoro_sandbox --host 127.0.0.1 --port 8001 [--seed demo|none] [--contacts N --projects N
      --products N] [--rate-limit N_PER_2S] [--daily-limit N] [--api-key K] [--company-account-id ID]
Tests: scoro_sandbox.server.start_in_thread(port=0, **options) -> SandboxServer (.base_url, .api_key,
      .company_account_id, .reset(), .stop(), .add_fault(), .calls(), .configure(), .records(), .modify()).

API:  POST /api/v2/{module}/{action}[/{id}] with {"apiKey", "company_account_id", ...} in the JSON body.
Test controls (no auth, JSON, GET or POST):
  /_sandbox/reset    {seed?, contacts?, projects?, products?} -> {ok, counts}   (also clears faults/calls/limits)
  /_sandbox/seed     {seed, contacts, projects, products}     -> {ok, counts, seconds}
  /_sandbox/faults   POST {kind: "500"|"503"|"429"|"delay"|"drop_after_commit", count?, module?, action?,
                     seconds?, retry_after?} or {faults: [...]}; GET lists; DELETE or {clear: true} empties
  /_sandbox/calls    GET -> {ok, total, by_endpoint: {"bills/modify": n}, log: [...]}; {clear: true} resets
  /_sandbox/state    ?module=bills[&id=5] -> {ok, module, count, records} (incl. deleted); no module -> counts
  /_sandbox/modify   POST {module, id?, data, delete?} -> {ok, record}  (a person editing in Scoro)
  /_sandbox/config   POST {rate_limit?, daily_limit?} -> current limits (0 = unlimited)
Human pages: GET /bills/view/{id}, /expenses/view/{id}, /files/download/{id}.
"""

from .server import SandboxServer, make_server, start_in_thread

__all__ = ["SandboxServer", "make_server", "start_in_thread"]
