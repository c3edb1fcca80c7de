"""Result and error types of the extraction engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FIELD_NAMES = (
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
    "tax_lines",
    "po_number",
    "iban",
    "lines",
)


def empty_fields() -> dict[str, Any]:
    return {name: None for name in FIELD_NAMES}


class ExtractionError(Exception):
    """The input cannot be read as an invoice (corrupt, encrypted, unknown format, too slow)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ExtractionResult:
    fields: dict[str, Any] = field(default_factory=empty_fields)
    confidence: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # What each confidence was calibrated from: field -> [evidence kind, raw score] (text PDFs).
    evidence: dict[str, list] = field(default_factory=dict)
    source: str = ""
    text: str = ""
    pages: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy."""
        return asdict(self)
