"""Namespace-agnostic navigation over a parsed e-invoice (CII D16B vs ZUGFeRD 1.0, UBL 2.x namespaces
differ; the local element names carry the meaning)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from extraction.engine.xmlpath import path_of, xp

from .model import Cell


def all_of(el: Any, path: str) -> list:
    if el is None:
        return []
    return [n for n in xp(path)(el) if isinstance(n, etree._Element)]


def first(el: Any, *paths: str) -> Any:
    # Explicit None checks: an lxml element without children is falsy.
    for path in paths:
        found = all_of(el, path)
        if found:
            return found[0]
    return None


def clean(value: str | None) -> str:
    return " ".join((value or "").split())


def text(el: Any, *paths: str) -> str:
    """The first non-empty text among `paths` (whitespace collapsed), or ""."""
    if el is None:
        return ""
    if not paths:
        return clean(el.text)
    for path in paths:
        for node in all_of(el, path):
            value = clean(node.text)
            if value:
                return value
    return ""


def multiline(el: Any, path: str) -> list[str]:
    """Texts of every `path` element, keeping the line breaks a note was written with."""
    out = []
    for node in all_of(el, path):
        lines = [" ".join(line.split()) for line in (node.text or "").splitlines()]
        value = "\n".join(line for line in lines if line)
        if value:
            out.append(value)
    return out


def cell(el: Any, *paths: str, fmt=None) -> Cell | None:
    """The first non-empty element among `paths` as a Cell (formatted with `fmt`), or None."""
    if el is None:
        return None
    for path in paths:
        for node in all_of(el, path):
            value = clean(node.text)
            if value:
                return Cell(fmt(value) if fmt else value, path_of(node))
    return None
