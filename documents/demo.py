"""Demo step: a few sample documents in Demo OÜ, taken in through the intake service like any upload.

The samples are generated here (a text PDF and a UBL e-invoice); nothing is copied from outside.
"""

from __future__ import annotations

import hashlib

from accounts.models import Company
from core.demo import register
from documents.choices import DocumentSource, DocumentType
from documents.intake import text_to_pdf
from documents.models import Document
from documents.services import document_upload

PAPER_BILL = """Paber ja Pliiats OU
Reg. no 10293847   VAT EE101928374
Invoice no: PP-2024-0311
Invoice date: 11.03.2024
Due date: 25.03.2024

Description                         Qty      Price      Total
Copy paper A4, 500 sheets            10       4.50      45.00
Ballpoint pens, box                   2       6.00      12.00

Subtotal                                               57.00
VAT 22%                                                12.54
Total EUR                                              69.54
IBAN EE382200221020145685
"""

# From a supplier synced from the sandbox (Muster Bürobedarf GmbH, DE89 3704 0044 0532 0130 00 on file),
# asking to be paid elsewhere: the Inbox says "New bank account"; once recorded (say by `accountant`),
# publishing waits until another admin (`admin`) confirms it.
NEW_BANK_BILL = """Muster Burobedarf GmbH
Invalidenstrasse 3, 10115 Berlin
USt-IdNr. DE123456789
Invoice no: MB-2024-0417
Invoice date: 17.04.2024
Due date: 01.05.2024

Description                         Qty      Price      Total
Printer toner, black                  2      40.00      80.00

Subtotal                                               80.00
VAT 22%                                                17.60
Total EUR                                              97.60
Please note our new bank account:
IBAN DE57100200304455667788
"""

TAXI_RECEIPT = """Tallinna Takso AS
Receipt 88213
Date: 02.04.2024
Trip Old Town - Airport
Total EUR 18.90
VAT 22% included
"""

UBL_INVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>CLOUD-2024-04</cbc:ID>
  <cbc:IssueDate>2024-04-01</cbc:IssueDate>
  <cbc:DueDate>2024-04-15</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyTaxScheme><cbc:CompanyID>EE102030405</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Pilveteenus OU</cbc:RegistrationName><cbc:CompanyID>14151617</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>Demo OU</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">26.40</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">120.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">26.40</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>22</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">120.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">120.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">146.40</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">146.40</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="MON">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">120.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Cloud hosting, April</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>22</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">120.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""

SAMPLES = [
    ("paber-ja-pliiats-PP-2024-0311.pdf", text_to_pdf(PAPER_BILL), DocumentType.PURCHASE_INVOICE),
    ("pilveteenus-CLOUD-2024-04.xml", UBL_INVOICE.encode(), DocumentType.PURCHASE_INVOICE),
    ("takso-receipt-88213.pdf", text_to_pdf(TAXI_RECEIPT), DocumentType.RECEIPT),
    ("muster-MB-2024-0417.pdf", text_to_pdf(NEW_BANK_BILL), DocumentType.PURCHASE_INVOICE),
]


@register("sample documents")
def demo_documents(company: Company) -> None:
    """Idempotent: a sample already in the company (same bytes) is not added again."""
    for filename, data, doc_type in SAMPLES:
        if Document.objects.for_company(company).filter(sha256=hashlib.sha256(data).hexdigest()).exists():
            continue
        document_upload(
            company=company,
            data=data,
            filename=filename,
            type=doc_type,
            source=DocumentSource.DEMO,
            actor_label="demo",
        )
