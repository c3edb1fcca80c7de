"""Benchmark the extraction engine on the labelled eval set.

    python benchmarks/extraction.py [EVAL_DIR] [--jobs N] [--only PREFIX] [--details]

EVAL_DIR defaults to ../shared/eval/dev relative to the repository root; the scorer is looked up
as EVAL_DIR/../score.py. Prints the scorer's per-field and per-category tables, median seconds per
page by category and the peak RSS of the process (and its workers).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DOC_EXT = {".pdf", ".xml", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic"}


def _run_one(path: str) -> dict:
    from extraction.engine import ExtractionError, extract

    p = Path(path)
    t0 = time.monotonic()
    try:
        r = extract(p.read_bytes(), filename=p.name)
        return {
            "file": p.name,
            "fields": r.fields,
            "source": r.source,
            "pages": r.pages,
            "seconds": r.seconds,
            "warnings": r.warnings,
        }
    except ExtractionError as exc:
        return {"file": p.name, "fields": {}, "error": str(exc), "seconds": time.monotonic() - t0, "pages": 1}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "eval" / "dev")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (timings are per document anyway)")
    ap.add_argument("--only", default="", help="only files whose name starts with this prefix")
    ap.add_argument("--details", action="store_true", help="pass --details to the scorer")
    ap.add_argument("--keep", type=Path, help="also write the predictions JSONL here")
    a = ap.parse_args(argv)
    eval_dir: Path = a.eval_dir
    if not eval_dir.is_dir():
        print(f"eval folder {eval_dir} not found", file=sys.stderr)
        return 2
    scorer = eval_dir.parent / "score.py"
    files = sorted(
        str(p) for p in eval_dir.iterdir() if p.suffix.lower() in DOC_EXT and p.name.startswith(a.only)
    )
    categories = {}
    for f in files:
        lab = Path(f).with_suffix(".json")
        if lab.exists():
            categories[Path(f).name] = json.loads(lab.read_text()).get("category", "?")
    t0 = time.monotonic()
    if a.jobs > 1:
        with ProcessPoolExecutor(a.jobs) as ex:
            results = list(ex.map(_run_one, files))
    else:
        results = [_run_one(f) for f in files]
    wall = time.monotonic() - t0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tmp:
        for r in results:
            tmp.write(json.dumps({"file": r["file"], "fields": r["fields"]}, ensure_ascii=False) + "\n")
        pred_path = tmp.name
    if a.keep:
        a.keep.write_text(Path(pred_path).read_text())
    label_dir = eval_dir
    if a.only:
        # Score only the selected documents: a temporary folder of links to their labels.
        label_dir = Path(tempfile.mkdtemp(prefix="labels-"))
        for f in files:
            lab = Path(f).with_suffix(".json")
            if lab.exists():
                (label_dir / lab.name).symlink_to(lab)
    cmd = [sys.executable, str(scorer), str(label_dir), pred_path]
    if a.details:
        cmd.append("--details")
    subprocess.run(cmd, check=False)
    os.unlink(pred_path)

    errors = [r for r in results if r.get("error")]
    for r in errors:
        print(f"ERROR {r['file']}: {r['error']}")
    per_cat: dict[str, list[float]] = {}
    for r in results:
        cat = categories.get(r["file"], "?")
        per_cat.setdefault(cat, []).append(r["seconds"] / max(1, r.get("pages") or 1))
    print("\nseconds per page (median / max) by category")
    for cat, secs in sorted(per_cat.items()):
        print(f"  {cat:16s} n={len(secs):3d}  median {statistics.median(secs):6.3f}  max {max(secs):6.3f}")
    text_pdf = per_cat.get("pdf_text", [])
    ocr = per_cat.get("scan", []) + per_cat.get("photo_receipt", [])
    if text_pdf:
        print(f"  text PDFs median per page: {statistics.median(text_pdf):.3f} s (target <= 0.3)")
    if ocr:
        print(f"  OCR median per page:       {statistics.median(ocr):.3f} s (target <= 3)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {own:.0f} MB (this process), {kids:.0f} MB (largest child: tesseract/workers)")
    print(f"wall time {wall:.1f} s for {len(files)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
