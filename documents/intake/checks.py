"""Content checks for incoming files: the bytes decide what a file is, never its name.

Accepted: PDF, JPEG, PNG, HEIC/HEIF, TIFF, XML e-invoices (UBL, CII, Finvoice) and — when the
company allows it — ZIP archives of those. Limits come from settings:
ENVOICE_MAX_UPLOAD_BYTES, ENVOICE_MAX_PAGES, ENVOICE_MAX_IMAGE_PIXELS, ENVOICE_MAX_ZIP_FILES,
ENVOICE_MAX_ZIP_TOTAL_BYTES.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from core.errors import ValidationFailed
from extraction.engine.einvoice import einvoice_kind
from extraction.engine.result import ExtractionError
from extraction.engine.xmlsafe import UnsafeXML, declares_dtd

try:  # HEIC photos from iPhones; pillow-heif registers itself as a Pillow plugin.
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - listed in requirements.txt
    pillow_heif = None

# kind -> (content type, extension)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
    "heic": ("image/heic", "heic"),
    "tiff": ("image/tiff", "tif"),
    "xml": ("application/xml", "xml"),
    "zip": ("application/zip", "zip"),
}
ACCEPTED = "PDF, JPEG, PNG, HEIC, TIFF or an XML e-invoice"
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}


class IntakeRejected(ValidationFailed):
    """A file that cannot become a document, with the reason in words and a stable code."""

    def __init__(self, message: str, *, code: str, status: int = 400):
        super().__init__(message, {"code": code})
        self.code = code
        self.status_code = status


@dataclass(frozen=True)
class IntakeFile:
    data: bytes
    filename: str
    kind: str
    pages: int

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def extension(self) -> str:
        return KINDS[self.kind][1]


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def clean_filename(name: str, *, default: str = "document") -> str:
    """A display name: the last path element, printable characters only, at most 200 characters."""
    name = PurePosixPath(str(name or "").replace("\\", "/")).name
    name = "".join(c for c in unicodedata.normalize("NFC", name) if c.isprintable()).strip(" .")
    return name[-200:] or default


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, or None."""
    head = data[:1024]
    if head.find(b"%PDF-") >= 0:  # the spec allows junk before the header
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "xml"
    if head.startswith((b"\xff\xfe<", b"\xfe\xff\x00<")):  # UTF-16 XML
        return "xml"
    return None


def inspect_upload(data: bytes, *, filename: str, allow_zip: bool = False) -> list[IntakeFile]:
    """The files to store for one upload (several for a ZIP), or IntakeRejected saying why."""
    filename = clean_filename(filename)
    _check_size(len(data), filename)
    kind = sniff(data)
    if kind == "zip":
        if not allow_zip:
            raise IntakeRejected(
                f"{filename}: ZIP archives are not accepted for this company. Upload the files "
                "inside it one by one, or ask an admin to allow ZIP uploads.",
                code="zip_not_allowed",
            )
        return _expand_zip(data, filename)
    return [_inspect_one(data, filename, kind)]


def _check_size(size: int, filename: str) -> None:
    limit = settings.ENVOICE_MAX_UPLOAD_BYTES
    if size == 0:
        raise IntakeRejected(f"{filename}: the file is empty.", code="empty")
    if size > limit:
        raise IntakeRejected(
            f"{filename}: the file is too large ({_mb(size)}); the limit is {_mb(limit)}.",
            code="too_large",
            status=413,
        )


def _inspect_one(data: bytes, filename: str, kind: str | None) -> IntakeFile:
    if kind is None:
        raise IntakeRejected(
            f"{filename}: this is not a file type we can read. Upload a {ACCEPTED}.",
            code="unsupported_type",
            status=415,
        )
    if kind == "zip":
        raise IntakeRejected(f"{filename}: a ZIP inside a ZIP is not accepted.", code="nested_zip")
    if kind == "pdf":
        pages = _check_pdf(data, filename)
    elif kind == "xml":
        pages = _check_xml(data, filename)
    else:
        pages = _check_image(data, filename)
    return IntakeFile(data=data, filename=filename, kind=kind, pages=pages)


def _check_pdf(data: bytes, filename: str) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Owner-password-only PDFs ("no editing") open with an empty password; those are fine.
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise IntakeRejected(
                    f"{filename}: the PDF is password-protected. Remove the password and upload it again.",
                    code="encrypted_pdf",
                )
        pages = len(reader.pages)
    except IntakeRejected:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ):
        pages = 0
    except Exception:  # pypdf raises a wide range of errors on damaged files
        pages = 0
    if pages == 0:
        raise IntakeRejected(
            f"{filename}: the PDF is damaged and cannot be read. Save or export it again and re-upload.",
            code="broken_pdf",
        )
    _check_pages(pages, filename)
    return pages


def _check_pages(pages: int, filename: str) -> None:
    if pages > settings.ENVOICE_MAX_PAGES:
        raise IntakeRejected(
            f"{filename}: the document has {pages} pages; the limit is {settings.ENVOICE_MAX_PAGES}.",
            code="too_many_pages",
        )


def _check_image(data: bytes, filename: str) -> int:
    limit = settings.ENVOICE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))  # reads the header only
            frames = getattr(img, "n_frames", 1) or 1
            _check_pages(frames, filename)
            for index in range(frames):
                if index:
                    img.seek(index)
                width, height = img.size
                if width * height > limit:
                    raise IntakeRejected(
                        f"{filename}: the image is too large ({width}×{height} = "
                        f"{width * height / 1e6:.0f} megapixels); the limit is {limit / 1e6:.0f} megapixels.",
                        code="too_many_pixels",
                    )
            Image.open(io.BytesIO(data)).verify()
    except IntakeRejected:
        raise
    except Image.DecompressionBombError:
        raise IntakeRejected(
            f"{filename}: the image is too large to open safely; the limit is {limit / 1e6:.0f} megapixels.",
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise IntakeRejected(
            f"{filename}: the image is damaged and cannot be read.", code="broken_image"
        ) from None
    return frames


def _check_xml(data: bytes, filename: str) -> int:
    """An XML file is accepted when the extractor's own safe parser reads it as an e-invoice (one
    gatekeeper: extraction.engine.einvoice.einvoice_kind), so intake and extraction never disagree."""
    try:
        einvoice_kind(data)
    except UnsafeXML as exc:
        if declares_dtd(data):
            raise IntakeRejected(
                f"{filename}: XML with a document type declaration (DTD) or entity declarations is not "
                "accepted: e-invoices never need one, and such declarations are how XML attacks are delivered.",
                code="xml_dtd",
            ) from None
        raise IntakeRejected(f"{filename}: {exc.reason}.", code="unsafe_xml") from None
    except ExtractionError:
        raise IntakeRejected(
            f"{filename}: this XML is not an e-invoice we can read (UBL, UN/CEFACT CII or Finvoice).",
            code="unsupported_xml",
            status=415,
        ) from None
    return 1


def _expand_zip(data: bytes, filename: str) -> list[IntakeFile]:
    max_files = settings.ENVOICE_MAX_ZIP_FILES
    max_total = settings.ENVOICE_MAX_ZIP_TOTAL_BYTES
    max_one = settings.ENVOICE_MAX_UPLOAD_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and not PurePosixPath(m.filename).name.startswith(".")
        ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise IntakeRejected(f"{filename}: the ZIP archive is damaged.", code="broken_zip") from None
    if not members:
        raise IntakeRejected(f"{filename}: the ZIP archive holds no files.", code="empty_zip")
    if len(members) > max_files:
        raise IntakeRejected(
            f"{filename}: the ZIP archive holds {len(members)} files; the limit is {max_files}.",
            code="zip_too_many_files",
        )
    declared = sum(m.file_size for m in members)
    if declared > max_total:
        raise IntakeRejected(
            f"{filename}: the ZIP archive expands to {_mb(declared)}; the limit is {_mb(max_total)}.",
            code="zip_too_large",
            status=413,
        )
    files, total = [], 0
    for member in members:
        name = clean_filename(member.filename)
        if member.flag_bits & 0x1:
            raise IntakeRejected(f"{filename}: {name} is encrypted.", code="zip_encrypted")
        _check_size(member.file_size, f"{filename}: {name}")
        # Never trust the declared size: read at most one byte more than allowed.
        try:
            with archive.open(member) as fh:
                content = fh.read(min(max_one, max_total - total) + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            raise IntakeRejected(f"{filename}: {name} cannot be unpacked.", code="broken_zip") from None
        total += len(content)
        if len(content) > max_one or total > max_total:
            raise IntakeRejected(
                f"{filename}: {name} expands beyond the size limit.", code="zip_too_large", status=413
            )
        _check_size(len(content), f"{filename}: {name}")
        files.append(_inspect_one(content, name, sniff(content)))
    return files
