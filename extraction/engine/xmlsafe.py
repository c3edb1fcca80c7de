"""Hardened XML parsing.

Invoices come from strangers, so the parser must never fetch a DTD or external entity (XXE,
SSRF), never expand entity bombs, and never read local files. Legitimate e-invoices have no
reason to declare anything, so an entity declaration or an internal DTD subset (`<!DOCTYPE x [...]>`)
anywhere in the file, in any encoding, is refused outright. A bare reference to an external DTD
(`<!DOCTYPE Finvoice SYSTEM "Finvoice.dtd">`, as the Finnish banks' Finvoice files carry) is accepted
and never loaded. On top of that lxml is configured not to resolve entities, load DTDs or use the
network, and documents are capped in size and nesting depth.

This is the one parser for e-invoices: intake's gate (documents.intake) and the extractor both use it.
"""

from __future__ import annotations

import re

from lxml import etree

from .result import ExtractionError

_DECLARATION = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*\[|<!ELEMENT|<!ATTLIST", re.I)
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64


class UnsafeXML(ExtractionError):
    """XML refused for safety (declarations, too large, too deep), as opposed to merely unreadable."""


def declares_dtd(data: bytes) -> bool:
    """Does the file declare entities or an internal DTD anywhere? Checked on the raw bytes and on the
    bytes without NULs, so UTF-16/UTF-32 cannot hide a declaration."""
    return bool(_DECLARATION.search(data) or _DECLARATION.search(data.replace(b"\x00", b"")))


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML bytes; raise ExtractionError if unsafe or malformed."""
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXML("XML document is too large")
    if declares_dtd(data):
        # Entity declarations are how billion-laughs bombs and XXE are delivered.
        raise UnsafeXML("XML declares a DTD or entities; refused for safety")
    try:
        # lxml honours the encoding in the prolog (ISO-8859-15 Finvoice etc.) when given bytes.
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if "encoding" not in str(exc).lower() and "utf-8" not in str(exc).lower():
            raise ExtractionError(f"Malformed XML: {exc}") from None
        # Legacy files (Finvoice 1.x) are often ISO-8859-1/15 without saying so, or say so wrongly.
        try:
            root = etree.fromstring(data, parser=_parser(encoding="iso-8859-15"))
        except (etree.XMLSyntaxError, ValueError):
            raise ExtractionError(f"Malformed XML: {exc}") from None
    except ValueError as exc:
        raise ExtractionError(f"Unreadable XML: {exc}") from None
    if root is None:
        raise ExtractionError("Empty XML document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and (list(dtd.iterelements()) or list(dtd.iterentities())):
        raise UnsafeXML("XML declares a DTD or entities; refused for safety")
    depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if isinstance(el, etree._Entity):
            raise UnsafeXML("XML uses entity references; refused for safety")
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            raise UnsafeXML(f"XML is nested deeper than {MAX_DEPTH} levels; refused")
    return root


def local(tag: object) -> str:
    """Tag name without namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
