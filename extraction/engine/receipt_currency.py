"""Currency of a receipt from the evidence it prints, never from a default.

Evidence, strongest first: an ISO code or an unambiguous symbol next to an amount ("RM 8.50",
"€ 3,20", "EUR154,40"); the format of a national tax number (a Malaysian 12-digit GST ID or an
SST registration, an EU VAT number); a legal form or a country named on the receipt. A lone "$" is
no evidence of which dollar. Conflicting evidence of equal strength gives no answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ISO codes and symbols printed next to amounts.
_SYMBOLS = {
    "RM": "MYR",
    "€": "EUR",
    "£": "GBP",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "US$": "USD",
    "₹": "INR",
}
_ISO = {
    "MYR",
    "EUR",
    "USD",
    "GBP",
    "SGD",
    "AUD",
    "CAD",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "INR",
}
_ISO_WORDS = {"EURO": "EUR", "EUROS": "EUR", "EUR": "EUR"}

# Countries named on receipts (addresses, "Made in" lines aside: those are short and rare).
_COUNTRIES = {
    "malaysia": "MYR",
    "singapore": "SGD",
    "united kingdom": "GBP",
    "england": "GBP",
    "scotland": "GBP",
    "deutschland": "EUR",
    "germany": "EUR",
    "france": "EUR",
    "nederland": "EUR",
    "netherlands": "EUR",
    "eesti": "EUR",
    "estonia": "EUR",
    "suomi": "EUR",
    "finland": "EUR",
    "españa": "EUR",
    "spain": "EUR",
    "italia": "EUR",
    "italy": "EUR",
    "österreich": "EUR",
    "austria": "EUR",
    "belgique": "EUR",
    "belgium": "EUR",
    "sverige": "SEK",
    "sweden": "SEK",
    "polska": "PLN",
    "poland": "PLN",
    "australia": "AUD",
    "canada": "CAD",
    "usa": "USD",
    "united states": "USD",
}
# Legal forms that belong to one country.
_LEGAL_FORMS = [
    (re.compile(r"(?i)\bsdn\.?\s*bhd\b|\bbhd\b|\bberhad\b|\(m\)\s*s/?b\b"), "MYR"),
    (re.compile(r"(?i)\bpte\.?\s*ltd\b"), "SGD"),
]
# Tax numbers whose format names the country.
_TAX_NUMBERS = [
    (re.compile(r"(?i)\bgst\s*(?:reg\w*\s*)?(?:id|no)?\.?\s*[:#]?\s*\d{12}\b"), "MYR"),
    (re.compile(r"(?i)\bsst\s*(?:reg\w*\s*)?(?:id|no)?\.?\s*[:#]?\s*[A-Z]\d{2}-\d{4}-\d{8}\b"), "MYR"),
    (
        re.compile(
            r"(?i)\b(?:ust|mwst|vat|btw|tva|alv|kmkr)[\w.\- ]{0,12}\b(?:DE\d{9}|AT U\d{8}|NL\d{9}B\d{2})\b"
        ),
        "EUR",
    ),
]
# Date order by currency area where it is not day-month-year.
_MDY = {"USD"}


@dataclass(frozen=True)
class CurrencyEvidence:
    code: str
    evidence: str  # symbol, code, country or weak

    @property
    def date_order(self) -> str:
        return "MDY" if self.code in _MDY else "DMY"


def _amount_near(text: str, start: int, end: int) -> bool:
    around = text[max(0, start - 3) : end + 12]
    return bool(re.search(r"\d[.,]\d{2}", around)) or bool(
        re.search(r"\d[.,]\d{2}\s*$", text[max(0, start - 14) : start])
    )


def currency_evidence(text: str) -> CurrencyEvidence | None:
    """The currency the text gives evidence of, and how strong that evidence is."""
    votes: dict[str, dict[str, int]] = {}

    def vote(code: str, kind: str) -> None:
        votes.setdefault(kind, {}).setdefault(code, 0)
        votes[kind][code] += 1

    for m in re.finditer(r"(?<![A-Za-z])(US\$|S\$|A\$|C\$|RM|€|£|₹)(?![A-Za-z])", text):
        if _amount_near(text, m.start(), m.end()) or m[1] in ("€", "£", "₹"):
            vote(_SYMBOLS[m[1]], "symbol")
    for m in re.finditer(r"(?<![A-Za-z])([A-Z]{3}|EUROS?|Euros?|Eur)(?=[\d\s.,:)]|$)", text):
        word = m[1].upper()
        code = _ISO_WORDS.get(word) or (word if word in _ISO else None)
        if code and (_amount_near(text, m.start(), m.end()) or word in _ISO_WORDS):
            vote(code, "code")
    folded = text.lower()
    for word, code in _COUNTRIES.items():
        if re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", folded):
            vote(code, "country")
    for pat, code in _LEGAL_FORMS + _TAX_NUMBERS:
        if pat.search(text):
            vote(code, "country")
    for kind in ("code", "symbol", "country"):
        found = votes.get(kind)
        if not found:
            continue
        ranked = sorted(found.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
            continue  # two currencies of similar weight: this kind of evidence says nothing
        code = ranked[0][0]
        others = [c for k, v in votes.items() if k != kind for c in v if c != code]
        return CurrencyEvidence(code, "weak" if others else kind)
    return None
