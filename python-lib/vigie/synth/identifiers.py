"""Valid French identifiers drawn from a seeded generator, and their deliberately broken twins.

Synthetic claim pages must carry identifiers that pass the same checksums a claims handler's tools apply
(IBAN mod 97, RIB key, Luhn for SIREN/SIRET/RPPS/ADELI/FINESS, NIR key), so that a wrong key is a real signal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# Real French banks: (name, bank code, BIC). The bank code and BIC belong together on a real RIB.
BANKS: tuple[tuple[str, str, str], ...] = (
    ("BNP Paribas", "30004", "BNPAFRPP"),
    ("Société Générale", "30003", "SOGEFRPP"),
    ("LCL - Le Crédit Lyonnais", "30002", "CRLYFRPP"),
    ("La Banque Postale", "20041", "PSSTFRPP"),
    ("CIC", "30066", "CMCIFRPP"),
    ("Crédit Mutuel", "10278", "CMCIFR2A"),
    ("Caisse d'Epargne Ile-de-France", "17515", "CEPAFRPP751"),
    ("Crédit Agricole d'Ile-de-France", "18206", "AGRIFRPP882"),
    ("BRED Banque Populaire", "10107", "BREDFRPP"),
    ("Banque Populaire Rives de Paris", "10207", "CCBPFRPP"),
    ("BoursoBank", "40618", "BOUSFRPP"),
    ("HSBC Continental Europe", "30056", "CCFRFRPP"),
)

# Kinds that carry a check key, accepted by `corrupt_check_digits`.
CHECKED_KINDS = ("iban", "rib_key", "siren", "siret", "nir", "rpps", "adeli", "finess", "numero_fiscal", "cip13")

# ADELI profession digit (third digit of the number), by profession.
ADELI_PROFESSIONS = {"medecin": "1", "chirurgien-dentiste": "2", "pharmacien": "3", "sage-femme": "4",
                     "infirmier": "5", "masseur-kinesitherapeute": "6", "opticien": "7", "audioprothesiste": "8"}

_RIB_LETTERS = {c: str(v) for letters, v in (("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4), ("ENV", 5),
                                             ("FOW", 6), ("GPX", 7), ("HQY", 8), ("IRZ", 9)) for c in letters}


@dataclass(frozen=True)
class BankAccount:
    """A French bank account as printed on a RIB: national parts, IBAN and BIC."""

    bank_name: str
    bank_code: str
    branch_code: str
    account_number: str
    rib_key: str
    iban: str
    bic: str

    def to_dict(self) -> dict:
        return asdict(self)


def _digits(rng: np.random.Generator, n: int) -> str:
    """n random decimal digits."""
    return "".join(str(d) for d in rng.integers(0, 10, size=n))


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def rib_key(bank_code: str, branch_code: str, account_number: str) -> str:
    """The two-digit French RIB key of a bank code, branch code and (possibly alphanumeric) account number."""
    account = "".join(_RIB_LETTERS.get(c, c) for c in account_number.upper())
    remainder = (89 * int(bank_code) + 15 * int(branch_code) + 3 * int(account)) % 97
    return f"{97 - remainder:02d}"


def _mod97(text: str) -> int:
    """ISO 7064 mod 97 of an alphanumeric string, letters counting A=10 .. Z=35."""
    return int("".join(str(int(c, 36)) for c in text)) % 97


def iban_from_bban(country: str, bban: str) -> str:
    """The compact IBAN with correct check digits for a country code and BBAN."""
    check = 98 - _mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def bank_account(rng: np.random.Generator) -> BankAccount:
    """A French account at a real bank: coherent bank code, BIC, RIB key and IBAN."""
    name, bank_code, bic = BANKS[int(rng.integers(len(BANKS)))]
    branch = f"{int(rng.integers(1, 10000)):05d}"
    if bank_code == "20041":  # La Banque Postale accounts carry a letter: 7 digits, letter, 3 digits
        account = _digits(rng, 7) + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(rng.integers(23))] + _digits(rng, 3)
    else:
        account = "0" + _digits(rng, 10)
    key = rib_key(bank_code, branch, account)
    return BankAccount(name, bank_code, branch, account, key, iban_from_bban("FR", bank_code + branch + account + key),
                       bic)


def siren(rng: np.random.Generator) -> str:
    """A 9-digit SIREN with a valid Luhn key (never La Poste's special range)."""
    while True:
        body = str(int(rng.integers(1, 10))) + _digits(rng, 7)
        if not body.startswith("35600000"):
            return body + luhn_check_digit(body)


def siret(rng: np.random.Generator, siren_number: str | None = None) -> str:
    """A 14-digit SIRET: a SIREN, a 4-digit establishment number and a Luhn key over the 14 digits."""
    base = (siren_number or siren(rng)) + f"{int(rng.integers(1, 100)):04d}"
    return base + luhn_check_digit(base)


def nir_key(first13: str) -> str:
    """The two-digit NIR key of the first 13 characters (Corsica 2A/2B counts as 19/18)."""
    number = first13.upper().replace("2A", "19").replace("2B", "18")
    return f"{97 - int(number) % 97:02d}"


def nir(rng: np.random.Generator, sex: int, birth_year: int, birth_month: int, department: str) -> str:
    """A 15-character NIR for a person born in a département: sex, year, month, place, order, key."""
    first13 = (f"{sex}{birth_year % 100:02d}{birth_month:02d}{department}"
               f"{int(rng.integers(1, 1000)):03d}{int(rng.integers(1, 1000)):03d}")
    return first13 + nir_key(first13)


def rpps(rng: np.random.Generator) -> str:
    """An 11-digit RPPS number ("10" + 8 digits + Luhn key), the national practitioner identifier."""
    body = "10" + _digits(rng, 8)
    return body + luhn_check_digit(body)


def adeli(rng: np.random.Generator, department: str, profession: str) -> str:
    """A 9-digit ADELI number: département, profession digit, 5-digit serial, Luhn key."""
    body = department + ADELI_PROFESSIONS[profession] + _digits(rng, 5)
    return body + luhn_check_digit(body)


def finess(rng: np.random.Generator, department: str) -> str:
    """A 9-digit FINESS establishment number: département, 6 digits, Luhn key."""
    body = department + _digits(rng, 6)
    return body + luhn_check_digit(body)


def numero_fiscal(rng: np.random.Generator) -> str:
    """A 13-digit French tax number (SPI): 10 digits starting 0-3, then 3 check digits (mod 511)."""
    body = str(int(rng.integers(0, 4))) + _digits(rng, 9)
    return body + f"{int(body) % 511:03d}"


def ean13_check_digit(payload: str) -> str:
    """The EAN-13 check digit of 12 digits (weights 1, 3 from the left)."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(payload))
    return str((10 - total % 10) % 10)


def cip13(rng: np.random.Generator) -> str:
    """A 13-digit CIP code of a medicine box (prefix 34009, EAN-13 key)."""
    body = "34009" + _digits(rng, 7)
    return body + ean13_check_digit(body)


def _other_value(rng: np.random.Generator, current: int, low: int, high: int) -> int:
    """A value in [low, high] different from `current`."""
    value = int(rng.integers(low, high))
    return value + 1 if value >= current else value


def _corrupt_compact(value: str, kind: str, rng: np.random.Generator) -> str:
    """Swap the check key of a compact identifier for another key that fails validation."""
    if kind == "iban":
        return value[:2] + f"{_other_value(rng, int(value[2:4]), 2, 98):02d}" + value[4:]
    if kind == "nir":
        return value[:13] + f"{_other_value(rng, int(value[13:]), 1, 97):02d}"
    if kind == "rib_key":
        return f"{_other_value(rng, int(value), 1, 97):02d}"
    if kind == "numero_fiscal":
        return value[:10] + f"{_other_value(rng, int(value[10:]), 0, 510):03d}"
    if kind in ("siren", "siret", "rpps", "adeli", "finess", "cip13"):
        return value[:-1] + str(_other_value(rng, int(value[-1]), 0, 9))
    raise ValueError(f"unknown identifier kind {kind!r}; expected one of {CHECKED_KINDS}")


def corrupt_check_digits(value: str, kind: str, rng: np.random.Generator) -> str:
    """The identifier with a wrong check key, keeping its spacing, for deliberate inconsistencies."""
    compact = value.replace(" ", "")
    corrupted = iter(_corrupt_compact(compact, kind, rng))
    return "".join(c if c == " " else next(corrupted) for c in value)


def group(value: str, sizes: tuple[int, ...]) -> str:
    """Split a compact string into space-separated groups of the given sizes (the rest as a last group)."""
    parts, start = [], 0
    for size in sizes:
        if start >= len(value):
            break
        parts.append(value[start:start + size])
        start += size
    if start < len(value):
        parts.append(value[start:])
    return " ".join(parts)


def format_iban(iban: str) -> str:
    """IBAN in groups of four: "FR76 3000 4000 0312 3456 7890 143"."""
    compact = iban.replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def format_nir(number: str) -> str:
    """NIR as printed on a carte Vitale: "1 85 05 78 006 084 36"."""
    return group(number.replace(" ", ""), (1, 2, 2, 2, 3, 3, 2))


def format_siren(number: str) -> str:
    """SIREN in groups of three: "123 456 789"."""
    return group(number.replace(" ", ""), (3, 3, 3))


def format_siret(number: str) -> str:
    """SIRET as SIREN groups plus establishment number: "123 456 789 00012"."""
    return group(number.replace(" ", ""), (3, 3, 3, 5))


def format_numero_fiscal(number: str) -> str:
    """Tax number as printed on an avis d'impôt: "30 23 217 600 053"."""
    return group(number.replace(" ", ""), (2, 2, 3, 3, 3))
