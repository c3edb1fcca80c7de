"""Multilingual label lexicon: what invoices print before (or above) each field.

Languages: English, German, French, Dutch, Estonian, Finnish, Swedish, Spanish, Italian, Polish.
Each field has (pattern, weight) pairs; a more specific label weighs more than a generic one.
Patterns are matched case-insensitively on whole words; German compounds ("Handelsrechnung",
"Rechnungsnummer") are allowed where the language builds them.
"""

from __future__ import annotations

import re

_NO = r"(?:no|nr|nro|num|number|nummer|numero|número|numéro|n°|nº|no\.|#|id|nbr)\.?"


def label_weight(label: str, lexicon: list[tuple[re.Pattern, float]]) -> float:
    """Weight of the lexicon label nearest the end of `label`; 0 when it names a discount, prepayment, ..."""
    best = 0.0
    for pat, w in lexicon:
        for m in pat.finditer(label):
            if NOT_A_TOTAL.search(label[max(0, m.start() - 12) :]):
                continue
            # A label right before the amount is stronger than one far left of it.
            best = max(best, w - min(2.0, (len(label) - m.end()) / 15))
    return best


# OCR with an English model drops the umlauts ("Kaufer/Leistungsempfanger"): a label's ä, ö, ü also
# match a, o, u. (No pattern below puts these letters inside a character class.)
_UMLAUT_OR_NOT = str.maketrans({"ä": "[äa]", "ö": "[öo]", "ü": "[üu]"})


def compile_labels(pairs: list[tuple[str, float]]) -> list[tuple[re.Pattern, float]]:
    return [
        (re.compile(r"(?<![\w])(?:" + p.translate(_UMLAUT_OR_NOT) + r")(?![a-zäöüõåéèàç])", re.I), w)
        for p, w in pairs
    ]


INVOICE_NUMBER = compile_labels(
    [
        (r"invoice\s*" + _NO, 10),
        (r"inv\.?\s*" + _NO, 8),
        (r"tax\s*invoice\s*" + _NO, 10),
        (r"bill\s*" + _NO, 7),
        (r"document\s*" + _NO, 5),
        (r"\w*rechnungs?\s*-?\s*(?:nr|nummer|no)\.?", 10),
        (r"beleg\s*-?\s*(?:nr|nummer)\.?", 8),
        (r"factuur\s*(?:nummer|nr)\.?|factuurnummer", 10),
        (r"(?:n°|no|numéro)\s*(?:de\s*)?facture|facture\s*(?:n°|no|numéro|nº)", 10),
        (r"arve\s*(?:nr|number)\.?|arve\s*nr\.?", 10),
        (r"laskun?\s*(?:numero|nro)\.?|laskunumero", 10),
        (r"faktura\s*(?:nr|nummer)\.?|fakturanummer|fakturanr\.?", 10),
        (r"(?:n[°º]|número|num\.?)\s*(?:de\s*)?factura|factura\s*(?:n[°º]|no|número|nro)\.?", 10),
        (r"(?:n[°º]|numero)\s*(?:di\s*)?fattura|fattura\s*(?:n[°º]|n\.|nr|numero)\.?", 10),
        # Italian, Spanish, Portuguese: "N. documento", "Número de documento", "Documento nº".
        (
            r"(?:n[.°º]|num(?:ero|\.)?|número)\s*(?:de\s*|del\s*)?documento|documento\s*(?:n[.°º]|nr\.?|número)",
            8,
        ),
        (r"(?:nr|numer)\.?\s*faktury|faktura\s*(?:vat\s*)?(?:nr|numer)\.?", 10),
        # The title, some words, then "Nr.": "Rechnung des Lieferanten (12) Nr. 00.111.222.3-2020-1".
        (
            r"(?:\w*rechnung|rechnungskorrektur|\w*gutschrift|stornorechnung|invoice|facture|factuur|faktura|factura|"
            r"fattura|avoir|credit\s*note|debit\s*note|creditnota|hyvityslasku|kreeditarve|kreditfaktura|lasku|arve)"
            r"\b(?:(?!bestell|order|auftrag|liefer|kunde|customer|client|commande)(?:[^:\d]|\(\d{1,4}\))){0,40}?\b"
            + _NO,
            8,
        ),
        # The document title followed by its number: "Invoice AB-2020-0001", "Rechnung Nr. 42".
        (
            r"invoice|\w*rechnung|rechnungskorrektur|facture|factuur|arve|lasku|faktura|factura|fattura|credit\s*note|"
            r"\w*gutschrift|avoir|creditnota|hyvityslasku|kreeditarve|kreditfaktura",
            4,
        ),
    ]
)

ISSUE_DATE = compile_labels(
    [
        (
            r"invoice\s*date|date\s*of\s*(?:issue|invoice)|issue\s*date|date\s*issued|billing\s*date|bill\s*date",
            10,
        ),
        (r"\w*rechnungsdatum|beleg\s*-?\s*datum|ausstellungsdatum|rechnungs?\s*-?\s*datum", 10),
        (r"factuurdatum|datum\s*factuur", 10),
        (r"date\s*(?:de\s*(?:la\s*)?)?facture|date\s*d['’]émission", 10),
        (r"arve\s*kuupäev|väljastamise\s*kuupäev|kuupäev", 8),
        (r"laskun?\s*päivä(?:ys|määrä)|laskupäivä|päiväys", 10),
        (r"fakturadatum|faktureringsdatum", 10),
        (r"fecha\s*(?:de\s*)?(?:la\s*)?factura|fecha\s*(?:de\s*)?emisión", 10),
        (r"data\s*(?:della\s*)?fattura|data\s*(?:di\s*)?emissione", 10),
        (r"data\s*(?:wystawienia|faktury)", 10),
        (r"datum|date|dated|fecha|data|tarikh", 4),
        # "Nr. 1234 vom 01.02.2025", "Invoice # 77 issued at 2021-03-04", "du 05/06/2019".
        (r"vom|issued\s*(?:at|on)|du|del|dd\.", 3),
    ]
)

DUE_DATE = compile_labels(
    [
        (r"due\s*date|payment\s*due(?:\s*date)?|date\s*due|pay(?:able)?\s*by|payment\s*deadline", 10),
        (r"fällig(?:keit(?:sdatum|stag)?|\s*am)?|zahlungsziel|zahlbar\s*bis", 9),
        (r"vervaldatum|uiterste\s*betaaldatum|te\s*betalen\s*voor", 10),
        (r"(?:date\s*d['’])?échéance|date\s*limite\s*(?:de\s*)?(?:paiement|règlement)|à\s*payer\s*avant", 10),
        (r"maksetähtaeg|tasumise\s*tähtaeg|tähtaeg|tasuda\s*hiljemalt|maksta\s*hiljemalt", 10),
        (r"eräpäivä|erääntyy|erääntymispäivä", 10),
        (r"förfallodag(?:um)?|förfallodatum|att\s*betala\s*senast", 10),
        (r"fecha\s*(?:de\s*)?vencimiento|vencimiento", 10),
        (r"(?:data\s*(?:di\s*)?)?scadenza", 10),
        (r"termin\s*(?:płatności|zapłaty)|zapłata\s*do|płatne\s*do|płatność\s*do", 10),
        (r"due|bis", 3),
    ]
)

PO_NUMBER = compile_labels(
    [
        (r"p\.?o\.?\s*" + _NO, 10),
        (r"purchase\s*order(?:\s*" + _NO + r")?", 10),
        (
            r"(?:your\s*)?order\s*"
            + _NO
            + r"|your\s*order|order\s*reference|your\s*reference|buyer\s*reference",
            7,
        ),
        (
            r"bestell(?:nummer|nr\.?|ung(?:\s*nr\.?)?)|bestell\s*-?\s*nr\.?|auftrags?\s*-?\s*(?:nr|nummer)\.?",
            9,
        ),
        (r"ihre\s*bestellung|ihr\s*auftrag", 8),
        (r"(?:bon\s*de\s*)?commande(?:\s*n[°º])?|n[°º]\s*de\s*commande|votre\s*référence", 9),
        (r"ordernummer|bestelnummer|inkoopordernummer|uw\s*referentie", 9),
        (r"tellimus(?:e\s*nr)?|tellimuse\s*number", 9),
        (r"tilausnumero|tilaus|viitteenne", 9),
        (r"beställning(?:snummer)?|ordernr|er\s*referens", 9),
        (r"(?:n[°º]\s*de\s*)?pedido|orden\s*de\s*compra", 9),
        (r"(?:n[°º]\s*)?ordine|ordine\s*d['’]acquisto", 9),
        (r"zamówienie|nr\s*zamówienia", 9),
    ]
)

VAT_NUMBER = compile_labels(
    [
        (r"vat\s*(?:reg(?:istration)?\.?\s*)?(?:no|number|nr|id)?\.?|vat-?id", 10),
        (r"ust\.?\s*-?\s*id\.?\s*-?\s*(?:nr\.?)?|ustid(?:nr)?\.?|umsatzsteuer\s*-?\s*id\w*", 10),
        (r"btw(?:\s*-?\s*(?:nr|nummer|id))?\.?", 9),
        (r"(?:n°\s*|numéro\s*de\s*)?tva(?:\s*intra(?:com\w*)?)?", 9),
        (r"kmkr(?:\s*nr)?\.?|käibemaksukohustuslase\s*number", 10),
        (r"alv\s*-?\s*(?:nro|numero|tunniste)|y-tunnus", 8),
        (r"momsnr|moms\s*reg\.?\s*nr|vat\s*nr", 9),
        (r"nif|cif|n\.?i\.?f\.?|partita\s*iva|p\.\s*iva|nip", 8),
        (r"gst\s*(?:reg\s*)?(?:no|id)\.?|tax\s*id", 6),
    ]
)

REG_NUMBER = compile_labels(
    [
        (r"kvk(?:\s*-?\s*(?:nr|nummer))?", 10),
        (r"registrikood|äriregistri\s*kood", 10),
        (r"handelsregister(?:nummer)?|hr[ab]\s*(?:nr\.?)?|amtsgericht", 8),
        (r"reg(?:istration|\.)?\s*(?:no|nr|code|number)\.?|company\s*(?:no|number|reg)\.?", 8),
        (r"siren|siret|rcs", 8),
        (r"y-tunnus|org\.?\s*nr|organisationsnummer", 8),
        (r"co\.?\s*reg\.?\s*(?:no)?\.?|roc\s*no\.?", 6),
        (r"krs|regon", 8),
        (r"reg\.?\s*kood", 10),
        (
            r"registered\s*in\s*(?:england|scotland|wales|england\s*(?:and|&)\s*wales)(?:\s*(?:no|number))?\.?",
            8,
        ),
        (r"(?:n\.?\s*)?rea|registro\s*(?:delle\s*imprese|mercantil)|codice\s*fiscale", 8),
    ]
)

SELLER_HEADING = compile_labels(
    [
        (r"seller|supplier|vendor|sold\s*by|from|issued\s*by|bill\s*from", 10),
        (r"verkäufer|lieferant|leistungserbringer|rechnungssteller|absender|rechnungsaussteller", 10),
        (r"vendeur|fournisseur|émetteur", 10),
        (r"verkoper|leverancier", 10),
        (r"müüja|tarnija|arve\s*(?:esitaja|väljastaja)", 10),
        (r"myyjä|toimittaja|laskuttaja", 10),
        (r"säljare|leverantör|avsändare", 10),
        (r"vendedor|proveedor|emisor", 10),
        (r"venditore|fornitore|mittente|cedente(?:\s*/\s*prestatore)?", 10),
        (r"sprzedawca|dostawca|wystawca", 10),
    ]
)

# The seller's tax representative (EN 16931 BG-11) prints its own name and VAT number.
TAX_REPRESENTATIVE_HEADING = re.compile(
    r"(?i)repr[ée]sentant\s*fiscal|(?:tax|fiscal)\s*representative|fiskalvertreter|steuer(?:licher)?\s*vertreter|"
    r"fiscaal\s*vertegenwoordiger|rappresentante\s*fiscale|representante\s*fiscal|skatteombud|"
    r"verovelvollisen\s*edustaja|przedstawiciel\s*podatkowy"
)

BUYER_HEADING = compile_labels(
    [
        (
            r"bill(?:ed)?\s*to|invoice\s*to|sold\s*to|buyer|customer(?:\s*name)?|client|(?:billing|invoice)\s*address",
            10,
        ),
        (r"käufer|rechnungsempfänger|leistungsempfänger|kunde|auftraggeber|empfänger|rechnungsadresse", 10),
        (r"acheteur|facturé\s*à|destinataire|adresse\s*de\s*facturation", 10),
        (r"koper|klant|afnemer|gefactureerd\s*aan|factuuradres", 10),
        (r"ostja|maksja|klient|arve\s*saaja", 10),
        (r"ostaja|asiakas|laskutettava|laskutusosoite", 10),
        (r"köpare|kund|faktureras\s*till|fakturaadress", 10),
        (r"comprador|cliente|facturar\s*a|datos\s*del\s*cliente", 10),
        (r"acquirente|committente|cessionario|spett(?:\.|abile)\s*(?:le)?|intestatario", 10),
        (r"nabywca|odbiorca", 10),
    ]
)

SHIP_TO_HEADING = compile_labels(
    [
        (
            r"warenempfänger|lieferanschrift|lieferadresse|ship\s*to|delivery\s*address|deliver\s*to|"
            r"adresse\s*de\s*livraison|afleveradres|tarneaadress|toimitusosoite|leveransadress|"
            r"dirección\s*de\s*entrega|indirizzo\s*di\s*consegna|adres\s*dostawy|payee|zahlungsempfänger",
            10,
        )
    ]
)

# Every party heading: a line that is one of these opens a block and is never a name itself.
PARTY_HEADINGS = SELLER_HEADING + BUYER_HEADING + SHIP_TO_HEADING
# Headings that are common words too (Dutch "Van" / "Aan": from / to, and "van" in "van Loon BV"):
# a heading only when they are all the cell holds.
SELLER_HEADING_ALONE = re.compile(r"(?i)(?:van|from)\s*:?")
BUYER_HEADING_ALONE = re.compile(r"(?i)(?:aan|to)\s*:?")

# A credit note by its title. It may print its totals negative, but EN 16931 states a credit
# note's amounts positive; an invoice printed with negative totals (a correction) is negative.
CREDIT_NOTE = re.compile(
    r"(?i)\b(?:credit\s*note|\w*gutschrift|avoir|creditnota|creditfactuur|hyvityslasku|kreeditarve|"
    r"kreditfaktura|kreditnota|nota\s*(?:di\s*)?credito|nota\s*de\s*crédito|faktura\s*korygująca)\b"
)

# The strong labels of the document's own fields: "Zapłata do", "Data scadenza", "Invoice No." are
# never a party's name, even when they stand right of or under a party heading.
FIELD_LABELS = [
    pat
    for lexicon in (INVOICE_NUMBER, ISSUE_DATE, DUE_DATE, PO_NUMBER)
    for pat, weight in lexicon
    if weight >= 8
]

NAME_LABEL = compile_labels([(r"name|firma|nom|naam|nimi|namn|nombre|nome|nazwa|raison\s*sociale", 10)])

# Amount labels by the total they name. The grand total (VAT included) is what "total" means in
# the schema; the amount due differs from it only after a prepayment, so it weighs less.
# "Netto a pagare", "net to pay": what is left to pay, not the amount without VAT.
_NOT_TO_PAY = r"(?!\s*(?:a\s*pagare|te\s*betalen|to\s*pay|à\s*payer|a\s*pagar|zu\s*zahlen))"

GROSS = compile_labels(
    [
        (
            r"grand\s*total|total\s*(?:amount\s*)?(?:incl\.?|including|inkl\.?)\s*(?:vat|gst|tax)?|invoice\s*total",
            10,
        ),
        (
            r"total\s*(?:amount|invoice)|total\s*(?:eur|usd|gbp|€)|total\s*ttc|montant\s*(?:[a-z]{3}\s*|€\s*)?ttc|"
            r"net\s*à\s*payer|netto\s*a\s*pagare|net\s*to\s*pay|netto\s*te\s*betalen",
            9,
        ),
        (
            r"gesamtbetrag|bruttosumme|rechnungsbetrag|endbetrag|gesamtsumme|brutto(?:betrag)?|summe\s*brutto",
            10,
        ),
        (r"totaal(?:bedrag)?(?:\s*incl\.?\s*btw)?|factuurbedrag", 9),
        (r"kokku(?:\s*(?:summa|tasuda))?|arve\s*summa", 9),
        (r"yhteensä|laskun\s*summa|verollinen\s*yhteensä", 9),
        (r"summa\s*att\s*betala|att\s*betala|totalt|totalbelopp", 9),
        (r"importe\s*total|total\s*factura|total\s*a\s*pagar", 9),
        (r"totale(?:\s*(?:fattura|documento))?|importo\s*totale", 9),
        (r"razem(?:\s*brutto)?|do\s*zapłaty|wartość\s*brutto", 9),
        (
            r"\w*\s*(?:inkl\.?|inklusive|incl\.?|including|inclusive\s*of)\s*(?:\d{1,2}\s*%\s*)?"
            r"\w*(?:steuer|vat|tax|mwst|ust|btw|tva|gst|moms|alv|iva)",
            8,
        ),
        (r"total|summe|gesamt|montant|totaal|summa", 5),
    ]
)
DUE = compile_labels(
    [
        (
            r"amount\s*due|balance\s*due|total\s*due|amount\s*payable|total\s*payable|due\s*payable|to\s*pay",
            8,
        ),
        (r"zahlbetrag|zu\s*zahlen(?:der\s*betrag)?|fälliger\s*betrag", 8),
        (r"te\s*betalen|à\s*payer|reste\s*à\s*payer|residual|tasuda|maksettava|a\s*pagare", 8),
    ]
)
NET = compile_labels(
    [
        (
            r"sub\s*-?\s*total|net\s*(?:total|amount)|total\s*(?:net|excl\.?|excluding|before\s*tax|w/o\s*vat|without\s*vat)",
            10,
        ),
        (
            r"(?:rechnungs)?summe\s*(?:netto|ohne\s*u?st\.?|ohne\s*mwst\.?)|nettobetrag|nettosumme|netto(?:summe)?"
            + _NOT_TO_PAY
            + r"|warenwert|zwischensumme",
            9,
        ),
        (r"total\s*ht|montant\s*(?:[a-z]{3}\s*|€\s*)?ht|total\s*hors\s*taxes?", 10),
        (
            r"subtotaal|totaal\s*excl\.?(?:\s*btw)?|excl\.?\s*btw|exclusief\s*btw|excl(?:usive|uding)\s*(?:of\s*)?(?:vat|tax|gst)",
            10,
        ),
        (r"kokku\s*ilma\s*käibemaksuta|summa\s*ilma\s*km", 10),
        (r"vahesumma|välisumma|delsumma|subtotale|suma\s*częściowa", 9),
        (r"veroton\s*(?:yhteensä|summa)|yhteensä\s*ilman\s*alv|summa\s*ilman\s*alv", 10),
        (r"summa\s*exkl\.?\s*moms|netto(?:belopp)?" + _NOT_TO_PAY, 9),
        (r"base\s*imponible|subtotal|importe\s*neto", 9),
        (r"imponibile|totale\s*imponibile", 9),
        (r"wartość\s*netto|razem\s*netto", 9),
        (r"rechnungssumme\s*ohne|ohne\s*u?st", 8),
    ]
)
TAX = compile_labels(
    [
        (r"total\s*(?:vat|gst|tax(?:es)?)|(?:vat|gst|tax)\s*(?:total|amount)|tax\s*total", 10),
        (
            r"(?:u?st|mwst|vat|tva|btw|alv|moms|iva)\.?\s*(?:gesamt|total|totaal|yhteensä|totalt)|gesamt\s*(?:u?st|mwst)",
            10,
        ),
        (
            r"steuerbetrag|umsatzsteuer|mehrwertsteuer|mwst\.?(?:\s*-?\s*betrag)?|u?st\.?\s*-?\s*betrag|summe\s*u?st",
            9,
        ),
        (r"montant\s*tva|total\s*tva|tva", 8),
        (r"btw(?:\s*bedrag)?|totaal\s*btw", 8),
        (r"käibemaks|km", 8),
        (r"arvonlisävero|alv(?:\s*yhteensä)?|vero", 8),
        (r"moms(?:belopp)?", 8),
        (r"iva|cuota|imposta", 8),
        (r"podatek(?:\s*vat)?|kwota\s*vat", 8),
        (
            r"(?:enthaltene|enthalten|included|davon|dont|inclusief|sisältää)\s*\w*(?:steuer|vat|mwst|ust|tax|tva|btw|alv)",
            9,
        ),
        (r"vat|gst|tax|sst", 6),
    ]
)
# A document-level allowance or charge: "Remise 5,00 % sur 100,00 -5,00" is rate × base = amount
# too, but no VAT row.
ALLOWANCE_OR_CHARGE = re.compile(
    r"(?i)\b(?:\w*rabatt\w*|nachlass|zuschlag|abschlag|discount|allowance|surcharge|charge|remise|rabais|"
    r"ristourne|frais|korting|toeslag|alennus|lisämaksu|allahindlus|juurdehindlus|descuento|recargo|sconto|"
    r"maggiorazione|rabat|upust|narzut)\b"
)

# Not one of the invoice totals even though a total word is present.
NOT_A_TOTAL = re.compile(
    r"(?i)total\s*(?:qty|quantity|items?|discount|savings?|weight|gewicht)|rabatt|discount|abschl[aä]g|"
    r"zuschl[aä]g|skonto|anzahlung|prepaid|payé|paid|betaald|change|tender|cash|rounding|positionssumme|"
    r"basis|base\b(?!\s*imponible)|leergut|deposit|pfand"
)

LINE_HEADER = re.compile(
    r"(?i)\b(?:description|item|product|article|artikel\w*|omschrijving|beschreibung|bezeichnung|"
    r"leistung|kirjeldus|nimetus|désignation|libellé|tuote|nimike|kuvaus|beskrivning|benämning|"
    r"descripción|concepto|descrizione|opis|nazwa|qty|menge|anzahl|aantal|quantity|quantité|qté|"
    r"kogus|määrä|antal|cantidad|quantità|ilość|unit\s*price|price|preis|einzelpreis|nettopreis|prix|"
    r"prijs|hind|hinta|à-hinta|pris|precio|prezzo|cena|amount|betrag|montant|bedrag|summa|importe|"
    r"importo|wartość|nettowert|nettobetrag|gesamt|total|pos|\w+hinta|\w+preis|yhteensä|kpl|stk)\b"
    # Abbreviated quantity headers: "Il.", "Cant.", "Q.tà".
    r"|(?<!\w)(?:il\.|cant\.|q\.tà)(?=\s|$)"
)
DESCRIPTION_HEADER = re.compile(
    r"(?i)^(?:description|item|product|article|artikel(?:bezeichnung)?|omschrijving|beschreibung|bezeichnung|"
    r"leistung|kirjeldus|nimetus|désignation|libellé|tuote|nimike|kuvaus|beskrivning|benämning|"
    r"descripción|concepto|descrizione|opis|nazwa|product\s*title|produkt|produit|producto|prodotto|towar|"
    r"positionsbezeichnung|waren|goods|services?|dienstleistung)\b"
)
QTY_HEADER = re.compile(
    r"(?i)^(?:qty|menge|anzahl|aantal|quantity|quantité|qté|kogus|määrä|antal|cantidad|quantità|ilość|amount)\b"
    r"|^(?:kpl\.?|stk\.?|st\.?|il\.|cant\.|q\.tà)(?=\s|$)"
)
TABLE_END = re.compile(
    r"(?i)^\s*(?:sub\s*-?\s*total|total|totaal|summe|gesamt|zwischensumme|exclusief|kokku|yhteensä|"
    r"net\s*(?:amount|total)|amount\s*due|grand\s*total|tax\s*base|positionssumme|belegsummen|"
    r"steuer\w*|umsatzsteuer\w*|zahlungsbedingungen|payment|totaux|total\s*ht|rechnungsrabatt|"
    r"montant|netto|summa|totalt|importe|totale|razem)\b"
)

# Legal forms and name words that make a line look like a company name.
LEGAL_FORM = re.compile(
    r"(?<![\w])(?:gmbh|ag|kg|kgaa|ohg|e\.\s?k\.|e\.\s?v\.|ug|b\.?\s?v\.?|n\.?v\.?|ltd\.?|limited|plc|llc|inc\.?|"
    r"corp\.?|oü|as|aps|a/s|ab|oy|oyj|s\.?a\.?s?|sarl|eurl|sas|s\.?r\.?l\.?|s\.?p\.?a\.?|s\.?l\.?|"
    r"sp\.\s*z\s*o\.?o\.?|sdn\.?\s*bhd\.?|bhd\.?|pte|pty|uab|sia|kft|s\.r\.o\.|a\.?\s?g\.|mbh|"
    # Nordic partnerships and sole traders; Spanish, Italian and Polish partnership forms
    r"handelsbolag|kommanditbolag|hb|kb|tmi|ky|s\.\s?com\.?|s\.\s?coop\.?|s\.l\.n\.e\.?|s\.n\.c\.|"
    r"s\.a\.s\.|sp\.\s?[jkp]\.|s\.c\.|spółka|gbr|stiftung)(?![\w])",
    re.I,
)

CURRENCY_NAMES = {"euro": "EUR", "euros": "EUR", "dollars": None, "pounds": "GBP"}
