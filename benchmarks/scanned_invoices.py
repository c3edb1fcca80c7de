"""The dev set's text-layer invoices as a scanner would send them: image-only PDFs, labels kept.

    python benchmarks/scanned_invoices.py OUT [EVAL_DIR] [--dpi 200] [--limit N]
    python benchmarks/extraction.py OUT/dev --no-corrections

The eval set has no scanned PDF invoice, so the OCR path for PDFs is otherwise unmeasured. Every
``*.visual.pdf`` (an e-invoice's pages without its XML, label exact) is rendered to grayscale pages
(pypdfium2), saved as JPEG at scanner quality and wrapped again as a PDF with no text layer (Pillow).
The label is copied with category ``scan_pdf``. Nothing here is tuned on: it is a measure.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pypdfium2
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = REPO.parent / "shared" / "eval" / "dev"
MAX_PAGES = 4  # the engine reads at most 20; scans of long invoices only cost time here


def scan_pdf(pdf_bytes: bytes, dpi: int) -> bytes:
    """Image-only PDF of the document's pages: grayscale, JPEG-compressed like a scanner's output."""
    doc = pypdfium2.PdfDocument(pdf_bytes)
    pages = []
    try:
        for i in range(min(len(doc), MAX_PAGES)):
            bitmap = doc[i].render(scale=dpi / 72, grayscale=True)
            img = bitmap.to_pil().convert("L")
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=70)
            pages.append(Image.open(io.BytesIO(buf.getvalue())))
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("eval_dir", nargs="?", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args(argv)
    dest = a.out / "dev"
    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted(a.eval_dir.glob("*.visual.pdf"))[: a.limit or None]
    for src in sources:
        label = json.loads(src.with_suffix(".json").read_text())
        name = src.name.replace(".visual.pdf", ".scan.pdf")
        (dest / name).write_bytes(scan_pdf(src.read_bytes(), a.dpi))
        label.update(file=name, category="scan_pdf")
        (dest / name).with_suffix(".json").write_text(json.dumps(label, ensure_ascii=False, indent=1))
    # The scorer lives beside the documents' folder.
    score = a.eval_dir.parent / "score.py"
    if score.exists():
        (a.out / "score.py").write_bytes(score.read_bytes())
    print(f"{len(sources)} scanned invoices at {a.dpi} dpi in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
