"""Every rejection says why, and leaves nothing behind: no row, no stored bytes, no audit event."""

from pathlib import Path

import pytest

from audit.models import AuditEvent
from documents.models import Document
from tests import samples

pytestmark = pytest.mark.django_db


def assert_nothing_stored(settings):
    assert Document.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "status", "code", "words"),
    [
        (b"", 400, None, "empty"),
        (b"just some text, not a document", 415, "unsupported_type", "not a file type we can read"),
        (b"MZ\x90\x00 windows executable", 415, "unsupported_type", "not a file type we can read"),
        (samples.encrypted_pdf(), 400, "encrypted_pdf", "password-protected"),
        (samples.pdf()[:300], 400, "broken_pdf", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, 400, "broken_image", "damaged"),
        (samples.png_bomb(), 400, "too_many_pixels", "megapixels"),
        (b"<?xml version='1.0'?><html><body>hi</body></html>", 415, "unsupported_xml", "not an e-invoice"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Invoice>&lol;</Invoice>',
            400,
            "xml_dtd",
            "DTD",
        ),
        (samples.zip_of({"a.pdf": samples.pdf()}), 400, "zip_not_allowed", "ZIP archives are not accepted"),
    ],
)
def test_rejected_with_reason(upload, accountant, settings, data, status, code, words):
    response = upload(accountant, data, "upload.bin")

    assert response.status_code == status, response.content
    body = response.json()
    if code:
        assert body["code"] == code
    detail = body.get("detail") or str(body)
    assert words in detail
    assert_nothing_stored(settings)


def test_size_limit_is_configurable(upload, accountant, settings):
    settings.ENVOICE_MAX_UPLOAD_BYTES = 1000
    response = upload(accountant, samples.pdf() + b"\n" * 1000)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"] and "limit is" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_page_limit(upload, accountant, settings):
    settings.ENVOICE_MAX_PAGES = 2
    response = upload(accountant, samples.pdf(pages=3))
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_pages"
    assert "3 pages; the limit is 2" in response.json()["detail"]
    response = upload(accountant, samples.tiff_pages(3), "fax.tif")
    assert response.json()["code"] == "too_many_pages"
    assert_nothing_stored(settings)


def test_pixel_limit(upload, accountant, settings):
    settings.ENVOICE_MAX_IMAGE_PIXELS = 1000
    response = upload(accountant, samples.image("PNG", size=(100, 100)), "big.png")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_pixels"
    assert "100×100" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_pdf_with_only_an_owner_password_is_accepted(upload, accountant):
    assert upload(accountant, samples.owner_only_encrypted_pdf(), execute=False).status_code == 201


def test_zip_expanded_when_allowed(upload, accountant, company):
    company.allow_zip_uploads = True
    company.save()
    archive = samples.zip_of(
        {
            "march/a.pdf": samples.pdf(),
            "b.png": samples.image(),
            "__MACOSX/._b.png": b"junk",
            ".DS_Store": b"x",
        }
    )
    response = upload(accountant, archive, "bills.zip", execute=False)

    assert response.status_code == 201
    names = sorted(d["filename"] for d in response.json()["documents"])
    assert names == ["a.pdf", "b.png"]
    assert Document.objects.filter(company=company).count() == 2


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"a.pdf": samples.pdf(), "notes.txt": b"hello"}, "unsupported_type"),
        ({"inner.zip": samples.zip_of({"a.pdf": samples.pdf()})}, "nested_zip"),
        ({f"{i}.png": samples.image() for i in range(4)}, "zip_too_many_files"),
        ({"huge.pdf": samples.pdf() + b" " * 5000}, "zip_too_large"),
    ],
)
def test_zip_rejections_store_nothing(upload, accountant, company, settings, files, code):
    company.allow_zip_uploads = True
    company.save()
    settings.ENVOICE_MAX_ZIP_FILES = 3
    settings.ENVOICE_MAX_ZIP_TOTAL_BYTES = 4000
    response = upload(accountant, samples.zip_of(files), "bills.zip")
    assert response.status_code in (400, 413, 415)
    assert response.json()["code"] == code
    assert_nothing_stored(settings)


def test_failure_while_storing_removes_written_bytes(upload, accountant, company, settings, monkeypatch):
    """A crash after the first file of a ZIP is written rolls back rows and deletes the bytes."""
    company.allow_zip_uploads = True
    company.save()
    from documents import services

    real = services.audit_record
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", flaky)
    archive = samples.zip_of({"a.pdf": samples.pdf(), "b.png": samples.image()})
    with pytest.raises(RuntimeError):
        upload(accountant, archive, "bills.zip")
    assert_nothing_stored(settings)
