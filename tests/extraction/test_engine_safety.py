"""Hostile and broken input must fail fast and safely with ExtractionError."""

import io
import os

import pytest

from extraction.engine import ExtractionError, ExtractionResult, extract

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&lol9;</cbc:ID></Invoice>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
 <cbc:ID>&xxe;</cbc:ID>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>&xxe;</cbc:Name></cac:PartyName></cac:Party>
 </cac:AccountingSupplierParty>
</Invoice>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Finvoice SYSTEM "file:///etc/passwd">
<Finvoice Version="1.2"><InvoiceDetails><InvoiceNumber>7</InvoiceNumber></InvoiceDetails></Finvoice>
"""


def test_billion_laughs_fails_safely():
    with pytest.raises(ExtractionError):
        extract(BILLION_LAUGHS, filename="bomb.xml", time_limit=5)


def test_xxe_does_not_leak_local_files():
    try:
        res = extract(XXE, filename="xxe.xml", time_limit=5)
    except ExtractionError:
        return
    dumped = str(res.to_dict())
    assert "root:" not in dumped and "/bin/" not in dumped


def test_external_dtd_is_not_loaded():
    res = extract(EXTERNAL_DTD, filename="f.xml")
    assert res.fields["invoice_number"] == "7"
    assert "root:" not in str(res.to_dict())


def test_truncated_pdf(load_doc):
    data, _ = load_doc("i2d__coolblue1.pdf")
    with pytest.raises(ExtractionError):
        extract(data[: len(data) // 3], filename="cut.pdf", time_limit=10)


def test_random_bytes():
    rnd = os.urandom(4096)
    with pytest.raises(ExtractionError):
        extract(rnd, filename="noise.bin", time_limit=5)
    with pytest.raises(ExtractionError):
        extract(b"", filename="empty")
    with pytest.raises(ExtractionError):
        extract(b"%PDF-1.4\n" + rnd, filename="fake.pdf", time_limit=5)


def test_xml_that_is_not_an_invoice():
    with pytest.raises(ExtractionError):
        extract(b"<html><body>hello</body></html>")
    with pytest.raises(ExtractionError):
        extract(b"<Invoice><unclosed></Invoice>")


def test_encrypted_pdf():
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(ExtractionError, match=r"(?i)encrypted"):
        extract(buf.getvalue(), filename="locked.pdf")


def test_time_limit(load_doc):
    data, _ = load_doc("i2d__QualityHosting.pdf")
    with pytest.raises(ExtractionError, match="Time limit"):
        extract(data, time_limit=0.0)


def test_result_is_json_serialisable(load_doc):
    import json

    data, _ = load_doc("peppol__examples_base-example.xml")
    res = extract(data)
    assert isinstance(res, ExtractionResult)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["source"] == "einvoice_xml" and d["fields"]["total"]
