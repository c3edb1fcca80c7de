"""python -m scoro_sandbox --host 127.0.0.1 --port 8001 [--seed demo|none] [...]"""

from __future__ import annotations

import argparse
import time

from .server import make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scoro_sandbox", description="Local Scoro API v2 sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--seed", choices=["demo", "none"], default="demo")
    parser.add_argument("--contacts", type=int, default=None, help="number of seeded contacts (demo: 60)")
    parser.add_argument("--projects", type=int, default=None, help="number of seeded projects (demo: 30)")
    parser.add_argument("--products", type=int, default=None, help="number of seeded products (demo: 40)")
    parser.add_argument("--rate-limit", type=int, default=40, help="requests per 2 s burst window; 0 = off")
    parser.add_argument("--daily-limit", type=int, default=100_000, help="requests per UTC day; 0 = off")
    parser.add_argument("--api-key", default="sandbox-api-key")
    parser.add_argument("--company-account-id", default="envoice-demo")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    server = make_server(
        args.host, args.port, api_key=args.api_key, company_account_id=args.company_account_id,
        seed=args.seed, contacts=args.contacts, projects=args.projects, products=args.products,
        rate_limit=args.rate_limit, daily_limit=args.daily_limit, verbose=args.verbose,
    )  # fmt: skip
    counts = ", ".join(f"{k}={v}" for k, v in server.store.counts().items() if v)
    print(
        f"Scoro sandbox on {server.base_url}/api/v2/  (seeded in {time.perf_counter() - t0:.2f}s: {counts})",
        flush=True,
    )
    print(
        f"apiKey={args.api_key!r} company_account_id={args.company_account_id!r}; controls at /_sandbox/",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
