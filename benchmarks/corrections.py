"""Learning from corrections, measured: correct one document of a supplier, score its others.

Documents of one supplier are those of one source group (same producer, same layout) whose label
names the same seller. The first document of each such supplier is "corrected": every learnable
field the engine got wrong is replaced by its label value and turned into hints exactly as the
product does (``extraction.engine.learning.hints_from_correction``). The supplier's other
documents are then read with those hints and scored before and after.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from types import ModuleType

from benchmarks.evalset import group
from extraction.engine import ExtractionError, extract
from extraction.engine.learning import LEARNABLE, hints_from_correction
from extraction.engine.pipeline import page_model

SCORED = ("supplier_name", *LEARNABLE)


def suppliers(scorer: ModuleType, labels: dict[str, dict]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, lab in sorted(labels.items()):
        seller = scorer.name_key(lab["fields"].get("supplier_name"))
        if seller:
            out[(group(name), seller)].append(name)
    return {k: v for k, v in out.items() if len(v) >= 2}


def _read(path: Path, hints: dict | None = None) -> dict:
    try:
        return extract(path.read_bytes(), filename=path.name, hints=hints).fields
    except ExtractionError:
        return {}


def correction_benchmark(scorer: ModuleType, labels: dict[str, dict], eval_dir: Path) -> None:
    groups = suppliers(scorer, labels)
    before: dict[str, dict] = {}
    after: dict[str, dict] = {}
    taught = 0
    for _key, names in sorted(groups.items()):
        first = eval_dir / names[0]
        fields = _read(first)
        want = labels[names[0]]["fields"]
        hints: dict = {}
        doc = page_model(first.read_bytes())
        for field in SCORED:
            if want.get(field) is None or scorer.scalar_equal(field, want[field], fields.get(field)):
                continue
            if field == "supplier_name":
                hints["supplier_name"] = want[field]
            else:
                hints.update(hints_from_correction(doc, field, want[field]))
        taught += bool(hints)
        for name in names[1:]:
            before[name] = _read(eval_dir / name)
            after[name] = _read(eval_dir / name, hints) if hints else before[name]
    if not before:
        print("\nlearning from corrections: no supplier with two documents")
        return
    subset = {
        n: {**labels[n], "fields": {f: v for f, v in labels[n]["fields"].items() if f in SCORED}}
        for n in before
    }
    b, _ = scorer.score(subset, before)
    a, _ = scorer.score(subset, after)
    print(
        f"\nlearning from corrections: {len(groups)} suppliers with >= 2 documents, {taught} taught by "
        f"correcting their first document; their other {len(before)} documents, fields {', '.join(SCORED)}:"
    )
    print(f"  micro-F1 before {b['overall']['f1']:.3f}  after {a['overall']['f1']:.3f}")
    for field in SCORED:
        fb, fa = b["by_field"].get(field), a["by_field"].get(field)
        if fb and fa and (fb["tp"], fb["fp"]) != (fa["tp"], fa["fp"]):
            print(
                f"  {field:16s} right {fb['tp']:3d} -> {fa['tp']:3d}   wrong {fb['fp']:3d} -> {fa['fp']:3d}"
            )
