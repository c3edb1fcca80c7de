"""``python manage.py extract FILE... [--json]``: run the extraction engine on local files.

Needs no database content and no network: it only reads the given files.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from extraction.engine import ExtractionError, extract

TABLE_FIELDS = (
    "supplier_name",
    "supplier_vat_no",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_total",
    "total",
    "iban",
)


class Command(BaseCommand):
    help = "Extract invoice fields from documents (PDF, e-invoice XML, images)."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="documents to read")
        parser.add_argument("--json", action="store_true", help="one JSON line per file")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per document")

    def handle(self, *args, **opts) -> None:
        failed = 0
        for name in opts["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
                res = extract(data, filename=path.name, time_limit=opts["time_limit"])
            except (OSError, ExtractionError) as exc:
                failed += 1
                if opts["json"]:
                    self.stdout.write(json.dumps({"file": path.name, "error": str(exc)}, ensure_ascii=False))
                else:
                    self.stdout.write(f"\n{path.name}: ERROR {exc}")
                continue
            if opts["json"]:
                line = {
                    "file": path.name,
                    "fields": res.fields,
                    "confidence": res.confidence,
                    "seconds": res.seconds,
                }
                self.stdout.write(json.dumps(line, ensure_ascii=False))
            else:
                self._table(path.name, res)
        if failed:
            raise CommandError(f"{failed} file(s) could not be read", returncode=1)

    def _table(self, name: str, res) -> None:
        out = self.stdout
        out.write(f"\n{name}  [{res.source}, {res.pages} page(s), {res.seconds:.2f} s]")
        for f in TABLE_FIELDS:
            v = res.fields.get(f)
            conf = res.confidence.get(f)
            c = f"{conf:.2f}" if conf is not None else "    "
            out.write(f"  {f:16s} {c}  {'' if v is None else v}")
        lines = res.fields.get("lines") or []
        if lines:
            out.write(f"  lines ({len(lines)}):")
            for ln in lines:
                out.write(
                    f"    {str(ln.get('description') or '')[:50]:50s} {ln.get('quantity') or '':>8s} "
                    f"{ln.get('unit_price') or '':>10s} {ln.get('total') or '':>10s}"
                )
        for w in res.warnings:
            out.write(f"  ! {w}")
