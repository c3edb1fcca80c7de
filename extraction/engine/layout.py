"""Page model: positioned words grouped into lines and cells, plus the geometry the field rules use.

A ``Doc`` is built from a PDF text layer (pdfplumber words) or from OCR words. Lines are rows of
words that share a baseline; a line is cut into *cells* at wide horizontal gaps, so a label and
its value in another column stay apart. ``below`` finds what is printed under a cell (a header
and its column, a heading and its block); ``boilerplate`` marks lines that describe the document
rather than the invoice (page numbers, renderer banners, running headers repeated on every page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Cell:
    """A run of words on one line with no wide gap inside; ``start``/``end`` index ``line.text``."""

    line: int  # index into Doc.lines
    words: list[Word]
    start: int
    end: int
    text: str

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


@dataclass
class Line:
    page: int
    words: list[Word]
    text: str = ""
    offsets: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts, offs, pos = [], [], 0
        prev: Word | None = None
        for w in self.words:
            if prev is not None:
                # A wide horizontal gap means a different column: keep it visible to the rules.
                gap = w.x0 - prev.x1
                h = max(prev.bottom - prev.top, 1.0)
                sep = "   " if gap > 2.5 * h else " "
                parts.append(sep)
                pos += len(sep)
            offs.append(pos)
            parts.append(w.text)
            pos += len(w.text)
            prev = w
        self.text = "".join(parts)
        self.offsets = offs

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    def bbox(self, start: int = 0, end: int | None = None) -> list[float]:
        sel = self.words_in(start, end) or self.words
        return [
            round(min(w.x0 for w in sel), 1),
            round(min(w.top for w in sel), 1),
            round(max(w.x1 for w in sel), 1),
            round(max(w.bottom for w in sel), 1),
        ]

    def words_in(self, start: int = 0, end: int | None = None) -> list[Word]:
        end = len(self.text) if end is None else end
        return [
            w for w, o in zip(self.words, self.offsets, strict=True) if o < end and o + len(w.text) > start
        ]

    def x_at(self, offset: int) -> float:
        """Left edge of the word that contains (or follows) a text offset."""
        for w, o in zip(self.words, self.offsets, strict=True):
            if o + len(w.text) > offset:
                return w.x0
        return self.words[-1].x1


def _same_line(w: Word, row: list[Word]) -> bool:
    """Whether a word sits on a row: it overlaps most of the row's words by half a word's height.

    Most words, not their union: a large heading beside a name would otherwise stretch the row
    until the next line of the address joined it too.
    """
    hits = 0
    for x in row:
        overlap = min(w.bottom, x.bottom) - max(w.top, x.top)
        if overlap >= 0.5 * min(w.bottom - w.top, x.bottom - x.top):
            hits += 1
    return 2 * hits > len(row)


class Doc:
    """Lines of positioned words, in reading order, over one or more pages."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.page_sizes: dict[int, tuple[float, float]] = {}
        self._cells: dict[int, list[Cell]] = {}
        self._boiler: set[int] | None = None

    def add_page(
        self,
        page: int,
        width: float,
        height: float,
        words: list[tuple[str, float, float, float, float]],
        line_keys: list[Any] | None = None,
    ) -> None:
        self.page_sizes[page] = (width, height)
        self._boiler = None
        ws = [Word(t, x0, top, x1, bottom) for t, x0, top, x1, bottom in words if t and t.strip()]
        if line_keys is not None:
            # OCR already knows its lines; trust them.
            groups: dict[Any, list[Word]] = {}
            for w, k in zip(
                ws, [k for (t, *_), k in zip(words, line_keys, strict=True) if t and t.strip()], strict=True
            ):
                groups.setdefault(k, []).append(w)
            rows = sorted(groups.values(), key=lambda g: (min(w.top for w in g), min(w.x0 for w in g)))
        else:
            rows = []
            for w in sorted(ws, key=lambda w: (w.top, w.x0)):
                for row in rows[-3:]:
                    if _same_line(w, row):
                        row.append(w)
                        break
                else:
                    rows.append([w])
        for row in rows:
            row.sort(key=lambda w: w.x0)
            self.lines.append(Line(page, row))

    def text(self) -> str:
        out, page = [], None
        for ln in self.lines:
            if page is not None and ln.page != page:
                out.append("\f")
            page = ln.page
            out.append(ln.text)
        return "\n".join(out)

    # ------------------------------------------------------------ cells and geometry
    def cells(self, i: int) -> list[Cell]:
        """Cells of line i: words split where the gap is wider than about two characters."""
        if i not in self._cells:
            ln = self.lines[i]
            out: list[Cell] = []
            run: list[tuple[Word, int]] = []
            for w, o in zip(ln.words, ln.offsets, strict=True):
                if run:
                    prev = run[-1][0]
                    if w.x0 - prev.x1 > 1.1 * max(prev.bottom - prev.top, 1.0):
                        out.append(self._cell(i, run))
                        run = []
                run.append((w, o))
            if run:
                out.append(self._cell(i, run))
            self._cells[i] = out
        return self._cells[i]

    def _cell(self, i: int, run: list[tuple[Word, int]]) -> Cell:
        start = run[0][1]
        end = run[-1][1] + len(run[-1][0].text)
        return Cell(i, [w for w, _ in run], start, end, self.lines[i].text[start:end])

    def cell_at(self, i: int, offset: int) -> Cell | None:
        return next((c for c in self.cells(i) if c.start <= offset < c.end), None)

    def below(self, i: int, x0: float, x1: float, max_lines: int = 3, max_gap: float = 3.0) -> list[Cell]:
        """Cells under the span [x0, x1] of line i, nearest first, on the same page.

        Stops at a vertical gap of more than max_gap line heights (the end of a block).
        """
        ln = self.lines[i]
        out: list[Cell] = []
        last_bottom = ln.bottom
        for j in range(i + 1, min(len(self.lines), i + 1 + max_lines)):
            nxt = self.lines[j]
            if nxt.page != ln.page or nxt.top - last_bottom > max_gap * ln.height:
                break
            hits = [c for c in self.cells(j) if c.x0 < x1 + 2 and c.x1 > x0 - 2]
            out.extend(hits)
            last_bottom = nxt.bottom
        return out

    def rel_y(self, i: int) -> float:
        """Vertical position of line i on its page, 0 = top, 1 = bottom."""
        ln = self.lines[i]
        h = self.page_sizes.get(ln.page, (0.0, 0.0))[1] or 842.0
        return min(max(ln.top / h, 0.0), 1.0)

    def provenance(self, i: int, start: int, end: int) -> dict[str, Any]:
        ln = self.lines[i]
        w, h = self.page_sizes.get(ln.page, (0.0, 0.0))
        return {"page": ln.page, "bbox": ln.bbox(start, end), "page_width": w, "page_height": h}

    # ------------------------------------------------------------ boilerplate
    def boilerplate(self) -> set[int]:
        """Indices of lines about the document rather than the invoice.

        Page counters, renderer/stylesheet banners and file paths are recognised by their wording;
        copies of a running header or footer on later pages by being repeated at the same height.
        """
        if self._boiler is None:
            found: set[int] = set()
            seen: dict[tuple[str, int], list[int]] = {}
            for i, ln in enumerate(self.lines):
                if BOILERPLATE_RE.search(ln.text):
                    found.add(i)
                key = (re.sub(r"\d+", "#", ln.text.strip().lower()), round(ln.top / 4))
                seen.setdefault(key, []).append(i)
            # A running header repeats the first page's lines: read them once, where they first appear.
            for idxs in seen.values():
                first_page = self.lines[idxs[0]].page
                found.update(k for k in idxs if self.lines[k].page != first_page)
            self._boiler = found
        return self._boiler


# Words that describe the rendering of a document, not its content: "Page 1 of 2", "Seite 2 von 3",
# a stylesheet or generator banner, a copyright line, a local file path or a URN of a standard.
BOILERPLATE_RE = re.compile(
    r"(?i)(?:^|\s)(?:page|seite|sivu|lehekülg|sida|página|pagina|strona|pag\.?)\s*\d+\s*(?:/|of|von|de|di|van|z|av|/)\s*\d+"
    r"|stylesheet|visuali[sz]|lesbarmachung|\bgenerated\s+(?:by|with)|erstellt\s+(?:mit|durch)|powered\s+by"
    r"|©|\(c\)\s*\d{4}|copyright|file:///|\burn:[a-z]|\.xml\b|xml-\w+"
)
