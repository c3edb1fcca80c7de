"""Render synthetic invoices from the dev e-invoice data: many layouts, languages and fonts.

    python benchmarks/synthetic_invoices.py OUT_DIR [--eval-dir DIR] [--per-source N] [--seed S]
    python benchmarks/extraction.py OUT_DIR/dev --no-corrections

Why: the dev set's text-layer PDFs come from a handful of producers, so a score on them says
little about a supplier whose layout nobody has seen. The amounts, lines, VAT breakdowns, dates
and numbers of every dev e-invoice are exact; this script prints them again through five page
layouts (label beside value, label above value in a cell strip, seller only in the footer,
dotted leaders, a boxed grid), ten languages, their number and date formats and the machine's
fonts, as Chromium prints HTML to PDF (a real text layer, as office suites and invoicing tools
make). Parties, addresses and bank accounts are made up with Faker in the seller's locale.

The label wording below was written for this script, not copied from the engine's lexicon, and
no layout imitates a dev document. Each output is labelled exactly with what was printed
(category ``pdf_synthetic``; a field the layout does not print is null, which the scorer
ignores). ``OUT_DIR/score.py`` links the shared scorer, so the extraction benchmark scores the
folder like the dev set. Nothing here is committed but the script: the output is regenerated.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

from faker import Faker
from schwifty import IBAN
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_EVAL = REPO.parent / "shared" / "eval" / "dev"
FONTS = ["DejaVu Sans", "DejaVu Serif", "Liberation Sans", "Liberation Serif", "Liberation Sans Narrow"]
LAYOUTS = ("beside", "strip", "footer", "leaders", "grid")

from benchmarks.synthetic_wording import CURRENCY_SIGN, LANGS, LEGAL  # noqa: E402


def _money(
    value: str | None, lang: dict, rng: random.Random, currency: str = "", with_sign: bool = False
) -> str:
    if value is None:
        return ""
    q = Decimal(value).quantize(Decimal("0.01"))
    neg = q < 0
    whole, frac = f"{abs(q):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ("-" if neg else "") + lang["thou"].join(groups) + lang["dec"] + frac
    if with_sign and currency:
        sign = CURRENCY_SIGN.get(currency, currency)
        text = f"{sign} {text}" if lang["dec"] == "." and sign in "€£$" else f"{text} {sign}"
    return text


def _number(value: str | None, lang: dict) -> str:
    """Quantities and rates: as few decimals as the value needs, in the language's separator."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", lang["dec"])


def _date(iso: str | None, lang: dict, style: str) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    months = lang["months"].split()
    return style.format(
        d=d.day, dd=f"{d.day:02d}", m=d.month, mm=f"{d.month:02d}", y=d.year, MONTH=months[d.month - 1]
    )


class Party:
    def __init__(self, fake: Faker, code: str, country: str, rng: random.Random, *, name: str | None = None):
        company = fake.company()
        if code in LEGAL and rng.random() < 0.8:
            company = f"{fake.last_name()} {rng.choice(LEGAL[code])}"
        self.name = name or company
        self.street = fake.street_address().replace("\n", ", ")
        self.city = f"{fake.postcode()} {fake.city()}"
        self.email = f"{rng.choice(['info', 'billing', 'office', 'accounts'])}@{fake.domain_name()}"
        self.iban = _iban(fake, country, rng)


def _iban(fake: Faker, country: str, rng: random.Random) -> str:
    candidate = fake.iban()
    if candidate.startswith(country):
        return candidate
    digits = "".join(rng.choice("0123456789") for _ in range(24))
    spec = IBAN.generate("DE", bank_code=digits[:8], account_code=digits[8:18])
    return str(spec.compact)


# Shapes of VAT numbers by country ("#" a digit); a random number of that shape is drawn until its
# check digits are right, so every printed VAT number is one a real invoice could carry.
VAT_SHAPES = {
    "GB": "#########",
    "DE": "#########",
    "FR": "###########",
    "NL": "#########B##",
    "EE": "10#######",
    "FI": "########",
    "SE": "##########01",
    "ES": "B########",
    "IT": "###########",
    "PL": "##########",
}


def _vat_number(country: str, rng: random.Random) -> str:
    shape = VAT_SHAPES[country]
    valid = gb_vat.is_valid if country == "GB" else eu_vat.is_valid
    for _ in range(100_000):
        number = country + "".join(rng.choice("0123456789") if c == "#" else c for c in shape)
        if valid(number):
            return number
    raise RuntimeError(f"no valid {country} VAT number drawn")


def _group_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _sources(eval_dir: Path) -> list[dict]:
    """One label per invoice scenario: the e-invoice labels, deduplicated by number and total."""
    seen, out = set(), []
    for path in sorted(eval_dir.glob("*.json")):
        label = json.loads(path.read_text())
        f = label.get("fields") or {}
        if label.get("category") not in ("einvoice_xml", "einvoice_pdf"):
            continue
        if not (f.get("invoice_number") and f.get("issue_date") and f.get("total")):
            continue
        if not any(ch.isdigit() for ch in f["invoice_number"]):  # test data such as a label word
            continue
        key = (f["invoice_number"], f["total"])
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _priced(lines: list[dict] | None) -> list[dict]:
    return [ln for ln in lines or [] if ln.get("description") and ln.get("total") is not None][:25]


def render(source: dict, layout: str, code: str, rng: random.Random) -> tuple[str, dict]:
    """The page's HTML and the label of what it prints."""
    lang = LANGS[code]
    fake = Faker(lang["locale"])
    fake.seed_instance(rng.randrange(10**9))
    pick = rng.choice
    seller = Party(fake, code, lang["country"], rng)
    buyer = Party(fake, code, lang["country"], rng)
    currency = source.get("currency") or "EUR"
    date_style = pick(lang["dates"])
    lines = _priced(source.get("lines"))
    show_due = bool(source.get("due_date")) and rng.random() < 0.8
    show_po = any(ch.isdigit() for ch in source.get("po_number") or "") and rng.random() < 0.8
    show_rate_col = rng.random() < 0.5 and all(ln.get("tax_rate") for ln in lines)
    vat_no = _vat_number(lang["country"], rng) if rng.random() < 0.9 else None
    buyer_vat = _vat_number(lang["country"], rng) if rng.random() < 0.5 else None
    reg_no = str(rng.randrange(10**7, 10**8)) if rng.random() < 0.5 else None
    tax_lines = source.get("tax_lines") or []
    label = {
        "supplier_name": seller.name,
        "supplier_vat_no": vat_no,
        "supplier_reg_no": reg_no,
        "buyer_name": buyer.name,
        "invoice_number": source["invoice_number"],
        "issue_date": source["issue_date"],
        "due_date": source.get("due_date") if show_due else None,
        "currency": currency,
        "total": source["total"],
        "subtotal": source.get("subtotal"),
        "tax_total": source.get("tax_total"),
        "tax_lines": tax_lines or None,
        "po_number": source.get("po_number") if show_po else None,
        "iban": seller.iban,
        "lines": [
            {
                "description": ln["description"],
                "quantity": ln.get("quantity"),
                "unit_price": ln.get("unit_price"),
                "total": ln["total"],
                "tax_rate": ln.get("tax_rate") if show_rate_col else None,
            }
            for ln in lines
        ]
        or None,
    }
    m = lambda v, sign=False: _money(v, lang, rng, currency, sign)  # noqa: E731
    meta = [
        (pick(lang["number"]), escape(source["invoice_number"])),
        (pick(lang["issued"]), _date(source["issue_date"], lang, date_style)),
    ]
    if show_due:
        meta.append((pick(lang["due"]), _date(source["due_date"], lang, date_style)))
    if show_po:
        meta.append((pick(lang["po"]), escape(source["po_number"])))
    seller_ids = [(pick(lang["vat_id"]), vat_no)] if vat_no else []
    if reg_no:
        seller_ids.append((pick(lang["reg"]), reg_no))
    buyer_block = f"<b>{escape(buyer.name)}</b><br>{escape(buyer.street)}<br>{escape(buyer.city)}"
    if buyer_vat:
        buyer_block += f"<br>{pick(lang['vat_id'])}: {escape(buyer_vat)}"
    seller_block = f"<b>{escape(seller.name)}</b><br>{escape(seller.street)}<br>{escape(seller.city)}<br>{escape(seller.email)}"
    bank = f"{pick(lang['bank'])}: {pick(lang['iban'])} {_group_iban(seller.iban) if rng.random() < 0.6 else seller.iban}"

    head = (
        [pick(lang["desc"]), pick(lang["qty"]), pick(lang["price"])]
        + ([pick(lang["rate"])] if show_rate_col else [])
        + [pick(lang["amount"])]
    )
    if rng.random() < 0.3:
        head[-1] += f" ({currency})"
    rows = []
    for n, ln in enumerate(lines, 1):
        cells = [escape(ln["description"]), _number(ln.get("quantity"), lang), m(ln.get("unit_price"))]
        if show_rate_col:
            cells.append(_number(ln.get("tax_rate"), lang) + " %")
        cells.append(m(ln["total"]))
        if layout == "grid":
            cells.insert(0, str(n))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if layout == "grid":
        head.insert(0, "#")
    table = (
        "<table class=lines><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr>"
        + "".join(rows)
        + "</table>"
    )

    totals = []
    if source.get("subtotal"):
        totals.append((pick(lang["net"]), m(source["subtotal"])))
    if layout in ("leaders", "grid") and len(tax_lines) >= 1:
        breakdown = "".join(
            f"<tr><td>{_number(t.get('rate'), lang)} %</td><td>{m(t.get('base'))}</td><td>{m(t.get('amount'))}</td></tr>"
            for t in tax_lines
        )
        vat_table = f"<table class=vat><tr><th>{pick(lang['rate'])}</th><th>{pick(lang['base'])}</th><th>{pick(lang['vat'])}</th></tr>{breakdown}</table>"
        if source.get("tax_total"):
            totals.append((pick(lang["vat"]), m(source["tax_total"])))
    else:
        vat_table = ""
        for t in tax_lines:
            totals.append((f"{pick(lang['vat'])} {_number(t.get('rate'), lang)} %", m(t.get("amount"))))
        if not tax_lines and source.get("tax_total"):
            totals.append((pick(lang["vat"]), m(source["tax_total"])))
    totals.append((f"<b>{pick(lang['gross'])}</b>", f"<b>{m(source['total'], sign=True)}</b>"))
    totals_html = (
        "<table class=totals>" + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in totals) + "</table>"
    )
    title = f"<h1>{pick(lang['title'])}</h1>"
    footer_ids = " · ".join(f"{a}: {escape(b)}" for a, b in seller_ids)
    page_no = pick(lang["page"]).format(p=1, n=1)

    if layout == "beside":
        meta_html = (
            "<table class=meta>"
            + "".join(f"<tr><td>{a}:</td><td>{b}</td></tr>" for a, b in meta)
            + "</table>"
        )
        body = (
            f"<div class=row><div>{seller_block}<br>{footer_ids}</div><div>{title}{meta_html}</div></div>"
            f"<div class=party><small>{pick(lang['to'])}</small><br>{buyer_block}</div>{table}{vat_table}{totals_html}"
            f"<p>{pick(lang['thanks'])}</p><footer>{bank}<br>{page_no}</footer>"
        )
    elif layout == "strip":
        strip = (
            "<table class=strip><tr>"
            + "".join(f"<th>{a}</th>" for a, _ in meta)
            + "</tr><tr>"
            + "".join(f"<td>{b}</td>" for _, b in meta)
            + "</tr></table>"
        )
        body = (
            f"<div class=row><div><small>{escape(seller.name)} · {escape(seller.street)} · {escape(seller.city)}</small><br><br>{buyer_block}</div>"
            f"<div>{title}</div></div>{strip}{table}{totals_html}<p>{pick(lang['thanks'])}</p>"
            f"<footer><div class=cols><div>{seller_block}</div><div>{footer_ids}</div><div>{bank}</div></div>{page_no}</footer>"
        )
    elif layout == "footer":
        meta_html = "<br>".join(f"{a}: {b}" for a, b in meta)
        body = (
            f"{title}<div class=row><div class=party><small>{pick(lang['to'])}</small><br>{buyer_block}</div><div>{meta_html}</div></div>"
            f"{table}{totals_html}<p>{pick(lang['thanks'])}</p>"
            f"<footer><div class=cols><div><small>{pick(lang['frm'])}</small><br>{seller_block}</div><div>{footer_ids}</div><div>{bank}</div></div></footer>"
        )
    elif layout == "leaders":
        meta_html = "".join(f"<div class=leader><span>{a}</span><span>{b}</span></div>" for a, b in meta)
        body = (
            f"<div class=row><div>{title}<small>{pick(lang['frm'])}</small><br>{seller_block}</div><div>{meta_html}</div></div>"
            f"<div class=party><small>{pick(lang['to'])}</small><br>{buyer_block}</div>{table}{vat_table}{totals_html}"
            f"<footer>{footer_ids}<br>{bank} · {page_no}</footer>"
        )
    else:  # grid: every meta value in a boxed cell under its label
        cells = "".join(f"<td><small>{a}</small><br>{b}</td>" for a, b in meta)
        body = (
            f"<div class=row><div>{seller_block}</div><div>{title}</div></div><table class=grid><tr>{cells}</tr></table>"
            f"<div class=row><div class=party><small>{pick(lang['to'])}</small><br>{buyer_block}</div><div>{footer_ids}</div></div>"
            f"{table}{vat_table}{totals_html}<footer>{bank}<br>{page_no}</footer>"
        )
    font = pick(FONTS)
    size = rng.choice([9, 10, 11])
    css = (
        f"body{{font-family:'{font}';font-size:{size}pt;margin:18mm}} h1{{font-size:20pt;margin:0 0 6pt}}"
        ".row{display:flex;justify-content:space-between;gap:20mm;margin-bottom:8mm} .party{margin:6mm 0}"
        "table{border-collapse:collapse;margin:4mm 0} td,th{padding:2pt 6pt;text-align:left}"
        ".lines{width:100%} .lines th{border-bottom:1px solid #333} .lines td:nth-last-child(-n+3){text-align:right}"
        ".totals{margin-left:auto} .totals td:last-child{text-align:right} .grid td,.strip td,.strip th{border:1px solid #999}"
        ".leader{display:flex;justify-content:space-between;width:75mm;border-bottom:1px dotted #999}"
        "footer{margin-top:10mm;font-size:8pt;color:#444} .cols{display:flex;gap:10mm} .meta td,.strip td,.grid td,.cols div{white-space:nowrap}"
    )
    html = f"<!doctype html><html><head><meta charset=utf-8><style>{css}</style></head><body>{body}</body></html>"
    return html, label


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--per-source", type=int, default=2, help="renderings of each e-invoice scenario")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sources = _sources(a.eval_dir)
    rng = random.Random(a.seed)
    dev = a.out / "dev"
    dev.mkdir(parents=True, exist_ok=True)
    scorer = a.out / "score.py"
    if not scorer.exists():
        scorer.symlink_to((a.eval_dir.parent / "score.py").resolve())
    written = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for n, source in enumerate(sources):
            for k in range(a.per_source):
                layout = LAYOUTS[(n + k) % len(LAYOUTS)]
                code = rng.choice(sorted(LANGS))
                html, label = render(source, layout, code, rng)
                name = f"syn-{layout}__{code}_{n:03d}_{k}"
                page.set_content(html)
                page.pdf(path=str(dev / f"{name}.pdf"), format="A4")
                label_doc = {
                    "file": f"{name}.pdf",
                    "category": "pdf_synthetic",
                    "source": "benchmarks/synthetic_invoices.py",
                    "label_origin": "what the script printed",
                    "fields": label,
                }
                (dev / f"{name}.json").write_text(json.dumps(label_doc, ensure_ascii=False, indent=1))
                written += 1
        browser.close()
    print(f"{written} synthetic invoices from {len(sources)} e-invoice scenarios in {dev}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
