"""Label phrases and name patterns of the pattern rules (``classic``) and the receipt reader.

Kept apart from ``lexicon`` (the layout reader's labels with weights): these regexes match a
label anywhere on a line and are tuned for receipts and short e-mail-body invoices.
"""

from __future__ import annotations

import re


def _lab(*labels: str) -> re.Pattern:
    """Label regex tolerant of a stray space after the first letter ("F actuurnummer") and OCR case."""
    alts = []
    for lab in labels:
        first, rest = lab[0], lab[1:]
        alts.append(first + r"\s?" + rest if first.isalpha() else lab)
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![a-zäöüõ])", re.I)


INV_NO_LABELS = [
    r"invoice\s*(?:no|number|nr|num|#|id)\.?",
    r"inv\.?\s*(?:no|number|#)\.?",
    r"tax\s*invoice\s*(?:no|number|#)?\.?",
    r"bill\s*(?:no|number|#)\.?",
    r"receipt\s*(?:no|number|#)\.?",
    r"document\s*(?:no|number)\.?",
    r"doc\s*no\.?",
    r"rechnungs?\s*-?\s*(?:nr|nummer|no)\.?",
    r"rechnung\s*(?:nr|nummer)\.?",
    r"factuur\s*(?:nummer|nr)\.?",
    r"factuurnummer",
    r"facture\s*(?:n°|no|numéro)",
    r"n°\s*de\s*facture",
    r"arve\s*(?:nr|number)\.?",
    r"arve\s*nr\.?",
    r"laskun?\s*(?:numero|nro)",
    r"cash\s*bill\s*(?:no)?\.?",
    r"slip\s*no\.?",
    r"trans(?:action)?\s*(?:no|#)\.?",
    r"invoice",
]
INV_NO_RE = _lab(*INV_NO_LABELS)

ISSUE_DATE_RE = _lab(
    r"invoice\s*date",
    r"date\s*of\s*issue",
    r"issue\s*date",
    r"billing\s*date",
    r"bill\s*date",
    r"rechnungsdatum",
    r"factuurdatum",
    r"date\s*de\s*facture",
    r"arve\s*kuupäev",
    r"kuupäev",
    r"laskun?\s*päivä(?:ys|määrä)",
    r"päiväys",
    r"datum",
    r"dated",
    r"date",
    r"tarikh",
)
DUE_DATE_RE = _lab(
    r"due\s*date",
    r"payment\s*due",
    r"pay\s*by",
    r"due",
    r"fällig(?:keitsdatum|\s*am)?",
    r"zahlungsziel",
    r"vervaldatum",
    r"maksetähtaeg",
    r"tähtaeg",
    r"eräpäivä",
    r"échéance",
)
TOTAL_LABELS = [
    (r"grand\s*total", 10),
    (r"(?:in)?clusive\s*(?:of\s*)?(?:gst|vat|tax)", 10),
    (r"amt\s*due", 9),
    (r"total\s*amount\s*(?:due|payable)", 10),
    (r"amount\s*due", 9),
    (r"total\s*due", 9),
    (r"balance\s*due", 8),
    (r"total\s*(?:incl\.?|including|inkl\.?)\s*(?:vat|gst|tax|btw|mwst)?", 9),
    (r"rounded\s*total", 9),
    (r"total\s*(?:rm|eur|usd|€|\$)", 9),
    (r"total\s*amount", 8),
    (r"nett?\s*total", 7),
    (r"total\s*payable", 9),
    (r"total\s*sales", 6),
    (r"gesamtbetrag", 9),
    (r"rechnungsbetrag", 9),
    (r"endbetrag", 9),
    (r"zu\s*zahlen", 8),
    (r"totaal", 7),
    (r"te\s*betalen", 8),
    (r"kokku\s*tasuda", 10),
    (r"tasuda", 8),
    (r"kokku", 6),
    (r"yhteensä", 6),
    (r"montant\s*ttc", 9),
    (r"total\s*ttc", 9),
    (r"summe", 5),
    (r"total", 5),
    (r"amount", 2),
]
TOTAL_RES = [(_lab(p), w) for p, w in TOTAL_LABELS]
NOT_TOTAL_RE = re.compile(
    r"sub\s*-?\s*total|subtotaal|zwischensumme|total\s*(?:qty|quantity|items?|discount|savings?|tax|gst|vat|excl|before|"
    r"w/o|without|net\b|number)|exclusi|excludi|excl\.|change|cash|tender|paid|rounding|round\s*adj|zahlbetrag\s*bar|"
    r"ohne|netto|tax\s*amount|gst\s*amount|nettobetrag",
    re.I,
)
SUBTOTAL_RE = _lab(
    r"sub\s*-?\s*total",
    r"total\s*(?:excl\.?|excluding|exclusive\s*of|before|w/o|without)\s*(?:vat|gst|tax|btw|mwst)?",
    r"exclusief\s*btw",
    r"excl\.?\s*(?:vat|btw|tax)",
    r"net\s*amount",
    r"nett?\s*total",
    r"total\s*net",
    r"nettobetrag",
    r"summe\s*netto",
    r"netto",
    r"zwischensumme",
    r"subtotaal",
    r"total\s*ht",
    r"montant\s*ht",
    r"summa\s*ilman\s*alv",
    r"kokku\s*ilma\s*käibemaksuta",
    r"total\s*excl",
)
TAX_RE = _lab(
    r"total\s*(?:vat|gst|tax)",
    r"(?:vat|gst|tax)\s*(?:total|amount)",
    r"(?:vat|gst|btw|mwst|ust|tva|alv|käibemaks|km|sst|tax)",
    r"umsatzsteuer",
    r"mehrwertsteuer",
)
PO_RE = _lab(
    r"p\.?o\.?\s*(?:no|number|#)\.?",
    r"purchase\s*order(?:\s*(?:no|number|#))?\.?",
    r"order\s*(?:no|number|#|id)\.?",
    r"your\s*order",
    r"bestell(?:nummer|nr\.?|ung)",
    r"ordernummer",
    r"tellimus(?:e\s*nr)?",
)
VAT_LABEL_RE = _lab(
    r"vat\s*(?:reg(?:istration)?\.?\s*)?(?:no|number|nr|id)?\.?",
    r"btw(?:\s*(?:nr|nummer))?\.?",
    r"ust\.?\s*-?\s*id\.?\s*(?:nr\.?)?",
    r"ustid(?:nr)?\.?",
    r"tva\s*intracom\w*",
    r"n°\s*tva",
    r"kmkr(?:\s*nr)?\.?",
    r"alv\s*(?:nro|numero)",
    r"gst\s*(?:reg\s*)?(?:no|id)\.?",
    r"tax\s*id",
)
REG_LABEL_RE = _lab(
    r"kvk(?:\s*(?:nr|nummer))?(?:\s*[a-z]+)?",
    r"registrikood",
    r"reg(?:istration|\.)?\s*(?:no|nr|code|number)\.?",
    r"company\s*(?:no|number|reg)\.?",
    r"handelsregister",
    r"hrb",
    r"y-tunnus",
    r"siren",
    r"siret",
    r"co\.?\s*reg\.?\s*(?:no)?\.?",
    r"roc\s*no\.?",
)
BUYER_RE = _lab(
    r"bill\s*to",
    r"billed\s*to",
    r"invoice\s*to",
    r"sold\s*to",
    r"customer(?:\s*name)?",
    r"client",
    r"rechnungsempfänger",
    r"klant",
    r"ostja",
    r"maksja",
    r"asiakas",
    r"buyer",
)
SELLER_LABEL_RE = _lab(r"sold\s*by", r"seller", r"supplier", r"vendor", r"müüja", r"verkäufer", r"from")

LEGAL_RE = re.compile(
    r"(?<![\w])(?:gmbh|ag|kg|b\.?\s?v\.?|n\.?v\.?|ltd\.?|limited|plc|llc|inc\.?|corp\.?|oü|ou|as|aps|a/s|ab|oy|oyj|"
    r"s\.?a\.?s?|sarl|s\.?r\.?l\.?|sp\.\s*z\s*o\.?o\.?|sdn\.?\s*bhd\.?|bhd\.?|berhad|enterprise|trading|"
    r"s/b|restaurant|store|mart|supermarket|hardware|pharmacy|cafe|bakery|stationery|"
    r"pte|pty|uab|sia|kft|s\.r\.o\.)(?![\w])",
    re.I,
)

# The tail of a company name wrapped onto its own line: "CO. (M) SDN BHD", "(M) SDN. BHD.".
WRAPPED_SUFFIX_RE = re.compile(
    r"(?i)(?:co\.?|company|\(m\)|\(s\))\s*(?:\(m\)\s*)?(?:sdn\.?\s*bhd|bhd|berhad|pte|ltd)"
)

ID_TOKEN = r"[A-Z0-9][A-Z0-9\-/_.]*\d[A-Z0-9\-/_.]*|\d[A-Z0-9\-/_.]*"
