"""Identifier key checks: valid numbers pass, a changed key fails with a reason, uncheckable numbers say so."""

from __future__ import annotations

import pytest
from vigie.documents import identifier_keys as keys

IBAN = "FR7630006000011234567890189"  # bank 30006, branch 00001, account 12345678901, RIB key 89
SIRET = "73282932000074"
NIR_PARIS = "185057800608491"
NIR_CORSICA = "185052A00608435"


def _other_key(number: str, width: int) -> str:
    key = int(number[-width:])
    return number[:-width] + f"{(key + 1) % 10 ** width:0{width}d}"


@pytest.mark.parametrize("check, valid", [
    (keys.check_iban, IBAN), (keys.check_siret, SIRET), (keys.check_siren, SIRET[:9]),
    (keys.check_nir, NIR_PARIS), (keys.check_nir, NIR_CORSICA), (keys.check_rpps, "10003456786"),
    (keys.check_finess, "750712184"), (keys.check_tax_number, "3023217600053"), (keys.check_cip13, "3400930000007"),
])
def test_valid_identifiers_pass_and_a_changed_key_fails(check, valid):
    assert check(valid).valid is True
    width = 2 if check in (keys.check_iban, keys.check_nir) else 3 if check is keys.check_tax_number else 1
    broken = valid[:2] + _other_key(valid[2:4], 2) + valid[4:] if check is keys.check_iban else _other_key(valid, width)
    verdict = check(broken)
    assert verdict.valid is False
    assert verdict.reason


def test_printed_spacing_is_ignored():
    assert keys.check_iban("FR76 3000 6000 0112 3456 7890 189").valid is True
    assert keys.check_nir("1 85 05 2A 006 084 35").valid is True
    assert keys.check_siret("732 829 320 00074").valid is True


def test_corsican_nir_counts_2a_as_19():
    assert keys.check_nir("185052A00608491").valid is False  # the key of the same number born in 78


def test_rpps_needs_eleven_digits():
    verdict = keys.check_rpps("1000345678")
    assert verdict.valid is False and "11 digits" in verdict.reason


def test_finess_key_is_luhn_on_the_first_eight_digits():
    assert keys.check_finess("750712185").valid is False
    assert keys.check_finess("2A0000143").valid is None  # Corsica: shape only


def test_adeli_is_shape_checked_only():
    assert keys.check_adeli("751234567").valid is None
    assert keys.check_adeli("75123456").valid is False


def test_bic_country_must_match_the_iban():
    assert keys.check_bic("BNPAFRPP", IBAN).valid is True
    mismatch = keys.check_bic("DEUTDEFF", IBAN)
    assert mismatch.valid is False and "FR" in mismatch.reason
    assert keys.check_bic("BNPA").valid is False


def test_rib_key_and_the_rib_key_inside_an_iban():
    assert keys.check_rib_key("30006", "00001", "12345678901", "89").valid is True
    assert keys.check_rib_key("30006", "00001", "12345678901", "88").valid is False
    assert keys.rib_key("20041", "01005", "0500013M026") == keys.rib_key("20041", "01005", "05000134026")


def test_french_iban_with_right_check_digits_but_a_wrong_rib_key_fails():
    verdict = keys.check_iban("FR0630006000011234567890188")  # mod 97 holds, RIB key 88 should be 89
    assert verdict.valid is False and "RIB key" in verdict.reason


def test_a_nir_printed_with_a_wrong_key_is_still_nir_shaped_and_other_numbers_are_not():
    wrong_key = NIR_PARIS[:-2] + ("01" if NIR_PARIS[-2:] != "01" else "02")
    assert keys.nir_shaped(NIR_PARIS) and keys.nir_shaped(wrong_key) and not keys.check_nir(wrong_key).valid
    assert not keys.nir_shaped("320240115000123")  # sex digit 3: an invoice number
    assert not keys.nir_shaped("185157800608491")  # birth month 15
    assert not keys.nir_shaped("18505780060849")  # 14 digits
