"""The pages a person opens in the sandbox's "Scoro" (a bill or expense as Scoro shows it, a file download)."""

from __future__ import annotations

import html
from typing import Any

from .modules import ApiError, Record

WRONG_SITE_HTML = """<!DOCTYPE html>
<html><head><title>Scoro</title></head>
<body><h1>Scoro</h1><p>This Scoro site does not exist or has been moved.</p>
<p><a href="https://www.scoro.com">www.scoro.com</a></p></body></html>"""


class HumanPagesMixin:
    """Mixed into the request handler; uses its state, _send() and _html()."""

    def _human(self, path: str) -> None:
        parts = [p for p in path.split("/") if p]
        if (
            len(parts) == 3
            and parts[0] in ("bills", "expenses")
            and parts[1] == "view"
            and parts[2].isdigit()
        ):
            self._document_page(parts[0], int(parts[2]))
        elif len(parts) == 3 and parts[0] == "files" and parts[1] == "download" and parts[2].isdigit():
            try:
                rec, content = self.state.store.file_content(int(parts[2]))
            except ApiError:
                self._html(404, "<h1>File not found</h1>")
                return
            self._send(200, content, "application/octet-stream",
                       {"Content-Disposition": f'attachment; filename="{rec["file_name"]}"'})  # fmt: skip
        elif not parts:
            self._html(200, "<h1>Scoro sandbox</h1><p>API at /api/v2/, test controls at /_sandbox/</p>")
        else:
            self._html(200, WRONG_SITE_HTML)

    def _line_vat(self, line: Record, is_bill: bool) -> Any:
        code_id = line.get("vat_code_id" if is_bill else "tax_code_id")
        if code_id:
            codes = self.state.store.dump("vatCodes", [code_id])
            if codes:
                return f"{codes[0]['percent']:g} ({codes[0]['vat_code']})"
        return line.get("vat" if is_bill else "tax_percentage")

    def _document_page(self, module: str, obj_id: int) -> None:
        store = self.state.store
        recs = store.dump(module, [obj_id])
        if not recs:
            self._html(404, f"<h1>{module[:-1].title()} {obj_id} not found</h1>")
            return
        doc = recs[0]
        e = html.escape
        supplier = store.dump("contacts", [doc["company_id"]]) if doc.get("company_id") else []
        sup_name = (
            " ".join(filter(None, [supplier[0].get("name"), supplier[0].get("lastname")])) if supplier else ""
        )
        is_bill = module == "bills"
        accounts = {r["id"]: r for r in store.dump("financeAccounts")}
        rows = []
        for ln in doc.get("lines") or []:
            acc = accounts.get(ln.get("finance_account_id"))
            rows.append(
                "<tr>"
                + "".join(
                    f"<td>{e(str(v if v is not None else ''))}</td>"
                    for v in (
                        ln.get("comment") if is_bill else ln.get("description"),
                        ln.get("amount") if is_bill else ln.get("quantity"),
                        ln.get("price"),
                        self._line_vat(ln, is_bill),
                        f"{acc['account_symbol']} {acc['name']}" if acc else "",
                        ln.get("finance_object_id") if is_bill else ln.get("accounting_object_id"),
                        ln.get("project_id"),
                        ln.get("sum"),
                    )
                )
                + "</tr>"
            )
        files = store.files_for(module, obj_id)
        file_items = "".join(
            f'<li><a href="/files/download/{f["file_id"]}">{e(str(f["file_name"]))}</a>'
            f" ({f['file_size']} B)</li>"
            for f in files
        )
        comment = doc.get("description") if is_bill else doc.get("comment")
        title = f"{'Bill' if is_bill else 'Expense'} {doc.get('no') or doc['id']}"
        page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(title)} – Scoro</title></head>
<body><h1>{e(title)}</h1>{"<p><strong>DELETED</strong></p>" if doc.get("is_deleted") else ""}
<table>
<tr><th>Number</th><td id="no">{e(str(doc.get("no") or ""))}</td></tr>
<tr><th>Supplier</th><td id="supplier">{e(sup_name)}</td></tr>
<tr><th>Date</th><td>{e(str(doc.get("date") or ""))}</td></tr>
<tr><th>Due</th><td>{e(str(doc.get("deadline" if is_bill else "due_date") or ""))}</td></tr>
<tr><th>Currency</th><td>{e(str(doc.get("currency") or ""))}</td></tr>
<tr><th>Net</th><td>{e(str(doc.get("sum")))}</td></tr>
<tr><th>VAT</th><td>{e(str(doc.get("vat_sum" if is_bill else "tax_sum")))}</td></tr>
<tr><th>Status</th><td>{e(str(doc.get("status") or ""))}</td></tr>
<tr><th>Reference</th><td>{e(str(doc.get("reference_no") or ""))}</td></tr>
<tr><th>Comment</th><td id="comment">{e(str(comment or ""))}</td></tr>
</table>
<h2>Lines</h2><table border="1"><tr><th>Text</th><th>Qty</th><th>Price</th><th>VAT %</th><th>Account</th>
<th>Object</th><th>Project</th><th>Sum</th></tr>{"".join(rows)}</table>
<h2>Files</h2><ul id="files">{file_items or "<li>No files</li>"}</ul></body></html>"""
        self._html(200, page)
