"""The view model of an e-invoice: what a person reads, in EN 16931 terms, independent of the syntax.

Every shown value is a `Cell` that remembers the XML element it came from (`path`, local names from
the root, the same form the extractor writes into a field's provenance), so the review screen can
highlight the rendered row of the field being looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Cell:
    text: str
    path: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class Address:
    lines: list[str] = field(default_factory=list)
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""

    @property
    def city_line(self) -> str:
        return " ".join(x for x in (self.postcode, self.city) if x)

    def __bool__(self) -> bool:
        return bool(self.lines or self.city_line or self.country)


@dataclass
class Party:
    role: str
    name: Cell | None = None
    trading_name: str = ""
    address: Address = field(default_factory=Address)
    vat_ids: list[Cell] = field(default_factory=list)
    tax_numbers: list[Cell] = field(default_factory=list)
    registration: Cell | None = None
    legal_info: str = ""
    identifiers: list[str] = field(default_factory=list)
    endpoint: str = ""
    contact: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.name or self.address or self.vat_ids or self.identifiers)


@dataclass
class AllowanceCharge:
    is_charge: bool
    amount: Cell
    reason: str = ""
    base: str = ""
    percent: str = ""
    vat: str = ""
    path: str = ""

    @property
    def label(self) -> str:
        return "Charge" if self.is_charge else "Allowance"


@dataclass
class Line:
    number: str
    name: str
    description: str = ""
    quantity: str = ""
    unit: str = ""
    net_price: str = ""
    gross_price: str = ""
    price_base_quantity: str = ""
    price_discount: str = ""
    total: Cell | None = None
    vat: str = ""
    seller_item_id: str = ""
    buyer_item_id: str = ""
    standard_item_id: str = ""
    period: str = ""
    order_line: str = ""
    accounting: str = ""
    notes: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    allowances_charges: list[AllowanceCharge] = field(default_factory=list)
    # EXTENDED / XRechnung sub-invoice lines: a parent line groups its children.
    level: int = 0
    is_group: bool = False
    path: str = ""


@dataclass
class VatRow:
    category: str
    rate: str
    base: Cell
    amount: Cell
    exemption: str = ""
    path: str = ""


@dataclass
class Totals:
    rows: list[tuple[str, Cell, bool]] = field(default_factory=list)  # (label, value, emphasised)

    def add(
        self,
        label: str,
        value: Cell | None,
        *,
        strong: bool = False,
        subtract: bool = False,
        optional: bool = False,
    ) -> None:
        """`subtract`: an amount the arithmetic takes away (allowances, prepaid), shown with a minus;
        `optional`: a row that says nothing when zero (no allowances, nothing prepaid) and is left out then."""
        if value is None or not value.text:
            return
        if optional and decimal_of(value.text.replace(",", "")) == 0:
            return
        if subtract and not value.text.startswith("-") and decimal_of(value.text.replace(",", "")):
            value = Cell(f"−{value.text}", value.path)
        self.rows.append((label, value, strong))


@dataclass
class PaymentMeans:
    kind: str
    iban: Cell | None = None
    account_name: str = ""
    bic: str = ""
    card: str = ""
    mandate: str = ""
    debited_account: str = ""
    remittance: Cell | None = None
    information: str = ""


@dataclass
class EmbeddedFileRef:
    """A supporting document referenced or embedded in the XML (BG-24); the bytes live in attachments."""

    reference: str
    description: str = ""
    filename: str = ""
    mime: str = ""
    external_uri: str = ""
    embedded: bool = False


@dataclass
class InvoiceView:
    syntax: str  # "UBL", "CII", "ZUGFeRD 1.0", "Finvoice"
    title: str  # "Invoice", "Credit note", ...
    type_code: str = ""
    profile: str = ""
    number: Cell | None = None
    issue_date: Cell | None = None
    due_date: Cell | None = None
    delivery_date: str = ""
    tax_point_date: str = ""
    period: str = ""
    currency: Cell | None = None
    references: list[tuple[str, Cell]] = field(default_factory=list)
    seller: Party = field(default_factory=lambda: Party("Seller"))
    buyer: Party = field(default_factory=lambda: Party("Buyer"))
    payee: Party | None = None
    tax_representative: Party | None = None
    delivery: Party | None = None
    lines: list[Line] = field(default_factory=list)
    lines_path: str = ""
    allowances_charges: list[AllowanceCharge] = field(default_factory=list)
    vat: list[VatRow] = field(default_factory=list)
    vat_path: str = ""
    totals: Totals = field(default_factory=Totals)
    payment_terms: list[str] = field(default_factory=list)
    payment_terms_path: str = ""
    payment_means: list[PaymentMeans] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[EmbeddedFileRef] = field(default_factory=list)

    def add_reference(self, label: str, value: Cell | None) -> None:
        if value is not None and value.text:
            self.references.append((label, value))


# ------------------------------------------------------------------ formatting
def decimal_of(text: str | None, *, comma: bool = False) -> Decimal | None:
    if text is None:
        return None
    s = "".join(text.split())
    if comma:
        s = s.replace(",", ".")
    try:
        return Decimal(s)
    except (InvalidOperation, ValueError):
        return None


def amount(text: str | None, *, comma: bool = False) -> str:
    """An amount as written, grouped for reading; at least two decimals, never rounded away."""
    value = decimal_of(text, comma=comma)
    if value is None:
        return (text or "").strip()
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    return f"{value:,.{places}f}"


def quantity(text: str | None, *, comma: bool = False) -> str:
    value = decimal_of(text, comma=comma)
    if value is None:
        return (text or "").strip()
    normal = value.normalize()
    return f"{normal:,f}" if normal == normal.to_integral() else f"{normal:,}"


def percent(text: str | None, *, comma: bool = False) -> str:
    value = decimal_of(text, comma=comma)
    if value is None:
        return (text or "").strip()
    return f"{value.normalize():f} %"


def iban(text: str | None) -> str:
    """An IBAN in groups of four, as printed on paper; any other account id as written."""
    compact = "".join((text or "").split()).upper()
    if len(compact) > 14 and compact[:2].isalpha() and compact[2:4].isdigit():
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return (text or "").strip()


NOTE_SUBJECTS = {
    "AAB": "Payment terms",
    "AAI": "",
    "AAK": "Price conditions",
    "ABL": "Legal information",
    "ACB": "Additional information",
    "ADU": "Note",
    "PMT": "Payment information",
    "PRD": "Product information",
    "REG": "Regulatory information",
    "SUR": "Supplier remarks",
    "TXD": "Tax declaration",
    "CUS": "Customs declaration",
}


def iso_date(text: str | None) -> str:
    """YYYY-MM-DD from the forms e-invoices use (102 "20240131", ISO, with a time); else as written."""
    if not text:
        return ""
    s = text.strip()
    digits = s[:10].replace("-", "")
    if len(digits) >= 8 and digits[:8].isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    return s


# ------------------------------------------------------------------ code lists (UNTDID / UN/ECE Rec 20)
DOCUMENT_TYPES = {
    "71": "Request for payment",
    "80": "Debit note",
    "81": "Credit note",
    "82": "Metered services invoice",
    "83": "Credit note",
    "84": "Debit note",
    "102": "Invoice",
    "130": "Invoicing data sheet",
    "202": "Direct payment valuation",
    "203": "Provisional payment valuation",
    "204": "Payment valuation",
    "211": "Interim application for payment",
    "261": "Self-billed credit note",
    "262": "Consolidated credit note",
    "295": "Price variation invoice",
    "296": "Credit note for price variation",
    "308": "Delcredere credit note",
    "325": "Proforma invoice",
    "326": "Partial invoice",
    "380": "Invoice",
    "381": "Credit note",
    "383": "Debit note",
    "384": "Corrected invoice",
    "385": "Consolidated invoice",
    "386": "Prepayment invoice",
    "389": "Self-billed invoice",
    "390": "Delcredere invoice",
    "393": "Factored invoice",
    "394": "Lease invoice",
    "395": "Consignment invoice",
    "396": "Factored credit note",
    "420": "Optical character reading (OCR) payment credit note",
    "456": "Debit advice",
    "457": "Reversal of debit",
    "458": "Reversal of credit",
    "527": "Self-billed debit note",
    "532": "Forwarder's credit note",
    "553": "Forwarder's invoice discrepancy report",
    "575": "Insurer's invoice",
    "623": "Forwarder's invoice",
    "633": "Port charges documents",
    "751": "Invoice information for accounting purposes",
    "780": "Freight invoice",
    "817": "Claim notification",
    "870": "Consular invoice",
    "875": "Partial construction invoice",
    "876": "Partial final construction invoice",
    "877": "Final construction invoice",
    "935": "Customs invoice",
}

PAYMENT_MEANS = {
    "1": "Not defined",
    "10": "Cash",
    "20": "Cheque",
    "30": "Credit transfer",
    "31": "Debit transfer",
    "42": "Payment to bank account",
    "48": "Bank card",
    "49": "Direct debit",
    "54": "Credit card",
    "55": "Debit card",
    "57": "Standing agreement",
    "58": "SEPA credit transfer",
    "59": "SEPA direct debit",
    "68": "Online payment service",
    "97": "Clearing between partners",
    "ZZZ": "Mutually defined",
}

VAT_CATEGORIES = {
    "S": "Standard rate",
    "Z": "Zero rated",
    "E": "Exempt",
    "AE": "Reverse charge",
    "K": "Intra-community supply",
    "G": "Export outside the EU",
    "O": "Not subject to VAT",
    "L": "Canary Islands IGIC",
    "M": "Ceuta and Melilla IPSI",
    "B": "Transferred (VAT), Italy",
}

UNITS = {
    "C62": "pcs",
    "H87": "pcs",
    "EA": "each",
    "XPP": "pcs",
    "PCE": "pcs",
    "NAR": "pcs",
    "SET": "set",
    "PR": "pair",
    "HUR": "h",
    "MIN": "min",
    "DAY": "day",
    "WEE": "week",
    "MON": "month",
    "ANN": "year",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "MTR": "m",
    "KMT": "km",
    "CMT": "cm",
    "MMT": "mm",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "KWH": "kWh",
    "KWT": "kW",
    "LS": "lump sum",
    "P1": "%",
    "E48": "service unit",
    "ZZ": "",
    "XBX": "box",
    "XPK": "pack",
}


def document_title(code: str | None, *, credit_note_root: bool = False) -> str:
    if code and code.strip() in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[code.strip()]
    return "Credit note" if credit_note_root else "Invoice"


def vat_label(category: str | None, rate: str | None) -> str:
    code = (category or "").strip().upper()
    parts = [rate or ""]
    if code and code != "S":
        parts.append(VAT_CATEGORIES.get(code, code))
    return " · ".join(p for p in parts if p)


def vat_category(code: str | None) -> str:
    """The VAT category by name ("Standard rate"), or the code as written when it is not a known one."""
    clean = (code or "").strip().upper()
    return VAT_CATEGORIES.get(clean, (code or "").strip())


def unit_label(code: str | None) -> str:
    if not code:
        return ""
    return UNITS.get(code.strip().upper(), code.strip())
