"""Does a learned ranker over field candidates beat the hand-set scores? Leave-one-family-out.

    python scripts/train_field_ranker.py [EVAL_DIR]

For the text-layer PDFs of the dev set, every candidate the reader considers for the invoice
number, PO number, issue and due date becomes a feature row (label weight and position of the
label, right-of vs below, vertical place on the page, votes of equal values, the format of the
value); a candidate is positive when the scorer counts its value as right. A logistic regression
(numpy, no new dependency) is trained on all families but one and picks, per document and
field, its most probable candidate on the held-out family; the rules pick the best hand-scored
candidate. Both are counted on the same documents. The script prints the comparison; the
reader keeps the rules unless the model wins on families it was not trained on.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.evalset import DEFAULT_DIR, TEXT_CATEGORIES, documents, family, load_scorer  # noqa: E402
from extraction.engine.candidates import best  # noqa: E402
from extraction.engine.fields import read_invoice  # noqa: E402
from extraction.engine.pipeline import page_model  # noqa: E402

FIELDS = ("invoice_number", "po_number", "issue_date", "due_date")


def features(doc, cands, c) -> list[float]:
    votes = Counter(str(x.value) for x in cands)
    top = max(x.score for x in cands)
    v = str(c.value)
    return [
        c.score / 10,
        float(c.score == top),
        float(c.how == "right"),
        float(c.how == "below"),
        doc.rel_y(c.line),
        float(doc.lines[c.line].page == 1),
        min(votes[v], 4) / 4,
        min(len(v), 20) / 20,
        sum(ch.isdigit() for ch in v) / max(len(v), 1),
        float(bool(re.search(r"[A-Za-z]", v))),
        c.line / max(len(doc.lines), 1),
    ]


def fit_logistic(
    x: np.ndarray, y: np.ndarray, steps: int = 3000, lr: float = 0.5, l2: float = 1e-2
) -> np.ndarray:
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        w -= lr * (xb.T @ (p - y) / len(y) + l2 * w)
    return w


def _groups(eval_dir: Path, categories: tuple[str, ...], scorer) -> list[tuple]:
    """(family, field, feature rows, candidate right?, rules' pick right?) per document and field."""
    groups = []
    for path, lab in documents(eval_dir):
        if lab.get("category") not in categories:
            continue
        doc = page_model(path.read_bytes())
        reading = read_invoice(doc, {})
        for field in FIELDS:
            want = lab["fields"].get(field)
            cands = reading.candidates.get(field) or []
            if want is None or not cands:
                continue
            ok = [bool(scorer.scalar_equal(field, want, c.value)) for c in cands]
            top, _ = best(cands)
            rows = [features(doc, cands, c) for c in cands]
            groups.append((family(path.name), field, rows, ok, ok[cands.index(top)]))
    return groups


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument(
        "--synthetic",
        type=Path,
        help="also train on the invoices of benchmarks/synthetic_invoices.py in this folder (OUT_DIR/dev)",
    )
    a = ap.parse_args(argv)
    scorer = load_scorer(a.eval_dir)
    groups = _groups(a.eval_dir, TEXT_CATEGORIES, scorer)
    synthetic = _groups(a.synthetic, ("pdf_synthetic",), scorer) if a.synthetic else []
    if synthetic:
        print(f"{len(synthetic)} synthetic (document, field) groups added to every training set")
    fams = sorted({g[0] for g in groups})
    print(f"{len(groups)} (document, field) groups with candidates; families {', '.join(fams)}")
    total = defaultdict(lambda: [0, 0, 0])  # family -> [groups, rules right, model right]
    for held in fams:
        train = [g for g in groups if g[0] != held] + synthetic
        x = np.array([r for g in train for r in g[2]])
        y = np.array([float(o) for g in train for o in g[3]])
        w = fit_logistic(x, y)
        for fam, _field, rows, ok, rule_ok in (g for g in groups if g[0] == held):
            xb = np.hstack([np.array(rows), np.ones((len(rows), 1))])
            pick = int(np.argmax(xb @ w))
            t = total[fam]
            t[0] += 1
            t[1] += rule_ok
            t[2] += ok[pick]
    print(f"{'held-out family':16s} {'groups':>6s} {'rules right':>12s} {'model right':>12s}")
    for fam, (n, rules, model) in sorted(total.items()):
        print(f"{fam:16s} {n:6d} {rules / n:12.1%} {model / n:12.1%}")
    n = sum(t[0] for t in total.values())
    rules = sum(t[1] for t in total.values())
    model = sum(t[2] for t in total.values())
    print(f"{'all':16s} {n:6d} {rules / n:12.1%} {model / n:12.1%}")
    print(
        "verdict:", "the model wins" if model > rules else "the rules win or tie: the reader keeps the rules"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
