"""Tesseract against RapidOCR on the eval set's receipt scans and photos, side by side.

    python benchmarks/ocr_engines.py [EVAL_DIR] [--limit N] [--engines tesseract,rapidocr]

Each engine runs in its own worker process over the same images:

* ``tesseract``: the engine exactly as the product runs it (`extraction.engine.extract`: image
  clean-up, Tesseract passes, the amounts and dates re-read by PP-OCR's text-line recogniser
  (`extraction/engine/reread.py`), receipt field choice).
* ``tesseract-alone``: the same without the re-read (Tesseract's words only).
* ``rapidocr``: RapidOCR (PP-OCR ONNX models shipped inside the `rapidocr-onnxruntime` wheel;
  nothing is downloaded) into positioned words, then the same field choice.

Printed per engine: per-field F1 (the eval scorer's rules), the share of labelled values that occur
verbatim in the OCR text (OCR quality apart from field choice), median and total seconds per page,
and the worker's peak RSS. "best of both" takes each field from the engine more confident of it
(its time is the sum of both). Last, the time of plain ``tesseract IMAGE stdout`` on the same
images, twice: as installed (Debian's build spreads its work over OpenMP threads, which on the
2-core servers spin against each other) and with ``OMP_THREAD_LIMIT=1`` (its fastest here, and
how the product runs it). The product's OCR must not be slower than plain tesseract.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
CATEGORIES = ("scan", "photo_receipt")
REPEAT = 2  # timing runs per image and engine (the fastest counts)
FIELDS = ("supplier_name", "issue_date", "total", "subtotal", "tax_total", "currency")


def _images(eval_dir: Path, limit: int) -> list[Path]:
    out = []
    for p in sorted(eval_dir.iterdir()):
        lab = p.with_suffix(".json")
        if (
            p.suffix.lower() in IMAGE_EXT
            and lab.exists()
            and json.loads(lab.read_text()).get("category") in CATEGORIES
        ):
            out.append(p)
    if limit and len(out) > limit:
        # An even spread over the scans (not the first few of one shop), and every photo.
        photos = [p for p in out if json.loads(p.with_suffix(".json").read_text())["category"] != "scan"]
        scans = [p for p in out if p not in photos]
        k = max(1, limit - len(photos))
        out = [scans[int(i * len(scans) / k)] for i in range(k)] + photos
    return out


# ------------------------------------------------------------------ workers
def _rapidocr_doc(engine, path: Path):
    from extraction.engine.layout import Doc
    from extraction.engine.ocr import load_image

    img = load_image(path.read_bytes()).convert("RGB")
    result, _elapsed = engine(np.asarray(img)[:, :, ::-1])
    words = []
    for box, text, _score in result or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        parts = text.split()
        n = max(1, len(text))
        pos = 0
        for part in parts:
            start = text.index(part, pos)
            pos = start + len(part)
            words.append((part, x0 + (x1 - x0) * start / n, top, x0 + (x1 - x0) * pos / n, bottom))
    doc = Doc()
    doc.add_page(1, float(img.size[0]), float(img.size[1]), words)
    return doc


def _worker(engine_name: str, files: list[str], out_path: str) -> None:
    from extraction.engine import extract
    from extraction.engine.fields import extract_fields
    from extraction.engine.receipt import looks_like_receipt, overlay_receipt

    rapid = None
    if engine_name == "tesseract-alone":
        from extraction.engine import reread

        reread._recognizer = lambda: None  # the product path with the re-read switched off
    if engine_name == "rapidocr":
        from rapidocr_onnxruntime import RapidOCR

        rapid = RapidOCR()
    with open(out_path, "w") as out:
        for f in files:
            path = Path(f)
            plain, plain_default, seconds = [], [], []
            # Plain tesseract and the product take turns on the same image, REPEAT times each; the
            # fastest of each is kept, so a burst of load from other processes does not decide.
            for _ in range(REPEAT):
                if engine_name == "tesseract":
                    plain += _plain_tesseract([path], threads="1")
                    plain_default += _plain_tesseract([path], threads=None)
                t0 = time.monotonic()
                if rapid is None:
                    res = extract(path.read_bytes(), filename=path.name)
                    fields, conf, text = res.fields, res.confidence, res.text
                else:
                    doc = _rapidocr_doc(rapid, path)
                    fields, conf, prov = extract_fields(doc, receipt=True)
                    if looks_like_receipt(doc):
                        overlay_receipt(doc, fields, conf, prov)
                    text = doc.text()
                seconds.append(time.monotonic() - t0)
            row = {
                "file": path.name,
                "fields": fields,
                "confidence": conf,
                "text": text,
                "seconds": min(seconds),
            }
            row["plain_tesseract"] = min(plain) if plain else None
            row["plain_tesseract_default"] = min(plain_default) if plain_default else None
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def _run_worker(engine_name: str, files: list[Path]) -> tuple[list[dict], float]:
    """Results and peak RSS (MB) of one engine's worker process."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as tmp:
        out_path = tmp.name
    # The images go after --files: as bare arguments the first was taken for EVAL_DIR and never read.
    cmd = [sys.executable, __file__, "--worker", engine_name, "--out", out_path, "--files", *map(str, files)]
    proc = subprocess.Popen(cmd, cwd=REPO)
    _pid, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{engine_name} worker failed ({status})")
    rows = [json.loads(line) for line in Path(out_path).read_text().splitlines() if line.strip()]
    os.unlink(out_path)
    return rows, usage.ru_maxrss / 1024


def _plain_tesseract(files: list[Path], *, threads: str | None) -> list[float]:
    """Seconds of `tesseract IMAGE stdout` per file; threads=None leaves OpenMP at its default."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if threads:
        env["OMP_THREAD_LIMIT"] = threads
    secs = []
    for p in files:
        t0 = time.monotonic()
        subprocess.run(["tesseract", str(p), "stdout"], capture_output=True, check=False, env=env)
        secs.append(time.monotonic() - t0)
    return secs


# ------------------------------------------------------------------ scoring
def _scorer(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("eval_score", eval_dir.parent / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _f1(scorer, labels: dict[str, dict], preds: dict[str, dict]) -> dict[str, float]:
    """F1 per field and over all of them, counted as the eval scorer does (wrong = FP + FN)."""
    out = {}
    for field in (*FIELDS, "all"):
        tp = fp = fn = 0
        for name, lab in labels.items():
            for k in FIELDS if field == "all" else (field,):
                if lab.get(k) is None:
                    continue
                got = preds.get(name, {}).get(k)
                if got in (None, ""):
                    fn += 1
                elif scorer.scalar_equal(k, lab[k], got):
                    tp += 1
                else:
                    fp, fn = fp + 1, fn + 1
        out[field] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    return out


def _value_in_text(scorer, labels: dict[str, dict], texts: dict[str, str]) -> float:
    """Share of labelled totals and supplier names that occur verbatim (case-folded) in the OCR text."""
    hit = n = 0
    for name, lab in labels.items():
        text = " ".join(texts.get(name, "").casefold().split())
        for k in ("total", "supplier_name"):
            if lab.get(k):
                n += 1
                hit += " ".join(str(lab[k]).casefold().split()) in text
    return hit / n if n else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "eval" / "dev")
    ap.add_argument("--limit", type=int, default=0, help="at most this many images (an even spread)")
    ap.add_argument("--engines", default="tesseract,rapidocr")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", default=[], help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        _worker(a.worker, a.files, a.out)
        return 0
    if not a.eval_dir.is_dir():
        print(f"eval folder {a.eval_dir} not found", file=sys.stderr)
        return 2
    files = _images(a.eval_dir, a.limit)
    scorer = _scorer(a.eval_dir)
    labels = {p.name: json.loads(p.with_suffix(".json").read_text())["fields"] for p in files}
    cats = {p.name: json.loads(p.with_suffix(".json").read_text())["category"] for p in files}
    print(
        f"{len(files)} images ({sum(c == 'scan' for c in cats.values())} scans, "
        f"{sum(c == 'photo_receipt' for c in cats.values())} photos)"
    )

    runs: dict[str, tuple[dict[str, dict], float, list[float], dict[str, str]]] = {}
    for engine_name in [e.strip() for e in a.engines.split(",") if e.strip()]:
        rows, rss = _run_worker(engine_name, files)
        runs[engine_name] = (
            {r["file"]: r for r in rows},
            rss,
            [r["seconds"] for r in rows],
            {r["file"]: r["text"] for r in rows},
        )
    if {"tesseract", "rapidocr"} <= runs.keys():
        t, r = runs["tesseract"][0], runs["rapidocr"][0]
        best = {}
        for name in t:
            merged = {}
            for k in FIELDS:
                ct, cr = t[name]["confidence"].get(k, 0), r[name]["confidence"].get(k, 0)
                merged[k] = (r if cr > ct else t)[name]["fields"].get(k)
            best[name] = {"fields": merged}
        secs = [a_ + b_ for a_, b_ in zip(runs["tesseract"][2], runs["rapidocr"][2], strict=True)]
        runs["best of both"] = (best, max(runs["tesseract"][1], runs["rapidocr"][1]), secs, {})

    header = (
        f"{'engine':14s} {'supplier':>8s} {'date':>6s} {'total':>6s} {'all':>6s} {'in text':>7s} "
        f"{'s/page med':>10s} {'s total':>8s} {'RSS MB':>7s}"
    )
    for cat in (*CATEGORIES, "both"):
        names = {n for n, c in cats.items() if cat in ("both", c)}
        if not names:
            continue
        print(f"\n{cat} ({len(names)} images)\n{header}")
        for engine_name, (rows, rss, secs, texts) in runs.items():
            preds = {n: rows[n]["fields"] for n in names if n in rows}
            f1 = _f1(scorer, {n: labels[n] for n in names}, preds)
            sel = [s for n, s in zip(rows, secs, strict=True) if n in names]
            in_text = _value_in_text(scorer, {n: labels[n] for n in names}, texts) if texts else float("nan")
            print(
                f"{engine_name:14s} {f1['supplier_name']:8.3f} {f1['issue_date']:6.3f} "
                f"{f1['total']:6.3f} {f1['all']:6.3f} {in_text:7.3f} {statistics.median(sel):10.2f} "
                f"{sum(sel):8.1f} {rss:7.0f}"
            )
    if "tesseract" in runs:
        rows = runs["tesseract"][0]
        ours = [r["seconds"] for r in rows.values()]
        print(
            f"\nproduct OCR (tesseract path): median {statistics.median(ours):.2f} s, total {sum(ours):.1f} s"
        )
        for key, how in (
            ("plain_tesseract_default", "as installed (default OpenMP threads)"),
            ("plain_tesseract", "one thread (OMP_THREAD_LIMIT=1)"),
        ):
            plain = [r[key] for r in rows.values()]
            faster = sum(o <= p for o, p in zip(ours, plain, strict=True))
            print(
                f"plain `tesseract IMAGE stdout`, {how}, in turns with the product: median "
                f"{statistics.median(plain):.2f} s, total {sum(plain):.1f} s; the product takes "
                f"{sum(ours) / sum(plain):.0%} of its time and is faster on {faster} of {len(ours)} images"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
