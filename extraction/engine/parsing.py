"""Parsers for the loosely formatted values found on invoices: amounts, dates, currencies.

Everything here is pure and cheap so it can be property-tested.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TWO = Decimal("0.01")

# Symbols that identify a currency without ambiguity in our market; "$" is deliberately
# absent because US, Canadian, Australian and Singapore dollars all use it.
CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "₽": "RUB", "zł": "PLN", "kr": None}
CURRENCY_WORDS = {
    "EUR": "EUR",
    "EURO": "EUR",
    "EUROS": "EUR",
    "USD": "USD",
    "GBP": "GBP",
    "INR": "INR",
    "RS.": "INR",
    "RS": "INR",
    "MYR": "MYR",
    "RM": "MYR",
    "SEK": "SEK",
    "NOK": "NOK",
    "DKK": "DKK",
    "CHF": "CHF",
    "PLN": "PLN",
    "CZK": "CZK",
    "HUF": "HUF",
    "JPY": "JPY",
    "CNY": "CNY",
    "SGD": "SGD",
    "AUD": "AUD",
    "CAD": "CAD",
    "RUB": "RUB",
}
ISO_CURRENCIES = {v for v in CURRENCY_WORDS.values() if v}
DOLLAR_COUNTRIES = {
    "US": "USD", "U.S.": "USD", "CA": "CAD", "C": "CAD", "AU": "AUD", "A": "AUD", "SG": "SGD", "S": "SGD",
    "NZ": "NZD", "HK": "HKD", "CANADIAN": "CAD", "AUSTRALIAN": "AUD", "SINGAPORE": "SGD",
}  # fmt: skip
# The country prefix is case-sensitive ("A$ 5", not "a dollar"); the word "dollars" is not.
DOLLAR_NAMED_RE = re.compile(
    r"(?<![A-Za-z])(?:(US|U\.S\.|CA|AU|SG|NZ|HK|C|A|S)\s?\$"
    r"|(US|U\.S\.|[Cc]anadian|CANADIAN|[Aa]ustralian|AUSTRALIAN|[Ss]ingapore|SINGAPORE)\s+(?i:dollars?)\b)"
)

MONTHS = {
    # English
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6, "juli": 7,
    "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    # Estonian
    "jaanuar": 1, "veebruar": 2, "märts": 3, "aprill": 4, "juuni": 6, "juuli": 7,
    "oktoober": 10, "detsember": 12,
    # Finnish
    "tammikuu": 1, "helmikuu": 2, "maaliskuu": 3, "huhtikuu": 4, "toukokuu": 5, "kesäkuu": 6,
    "heinäkuu": 7, "elokuu": 8, "syyskuu": 9, "lokakuu": 10, "marraskuu": 11, "joulukuu": 12,
    # Finnish dates write the month in the partitive: "31. lokakuuta 2026"
    "tammikuuta": 1, "helmikuuta": 2, "maaliskuuta": 3, "huhtikuuta": 4, "toukokuuta": 5,
    "kesäkuuta": 6, "heinäkuuta": 7, "elokuuta": 8, "syyskuuta": 9, "lokakuuta": 10,
    "marraskuuta": 11, "joulukuuta": 12,
    # Swedish (the rest as in Dutch or English)
    "maj": 5, "augusti": 8,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    # Italian
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    # Polish: dates use the genitive ("6 października 2026"), headings the nominative
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    "styczeń": 1, "luty": 2, "marzec": 3, "kwiecień": 4, "czerwiec": 6, "lipiec": 7,
    "sierpień": 8, "wrzesień": 9, "październik": 10, "listopad": 11, "grudzień": 12,
}  # fmt: skip

AMOUNT_RE = re.compile(
    r"(?<![\w.,])-?(?:\d{1,3}(?:[ .,'\u00a0\u202f]\d{3})+|\d+)(?:[.,]\d{1,2})?-?(?![\w])"
    r"|(?<![\w.,])-?[.,]\d{2}(?!\w)"
)


def to_decimal(value: object) -> Decimal | None:
    """Parse a machine-written number ("1234.5", "1234,50") exactly; None if it is not one."""
    if value is None:
        return None
    s = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if "," in s and "." not in s:
        s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def parse_amount(text: str) -> Decimal | None:
    """Parse a human-written money amount with either decimal separator.

    "1.234,56", "1,234.56", "1 234,56", "12,50", "-3.00", "3.00-", "€ 12", "RM 80.90" all work.
    A lone separator followed by exactly three digits is read as a thousands separator, because
    invoices practically never print three-decimal money.
    """
    if text is None:
        return None
    s = str(text).strip()
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    s = re.sub(r"[^\d.,'\-\u00a0\u202f ]", "", s).strip()
    s = s.replace("\u00a0", " ").replace("\u202f", " ").replace("'", " ")
    if s.endswith("-"):
        neg, s = True, s[:-1]
    if s.startswith("-"):
        neg, s = True, s[1:]
    s = s.strip()
    if not s or not re.search(r"\d", s):
        return None
    s = re.sub(r"(?<=\d) (?=\d{3}\b)", "", s)
    if " " in s:
        return None
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        dec_sep = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        sep = "." if last_dot >= 0 else ","
        tail = s.rsplit(sep, 1)[1]
        grouping_only = s.count(sep) > 1 or (len(tail) == 3 and len(s) > 4 and s[0] != "0")
        dec_sep = None if grouping_only else sep
    else:
        dec_sep = None
    if dec_sep:
        whole, frac = s.rsplit(dec_sep, 1)
        whole = re.sub(r"[.,]", "", whole)
        s = f"{whole or '0'}.{frac}"
    else:
        s = re.sub(r"[.,]", "", s)
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return -d if neg else d


def money_matches(text: str, start: int = 0) -> list[tuple[int, int, Decimal]]:
    """(start, end, value) of the amounts with cents in text; bare integers are quantities or ids."""
    out = []
    for m in AMOUNT_RE.finditer(text, start):
        s = m.group(0)
        d = parse_amount(s)
        if d is not None and re.search(r"[.,]\d{2}-?$", s.strip()):
            out.append((m.start(), m.end(), d))
    return out


def is_amount_token(token: str) -> bool:
    """A short token with cents ("235,62", "8.40"): an amount, never an invoice number."""
    return re.fullmatch(r"\d{1,3}[.,]\d{2}", token) is not None


def money(d: Decimal | None) -> str | None:
    """Format an amount as the 2-decimal string of the eval schema."""
    if d is None:
        return None
    return str(d.quantize(TWO, rounding=ROUND_HALF_UP))


def number_str(d: Decimal | None) -> str | None:
    """Format a quantity/rate: at least two decimals, but never drop precision."""
    if d is None:
        return None
    q = d.quantize(TWO, rounding=ROUND_HALF_UP)
    return str(q) if q == d else str(d.normalize())


def _valid(y: int, m: int, d: int) -> dt.date | None:
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


DATE_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,4})([./\-])(\d{1,2})\2(\d{2,4})(?!\d)")
DATE_ISO_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
DATE_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_DMY_NAME_RE = re.compile(
    # "6 de abril de 2016": Spanish joins day, month and year with "de".
    # A two-digit year is no year when ", 2014" follows: "July 1 - July 31 , 2014" is a period.
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\.?[\s\-/]*(?:de\s+)?({_MONTH_ALT})\.?,?[\s\-/']*(?:de\s+)?"
    rf"(\d{{4}}|\d{{2}}(?!\s*,\s*\d{{4}}))(?!\d)",
    re.I,
)
DATE_MDY_NAME_RE = re.compile(
    rf"\b({_MONTH_ALT})\.?[\s\-/]*(\d{{1,2}})(?:st|nd|rd|th)?\s?,?[\s\-/']*(\d{{4}})(?!\d)", re.I
)


def find_dates(text: str, date_order: str = "DMY") -> list[tuple[int, int, dt.date, bool]]:
    """All dates in text as (start, end, date, unambiguous), in text order.

    date_order ("DMY" European default, or "MDY") only decides numeric dates where both
    readings are valid; a part > 12 always wins.
    """
    out: list[tuple[int, int, dt.date, bool]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, d: dt.date | None, sure: bool) -> None:
        if d is None or any(a < m.end() and m.start() < b for a, b in taken):
            return
        taken.append((m.start(), m.end()))
        out.append((m.start(), m.end(), d, sure))

    for m in DATE_ISO_RE.finditer(text):
        add(m, _valid(int(m[1]), int(m[2]), int(m[3])), True)
    for m in DATE_DMY_NAME_RE.finditer(text):
        add(m, _valid(int(m[3]), MONTHS[m[2].lower()], int(m[1])), True)
    for m in DATE_MDY_NAME_RE.finditer(text):
        add(m, _valid(int(m[3]), MONTHS[m[1].lower()], int(m[2])), True)
    for m in DATE_NUMERIC_RE.finditer(text):
        a, sep, b, y = m[1], m[2], int(m[3]), m[4]
        if len(a) > 2:
            continue
        a = int(a)
        yy = int(y)
        if len(y) == 3:
            continue
        dmy = _valid(yy, b, a)
        mdy = _valid(yy, a, b)
        if dmy and mdy and dmy != mdy:
            # A dot separator is a European convention, so it overrides an MDY hint.
            d = dmy if (date_order.upper() != "MDY" or sep == ".") else mdy
            add(m, d, False)
        else:
            add(m, dmy or mdy, True)
    for m in DATE_COMPACT_RE.finditer(text):
        add(m, _valid(int(m[1]), int(m[2]), int(m[3])), True)
    out.sort()
    return out


def parse_date(text: str, date_order: str = "DMY") -> dt.date | None:
    """First date in text, or None."""
    found = find_dates(text or "", date_order)
    return found[0][2] if found else None


def detect_currency(text: str) -> str | None:
    """Most frequently mentioned currency (ISO code or unambiguous symbol) in text."""
    counts: dict[str, int] = {}
    for sym, code in CURRENCY_SYMBOLS.items():
        if code and len(sym) == 1:
            n = text.count(sym)
            if n:
                counts[code] = counts.get(code, 0) + n
    for m in re.finditer(r"(?<![A-Za-z])([A-Z]{3}|RM|Rs\.?|EURO?S?)(?![A-Za-z])", text):
        code = CURRENCY_WORDS.get(m[1].upper())
        if code:
            counts[code] = counts.get(code, 0) + 1
    # A dollar named for its country: "US$ 12", "amounts in US Dollars", "A$", "C$", "S$".
    for m in DOLLAR_NAMED_RE.finditer(text):
        code = DOLLAR_COUNTRIES[(m[1] or m[2]).upper()]
        counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: kv[1])[0]
