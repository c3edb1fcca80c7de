"""Receipts (scans and photos) through the product's engine: accuracy, held-out halves, calibration, learning.

    python benchmarks/receipts.py [EVAL_DIR] [--limit N] [--no-learning]

Prints, for the eval set's receipt images (categories scan and photo_receipt):

* per-field F1 for scans and for photos (the eval scorer's rules);
* the same on two halves of the scans (alternate receipts by name), each half scored on its own:
  rules are written looking at one half at a time, and the other half shows whether they carry over;
* calibration: for each kind of evidence (``provenance[field]["evidence"]``) its precision on each
  half, beside the confidence the engine gives it (``receipt.CONFIDENCE``), and the share of fields
  shown at >= 0.9 that are right;
* learning from corrections: for every shop with several receipts, the first receipt that came out
  wrong is corrected (each wrong field set to its label and turned into hints the way the product learns them:
  ``learning.hints_from_correction`` on the receipt's OCR page, the shop's name as
  ``supplier_name``); the shop's other receipts are read again with those hints when the product
  would find them (the same name read, or the learned name printed at the top) and scored before
  and after.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.evalset import load_scorer  # noqa: E402
from extraction.engine import ExtractionError, extract  # noqa: E402
from extraction.engine.layout import Doc  # noqa: E402
from extraction.engine.learning import hints_from_correction  # noqa: E402
from extraction.engine.ocr import load_image, ocr_image  # noqa: E402
from extraction.engine.receipt import CONFIDENCE, prints_shop_name  # noqa: E402

CATEGORIES = ("scan", "photo_receipt")
FIELDS = ("supplier_name", "issue_date", "total", "subtotal", "tax_total", "currency")
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
SHOWN = 0.9  # the review screen's line: fields at or above it are shown as confident
LEARNED_FIELDS = ("supplier_name", "issue_date", "total")


def _receipts(eval_dir: Path, limit: int) -> list[tuple[Path, dict]]:
    out = []
    for p in sorted(eval_dir.iterdir()):
        lab = p.with_suffix(".json")
        if p.suffix.lower() in IMAGE_EXT and lab.exists():
            label = json.loads(lab.read_text())
            if label.get("category") in CATEGORIES:
                out.append((p, label))
    if limit and len(out) > limit:
        out = [out[int(i * len(out) / limit)] for i in range(limit)]
    return out


def _read(path: Path, hints: dict | None = None) -> dict:
    t0 = time.monotonic()
    try:
        r = extract(path.read_bytes(), filename=path.name, hints=hints)
    except ExtractionError as exc:
        return {
            "fields": {},
            "confidence": {},
            "provenance": {},
            "text": "",
            "seconds": 0.0,
            "error": str(exc),
        }
    return {
        "fields": r.fields,
        "confidence": r.confidence,
        "provenance": r.provenance,
        "text": r.text,
        "seconds": time.monotonic() - t0,
    }


def _judge(scorer, label: dict, field: str, value) -> bool | None:
    """True/False as the scorer counts the field, None when it is not labelled."""
    want = label["fields"].get(field)
    if want is None:
        return None
    return value not in (None, "") and scorer.scalar_equal(field, want, value)


def _f1_table(scorer, items: list[tuple[dict, dict]]) -> dict[str, tuple[float, int]]:
    out = {}
    for field in (*FIELDS, "all"):
        tp = fp = fn = 0
        for label, reading in items:
            for k in FIELDS if field == "all" else (field,):
                ok = _judge(scorer, label, k, reading["fields"].get(k))
                if ok is None:
                    continue
                got = reading["fields"].get(k)
                if ok:
                    tp += 1
                elif got in (None, ""):
                    fn += 1
                else:
                    fp, fn = fp + 1, fn + 1
        n = tp + fn
        out[field] = (2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan"), n)
    return out


def _print_f1(title: str, table: dict[str, tuple[float, int]]) -> None:
    cells = "  ".join(f"{k} {v[0]:.3f} (n={v[1]})" for k, v in table.items() if v[1])
    print(f"  {title:22s} {cells}")


def _ocr_page(path: Path) -> Doc:
    """The receipt's first OCR page, as the product reads it."""
    doc = Doc()
    ocr_image(
        load_image(path.read_bytes()),
        doc,
        page_no=1,
        languages=("eng", "est"),
        deadline=time.monotonic() + 60,
    )
    return doc


def _learning(scorer, receipts: list[tuple[Path, dict]], readings: dict[str, dict]) -> None:
    shops: dict[str, list[tuple[Path, dict]]] = defaultdict(list)
    for path, label in receipts:
        key = scorer.name_key(label["fields"].get("supplier_name"))
        if key:
            shops[key].append((path, label))
    shops = {k: v for k, v in shops.items() if len(v) >= 2}
    before, after = [], []
    taught = found = 0
    for _key, items in sorted(shops.items()):
        # A person corrects the first of the shop's receipts that came out wrong (none: nothing to teach).
        wrong = [
            k
            for k, (p, lab) in enumerate(items)
            if any(_judge(scorer, lab, f, readings[p.name]["fields"].get(f)) is False for f in LEARNED_FIELDS)
        ]
        k = wrong[0] if wrong else 0
        (first, first_label), others = items[k], items[:k] + items[k + 1 :]
        reading = readings[first.name]
        want = first_label["fields"]
        name = want["supplier_name"]
        hints: dict = {}
        page = None
        for field in LEARNED_FIELDS:
            if want.get(field) is None or _judge(scorer, first_label, field, reading["fields"].get(field)):
                continue
            if field == "supplier_name":
                hints["supplier_name"] = name
            else:
                page = page or _ocr_page(first)
                hints.update(hints_from_correction(page, field, want[field]))
        taught += bool(hints)
        for path, label in others:
            plain = readings[path.name]
            read_name = scorer.name_key(plain["fields"].get("supplier_name"))
            # The product finds the shop's hints by the name read, or by the learned name on the receipt.
            applies = bool(hints) and (
                read_name == scorer.name_key(name) or prints_shop_name(plain["text"], name)
            )
            found += applies
            before.append((label, plain))
            after.append((label, _read(path, hints) if applies else plain))
    if not before:
        print("\nlearning from corrections: no shop with two receipts")
        return
    print(
        f"\nlearning from corrections: {len(shops)} shops with >= 2 receipts, {taught} taught by correcting "
        f"their first receipt; {len(before)} other receipts, {found} of them found their shop's hints"
    )
    _print_f1("before", _f1_table(scorer, before))
    _print_f1("after", _f1_table(scorer, after))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "eval" / "dev")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-learning", action="store_true")
    ap.add_argument("--learning-only", action="store_true", help="only the shops with several receipts")
    a = ap.parse_args(argv)
    if not a.eval_dir.is_dir():
        print(f"eval folder {a.eval_dir} not found", file=sys.stderr)
        return 2
    scorer = load_scorer(a.eval_dir)
    receipts = _receipts(a.eval_dir, a.limit)
    if a.learning_only:
        counts: dict[str, int] = defaultdict(int)
        for _p, lab in receipts:
            counts[scorer.name_key(lab["fields"].get("supplier_name"))] += 1
        receipts = [
            (p, lab) for p, lab in receipts if counts[scorer.name_key(lab["fields"].get("supplier_name"))] > 1
        ]
        readings = {p.name: _read(p) for p, _lab in receipts}
        _learning(scorer, receipts, readings)
        return 0
    readings = {p.name: _read(p) for p, _lab in receipts}
    scans = [(lab, readings[p.name]) for p, lab in receipts if lab["category"] == "scan"]
    photos = [(lab, readings[p.name]) for p, lab in receipts if lab["category"] == "photo_receipt"]
    print(f"{len(receipts)} receipts: {len(scans)} scans, {len(photos)} photos\n\nper-field F1")
    _print_f1("scans", _f1_table(scorer, scans))
    if photos:
        _print_f1("photos", _f1_table(scorer, photos))
    halves = {"scans, half A": scans[0::2], "scans, half B": scans[1::2]}
    for title, items in halves.items():
        _print_f1(title, _f1_table(scorer, items))

    print("\ncalibration: precision of each kind of evidence, per half of the scans (photos with half B)")
    by_half: dict[str, dict[str, list[bool]]] = {"A": defaultdict(list), "B": defaultdict(list)}
    shown: list[bool] = []
    for i, (path, label) in enumerate(receipts):
        half = "A" if label["category"] == "scan" and i % 2 == 0 else "B"
        r = readings[path.name]
        for field in FIELDS:
            ok = _judge(scorer, label, field, r["fields"].get(field))
            if ok is None or r["fields"].get(field) in (None, ""):
                continue
            evidence = r["provenance"].get(field, {}).get("evidence", f"{field}/unconfirmed")
            by_half[half][evidence].append(ok)
            if r["confidence"].get(field, 0) >= SHOWN:
                shown.append(ok)
    kinds = sorted(set(by_half["A"]) | set(by_half["B"]))
    print(f"  {'evidence':28s} {'confidence':>10s} {'half A':>12s} {'half B':>12s}")
    for kind in kinds:
        cells = []
        for half in "AB":
            v = by_half[half].get(kind, [])
            cells.append(f"{sum(v) / len(v):.2f} ({sum(v)}/{len(v)})" if v else "-")
        print(f"  {kind:28s} {CONFIDENCE.get(kind, float('nan')):10.2f} {cells[0]:>12s} {cells[1]:>12s}")
    if shown:
        print(
            f"  fields shown at >= {SHOWN}: {sum(shown)}/{len(shown)} right = {sum(shown) / len(shown):.1%}"
        )
    secs = [r["seconds"] for r in readings.values()]
    print(f"\nseconds per receipt: median {statistics.median(secs):.2f}, max {max(secs):.2f}")
    if not a.no_learning:
        _learning(scorer, receipts, readings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
