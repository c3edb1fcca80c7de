from extraction.engine.checks import cross_check, valid_iban, vat_status
from extraction.engine.matching import SupplierCandidate, match_supplier


def _check(fields):
    conf = {k: 0.5 for k, v in fields.items() if v}
    warnings = []
    cross_check(fields, conf, warnings)
    return conf, warnings


def test_consistent_totals_raise_confidence():
    conf, warnings = _check(
        {"total": "121.00", "subtotal": "100.00", "tax_total": "21.00", "lines": [{"total": "100.00"}]}
    )
    assert warnings == []
    assert conf["total"] > 0.5 and conf["lines"] > 0.5


def test_lines_not_adding_up_warns():
    conf, warnings = _check({"total": "120.00", "lines": [{"total": "100.00"}, {"total": "18.00"}]})
    assert "Lines add up to 118.00 but the total says 120.00" in warnings
    assert conf["lines"] < 0.5


def test_subtotal_plus_tax_mismatch_warns():
    _, warnings = _check({"total": "130.00", "subtotal": "100.00", "tax_total": "21.00"})
    assert any("does not equal the total 130.00" in w for w in warnings)


def test_iban_and_vat_checksums():
    assert valid_iban("NL50INGB0683251309")
    assert valid_iban("EE38 2200 2210 2014 5685")
    assert not valid_iban("NL51INGB0683251309")
    assert not valid_iban("FI2757800750155448")
    assert vat_status("NL810433941B01") is True
    assert vat_status("DE 232 446 240") is True
    assert vat_status("DE123456789") is False
    assert vat_status("0123456-7") is None
    _, warnings = _check({"iban": "NL51INGB0683251309", "supplier_vat_no": "DE123456789"})
    assert "IBAN NL51INGB0683251309 checksum invalid" in warnings
    assert "VAT number DE123456789 checksum invalid" in warnings


def test_date_plausibility():
    _, warnings = _check({"issue_date": "2024-05-10", "due_date": "2024-05-01"})
    assert any("before the issue date" in w for w in warnings)
    _, warnings = _check({"issue_date": "1970-01-01"})
    assert any("implausibly old" in w for w in warnings)


CANDIDATES = [
    SupplierCandidate(1, "Coolblue B.V.", "24330087", "NL810433941B01", "NL50INGB0683251309"),
    SupplierCandidate(2, "Telia Eesti AS", "10234957", "EE100366327", "EE382200221020145685"),
    SupplierCandidate(3, "Elektrum Eesti OÜ", None, None, None),
]


def test_match_by_registration_number_first():
    m = match_supplier({"supplier_reg_no": "24330087", "supplier_vat_no": "EE100366327"}, CANDIDATES)
    assert m.id == 1 and m.reason.startswith("Registration number")


def test_match_by_vat_without_country_prefix():
    m = match_supplier({"supplier_vat_no": "100366327"}, CANDIDATES)
    assert m.id == 2 and "VAT number" in m.reason and m.score == 1.0


def test_match_by_iban_then_name():
    m = match_supplier({"iban": "NL50 INGB 0683 2513 09"}, CANDIDATES)
    assert m.id == 1 and m.reason.startswith("IBAN")
    m = match_supplier({"supplier_name": "ELEKTRUM EESTI"}, CANDIDATES)
    assert m.id == 3 and m.score >= 0.88
    assert match_supplier({"supplier_name": "Completely Different Ltd"}, CANDIDATES) is None
    assert match_supplier({}, CANDIDATES) is None
    assert match_supplier({"supplier_name": "Coolblue"}, []) is None


def test_match_flags_iban_mismatch():
    m = match_supplier({"supplier_vat_no": "NL810433941B01", "iban": "EE382200221020145685"}, CANDIDATES)
    assert m.id == 1 and m.iban_mismatch
    m = match_supplier({"supplier_vat_no": "NL810433941B01", "iban": "NL50INGB0683251309"}, CANDIDATES)
    assert not m.iban_mismatch
