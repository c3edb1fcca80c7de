"""Namespace-agnostic paths over e-invoice XML (shared by the readers in einvoice.py and einvoice_terms.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lxml import etree

from .xmlsafe import local


@lru_cache(maxsize=512)
def xp(path: str) -> etree.XPath:
    """Compile a namespace-agnostic path: "A/B//C" matches on local names only.

    E-invoices come in several namespace versions (CII D16B vs ZUGFeRD 1.0, UBL 2.x), and the
    element names are what actually carries meaning.
    """
    parts = []
    for seg in path.split("/"):
        if seg in ("", ".", "..") or seg.startswith("@"):
            parts.append(seg)
        else:
            parts.append(f"*[local-name()='{seg}']")
    xp = "/".join(parts)
    if not path.startswith((".", "/")):
        xp = "./" + xp
    return etree.XPath(xp)


def all_of(el: Any, path: str) -> list:
    if el is None:
        return []
    return xp(path)(el)


def first(el: Any, path: str) -> Any:
    found = all_of(el, path)
    return found[0] if found else None


def first_of(el: Any, *paths: str) -> Any:
    # Explicit None checks: an lxml element without children is falsy.
    for p in paths:
        node = first(el, p)
        if node is not None:
            return node
    return None


def text_of(el: Any, path: str | None = None) -> str | None:
    node = first(el, path) if path else el
    if node is None:
        return None
    t = node if isinstance(node, str) else node.text
    if t is None:
        return None
    t = " ".join(t.split())
    return t or None


def path_of(el: Any) -> str:
    names = []
    while el is not None:
        names.append(local(el.tag))
        el = el.getparent()
    return "/" + "/".join(reversed(names))
