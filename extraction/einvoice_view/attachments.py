"""Supporting documents embedded in an e-invoice: base64 in the XML (UBL AdditionalDocumentReference /
Attachment / EmbeddedDocumentBinaryObject, CII AdditionalReferencedDocument / AttachmentBinaryObject) and
files embedded in a PDF beside its e-invoice XML (ZUGFeRD / Factur-X).

None of it is trusted: the declared MIME type and file name are the sender's word, so each file's type is
decided from its bytes, only the types EN 16931 allows for BT-125 (plus XML data files) are kept, names are
reduced to a safe base name with the right extension, and sizes and counts are capped. A refused file is
still listed, with the reason, but its bytes are never served or published.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from .xmlnav import all_of, first

# The hardened parser refuses text nodes over 10 MB, so base64 in the XML holds at most ~7.5 MB anyway.
MAX_FILE_BYTES = 7 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_FILES = 25

PDF, PNG, JPEG, CSV, XLSX, ODS, XML = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/xml",
)
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", CSV: ".csv", XLSX: ".xlsx", ODS: ".ods", XML: ".xml"}
_SAME_EXTENSIONS = {JPEG: (".jpg", ".jpeg"), XML: (".xml",), CSV: (".csv", ".txt")}
_ACTIVE_MARKUP = re.compile(rb"<(?:[\w-]+:)?(?:svg|html|script)\b", re.I)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]+")


@dataclass(frozen=True)
class EmbeddedFile:
    name: str
    content_type: str  # decided from the bytes; "" when refused
    size: int
    sha256: str
    source: str  # "XML" (base64 in the e-invoice) or "PDF" (a file embedded in the PDF)
    description: str = ""
    declared_type: str = ""
    refused: str = ""  # why the file is not offered; "" when it is
    content: bytes | None = None


def sniff(content: bytes, declared: str = "", name: str = "") -> str:
    """The allowed type these bytes really are, or "" if they are none of them."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office(content)
    if b"\x00" in content[:65536]:
        return ""
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    lowered = (declared or "").lower()
    if stripped == b"<" and (lowered in (XML, "text/xml") or name.lower().endswith(".xml")):
        # Data XML only: markup a browser would run (SVG, XHTML) is not a supporting document.
        return "" if _ACTIVE_MARKUP.search(content[:4096]) else XML
    if "csv" in lowered or name.lower().endswith(".csv"):
        return CSV
    return ""


def _office(content: bytes) -> str:
    """XLSX or ODS from the zip's directory and the small `mimetype` member only (nothing else is inflated)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX
        info = archive.getinfo("mimetype") if "mimetype" in names else None
        if info is not None and info.file_size < 200 and archive.read(info).strip() == ODS.encode():
            return ODS
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError):
        return ""
    return ""


def safe_name(name: str, content_type: str, fallback: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE_NAME.sub("", base).strip(" .")[:120] or fallback
    if content_type:
        wanted = _SAME_EXTENSIONS.get(content_type, (EXTENSIONS[content_type],))
        if not base.lower().endswith(wanted):
            base += EXTENSIONS[content_type]
    return base


def _decode_base64(value: str) -> bytes | None:
    compact = "".join(value.split())
    if len(compact) * 3 // 4 > MAX_FILE_BYTES:
        raise OverflowError
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def _build(
    name: str,
    declared: str,
    content: bytes | None,
    *,
    source: str,
    description: str,
    index: int,
    refused: str = "",
) -> EmbeddedFile:
    content = content or b""
    content_type = "" if refused else sniff(content, declared, name)
    if not refused and not content:
        refused = "empty"
    elif not refused and not content_type:
        refused = f"type not allowed ({declared or 'unknown'})"
    safe = safe_name(name, content_type, f"attachment-{index}")
    if description.strip().lower() in (safe.lower(), safe.rsplit(".", 1)[0].lower()):
        description = ""  # says nothing the name does not
    return EmbeddedFile(
        name=safe,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        source=source,
        description=description,
        declared_type=declared[:100],
        refused=refused,
        content=None if refused else content,
    )


def from_xml(invoice: Any, *, start: int = 1) -> list[EmbeddedFile]:
    """Files carried as base64 in the e-invoice element (UBL or CII)."""
    out = []
    holders = [
        (ref, first(ref, "Attachment/EmbeddedDocumentBinaryObject"))
        for ref in all_of(invoice, ".//AdditionalDocumentReference")
    ]
    holders += [
        (ref, first(ref, "AttachmentBinaryObject"))
        for ref in all_of(invoice, ".//AdditionalReferencedDocument")
    ]
    for ref, binary in holders:
        if binary is None:
            continue
        index = start + len(out)
        description = " ".join(
            " ".join((n.text or "").split())
            for n in all_of(ref, "DocumentDescription") + all_of(ref, "Name")
            if n.text
        )
        name = binary.get("filename") or ""
        declared = binary.get("mimeCode") or ""
        try:
            content = _decode_base64(binary.text or "")
        except OverflowError:
            out.append(
                _build(
                    name,
                    declared,
                    None,
                    source="XML",
                    description=description,
                    index=index,
                    refused="larger than the size limit",
                )
            )
            continue
        if content is None:
            out.append(
                _build(
                    name,
                    declared,
                    None,
                    source="XML",
                    description=description,
                    index=index,
                    refused="not valid base64",
                )
            )
            continue
        out.append(_build(name, declared, content, source="XML", description=description, index=index))
    return out


def from_pdf(
    attachments: dict[str, list[bytes]], *, skip: bytes | None, start: int = 1
) -> list[EmbeddedFile]:
    """Files embedded in a PDF, except `skip` (the e-invoice XML itself)."""
    out = []
    for name, blobs in attachments.items():
        for blob in blobs:
            if skip is not None and blob == skip:
                continue
            index = start + len(out)
            if len(blob) > MAX_FILE_BYTES:
                out.append(
                    _build(
                        name,
                        "",
                        None,
                        source="PDF",
                        description="",
                        index=index,
                        refused="larger than the size limit",
                    )
                )
                continue
            out.append(_build(name, "", blob, source="PDF", description="", index=index))
    return out


def capped(files: list[EmbeddedFile]) -> list[EmbeddedFile]:
    """At most MAX_FILES, MAX_TOTAL_BYTES in all, each file once (the same bytes under two names are one file)."""
    out, seen, total = [], set(), 0
    for item in files:
        if item.content is not None and item.sha256 in seen:
            continue
        if len(out) >= MAX_FILES:
            break
        if item.content is not None:
            seen.add(item.sha256)
            if total + item.size > MAX_TOTAL_BYTES:
                item = EmbeddedFile(
                    **{
                        **item.__dict__,
                        "content": None,
                        "content_type": "",
                        "refused": "over the total size limit",
                    }
                )
            else:
                total += item.size
        out.append(item)
    return out
