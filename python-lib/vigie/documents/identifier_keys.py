"""Check keys of the identifiers a French claim carries: IBAN, BIC, RIB key, SIREN, SIRET, NIR, RPPS, FINESS,
ADELI, tax number (SPI) and CIP-13 medicine codes.

A wrong key means a mistyped, misread or fabricated number. Each function takes the identifier as printed (spaces,
dots and dashes are ignored) and says valid / invalid with a readable reason, or `valid=None` when the number has
no key rule that can be applied (the shape is then the only thing checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from stdnum import bic as stdnum_bic
from stdnum import ean, iban, luhn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import nif, nir, siren, siret

_SEPARATORS = re.compile(r"[\s.\-/]")
_RIB_LETTER_VALUES = {letter: str(value) for letters, value in (("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4),
                                                                  ("ENV", 5), ("FOW", 6), ("GPX", 7), ("HQY", 8),
                                                                  ("IRZ", 9))
                      for letter in letters}
_CORSICA = ("2A", "2B")


@dataclass(frozen=True)
class KeyCheck:
    """The verdict on one identifier: valid (True), invalid (False) or not checkable (None), and why."""

    identifier: str  # "iban", "siret", "nir", ...
    value: str  # compact form that was checked
    valid: Optional[bool]
    reason: str


def compact(value: str) -> str:
    """The identifier upper-cased without spaces, dots, dashes or slashes, as keys are computed on it."""
    return _SEPARATORS.sub("", str(value)).upper()


def _stdnum_reason(error: ValidationError, what: str) -> str:
    if isinstance(error, InvalidChecksum):
        return f"the check key of this {what} is wrong"
    if isinstance(error, InvalidLength):
        return f"this {what} has the wrong number of characters"
    if isinstance(error, InvalidComponent):
        return f"a component of this {what} does not exist"
    if isinstance(error, InvalidFormat):
        return f"this {what} has characters where digits are expected or the wrong layout"
    return f"this {what} is not valid: {error}"


def _stdnum_check(identifier: str, what: str, value: str, validate: Callable[[str], str]) -> KeyCheck:
    number = compact(value)
    try:
        validate(number)
    except ValidationError as error:
        return KeyCheck(identifier, number, False, _stdnum_reason(error, what))
    return KeyCheck(identifier, number, True, f"valid {what}")


def _luhn_check(identifier: str, what: str, value: str, length: int) -> KeyCheck:
    number = compact(value)
    if len(number) != length or not number.isdigit():
        return KeyCheck(identifier, number, False, f"a {what} has {length} digits, got {number!r}")
    if not luhn.is_valid(number):
        return KeyCheck(identifier, number, False, f"the Luhn key of this {what} is wrong")
    return KeyCheck(identifier, number, True, f"valid {what}")


def check_iban(value: str) -> KeyCheck:
    """IBAN: ISO 13616 mod-97 check digits and the country's account layout; for a French IBAN also the RIB key
    inside it."""
    result = _stdnum_check("iban", "IBAN", value, iban.validate)
    number = result.value
    if result.valid and number.startswith("FR") and len(number) == 27:
        bank, branch, account, key = number[4:9], number[9:14], number[14:25], number[25:27]
        inner = check_rib_key(bank, branch, account, key)
        if not inner.valid:
            return KeyCheck("iban", number, False, f"the RIB key inside this IBAN is wrong ({inner.reason})")
    return result


def rib_key(bank_code: str, branch_code: str, account_number: str) -> Optional[str]:
    """The two-digit French RIB key of bank code (5 digits), branch code (5 digits) and account (11 characters,
    letters counting by the banks' table); None when the parts have the wrong shape."""
    bank, branch, account = compact(bank_code), compact(branch_code), compact(account_number)
    if not (len(bank) == 5 and bank.isdigit() and len(branch) == 5 and branch.isdigit() and len(account) == 11
            and account.isalnum()):
        return None
    digits = "".join(_RIB_LETTER_VALUES.get(c, c) for c in account)
    remainder = (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97
    return f"{97 - remainder:02d}"


def check_rib_key(bank_code: str, branch_code: str, account_number: str, key: str) -> KeyCheck:
    """The RIB key printed next to a French account (clé RIB) against its bank, branch and account number."""
    expected = rib_key(bank_code, branch_code, account_number)
    printed = compact(key)
    number = compact(bank_code) + compact(branch_code) + compact(account_number) + printed
    if expected is None:
        return KeyCheck("rib_key", number, False, "bank code, branch code or account number has the wrong shape")
    if printed != expected:
        return KeyCheck("rib_key", number, False, f"RIB key {printed} should be {expected}")
    return KeyCheck("rib_key", number, True, "valid RIB key")


def check_bic(value: str, iban_value: Optional[str] = None) -> KeyCheck:
    """BIC (ISO 9362): 8 or 11 characters, bank code, a real country code; when an IBAN is given, the BIC's
    country must be the IBAN's (a French account is held at a French bank)."""
    result = _stdnum_check("bic", "BIC", value, stdnum_bic.validate)
    if not result.valid or iban_value is None:
        return result
    account_country = compact(iban_value)[:2]
    if account_country.isalpha() and result.value[4:6] != account_country:
        return KeyCheck("bic", result.value, False,
                        f"BIC country {result.value[4:6]} differs from the IBAN's country {account_country}")
    return result


def check_siren(value: str) -> KeyCheck:
    """SIREN: 9 digits with a Luhn key."""
    return _stdnum_check("siren", "SIREN", value, siren.validate)


def check_siret(value: str) -> KeyCheck:
    """SIRET: 14 digits, a valid SIREN and a Luhn key over the 14 digits (La Poste's establishments excepted)."""
    return _stdnum_check("siret", "SIRET", value, siret.validate)


def check_nir(value: str) -> KeyCheck:
    """NIR (social security number): 13 characters and a mod-97 key, Corsica's 2A / 2B counting as 19 / 18."""
    return _stdnum_check("nir", "NIR", value, nir.validate)


def nir_shaped(value: str) -> bool:
    """Whether 15 digits are laid out as a NIR, whatever its key: sex 1, 2, 7 or 8, a birth month 01-12 (20 and
    30-42 for unknown months, 50 and over for provisional numbers), a key 01-97. A number printed with a wrong key
    still reads as a NIR; an invoice or contract number of 15 digits seldom does."""
    number = compact(value)
    if len(number) != 15 or not number.isdigit() or number[0] not in "1278":
        return False
    month, key = int(number[3:5]), int(number[13:])
    return (1 <= month <= 12 or month == 20 or 30 <= month <= 42 or month >= 50) and 1 <= key <= 97


def rpps_shaped(value: str) -> bool:
    """Whether a number is laid out as an RPPS number, whatever its key: 11 digits starting 10, as every RPPS
    number issued does (a part of a SIRET or a phone number seldom does)."""
    number = compact(value)
    return len(number) == 11 and number.isdigit() and number.startswith("10")


SHAPED = {"nir": nir_shaped, "rpps": rpps_shaped}  # identifiers recognisable by their layout alone


def check_rpps(value: str) -> KeyCheck:
    """RPPS practitioner number: 11 digits, the last a Luhn key."""
    return _luhn_check("rpps", "RPPS number", value, 11)


def check_finess(value: str) -> KeyCheck:
    """FINESS establishment number: 9 characters, the 9th the Luhn key of the first 8; Corsican numbers (2A, 2B)
    carry letters the key rule does not define, so only their shape is checked."""
    number = compact(value)
    if len(number) == 9 and number[:2] in _CORSICA and number[2:].isdigit():
        return KeyCheck("finess", number, None, "Corsican FINESS number: shape checked, key not computable")
    return _luhn_check("finess", "FINESS number", number, 9)


def check_adeli(value: str) -> KeyCheck:
    """ADELI number: 9 characters (département, profession digit, serial, key). No published key rule is
    applied, so a well-shaped number is reported as not checkable and a misshapen one as invalid."""
    number = compact(value)
    if len(number) == 9 and (number.isdigit() or (number[:2] in _CORSICA and number[2:].isdigit())):
        return KeyCheck("adeli", number, None, "ADELI number: shape checked, no key rule applied")
    return KeyCheck("adeli", number, False, f"an ADELI number has 9 digits, got {number!r}")


def check_tax_number(value: str) -> KeyCheck:
    """French tax number (numéro fiscal, SPI): 13 digits, first 0-3, last three the first ten mod 511."""
    return _stdnum_check("numero_fiscal", "tax number", value, nif.validate)


def check_cip13(value: str) -> KeyCheck:
    """CIP-13 medicine code (3400...): 13 digits with an EAN-13 key."""
    return _stdnum_check("cip13", "CIP-13 code", value, ean.validate)


# The single-value key checks, by the corpus field name that carries the identifier.
FIELD_CHECKS: dict[str, Callable[[str], KeyCheck]] = {
    "iban": check_iban, "siren": check_siren, "siret": check_siret, "nir": check_nir, "rpps": check_rpps,
    "finess": check_finess, "adeli": check_adeli, "numero_fiscal": check_tax_number,
}
