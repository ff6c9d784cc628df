"""Valid French identifiers drawn from a seeded generator, and their deliberately broken twins.

Synthetic claim pages must carry identifiers that pass the same checksums a claims handler's tools apply
(IBAN mod 97, RIB key, Luhn for SIREN/SIRET/RPPS/ADELI/FINESS, NIR key), so that a wrong key is a real signal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from stdnum import ean, luhn
from stdnum import iban as stdnum_iban
from stdnum.fr import nif
from stdnum.fr import nir as stdnum_nir

from vigie.documents.identifier_keys import rib_key

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


def iban_from_bban(country: str, bban: str) -> str:
    """The compact IBAN with correct check digits for a country code and BBAN."""
    return f"{country}{stdnum_iban.calc_check_digits(country + '00' + bban)}{bban}"


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
            return body + luhn.calc_check_digit(body)


def siret(rng: np.random.Generator, siren_number: str | None = None) -> str:
    """A 14-digit SIRET: a SIREN, a 4-digit establishment number and a Luhn key over the 14 digits."""
    base = (siren_number or siren(rng)) + f"{int(rng.integers(1, 100)):04d}"
    return base + luhn.calc_check_digit(base)


def nir(rng: np.random.Generator, sex: int, birth_year: int, birth_month: int, department: str) -> str:
    """A 15-character NIR for a person born in a département: sex, year, month, place, order, key."""
    first13 = (f"{sex}{birth_year % 100:02d}{birth_month:02d}{department}"
               f"{int(rng.integers(1, 1000)):03d}{int(rng.integers(1, 1000)):03d}")
    return first13 + stdnum_nir.calc_check_digits(first13)


def rpps(rng: np.random.Generator) -> str:
    """An 11-digit RPPS number ("10" + 8 digits + Luhn key), the national practitioner identifier."""
    body = "10" + _digits(rng, 8)
    return body + luhn.calc_check_digit(body)


def adeli(rng: np.random.Generator, department: str, profession: str) -> str:
    """A 9-digit ADELI number: département, profession digit, 5-digit serial, Luhn key."""
    body = department + ADELI_PROFESSIONS[profession] + _digits(rng, 5)
    return body + luhn.calc_check_digit(body)


def finess(rng: np.random.Generator, department: str) -> str:
    """A 9-digit FINESS establishment number: département, 6 digits, Luhn key."""
    body = department + _digits(rng, 6)
    return body + luhn.calc_check_digit(body)


def numero_fiscal(rng: np.random.Generator) -> str:
    """A 13-digit French tax number (SPI): 10 digits starting 0-3, then 3 check digits (mod 511)."""
    body = str(int(rng.integers(0, 4))) + _digits(rng, 9)
    return body + nif.calc_check_digits(body)


def cip13(rng: np.random.Generator) -> str:
    """A 13-digit CIP code of a medicine box (prefix 34009, EAN-13 key)."""
    body = "34009" + _digits(rng, 7)
    return body + ean.calc_check_digit(body)


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
