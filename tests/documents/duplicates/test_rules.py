"""The rules on two documents' facts: a receipt photographed again is the same image; another receipt of
the same shop is not; the XML and the PDF of one invoice are the same supplier, number and total."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image

from documents.duplicates.rules import (
    CERTAIN,
    PHASH_MAX_DISTANCE,
    Facts,
    hash_distance,
    image_hash,
    match_reasons,
    number_key,
    reason_text,
)
from documents.problems import LOW_CONFIDENCE
from tests.documents.duplicates.receipts import CAFE_OTHER_LINES, receipt, rephotograph

# What OCR reads of a receipt photo; the shop's name is often read differently each time, so none here.
RECEIPT = dict(total=Decimal("10.90"), issue_date=date(2026, 11, 14))


def _hash(data: bytes) -> int:
    return image_hash(Image.open(io.BytesIO(data)))


@pytest.mark.parametrize(
    "variant",
    [
        dict(scale=0.6, quality=55, angle=1.5, crop=0.02),
        dict(scale=0.45, quality=40, angle=-1.5, crop=0.03),
        dict(scale=0.8, quality=70, angle=1.5, crop=0.0),
    ],
)
def test_a_receipt_photographed_again_is_the_same_image(variant):
    original = receipt()
    again = _hash(rephotograph(original, **variant))
    distance = hash_distance(image_hash(original), again)
    assert distance <= PHASH_MAX_DISTANCE
    reasons, measured = match_reasons(
        Facts(id=1, image_hash=image_hash(original), **RECEIPT), Facts(id=2, image_hash=again, **RECEIPT)
    )
    assert reasons == ["same_image"]
    assert measured == distance


def test_another_receipt_of_the_same_shop_is_not_flagged():
    first, other = receipt(), receipt(CAFE_OTHER_LINES, number="4712", date="15.11.2026")
    a = Facts(id=1, image_hash=image_hash(first), supplier_name="kohvikmajakasou", **RECEIPT)
    b = Facts(
        id=2,
        image_hash=image_hash(other),
        supplier_name="kohvikmajakasou",
        total=Decimal("23.50"),
        issue_date=date(2026, 11, 15),
    )
    assert match_reasons(a, b)[0] == []
    assert hash_distance(a.image_hash, b.image_hash) > PHASH_MAX_DISTANCE  # six lines, not three


def test_the_same_layout_with_another_total_is_not_the_same_image():
    """Receipts of one shop look alike at 64 bits; a total read with confidence tells them apart."""
    first, second = receipt(), receipt(number="4800", date="16.11.2026")
    assert hash_distance(image_hash(first), image_hash(second)) <= PHASH_MAX_DISTANCE
    a = Facts(id=1, image_hash=image_hash(first), total=Decimal("10.90"))
    b = Facts(id=2, image_hash=image_hash(second), total=Decimal("12.40"))
    assert match_reasons(a, b)[0] == []
    # … but a total misread by OCR (low confidence) contradicts nothing: still flagged
    unsure = Facts(id=2, image_hash=image_hash(second), total=Decimal("14.11"), total_certain=False)
    assert match_reasons(a, unsure)[0] == ["same_image"]


def test_the_xml_and_the_pdf_of_one_invoice():
    xml = Facts(
        id=1, supplier_vat="ee100000001", supplier_name="acmesuppliesou", number=number_key("INV-7"),
        total=Decimal("122.00"), issue_date=date(2024, 5, 2),
    )  # fmt: skip
    pdf = Facts(
        id=2, sha256="b", image_hash=123, supplier_vat="ee100000001", supplier_name="acmesuppliesou",
        number=number_key("inv 7"), total=Decimal("122.00"), issue_date=date(2024, 5, 2),
    )  # fmt: skip
    assert match_reasons(xml, pdf) == (["same_number_total"], None)
    assert match_reasons(pdf, xml) == (["same_number_total"], None)  # symmetric
    other_total = Facts(**{**pdf.__dict__, "total": Decimal("99.00")})
    assert match_reasons(xml, other_total)[0] == ["same_number"]
    another_supplier = Facts(**{**pdf.__dict__, "supplier_vat": "ee999999999"})
    assert match_reasons(xml, another_supplier)[0] == []


def test_supplier_amount_and_date_without_a_number():
    a = Facts(id=1, supplier_id=5, total=Decimal("8.90"), issue_date=date(2026, 1, 2))
    b = Facts(id=2, supplier_id=5, total=Decimal("8.90"), issue_date=date(2026, 1, 2))
    assert match_reasons(a, b)[0] == ["same_amount_date"]
    assert match_reasons(a, Facts(**{**b.__dict__, "supplier_id": 6}))[0] == []
    assert match_reasons(a, Facts(**{**b.__dict__, "issue_date": date(2026, 1, 3)}))[0] == []


def test_the_same_file_and_the_words():
    a, b = Facts(id=1, sha256="x", image_hash=7), Facts(id=2, sha256="x", image_hash=7)
    reasons, distance = match_reasons(a, b)
    assert (reasons, distance) == (["same_file", "same_image"], 0)
    assert reason_text(reasons) == "the same file; the same image"


def test_number_keys():
    assert number_key("INV-0042") == number_key("inv 0042") == "inv0042"
    assert number_key("0042") == number_key("42") == "42"
    assert number_key("") == ""


def test_hashes_fit_a_signed_64_bit_column():
    for image in (Image.new("RGB", (50, 50), "white"), receipt()):
        value = image_hash(image)
        assert -(2**63) <= value < 2**63
    assert hash_distance(-1, 0) == 64


def test_certain_is_the_problems_line():
    assert CERTAIN == LOW_CONFIDENCE
