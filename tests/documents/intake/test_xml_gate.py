"""One gatekeeper for XML: intake accepts exactly what the extractor's safe parser reads as an e-invoice
(extraction.engine.einvoice.einvoice_kind), whatever comes before the root, in any encoding, and refuses
a DTD or entity declaration anywhere with a clear reason. Built from a real dev e-invoice."""

from __future__ import annotations

import pytest

from documents.intake.checks import IntakeRejected, inspect_upload
from extraction.engine.einvoice import read_einvoice_xml
from tests.extraction.conftest import DEV

CII = "zfc__CII_EN16931_Rabatte.cii.xml"
UBL = "peppol__examples_base-example.xml"


def dev_xml(name: str) -> bytes:
    path = DEV / name
    if not path.exists():
        pytest.skip("../shared/eval/dev is not here")
    return path.read_bytes()


def body_of(data: bytes) -> bytes:
    """The document without its XML declaration, to wrap or prefix it."""
    if data.startswith(b"<?xml"):
        data = data[data.index(b"?>") + 2 :]
    return data.lstrip()


LICENCE = b"<!-- " + b"Licensed under the Apache License, Version 2.0. " * 2000 + b"-->\n"


def variants() -> dict[str, bytes]:
    cii, ubl = dev_xml(CII), dev_xml(UBL)
    return {
        "a long licence comment before the root": b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + LICENCE
        + body_of(cii),
        "a byte-order mark": b"\xef\xbb\xbf" + cii,
        "UTF-16": ('<?xml version="1.0" encoding="UTF-16"?>\n' + body_of(cii).decode()).encode("utf-16"),
        "a Peppol SBDH envelope": b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">'
        b"<StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>"
        + body_of(ubl)
        + b"</StandardBusinessDocument>",
        "a SOAP envelope": b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        + body_of(ubl)
        + b"</soap:Body></soap:Envelope>",
    }


@pytest.mark.parametrize(
    "variant",
    [
        "a long licence comment before the root",
        "a byte-order mark",
        "UTF-16",
        "a Peppol SBDH envelope",
        "a SOAP envelope",
    ],
)
def test_accepted_when_the_extractor_reads_it(variant):
    data = variants()[variant]
    (accepted,) = inspect_upload(data, filename="invoice.xml")
    assert accepted.kind == "xml"
    assert read_einvoice_xml(data).fields["total"] is not None  # and the extractor agrees


def declaring(cii: bytes, declaration: str) -> dict[str, bytes]:
    text = body_of(cii).decode()
    padded = "<!-- " + "x" * 70_000 + " -->\n" + f"{declaration}\n" + text
    return {
        "UTF-8": f'<?xml version="1.0" encoding="UTF-8"?>\n{declaration}\n{text}'.encode(),
        "UTF-16": f'<?xml version="1.0" encoding="UTF-16"?>\n{declaration}\n{text}'.encode("utf-16"),
        "after 70 KB of padding": f'<?xml version="1.0" encoding="UTF-8"?>\n{padded}'.encode(),
        "UTF-16 after 70 KB of padding": f'<?xml version="1.0" encoding="UTF-16"?>\n{padded}'.encode(
            "utf-16"
        ),
    }


@pytest.mark.parametrize(
    "where", ["UTF-8", "UTF-16", "after 70 KB of padding", "UTF-16 after 70 KB of padding"]
)
@pytest.mark.parametrize(
    "declaration",
    ['<!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY lol "lol">]>', "<!DOCTYPE x [<!ELEMENT x ANY>]>"],
)
def test_a_dtd_or_entity_declaration_anywhere_is_refused_with_a_reason(where, declaration):
    data = declaring(dev_xml(CII), declaration)[where]
    with pytest.raises(IntakeRejected) as refused:
        inspect_upload(data, filename="invoice.xml")
    assert refused.value.code == "xml_dtd"
    assert "document type declaration (DTD)" in refused.value.message


def test_xml_that_is_no_e_invoice_is_refused_as_such():
    with pytest.raises(IntakeRejected) as refused:
        inspect_upload(LICENCE + b"<html><body>hello</body></html>", filename="page.xml")
    assert refused.value.code == "unsupported_xml"
