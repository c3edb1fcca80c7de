"""The labelled eval set as the benchmarks and the calibration script use it.

Documents, labels, source families, the scorer (``EVAL_DIR/../score.py``, loaded by path) and
the judgement of each predicted field (right or wrong, as the scorer would count it).
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO.parent / "shared" / "eval" / "dev"
DOC_EXT = {".pdf", ".xml", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic"}
TEXT_CATEGORIES = ("pdf_text", "pdf_visual")


def load_scorer(eval_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", eval_dir.parent / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def documents(eval_dir: Path, prefix: str = "") -> list[tuple[Path, dict]]:
    """(document, label) pairs, sorted by name."""
    out = []
    for p in sorted(eval_dir.iterdir()):
        if p.suffix.lower() in DOC_EXT and p.name.startswith(prefix):
            lab = p.with_suffix(".json")
            out.append((p, json.loads(lab.read_text()) if lab.exists() else {}))
    return out


def family(name: str) -> str:
    """Source family: the file prefix (zfc, zf24, i2d, sroie, ...)."""
    return name.split("__", 1)[0]


def group(name: str) -> str:
    """Family and, within the ZUGFeRD corpus, the producer of the sample (intarsys, FNFE, Mustang, ...)."""
    fam, _, rest = name.partition("__")
    if fam == "zfc":
        return f"zfc/{re.split(r'[_]', rest, maxsplit=1)[0].lower()}"
    return fam


def run_one(path: str) -> dict[str, Any]:
    from extraction.engine import ExtractionError, extract

    p = Path(path)
    t0 = time.monotonic()
    cpu0 = time.process_time()
    try:
        r = extract(p.read_bytes(), filename=p.name)
        return {
            # CPU time of this process (not of a tesseract child): comparable on a loaded machine.
            "cpu_seconds": time.process_time() - cpu0,
            "file": p.name,
            "fields": r.fields,
            "confidence": r.confidence,
            "evidence": r.evidence,
            "source": r.source,
            "pages": r.pages,
            "seconds": r.seconds,
        }
    except ExtractionError as exc:
        return {"file": p.name, "fields": {}, "error": str(exc), "seconds": time.monotonic() - t0, "pages": 1}


def judge(scorer: ModuleType, label: dict, pred: dict) -> dict[str, bool]:
    """Each predicted, labelled field: right or wrong. Lists are right when every item matches."""
    out = {}
    for name, want in (label or {}).items():
        got = pred.get(name)
        if want is None or got in (None, "", []):
            continue
        if name in ("lines", "tax_lines"):
            if not isinstance(got, list):
                out[name] = False
                continue
            matched = scorer.match_items(name, want, got)
            out[name] = matched == len(want) == len(got)
        else:
            out[name] = bool(scorer.scalar_equal(name, want, got))
    return out


def evidence_records(scorer: ModuleType, labels: dict[str, dict], results: list[dict]) -> list[tuple]:
    """(file, field, evidence kind, raw score, right) for every judged field that has evidence."""
    out = []
    for r in results:
        verdict = judge(scorer, labels.get(r["file"], {}).get("fields", {}), r.get("fields") or {})
        for name, ok in verdict.items():
            ev = (r.get("evidence") or {}).get(name)
            if ev:
                out.append((r["file"], name, ev[0], float(ev[1]), ok))
    return out
