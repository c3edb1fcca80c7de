"""Each e-invoice flavour against a real document of the eval set and its label."""

import pytest

from extraction.engine import extract

SCALARS = (
    "supplier_name",
    "supplier_vat_no",
    "supplier_reg_no",
    "buyer_name",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "subtotal",
    "tax_total",
    "po_number",
    "iban",
)

CASES = [
    ("peppol__examples_base-example.xml", "einvoice_xml"),  # UBL Invoice, Peppol BIS 3
    ("peppol__examples_base-creditnote-correction.xml", "einvoice_xml"),  # UBL CreditNote
    ("zfc__CII_EN16931_Rabatte.cii.xml", "einvoice_xml"),  # UN/CEFACT CII
    ("xrt__standard_01.04a-INVOICE_uncefact.xml", "einvoice_xml"),  # XRechnung CII
    ("xrt__standard_01.04a-INVOICE_ubl.xml", "einvoice_xml"),  # XRechnung UBL
    ("finvgs__1.2.xml", "einvoice_xml"),  # Finvoice 1.2, ISO-8859-15, decimal comma
    ("finvgs__1.0.xml", "einvoice_xml"),  # Finvoice 1.0
    ("zfc__Intarsys_ZUGFeRD_1p0_COMFORT_Rabatte.pdf", "einvoice_pdf"),  # ZUGFeRD 1.0 namespace
    ("zfc__intarsys_EN16931_zugferd_2p0_EN16931_Elektron.pdf", "einvoice_pdf"),  # ZUGFeRD 2.0
    ("zfc__FNFE-factur-x-examples_Facture_FR_BASICWL.pdf", "einvoice_pdf"),  # Factur-X
]


@pytest.mark.parametrize(("name", "source"), CASES)
def test_einvoice_matches_label(name, source, load_doc, scorer):
    data, label = load_doc(name)
    res = extract(data, filename=name)
    assert res.source == source
    for field in SCALARS:
        if label.get(field) is None:
            continue
        assert scorer.scalar_equal(field, label[field], res.fields[field]), (
            field,
            label[field],
            res.fields[field],
        )
        assert res.confidence[field] > 0.5
    for field in ("lines", "tax_lines"):
        if label.get(field):
            got = res.fields[field] or []
            assert scorer.match_items(field, label[field], got) == len(label[field]), field
    # XML values come with the path they were read from.
    assert "xml_path" in res.provenance["total"]


def test_finvoice_legacy_encoding_and_values(load_doc):
    data, label = load_doc("finvgs__1.2.xml")
    assert data.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>')
    res = extract(data)
    assert res.fields["total"] == label["total"]
    # The bank sample's account is not a checksum-valid IBAN, so it must not be reported.
    assert res.fields["iban"] is None


def test_embedded_xml_disagreement_is_flagged(load_doc):
    from extraction.engine.pipeline import _merge_xml
    from extraction.engine.result import ExtractionResult

    class _Xml:
        fields = {"total": "100.00", "iban": "DE89370400440532013000", "supplier_name": "Acme Widgets GmbH"}
        provenance = {}

    res = ExtractionResult(
        fields={"total": "120.00", "iban": "NL50INGB0683251309", "supplier_name": "Other"},
        text="Other Company\nTotal 120.00",
    )
    _merge_xml(res, _Xml())
    joined = " ".join(res.warnings)
    assert "Embedded XML total 100.00 differs from the visible page 120.00" in joined
    assert "IBAN" in joined
    assert "supplier" in joined
    assert res.fields["total"] == "100.00"
    assert res.source == "einvoice_pdf"
