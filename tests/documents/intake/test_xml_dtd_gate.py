"""Issue 15, finding 11: an XML upload carrying a DTD is refused at upload, however it is encoded or
however far into the file the declaration sits (extraction refusing the entities later is not enough)."""

from __future__ import annotations

import pytest

from documents.intake.checks import IntakeRejected, inspect_upload

UBL = '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">1</cbc:ID></Invoice>'
DTD = '<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _xml(*, encoding: str = "utf-8", padding: int = 0, bom: bool = True) -> bytes:
    text = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + (
        "<!--" + "x" * padding + "-->" if padding else ""
    )
    text += DTD + UBL
    data = text.encode(encoding)
    if encoding == "utf-16-le" and bom:
        data = b"\xff\xfe" + data
    return data


@pytest.mark.parametrize(
    "data",
    [
        _xml(),
        _xml(encoding="utf-16"),  # with its BOM
        _xml(encoding="utf-16-le"),
        _xml(encoding="utf-16-be", bom=False),
        _xml(padding=70_000),
        _xml(encoding="utf-16", padding=70_000),
        _xml(padding=5_000_000),
    ],
    ids=["utf-8", "utf-16", "utf-16-le", "utf-16-be-no-bom", "after-70kb", "utf-16-after-70kb", "after-5mb"],
)
def test_xml_with_a_dtd_is_refused_at_upload(data):
    with pytest.raises(IntakeRejected) as refused:
        inspect_upload(data, filename="invoice.xml")
    assert refused.value.code in ("xml_dtd", "unsupported_type")


def test_utf_16_and_padded_dtds_are_named_as_dtds():
    for data in (_xml(encoding="utf-16"), _xml(encoding="utf-16-le"), _xml(padding=70_000)):
        with pytest.raises(IntakeRejected) as refused:
            inspect_upload(data, filename="invoice.xml")
        assert refused.value.code == "xml_dtd"


def test_plain_e_invoices_still_pass():
    for encoding in ("utf-8", "utf-16"):
        text = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + UBL
        (upload,) = inspect_upload(text.encode(encoding), filename="invoice.xml")
        assert upload.kind == "xml"
