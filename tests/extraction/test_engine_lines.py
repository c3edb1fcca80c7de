"""Line items: which spaces separate columns and which group thousands, and the per-line cross-check."""

from __future__ import annotations

import re

import pytest

from extraction.engine import extract
from extraction.engine.checks import cross_check, line_consistent, line_problem
from extraction.engine.layout import Doc
from extraction.engine.tables import _line_items

CHAR = 5.0  # points per character: one space is a narrow gap, three or more a column gap
HEIGHT = 10.0


def _doc(*rows: str) -> Doc:
    """A one-page Doc whose words sit where the characters of each row would be printed."""
    words = []
    for i, row in enumerate(rows):
        top = 20.0 * (i + 1)
        for m in re.finditer(r"\S+", row):
            words.append((m.group(0), m.start() * CHAR, top, m.end() * CHAR, top + HEIGHT))
    doc = Doc()
    doc.add_page(1, 600, 800, words)
    return doc


def _items(*rows: str, subtotal: str | None = None) -> list[dict]:
    header = "Description          Qty   Price      Total"
    return _line_items(_doc(header, *rows).lines, (subtotal,))


def _row(description: str, *columns: str) -> str:
    """Columns separated by two spaces: closer than a column gap, like the e-mail body PDFs."""
    return f"{description}  {'  '.join(columns)}"


def test_reported_row_is_quantity_price_total_not_a_thousands_amount():
    # The exact row of the end-to-end test: "1 100.00" is quantity 1 then 100.00, not 1100.00.
    doc = _doc("Description   Qty   Price   Total", "Cloud hosting, March  1  100.00  100.00")
    assert doc.lines[1].text == "Cloud hosting, March 1 100.00 100.00"  # how the glued row reads
    assert _line_items(doc.lines, ("100.00",)) == [
        {
            "description": "Cloud hosting, March",
            "quantity": "1.00",
            "unit_price": "100.00",
            "total": "100.00",
            "tax_rate": None,
        }
    ]


def test_reported_row_without_a_subtotal_still_prefers_the_consistent_columns():
    [item] = _items(_row("Cloud hosting, March", "1", "100.00", "100.00"))
    assert (item["quantity"], item["unit_price"], item["total"]) == ("1.00", "100.00", "100.00")


def test_quantity_two():
    [item] = _items(_row("Cloud hosting, March", "2", "100.00", "200.00"), subtotal="200.00")
    assert (item["quantity"], item["unit_price"], item["total"]) == ("2.00", "100.00", "200.00")


def test_european_space_thousands_are_kept_when_the_columns_agree():
    [item] = _items(_row("Beratung Projekt Alpha", "2", "1 250,00", "2 500,00"), subtotal="2 500,00")
    assert (item["quantity"], item["unit_price"], item["total"]) == ("2.00", "1250.00", "2500.00")


def test_european_space_thousands_with_quantity_one():
    [item] = _items(_row("Beratung Projekt Alpha", "1", "1 250,00", "1 250,00"), subtotal="1 250,00")
    assert (item["quantity"], item["unit_price"], item["total"]) == ("1.00", "1250.00", "1250.00")


def test_single_amount_column_is_one_thousands_amount_unless_the_subtotal_disagrees():
    [item] = _items("Konsultatsioon märts  1 250,00")
    assert item["total"] == "1250.00"
    [item] = _items("Konsultatsioon märts  1 250,00", subtotal="250,00")
    assert (item["quantity"], item["total"]) == ("1.00", "250.00")


def test_subtotal_decides_between_readings_across_rows():
    rows = [_row("Hosting", "1 250,00"), _row("Support hours", "3", "50,00", "150,00")]
    assert [i["total"] for i in _items(*rows, subtotal="1 400,00")] == ["1250.00", "150.00"]
    assert [i["total"] for i in _items(*rows, subtotal="400,00")] == ["250.00", "150.00"]


def test_digit_groups_other_than_three_are_never_joined():
    [item] = _items(_row("Cloud hosting, March", "12", "10.00", "120.00"))
    assert (item["quantity"], item["unit_price"], item["total"]) == ("12.00", "10.00", "120.00")


def test_glued_rows_in_a_real_text_pdf():
    from documents.intake.textpdf import text_to_pdf

    text = (
        "Nordic Cloud Services Oy\nInvoice no: PE-2025-0417\nInvoice date: 03.03.2025\n\n"
        "Description                         Qty      Price      Total\n"
        "Cloud hosting, March                  1     100.00     100.00\n"
        "Backup storage                        2      25.00      50.00\n\n"
        "Subtotal                                              150.00\n"
        "VAT 22%                                                33.00\n"
        "Total EUR                                             183.00\n"
    )
    result = extract(text_to_pdf(text), filename="invoice.pdf")
    assert [(ln["quantity"], ln["unit_price"], ln["total"]) for ln in result.fields["lines"]] == [
        ("1.00", "100.00", "100.00"),
        ("2.00", "25.00", "50.00"),
    ]
    assert not any(w.startswith("Line ") for w in result.warnings)


# ------------------------------------------------------------------ cross-check per line
@pytest.mark.parametrize(
    ("quantity", "unit", "total", "rate", "expected"),
    [
        ("1", "100.00", "100.00", None, True),
        ("3", "0.33", "1.00", None, True),  # unit price printed rounded to cents
        ("1000", "0.123", "123.00", None, True),
        ("2", "100.00", "244.00", "22", True),  # gross line total
        ("1", "1100.00", "100.00", None, False),
        ("2", "100.00", "210.00", None, False),
        (None, "5.00", "5.00", None, True),
        ("1", None, "5.00", None, None),
    ],
)
def test_line_consistent(quantity, unit, total, rate, expected):
    from decimal import Decimal

    def d(v):
        return Decimal(v) if v is not None else None

    assert line_consistent(d(quantity), d(unit), d(total), d(rate)) is expected


def test_inconsistent_line_warns_and_loses_confidence():
    lines = [
        {
            "description": "Cloud hosting, March",
            "quantity": "1.00",
            "unit_price": "1100.00",
            "total": "100.00",
        },
        {"description": "Backup", "quantity": "2.00", "unit_price": "25.00", "total": "50.00"},
    ]
    conf = {"lines": 0.5, "subtotal": 0.5}
    warnings: list[str] = []
    cross_check({"subtotal": "150.00", "lines": lines}, conf, warnings)
    assert warnings == ["Line 1 (Cloud hosting, March): 1 × 1100.00 = 1100.00 but the line total says 100.00"]
    assert conf["lines[0]"] < 0.5
    assert "lines[1]" not in conf
    assert conf["lines"] < 0.7  # the sum agreed (+0.2) but one line did not (-0.1)


def test_line_problem_keeps_unit_price_precision():
    line = {"quantity": "10000", "unit_price": "0.052", "total": "52.00"}
    assert line_problem(line) == "10000 × 0.052 = 520.00 but the line total says 52.00"
    assert line_problem({"quantity": "3", "unit_price": "0.33", "total": "1.00"}) is None


def test_per_line_confidence_survives_the_pipeline():
    from documents.intake.textpdf import text_to_pdf

    text = (
        "Acme Widgets Ltd\nInvoice no: A-1\n\n"
        "Description              Qty      Price      Total\n"
        "Widgets                    2      10.00      25.00\n\n"
        "Subtotal                                     25.00\n"
        "Total EUR                                    25.00\n"
    )
    result = extract(text_to_pdf(text), filename="invoice.pdf")
    assert "Line 1 (Widgets): 2 × 10.00 = 20.00 but the line total says 25.00" in result.warnings
    assert result.confidence["lines[0]"] < result.confidence["lines"]
