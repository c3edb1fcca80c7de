"""The layout reader on small synthetic pages: totals chosen by arithmetic, VAT rows, calibration."""

from __future__ import annotations

from extraction.engine.calibration import calibrated, fit
from extraction.engine.fields import extract_fields
from extraction.engine.layout import Doc


def _doc(rows: list[str]) -> Doc:
    """One word per token, 6 pt per character; three spaces in a row leave a column gap."""
    doc = Doc()
    words = []
    for i, row in enumerate(rows):
        x = 50.0
        for token in row.split(" "):
            if token:
                words.append((token, x, 50.0 + 20 * i, x + 6 * len(token), 60.0 + 20 * i))
                x += 6 * len(token) + 4
            else:
                x += 12
    doc.add_page(1, 595.0, 842.0, words)
    return doc


INVOICE = [
    "Nordlicht Handel GmbH",
    "Rechnung Nr. 2024-118 vom 12.03.2024",
    "Beschreibung          Menge    Preis     Betrag",
    "Beratung              2        150,00    300,00",
    "Reisekosten           1        57,14     57,14",
    "Summe netto                              357,14",
    "MwSt. 19 %            357,14             67,86",
    "Gesamtbetrag                             425,00",
    "Anzahlung                                100,00",
    "Zahlbetrag                               325,00",
]


def test_totals_agree_with_the_vat_rows_and_the_lines():
    fields, _conf, prov = extract_fields(_doc(INVOICE))
    assert (fields["subtotal"], fields["tax_total"], fields["total"]) == ("357.14", "67.86", "425.00")
    assert fields["tax_lines"] == [{"rate": "19.00", "base": "357.14", "amount": "67.86"}]
    assert [(it["description"], it["total"]) for it in fields["lines"]] == [
        ("Beratung", "300.00"),
        ("Reisekosten", "57.14"),
    ]
    assert fields["invoice_number"] == "2024-118"
    assert fields["issue_date"] == "2024-03-12"
    assert prov["total"]["page"] == 1


def test_calibration_is_monotone_and_never_confident_on_little_evidence():
    records = [("total", "agree", 20.0, True)] * 60 + [
        ("total", "label", 8.0, ok) for ok in [True, False] * 10
    ]
    table = fit(records)
    assert calibrated("total", "agree", 20.0, table) >= 0.9
    assert calibrated("total", "label", 8.0, table) < 0.5
    # An evidence kind that dev never saw is never shown as sure.
    assert calibrated("total", "unheard-of", 99.0, table) <= 0.6
    few = fit([("iban", "pattern", 10.0, True)] * 6)
    assert calibrated("iban", "pattern", 10.0, few) < 0.9
