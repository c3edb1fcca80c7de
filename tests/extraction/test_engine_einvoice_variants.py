"""Synthetic e-invoice variants: the EN 16931 semantics of the eval README on documents that the
labelled set does not contain (several VAT rates, allowances, prepayment, credit notes, other
namespace prefixes, envelopes, Finvoice 3.0 and legacy encodings)."""

from __future__ import annotations

import pytest

from extraction.engine import ExtractionError, extract

UBL_NS = (
    'xmlns="urn:oasis:names:specification:ubl:schema:xsd:{kind}-2" '
    'xmlns:{cac}="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:{cbc}="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)


def _ubl(kind: str = "Invoice", cac: str = "cac", cbc: str = "cbc", extra_payment: str = "") -> bytes:
    line = "CreditNoteLine" if kind == "CreditNote" else "InvoiceLine"
    qty = "CreditedQuantity" if kind == "CreditNote" else "InvoicedQuantity"
    a, b = cac, cbc
    due = "" if kind == "CreditNote" else f"<{b}:DueDate>2024-04-14</{b}:DueDate>"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<{kind} {UBL_NS.format(kind=kind, cac=a, cbc=b)}>
  <{b}:CustomizationID>urn:cen.eu:en16931:2017</{b}:CustomizationID>
  <{b}:ID>INV-2024-017</{b}:ID>
  <{b}:IssueDate>2024-03-15</{b}:IssueDate>
  {due}
  <{b}:DocumentCurrencyCode>EUR</{b}:DocumentCurrencyCode>
  <{b}:TaxCurrencyCode>SEK</{b}:TaxCurrencyCode>
  <{a}:OrderReference><{b}:ID>PO-778</{b}:ID></{a}:OrderReference>
  <{a}:AccountingSupplierParty><{a}:Party>
    <{a}:PartyName><{b}:Name>Brand Trading Name</{b}:Name></{a}:PartyName>
    <{a}:PartyTaxScheme><{b}:CompanyID>DE 123/456/78901</{b}:CompanyID>
      <{a}:TaxScheme><{b}:ID>FC</{b}:ID></{a}:TaxScheme></{a}:PartyTaxScheme>
    <{a}:PartyTaxScheme><{b}:CompanyID>DE123456789</{b}:CompanyID>
      <{a}:TaxScheme><{b}:ID>VAT</{b}:ID></{a}:TaxScheme></{a}:PartyTaxScheme>
    <{a}:PartyLegalEntity><{b}:RegistrationName>Seller Legal GmbH</{b}:RegistrationName>
      <{b}:CompanyID>HRB 12345</{b}:CompanyID></{a}:PartyLegalEntity>
  </{a}:Party></{a}:AccountingSupplierParty>
  <{a}:AccountingCustomerParty><{a}:Party>
    <{a}:PartyName><{b}:Name>Buyer Brand</{b}:Name></{a}:PartyName>
    <{a}:PartyLegalEntity><{b}:RegistrationName>Buyer Legal AB</{b}:RegistrationName></{a}:PartyLegalEntity>
  </{a}:Party></{a}:AccountingCustomerParty>
  {extra_payment}
  <{a}:AllowanceCharge><{b}:ChargeIndicator>false</{b}:ChargeIndicator>
    <{b}:Amount currencyID="EUR">10.00</{b}:Amount></{a}:AllowanceCharge>
  <{a}:TaxTotal>
    <{b}:TaxAmount currencyID="EUR">25.70</{b}:TaxAmount>
    <{a}:TaxSubtotal><{b}:TaxableAmount currencyID="EUR">90.00</{b}:TaxableAmount>
      <{b}:TaxAmount currencyID="EUR">17.10</{b}:TaxAmount>
      <{a}:TaxCategory><{b}:ID>S</{b}:ID><{b}:Percent>19</{b}:Percent></{a}:TaxCategory></{a}:TaxSubtotal>
    <{a}:TaxSubtotal><{b}:TaxableAmount currencyID="EUR">122.86</{b}:TaxableAmount>
      <{b}:TaxAmount currencyID="EUR">8.60</{b}:TaxAmount>
      <{a}:TaxCategory><{b}:ID>S</{b}:ID><{b}:Percent>7</{b}:Percent></{a}:TaxCategory></{a}:TaxSubtotal>
  </{a}:TaxTotal>
  <{a}:TaxTotal><{b}:TaxAmount currencyID="SEK">290.41</{b}:TaxAmount></{a}:TaxTotal>
  <{a}:LegalMonetaryTotal>
    <{b}:LineExtensionAmount currencyID="EUR">222.86</{b}:LineExtensionAmount>
    <{b}:TaxExclusiveAmount currencyID="EUR">212.86</{b}:TaxExclusiveAmount>
    <{b}:TaxInclusiveAmount currencyID="EUR">238.56</{b}:TaxInclusiveAmount>
    <{b}:AllowanceTotalAmount currencyID="EUR">10.00</{b}:AllowanceTotalAmount>
    <{b}:PrepaidAmount currencyID="EUR">100.00</{b}:PrepaidAmount>
    <{b}:PayableAmount currencyID="EUR">138.56</{b}:PayableAmount>
  </{a}:LegalMonetaryTotal>
  <{a}:{line}><{b}:ID>1</{b}:ID><{b}:{qty} unitCode="C62">4</{b}:{qty}>
    <{b}:LineExtensionAmount currencyID="EUR">100.00</{b}:LineExtensionAmount>
    <{a}:Item><{b}:Name>Widget</{b}:Name>
      <{a}:ClassifiedTaxCategory><{b}:ID>S</{b}:ID><{b}:Percent>19</{b}:Percent></{a}:ClassifiedTaxCategory></{a}:Item>
    <{a}:Price><{b}:PriceAmount currencyID="EUR">25.00</{b}:PriceAmount></{a}:Price></{a}:{line}>
  <{a}:{line}><{b}:ID>2</{b}:ID><{b}:{qty} unitCode="C62">0</{b}:{qty}>
    <{b}:LineExtensionAmount currencyID="EUR">0.00</{b}:LineExtensionAmount>
    <{a}:Item><{b}:Name>Section: consulting</{b}:Name></{a}:Item>
    <{a}:Price><{b}:PriceAmount currencyID="EUR">0.00</{b}:PriceAmount></{a}:Price></{a}:{line}>
  <{a}:{line}><{b}:ID>3</{b}:ID><{b}:{qty} unitCode="HUR">2.5</{b}:{qty}>
    <{b}:LineExtensionAmount currencyID="EUR">122.86</{b}:LineExtensionAmount>
    <{a}:Item><{b}:Name>Consulting</{b}:Name>
      <{a}:ClassifiedTaxCategory><{b}:ID>S</{b}:ID><{b}:Percent>7</{b}:Percent></{a}:ClassifiedTaxCategory></{a}:Item>
    <{a}:Price><{b}:PriceAmount currencyID="EUR">49.144</{b}:PriceAmount></{a}:Price></{a}:{line}>
</{kind}>"""
    return xml.encode()


UBL_PAYMENT = """<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>DE89 3704 0044 0532 0130 00</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>"""
UBL_DIRECT_DEBIT = """<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>
    <cac:PaymentMandate><cbc:ID>MANDATE-1</cbc:ID>
      <cac:PayerFinancialAccount><cbc:ID>GB29NWBK60161331926819</cbc:ID></cac:PayerFinancialAccount>
    </cac:PaymentMandate></cac:PaymentMeans>"""


def _check_ubl_totals(f: dict) -> None:
    assert f["supplier_name"] == "Seller Legal GmbH"  # BT-27: RegistrationName before PartyName
    assert f["supplier_vat_no"] == "DE123456789"  # the VAT scheme, not the "FC" tax number
    assert f["supplier_reg_no"] == "HRB 12345"
    assert f["buyer_name"] == "Buyer Legal AB"
    assert f["invoice_number"] == "INV-2024-017"
    assert f["issue_date"] == "2024-03-15"
    assert f["currency"] == "EUR"
    assert f["total"] == "238.56"  # BT-112, not the payable amount after prepayment
    assert f["subtotal"] == "212.86"  # BT-109, after the document-level allowance
    assert f["tax_total"] == "25.70"  # in the invoice currency, not the SEK restatement
    assert f["po_number"] == "PO-778"
    rates = {(t["rate"], t["base"], t["amount"]) for t in f["tax_lines"]}
    assert rates == {("19.00", "90.00", "17.10"), ("7.00", "122.86", "8.60")}
    # The zero-valued section header is dropped; net line amounts and net prices are kept exactly.
    assert [(ln["description"], ln["total"], ln["unit_price"]) for ln in f["lines"]] == [
        ("Widget", "100.00", "25.00"),
        ("Consulting", "122.86", "49.144"),
    ]
    assert [ln["tax_rate"] for ln in f["lines"]] == ["19.00", "7.00"]


def test_ubl_two_vat_rates_allowance_prepaid_and_tax_currency():
    res = extract(_ubl(extra_payment=UBL_PAYMENT))
    assert res.source == "einvoice_xml"
    _check_ubl_totals(res.fields)
    assert res.fields["due_date"] == "2024-04-14"
    assert res.fields["iban"] == "DE89370400440532013000"
    assert not [w for w in res.warnings if "VAT breakdown" in w]


def test_ubl_other_namespace_prefixes():
    res = extract(_ubl(cac="a", cbc="b"))
    _check_ubl_totals(res.fields)


def test_ubl_direct_debit_payer_account_is_not_the_iban():
    res = extract(_ubl(extra_payment=UBL_DIRECT_DEBIT))
    assert res.fields["iban"] is None


def test_ubl_credit_note_keeps_the_stated_amounts():
    res = extract(_ubl(kind="CreditNote", extra_payment=UBL_PAYMENT))
    _check_ubl_totals(res.fields)
    assert res.fields["due_date"] is None
    assert res.fields["lines"][0]["quantity"] == "4.00"


def test_ubl_inside_a_peppol_business_document_envelope():
    inner = _ubl(extra_payment=UBL_PAYMENT).split(b"?>", 1)[1]
    sbd = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">'
        b"<StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>"
        + inner
        + b"</StandardBusinessDocument>"
    )
    res = extract(sbd)
    _check_ubl_totals(res.fields)


CII = """<?xml version="1.0" encoding="UTF-8"?>
<x:CrossIndustryInvoice xmlns:x="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:r="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:u="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <x:ExchangedDocument><r:ID>CN-9</r:ID><r:TypeCode>{type_code}</r:TypeCode>
  <r:IssueDateTime><u:DateTimeString format="102">20240301</u:DateTimeString></r:IssueDateTime></x:ExchangedDocument>
 <x:SupplyChainTradeTransaction>
  <r:IncludedSupplyChainTradeLineItem>
   <r:AssociatedDocumentLineDocument><r:LineID>1</r:LineID></r:AssociatedDocumentLineDocument>
   <r:SpecifiedTradeProduct><r:Name>Service A</r:Name></r:SpecifiedTradeProduct>
   <r:SpecifiedLineTradeAgreement>
    <r:GrossPriceProductTradePrice><r:ChargeAmount>60.00</r:ChargeAmount></r:GrossPriceProductTradePrice>
    <r:NetPriceProductTradePrice><r:ChargeAmount>50.00</r:ChargeAmount></r:NetPriceProductTradePrice>
   </r:SpecifiedLineTradeAgreement>
   <r:SpecifiedLineTradeDelivery><r:BilledQuantity unitCode="C62">2</r:BilledQuantity></r:SpecifiedLineTradeDelivery>
   <r:SpecifiedLineTradeSettlement>
    <r:ApplicableTradeTax><r:TypeCode>VAT</r:TypeCode><r:CategoryCode>S</r:CategoryCode><r:RateApplicablePercent>20</r:RateApplicablePercent></r:ApplicableTradeTax>
    <r:SpecifiedTradeSettlementLineMonetarySummation><r:LineTotalAmount>100.00</r:LineTotalAmount></r:SpecifiedTradeSettlementLineMonetarySummation>
   </r:SpecifiedLineTradeSettlement>
  </r:IncludedSupplyChainTradeLineItem>
  <r:IncludedSupplyChainTradeLineItem>
   <r:AssociatedDocumentLineDocument><r:LineID>2</r:LineID></r:AssociatedDocumentLineDocument>
   <r:SpecifiedTradeProduct><r:Name>Export goods</r:Name></r:SpecifiedTradeProduct>
   <r:SpecifiedLineTradeAgreement><r:NetPriceProductTradePrice><r:ChargeAmount>40</r:ChargeAmount></r:NetPriceProductTradePrice></r:SpecifiedLineTradeAgreement>
   <r:SpecifiedLineTradeDelivery><r:BilledQuantity unitCode="C62">1</r:BilledQuantity></r:SpecifiedLineTradeDelivery>
   <r:SpecifiedLineTradeSettlement>
    <r:ApplicableTradeTax><r:TypeCode>VAT</r:TypeCode><r:CategoryCode>E</r:CategoryCode><r:RateApplicablePercent>0</r:RateApplicablePercent></r:ApplicableTradeTax>
    <r:SpecifiedTradeSettlementLineMonetarySummation><r:LineTotalAmount>40.00</r:LineTotalAmount></r:SpecifiedTradeSettlementLineMonetarySummation>
   </r:SpecifiedLineTradeSettlement>
  </r:IncludedSupplyChainTradeLineItem>
  <r:ApplicableHeaderTradeAgreement>
   <r:BuyerReference>04011000-12345-03</r:BuyerReference>
   <r:SellerTradeParty><r:Name>Vendeur SAS</r:Name>
    <r:SpecifiedLegalOrganization><r:ID schemeID="0002">356000000</r:ID><r:TradingBusinessName>Vendeur</r:TradingBusinessName></r:SpecifiedLegalOrganization>
    <r:SpecifiedTaxRegistration><r:ID schemeID="FC">12/345/67890</r:ID></r:SpecifiedTaxRegistration>
    <r:SpecifiedTaxRegistration><r:ID schemeID="VA">FR32356000000</r:ID></r:SpecifiedTaxRegistration>
   </r:SellerTradeParty>
   <r:BuyerTradeParty><r:Name>Acheteur SARL</r:Name></r:BuyerTradeParty>
   <r:BuyerOrderReferencedDocument><r:IssuerAssignedID>PO-55</r:IssuerAssignedID></r:BuyerOrderReferencedDocument>
  </r:ApplicableHeaderTradeAgreement>
  <r:ApplicableHeaderTradeDelivery/>
  <r:ApplicableHeaderTradeSettlement>
   <r:InvoiceCurrencyCode>EUR</r:InvoiceCurrencyCode>
   <r:SpecifiedTradeSettlementPaymentMeans><r:TypeCode>58</r:TypeCode>
    <r:PayeePartyCreditorFinancialAccount><r:IBANID>FR7630006000011234567890189</r:IBANID></r:PayeePartyCreditorFinancialAccount>
   </r:SpecifiedTradeSettlementPaymentMeans>
   <r:ApplicableTradeTax><r:CalculatedAmount>19.00</r:CalculatedAmount><r:TypeCode>VAT</r:TypeCode>
    <r:BasisAmount>95.00</r:BasisAmount><r:CategoryCode>S</r:CategoryCode><r:RateApplicablePercent>20</r:RateApplicablePercent></r:ApplicableTradeTax>
   <r:ApplicableTradeTax><r:CalculatedAmount>0.00</r:CalculatedAmount><r:TypeCode>VAT</r:TypeCode>
    <r:ExemptionReason>Exempt</r:ExemptionReason>
    <r:BasisAmount>40.00</r:BasisAmount><r:CategoryCode>E</r:CategoryCode><r:RateApplicablePercent>0</r:RateApplicablePercent></r:ApplicableTradeTax>
   <r:SpecifiedTradeAllowanceCharge><r:ChargeIndicator><u:Indicator>false</u:Indicator></r:ChargeIndicator>
    <r:ActualAmount>5.00</r:ActualAmount></r:SpecifiedTradeAllowanceCharge>
   <r:SpecifiedTradePaymentTerms><r:Description>30 days</r:Description>
    <r:DueDateDateTime><u:DateTimeString format="102">20240331</u:DateTimeString></r:DueDateDateTime></r:SpecifiedTradePaymentTerms>
   <r:SpecifiedTradeSettlementHeaderMonetarySummation>
    <r:LineTotalAmount>140.00</r:LineTotalAmount>
    <r:AllowanceTotalAmount>5.00</r:AllowanceTotalAmount>
    <r:TaxBasisTotalAmount>135.00</r:TaxBasisTotalAmount>
    <r:TaxTotalAmount currencyID="EUR">19.00</r:TaxTotalAmount>
    <r:TaxTotalAmount currencyID="USD">20.52</r:TaxTotalAmount>
    <r:GrandTotalAmount>154.00</r:GrandTotalAmount>
    <r:TotalPrepaidAmount>54.00</r:TotalPrepaidAmount>
    <r:DuePayableAmount>100.00</r:DuePayableAmount>
   </r:SpecifiedTradeSettlementHeaderMonetarySummation>
  </r:ApplicableHeaderTradeSettlement>
 </x:SupplyChainTradeTransaction>
</x:CrossIndustryInvoice>"""


@pytest.mark.parametrize("type_code", ["380", "381"])
def test_cii_prepaid_allowance_two_rates_other_prefixes(type_code):
    res = extract(CII.format(type_code=type_code).encode())
    f = res.fields
    assert res.source == "einvoice_xml"
    assert f["supplier_name"] == "Vendeur SAS"
    assert f["supplier_vat_no"] == "FR32356000000"
    assert f["supplier_reg_no"] == "356000000"
    assert f["buyer_name"] == "Acheteur SARL"
    assert (f["invoice_number"], f["issue_date"], f["due_date"]) == ("CN-9", "2024-03-01", "2024-03-31")
    assert f["currency"] == "EUR"
    assert (f["total"], f["subtotal"], f["tax_total"]) == ("154.00", "135.00", "19.00")
    assert f["po_number"] == "PO-55"
    assert f["iban"] == "FR7630006000011234567890189"
    assert [(t["rate"], t["base"], t["amount"]) for t in f["tax_lines"]] == [
        ("20.00", "95.00", "19.00"),
        ("0.00", "40.00", "0.00"),
    ]
    # Net price (BT-146), not the gross price.
    assert [(ln["description"], ln["unit_price"], ln["total"]) for ln in f["lines"]] == [
        ("Service A", "50.00", "100.00"),
        ("Export goods", "40.00", "40.00"),
    ]


def test_cii_direct_debit_account_is_not_the_iban():
    xml = CII.format(type_code="380").replace(
        "<r:PayeePartyCreditorFinancialAccount><r:IBANID>FR7630006000011234567890189</r:IBANID>"
        "</r:PayeePartyCreditorFinancialAccount>",
        "<r:PayerPartyDebtorFinancialAccount><r:IBANID>DE89370400440532013000</r:IBANID>"
        "</r:PayerPartyDebtorFinancialAccount>",
    )
    assert "PayerPartyDebtorFinancialAccount" in xml
    assert extract(xml.encode()).fields["iban"] is None


FINVOICE_30 = """<?xml version="1.0" encoding="ISO-8859-15"?>
<Finvoice Version="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="Finvoice3.0.xsd">
 <MessageTransmissionDetails><MessageSenderDetails><FromIdentifier>003701234567</FromIdentifier></MessageSenderDetails></MessageTransmissionDetails>
 <SellerPartyDetails>
  <SellerPartyIdentifier>0123456-7</SellerPartyIdentifier>
  <SellerPartyLegalRegIdentifier>1234567-8</SellerPartyLegalRegIdentifier>
  <SellerOrganisationName>Myyjä Oy</SellerOrganisationName>
  <SellerOrganisationName>Säljare Ab</SellerOrganisationName>
  <SellerOrganisationTaxCode>FI01234567</SellerOrganisationTaxCode>
 </SellerPartyDetails>
 <SellerInformationDetails>
  <SellerAccountDetails>
   <SellerAccountID IdentificationSchemeName="IBAN">FI21 1234 5600 0007 85</SellerAccountID>
   <SellerBic IdentificationSchemeName="BIC">NDEAFIHH</SellerBic>
  </SellerAccountDetails>
 </SellerInformationDetails>
 <BuyerPartyDetails><BuyerPartyIdentifier>7654321-0</BuyerPartyIdentifier><BuyerOrganisationName>Ostaja Oyj</BuyerOrganisationName></BuyerPartyDetails>
 <InvoiceDetails>
  <InvoiceTypeCode>INV01</InvoiceTypeCode>
  <InvoiceNumber>4711</InvoiceNumber>
  <InvoiceDate Format="CCYYMMDD">20240105</InvoiceDate>
  <OrderIdentifier>TIL-99</OrderIdentifier>
  <InvoiceTotalVatExcludedAmount AmountCurrencyIdentifier="EUR">1 000,00</InvoiceTotalVatExcludedAmount>
  <InvoiceTotalVatAmount AmountCurrencyIdentifier="EUR">195,00</InvoiceTotalVatAmount>
  <InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier="EUR">1 195,00</InvoiceTotalVatIncludedAmount>
  <VatSpecificationDetails>
   <VatBaseAmount AmountCurrencyIdentifier="EUR">500,00</VatBaseAmount><VatRatePercent>25,5</VatRatePercent>
   <VatRateAmount AmountCurrencyIdentifier="EUR">127,50</VatRateAmount></VatSpecificationDetails>
  <VatSpecificationDetails>
   <VatBaseAmount AmountCurrencyIdentifier="EUR">500,00</VatBaseAmount><VatRatePercent>13,5</VatRatePercent>
   <VatRateAmount AmountCurrencyIdentifier="EUR">67,50</VatRateAmount></VatSpecificationDetails>
  <PaymentTermsDetails><PaymentTermsFreeText>14 pv netto</PaymentTermsFreeText>
   <InvoiceDueDate Format="CCYYMMDD">20240119</InvoiceDueDate></PaymentTermsDetails>
 </InvoiceDetails>
 <InvoiceRow><RowFreeText>Toimitus 12/2023</RowFreeText></InvoiceRow>
 <InvoiceRow>
  <ArticleName>Kahvi</ArticleName><DeliveredQuantity QuantityUnitCode="kg">10</DeliveredQuantity>
  <UnitPriceAmount AmountCurrencyIdentifier="EUR">50,00</UnitPriceAmount>
  <RowVatRatePercent>25,5</RowVatRatePercent>
  <RowVatAmount AmountCurrencyIdentifier="EUR">127,50</RowVatAmount>
  <RowVatExcludedAmount AmountCurrencyIdentifier="EUR">500,00</RowVatExcludedAmount>
  <RowAmount AmountCurrencyIdentifier="EUR">627,50</RowAmount>
 </InvoiceRow>
 <InvoiceRow>
  <ArticleName>Leipä</ArticleName><InvoicedQuantity QuantityUnitCode="kpl">100</InvoicedQuantity>
  <UnitPriceAmount AmountCurrencyIdentifier="EUR">5,00</UnitPriceAmount>
  <RowVatRatePercent>13,5</RowVatRatePercent>
  <RowVatExcludedAmount AmountCurrencyIdentifier="EUR">500,00</RowVatExcludedAmount>
 </InvoiceRow>
 <EpiDetails><EpiPartyDetails><EpiBeneficiaryPartyDetails><EpiNameAddressDetails>Myyjä Oy</EpiNameAddressDetails>
  <EpiAccountID IdentificationSchemeName="IBAN">FI2112345600000785</EpiAccountID></EpiBeneficiaryPartyDetails></EpiPartyDetails>
  <EpiPaymentInstructionDetails><EpiDateOptionDate Format="CCYYMMDD">20240119</EpiDateOptionDate></EpiPaymentInstructionDetails></EpiDetails>
</Finvoice>"""

SOAP_ENVELOPE = """<?xml version="1.0" encoding="ISO-8859-15"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd">
<SOAP-ENV:Header><eb:MessageHeader><eb:From><eb:PartyId>003701234567</eb:PartyId></eb:From></eb:MessageHeader></SOAP-ENV:Header>
<SOAP-ENV:Body><eb:Manifest><eb:Reference eb:id="FINVOICE1"/></eb:Manifest></SOAP-ENV:Body>
</SOAP-ENV:Envelope>
"""


def _check_finvoice(f: dict) -> None:
    assert f["supplier_name"] == "Myyjä Oy"  # the first of several names
    assert f["supplier_reg_no"] == "1234567-8"  # BT-30 (3.0) wins over the Y-tunnus
    assert f["supplier_vat_no"] == "FI01234567"
    assert f["buyer_name"] == "Ostaja Oyj"
    assert (f["invoice_number"], f["issue_date"], f["due_date"]) == ("4711", "2024-01-05", "2024-01-19")
    assert (f["total"], f["subtotal"], f["tax_total"], f["currency"]) == (
        "1195.00",
        "1000.00",
        "195.00",
        "EUR",
    )
    assert f["po_number"] == "TIL-99"
    assert f["iban"] == "FI2112345600000785"
    assert [(t["rate"], t["amount"]) for t in f["tax_lines"]] == [("25.50", "127.50"), ("13.50", "67.50")]
    # The free-text row is a note, not a line; row totals are VAT excluded.
    assert [(ln["description"], ln["total"]) for ln in f["lines"]] == [
        ("Kahvi", "500.00"),
        ("Leipä", "500.00"),
    ]


def test_finvoice_30_legal_reg_identifier_and_latin9():
    data = FINVOICE_30.encode("iso-8859-15")
    _check_finvoice(extract(data).fields)


def test_finvoice_after_a_soap_envelope():
    data = (SOAP_ENVELOPE + FINVOICE_30).encode("iso-8859-15")
    _check_finvoice(extract(data).fields)


def test_finvoice_envelope_with_a_single_prolog():
    body = FINVOICE_30.split("?>", 1)[1]
    data = (SOAP_ENVELOPE + body).encode("iso-8859-15")
    _check_finvoice(extract(data).fields)


def test_finvoice_undeclared_latin1_encoding():
    body = FINVOICE_30.split("?>", 1)[1]
    _check_finvoice(extract(body.encode("iso-8859-15")).fields)


def test_finvoice_1x_without_legal_reg_uses_business_id():
    xml = FINVOICE_30.replace("<SellerPartyLegalRegIdentifier>1234567-8</SellerPartyLegalRegIdentifier>", "")
    assert extract(xml.encode("iso-8859-15")).fields["supplier_reg_no"] == "0123456-7"


def test_envelope_without_an_invoice_is_refused():
    with pytest.raises(ExtractionError):
        extract(SOAP_ENVELOPE.encode())
