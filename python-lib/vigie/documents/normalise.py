"""Turn printed text into the canonical values a claims handler keys: amounts "1234.50", ISO dates, compact
upper-case identifiers (repaired from OCR look-alikes only when the identifier's checksum confirms), names.

Every parser takes the text of a few OCR words and returns the canonical value, or None when the text does not
have the shape of that kind of value; none of them raise on bad input.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from typing import Callable, Optional

from stdnum import luhn

from vigie.documents import identifier_keys as keys
from vigie.documents.identifier_keys import KeyCheck

MONTHS_FR = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
             "novembre", "decembre")
# Look-alike glyphs OCR reads in place of a digit; tried only where a checksum can confirm the repair.
DIGIT_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1", "!": "1",
                    "]": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "G": "6", "b": "6", "T": "7", "B": "8",
                    "g": "9", "q": "9"}
LETTER_LOOKALIKES = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
TITLES = ("Dr", "M.", "Mme", "Mlle", "Pr", "Me", "M")
# Words of forms and tables that look like names in capitals but never are part of one.
NOT_NAME_WORDS = frozenset({"total", "ht", "ttc", "tva", "date", "montant", "code", "net", "part", "amo", "amc", "am",
                            "nom", "prenom", "patient", "siret", "rpps", "adeli", "finess", "iban", "bic", "rib",
                            "facture", "devis", "n", "no", "ss", "cpam", "dent", "acte", "libelle", "designation",
                            "reste", "charge", "base", "tel", "page", "ordonnance", "caisse", "pour", "sante",
                            "maladie", "assurance", "mutuelle", "prevoyance", "cabinet", "centre", "clinique",
                            "pharmacie", "hopital", "optique", "audition", "laboratoire", "services", "direction",
                            "impot", "finances", "publiques", "republique", "francaise", "identification",
                            "releve", "decompte", "attestation", "salaire", "carte", "tiers", "payant", "sesam",
                            "vitale", "teletransmission", "feuille", "soins", "medecin", "chirurgien",
                            "chirurgien-dentiste", "dentiste", "opticien", "opticien-lunetier", "orthodontiste",
                            "pharmacien", "infirmier", "infirmiere", "kinesitherapeute", "masseur-kinesitherapeute",
                            "generaliste", "specialiste", "ophtalmologiste", "audioprothesiste", "docteur"})
_EDGE_PUNCT = "|:;,“”‘’„\"'«»()[]{}*_~`"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"(\s*[:;]?\s*(€|¢|EUR|euros?))+$", re.IGNORECASE)  # a speck before it read ":" ("512:€")
_MISREAD_CURRENCY = re.compile(r"(?<=[\dOo])[cC]$")  # "0 €" read "Oc", "4 715 €" "4715C": a euro sign glued to a digit
_ZERO_AS_O = re.compile(r"^[Oo]0?(?=\s*(€|¢)$)")  # and its zero read as the letter ("O €", "O0 €")
_LETTER_O_IN_DIGITS = re.compile(r"(?<=\d)[Oo]|[Oo](?=[,.]?\d)")  # "58 O78 €": a zero read as the letter beside digits
_SPLIT_CENTS = re.compile(r"(\d)(?:[,.]\s+|\s+[,.])(\d{2})(?=\s*(?:€|¢|EUR|euros?)?$)", re.IGNORECASE)  # "390, 00 EUR"
# a space OCR put inside an amount where no thousands space can be, a group after it being shorter than three digits:
# the comma lost before the cents of a sum in euros ("120 00 €", not a phone's "45 67") or a price cut in two
# ("21 0,00" for "210,00")
LOST_COMMA = re.compile(r"(?<![\d,.])(\d{1,3}) (\d{2})(?=\s*(?:€|¢|EUR|euros?)$)", re.IGNORECASE)  # currency shown
_CUT_UNITS = re.compile(r"^(\d{1,3}) (\d{1,2}[,.]\d{2})(?=\s*(?:€|¢|EUR|euros?)?$)", re.IGNORECASE)
_AMOUNT = re.compile(r"^-?(\d{1,3}(?:[ .]\d{3})+|\d+)(?:[,.](\d{2}))?$")
# Day, month, year with "/", "." or "-" between them; OCR may turn one separator into a space or drop it.
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([\s/.\-]*)(\d{1,2})([\s/.\-]*)(\d{4})$")
_LONG_DATE = re.compile(r"^(\d{1,2})(?:er)?\s+([a-z]+)\s+(\d{4})$")
_NAME_TOKEN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*\.?$")
_CAPITALISED_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]+")
_INITIAL = re.compile(r"^[A-ZÀ-ÖØ-Þ]\.$")
_UPPER_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]+$")
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_CCAM = re.compile(r"^[A-Z]{4}\d{3}$")
_NGAP = re.compile(r"^(?P<letters>[A-Z]{1,5})\d{0,2}$")


def strip_accents(text: str) -> str:
    """Text without diacritics (é -> e, ç -> c), by Unicode decomposition."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case text without accents and with single spaces, for comparing labels."""
    return _SPACES.sub(" ", strip_accents(text).casefold()).strip()


def clean_token(text: str) -> str:
    """A word without the punctuation OCR glues to its edges (table rules, colons, quotes)."""
    return text.strip(_EDGE_PUNCT + " ")


def clean_text(text: str) -> str:
    """Words stripped of edge punctuation and joined by single spaces."""
    return " ".join(t for t in (clean_token(w) for w in _SPACES.split(text)) if t)


def parse_amount(text: str, integer_ok: bool = False) -> Optional[str]:
    """A French amount ("1 234,50 €", "1234.50", "20.00 EUR") as "1234.50"; an integer only with a currency
    sign, or grouped in thousands when `integer_ok`; None for anything else (rates "5,5 %", dates, codes)."""
    text = _CUT_UNITS.sub(r"\1\2", LOST_COMMA.sub(r"\1,\2", _SPLIT_CENTS.sub(r"\1,\2", text)))
    body = _LETTER_O_IN_DIGITS.sub("0", _ZERO_AS_O.sub("0", _MISREAD_CURRENCY.sub("€", clean_text(text))))
    has_currency = bool(_CURRENCY.search(body))
    body = _CURRENCY.sub("", body).replace(" ,", ",").strip()
    if body.endswith("€"):
        body, has_currency = body[:-1].strip(), True
    match = _AMOUNT.match(body)
    grouped = bool(match) and len(match[1]) > 3 and not match[1].isdigit()
    if not match or (match[2] is None and not (has_currency or (integer_ok and grouped))):
        return None
    units = re.sub(r"[ .]", "", match[1])
    if match[2] is None and "." in match[1] and not has_currency:
        return None  # "1.234" without cents is more likely a code than an amount
    sign = "-" if body.startswith("-") else ""
    return f"{sign}{int(units)}.{match[2] or '00'}"


ONE_LOOKALIKES = ("l", "I", "i", "L", "|", "!")


FRENCH_VAT_RATES = ("20", "10", "5.5", "2.1", "8.5", "13", "0.9", "1.05", "0")  # mainland, Corsica, overseas


def parse_vat_rate(text: str) -> Optional[str]:
    """A French VAT rate ("5,5 %", "20%") as "5.5", "20", None for any other number; a rate whose comma OCR lost
    ("21 %" for "2,1 %", "55" for "5,5") is given it back, since no rate of 21 or 55 % exists."""
    rate = parse_percent(text)
    if rate is None or rate in FRENCH_VAT_RATES:
        return rate
    repaired = (f"{rate[:cut]}.{rate[cut:]}".rstrip("0").rstrip(".") for cut in range(1, len(rate)))
    return next((r for r in repaired if "." not in rate and r in FRENCH_VAT_RATES), None)


def parse_quantity(text: str) -> Optional[str]:
    """A number of units billed on a line ("2", "x2"), 1 to 999; read in a quantity column only, where a letter
    shaped like a one is that digit ("ll" is 11) and a full stop after it a speck ("1.")."""
    raw = clean_text(text).lstrip("x×").rstrip(".").strip()
    if raw and len(raw) <= 3 and all(ch.isdigit() or ch in ONE_LOOKALIKES for ch in raw):
        raw = "".join("1" if ch in ONE_LOOKALIKES else ch for ch in raw)  # "1" is the digit OCR reads worst: "ll"
    return str(int(raw)) if re.fullmatch(r"\d{1,3}", raw) and int(raw) > 0 else None


_PERCENT = re.compile(r"^(\d{1,3})(?:[,.](\d{1,2}))?\s*[:;]?\s*(%?)$")  # a speck before the sign read ":" ("70:%")


def parse_percent(text: str) -> Optional[str]:
    """A rate ("70 %", "5,5%", "2.1 %", "70:%"; bare "20" in a rate column) as "70", "5.5": above 0 and at most 100, two
    decimals with the percent sign and one without it (so "20,00", an amount, is not a rate; a lone "0" in a rate
    column is a rate whose first digit OCR lost)."""
    match = _PERCENT.match(clean_text(text))
    if not match or int(match[1]) > 100 or (match[2] and len(match[2]) > 1 and not match[3]):
        return None
    decimals = (match[2] or "").rstrip("0")
    if decimals:
        return f"{int(match[1])}.{decimals}"
    return str(int(match[1])) if int(match[1]) > 0 else None


def parse_date(text: str) -> Optional[str]:
    """A French date (15/03/2024, 15.03.2024, 15-03-2024, "15 mars 2024", "1er mars 2024") as "2024-03-15"."""
    body = clean_text(text).replace("O", "0").replace("o", "0") if re.search(r"\d", text) else clean_text(text)
    body = re.sub(r"^[-—–](?=\d[/.\-]\d{2}[/.\-]\d{4}$)", "1", body)  # a day's "1" read as a dash: "-4/07/2025"
    match = _NUMERIC_DATE.match(body.rstrip("."))  # a speck after the year reads as a full stop
    if not match and "/" in body:  # a space OCR put inside a number ("30/1 1/2022")
        match = _NUMERIC_DATE.match(re.sub(r"(?<=\d) (?=\d)", "", body.rstrip(".")))
    if match and (match[2] or match[4]):
        day, month, year = int(match[1]), int(match[3]), int(match[5])
    else:
        long_date = re.sub(r"^[li|]\s?(?=[a-z]{3,} \d{4}$)", "1 ", fold(clean_text(text)))  # "laout 2023": the 1st
        long_date = re.sub(r"^(\d{1,2})(?=[a-z]{3,} \d{4}$)", r"\1 ", long_date)  # "1septembre 2022"
        match = _LONG_DATE.match(long_date)
        month_name = _month(match[2]) if match else None
        if month_name is None:
            return None
        day, month, year = int(match[1]), MONTHS_FR.index(month_name) + 1, int(match[3])
    try:
        return dt.date(year, month, day).isoformat() if 1900 <= year <= 2100 else None
    except ValueError:
        return None


def _month(word: str) -> Optional[str]:
    """The French month a word spells, allowing one OCR slip in names of five letters or more ("avnil")."""
    if word in MONTHS_FR:
        return word
    close = [m for m in MONTHS_FR if len(m) >= 5 and len(word) == len(m) and sum(a != b for a, b in zip(word, m)) == 1]
    return close[0] if len(close) == 1 else None


def compact(text: str) -> str:
    """Upper-case text without spaces, dots, dashes or edge punctuation: how identifiers are keyed."""
    return re.sub(r"[\s.\-/\u00a0]", "", clean_text(text)).upper()


def _key_valid(check: Callable[[str], KeyCheck]) -> Callable[[str], bool]:
    return lambda number: check(number).valid is True


def _adeli_key_valid(number: str) -> bool:
    """ADELI numbers have no published key rule, but most carry a Luhn key: good enough to choose a repair."""
    return len(number) == 9 and number.isdigit() and luhn.is_valid(number)


# Whether a repaired spelling passes its identifier's key: the checks of identifier_keys, one place for the rules.
CHECKSUMS: dict[str, Callable[[str], bool]] = {
    "nir": _key_valid(keys.check_nir), "siret": _key_valid(keys.check_siret), "rpps": _key_valid(keys.check_rpps),
    "finess": _key_valid(keys.check_finess), "iban": _key_valid(keys.check_iban),
    "nif": _key_valid(keys.check_tax_number), "adeli": _adeli_key_valid,
}
LENGTHS = {"nir": (15,), "siret": (14,), "rpps": (11,), "adeli": (9,), "finess": (9,), "iban": (27,), "nif": (13,)}


def _variants(text: str, limit: int = 64) -> list[str]:
    """Spellings of `text` with each look-alike kept or read as its digit (at most `limit`, all-digit first)."""
    options = [[DIGIT_LOOKALIKES[ch], ch] if ch in DIGIT_LOOKALIKES else [ch] for ch in text]
    return ["".join(p) for p in itertools.islice(itertools.product(*options), limit)]


def parse_checked_id(text: str, kind: str) -> Optional[tuple[str, bool]]:
    """A checksummed identifier (nir, siret, rpps, adeli, finess, iban, nif: the tax number) as (compact value,
    checksum valid).

    Look-alike letters (O, I, S, B ...) are read as digits only when the repaired value passes its checksum; a
    value printed with a wrong key (a real inconsistency) is returned as printed, marked invalid."""
    raw = compact(text)
    prefix = 2 if kind == "iban" else 0
    head = "".join(LETTER_LOOKALIKES.get(ch, ch) for ch in raw[:prefix])
    body = raw[prefix:]
    if len(raw) not in LENGTHS[kind] or (prefix and not head.isalpha()) or not body.isalnum():
        return None
    spellings = [head + variant for variant in _variants(body)]
    valid = [s for s in spellings if _shaped(s, kind) and CHECKSUMS[kind](s)]
    if valid:
        return valid[0], True
    shaped = [s for s in spellings if _shaped(s, kind)]
    return (shaped[0], False) if shaped else None


def _shaped(number: str, kind: str) -> bool:
    """All digits, except an IBAN: country letters, two check digits, then a BBAN that may hold letters."""
    return number[2:4].isdigit() and number[4:].isalnum() if kind == "iban" else number.isdigit()


def parse_bic(text: str) -> Optional[str]:
    """A BIC (8 or 11 characters: bank, country, location, optional branch) as compact upper case."""
    raw = compact(text)
    if len(raw) not in (8, 11):
        return None
    fixed = "".join(LETTER_LOOKALIKES.get(ch, ch) for ch in raw[:6]) + raw[6:]
    return fixed if _BIC.match(fixed) else None


# The key letters of the French nomenclatures a care document bills in letters: NGAP consultations, visits and
# technical acts with their surcharges, the hospital's daily and emergency packages and patient contributions, the
# pharmacist's dispensing fees. An upper-case word of that shape outside the list ("TOTAL", "NON", "SANS") is a
# heading or a note, never an act; AMO and AMC are left out since they head the insurers' share columns.
CASELESS_SHAPES = "cosvwxz"  # small letters shaped like their capitals: OCR reads a capital "CS" as "cs"
NGAP_KEY_LETTERS = frozenset("""
    C CS G GS V VS VG VU APC APV APY APU CNPSY CSC CDE COE CCP CCX CCE TCG TC TCS TLC TLS TE
    MD MDN MDI MDD MM MN MU MPC MCS MCG MCU MGE MEG MOP MPJ MSH MIC MTX MRT MUT NFP NFE
    K KC KE KMB Z ZM ZN SF SFI SP SC DC TO AMI AMK AMS AMP AMY AIS DI BSA BSB BSC POD IFD IFI IK IKM IKS RKD
    FJH FPU PJ PAV CP GHS SE ATU FFM APE HD HDA HDE HDR HG PH PMR
    """.split())


def in_capitals(text: str) -> bool:
    """Whether a word reads as printed in capitals: no small letter but those shaped like their capital, which OCR
    reads either way ("cs" for "CS"; "cp" in a drug's name is not in capitals)."""
    return not any(ch.islower() and ch not in CASELESS_SHAPES for ch in text)


def parse_act_code(text: str) -> Optional[str]:
    """An act code: CCAM (4 letters 3 digits, digits repaired from look-alikes), LPP (7 digits), CIP13
    (13 digits) or a key letter of NGAP_KEY_LETTERS (CS, AMI, HDA ...), with an optional coefficient."""
    raw = compact(text)
    if len(raw) == 7 and raw[:4].isalpha():
        fixed = raw[:4] + "".join(DIGIT_LOOKALIKES.get(ch, ch) for ch in raw[4:])
        return fixed if _CCAM.match(fixed) else None
    if raw.isdigit() and len(raw) in (7, 13):
        return raw
    if " " in clean_text(text):
        return None  # a letter code prints as one word
    if re.fullmatch(r"([A-Z])\1", raw) and clean_text(text)[1:2].islower():
        raw = raw[0]  # a lone capital OCR read twice, the second time small ("Cc" for "C")
    match = _NGAP.match(raw)
    return raw if match and match["letters"] in NGAP_KEY_LETTERS else None


def parse_number(text: str) -> Optional[str]:
    """A reference number (invoice, quote, statement, contract, tax ids): 4 to 20 characters, at least 4 digits,
    at most 3 letters, dashes allowed; compact upper case."""
    raw = re.sub(r"[\s\u00a0]", "", clean_text(text)).upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9\-/]{3,19}", raw) or sum(c.isalpha() for c in raw) > 3:
        return None
    return raw if sum(c.isdigit() for c in raw) >= 4 else None


def parse_avis_reference(text: str) -> Optional[str]:
    """The reference of a French tax notice: 13 characters, digits with at most one letter, printed in groups;
    compact upper case (a postal code and town, "64000 PAU", is not one)."""
    raw = re.sub(r"[\s\u00a0]", "", clean_text(text)).upper()
    return raw if re.fullmatch(r"[0-9A-Z]{13}", raw) and sum(c.isalpha() for c in raw) <= 1 else None


def parse_year(text: str) -> Optional[str]:
    """A four-digit year between 1900 and 2100."""
    raw = clean_text(text)
    return raw if re.fullmatch(r"(19|20)\d\d", raw) else None


# Common French first names whose accents Tesseract tends to drop or swap ("Emile" for "Émile", "Inés" for
# "Inès"): a first name read without its accents is given them back. Surnames, printed in capitals, are not.
ACCENTED_FIRST_NAMES = tuple(
    "Adélaïde Adèle Agnès Aimé Aimée Amélie Anaëlle Anaïs André Andrée Angèle Aurélie Aurélien Benoît Bérénice "
    "Cécile Célina Céline Chloé Clémence Clément Déborah Désiré Dorothée Édith Édouard Éléonore Élisabeth Élise "
    "Élodie Éloïse Émile Émilie Émilien Éric Étienne Eugène Ève Évelyne Félix François Françoise Frédéric "
    "Frédérique Gaël Gaëlle Gaëtan Geneviève Gérald Gérard Grégoire Grégory Hélène Hervé Honoré Inès Irène "
    "Jérémie Jérémy Jérôme Joël Joëlle Josée Josèphe Joséphine Léa Léna Léo Léon Léonard Léonie Loïc Maël Maëlle "
    "Maïté Mégane Mélanie Mélissa Michèle Mickaël Mylène Noé Noël Noémi Noémie Océane Pénélope Raphaël Raphaëlle "
    "Régine Régis Rémi Rémy René Renée Sébastien Séverine Solène Stéphane Stéphanie Sylvère Théo Théodore "
    "Théophile Thérèse Timothée Valérie Valérien Véronique Zoé".split())
_FIRST_NAME_BY_KEY = {fold(name): name for name in ACCENTED_FIRST_NAMES}
# Common French surnames that are always spelled with an accent, which Tesseract drops on capitals ("CLEMENT" for
# "CLÉMENT"); none of them is also a usual surname without its accent, so giving it back is safe.
ACCENTED_SURNAMES = tuple(
    "Bègue Bérard Bérenger Chrétien Clément Dupré Écuyer François Gérard Grégoire "
    "Guérin Guérard Héraud Hervé Labbé Lefèvre Lelièvre Lemaître Léger Lévêque "
    "Lévy Maréchal Mendès Métayer Noël Prévost Rémy Rivière Sénéchal Thébault Vallée Étienne "
    "Daniélou Frère Bélanger Ferrière Pélissier".split())
_SURNAME_BY_KEY = {fold(name): name.upper() for name in ACCENTED_SURNAMES}


def restore_accents(name: str) -> str:
    """A name with each first name spelled as in the accented first-name list, and each surname in capitals as in
    the accented surname list, when OCR lost or swapped its accents; unknown words are left as read."""
    return " ".join(_SURNAME_BY_KEY.get(fold(w), w) if len(w) > 1 and w.isupper()
                    else _FIRST_NAME_BY_KEY.get(fold(w), w) if w[:1].isupper() else w
                    for w in name.split(" "))


def parse_name(text: str) -> Optional[str]:
    """A person name as printed ("Dr Louis GOSSELIN", "M. DELAUNAY Tristan"): optional title, two to five words,
    a surname in capitals and a first name in lower case; two such names joined by "ou" or "et" (a joint tax
    notice) also count."""
    cleaned = _repaired_title(clean_text(text))
    for joiner in (" ou ", " et "):
        if joiner in cleaned:
            parts = cleaned.split(joiner)
            return restore_accents(cleaned) if len(parts) == 2 and all(_single_name(p) for p in parts) else None
    return restore_accents(cleaned) if _single_name(cleaned) else None


# Civilities as OCR misreads them, and their printed form ("M" lost its dot as edge punctuation).
TITLE_MISREADS = {"M": "M.", "IM.": "M.", "Mmie": "Mme", "Mrne": "Mme", "Mne": "Mme", "Mmé": "Mme"}


_GLUED_DOCTOR = re.compile(r"^Dr([a-zà-ÿ]{3,})$")  # "Drisaac": OCR lost the space and the first name's capital


def _repaired_title(text: str) -> str:
    """A name's leading civility as printed: a misread one repaired, one glued to the first name ("Drisaac")
    split off, a doubled one ("M. M.") or a speck read before it ("I Mme") dropped."""
    tokens = text.split(" ")
    glued = _GLUED_DOCTOR.match(tokens[0]) if len(tokens) > 1 else None
    if glued:
        tokens = ["Dr", glued[1].capitalize(), *tokens[1:]]
    if len(tokens) > 2 and len(tokens[0]) == 1 and TITLE_MISREADS.get(tokens[1], tokens[1]) in TITLES \
            and tokens[1] != "M":
        tokens = tokens[1:]
    if tokens and tokens[0] in TITLE_MISREADS and len(tokens) > 2:
        tokens[0] = TITLE_MISREADS[tokens[0]]
    if len(tokens) > 3 and TITLE_MISREADS.get(tokens[1], tokens[1]) == tokens[0] and tokens[0] in TITLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def _single_name(text: str) -> bool:
    tokens = text.split(" ")
    if any(t in TITLES for t in tokens[1:-2]) or any(t in TITLES and t not in ("M.", "M") for t in tokens[1:]):
        return False  # a civility opens a name: what precedes it ("Assuré(e) M. Franck PEREIRA") is not a name
    body = tokens[1:] if tokens and tokens[0] in TITLES else tokens
    if not 2 <= len(body) <= 5 or not all(_NAME_TOKEN.match(t) for t in body):
        return False
    if any(fold(t).strip(".") in NOT_NAME_WORDS for t in body):
        return False
    first_name = any(_CAPITALISED_TOKEN.match(t) or _INITIAL.match(t) for t in body)
    if not any(_UPPER_TOKEN.match(t) for t in body) or not first_name:
        return False  # a surname in capitals and a first name or initial: "IDENTIFICATION DU" is a heading
    particles = ("de", "du", "des", "le", "la", "d'")  # inside a name, never its first word ("du Dr ...")
    return body[0][0].isupper() and all(t[0].isupper() or t in particles for t in body)


# A beneficiary's printed relation to the insured, by the folded first letters of its word, as commonly printed.
RELATIONS = {"assure": "Assuré(e)", "conjoint": "Conjoint(e)", "enfant": "Enfant", "ayant droit": "Ayant droit"}


def parse_relation(text: str) -> Optional[str]:
    """A printed relation to the insured ("Conjoint(e)", "Enfant", "Assuré(e)") in its usual printed form; None
    for any other text."""
    folded = re.sub(r"[^a-z ]", "", fold(text)).strip()
    for stem, printed in RELATIONS.items():
        if folded in (stem, stem + "e") or re.fullmatch(stem + r"\s?e?", folded):
            return printed
    return None
