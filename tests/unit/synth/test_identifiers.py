"""Generated French identifiers pass the checksums claims handlers apply, and corrupted ones fail them."""

from __future__ import annotations

import numpy as np
import pytest
from stdnum import bic as stdnum_bic
from stdnum import ean, luhn
from stdnum import iban as stdnum_iban
from stdnum.fr import nif, nir, siren, siret
from vigie.documents.identifier_keys import rib_key
from vigie.synth import identifiers as ids

N = 200


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240611)


def _rib_key_reference(bank: str, branch: str, account: str) -> int:
    """The RIB key written independently: letters map to digits by the banks' table, key = 97 - n mod 97."""
    table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
    number = int(bank + branch + account.upper().translate(table) + "00")
    return 97 - number % 97


def test_bank_accounts_have_valid_iban_bic_and_rib_key(rng):
    for _ in range(N):
        account = ids.bank_account(rng)
        assert stdnum_iban.is_valid(account.iban)
        assert account.iban.startswith("FR")
        assert account.iban[4:] == account.bank_code + account.branch_code + account.account_number + account.rib_key
        assert stdnum_bic.is_valid(account.bic) and account.bic[4:6] == "FR" and len(account.bic) in (8, 11)
        assert int(account.rib_key) == _rib_key_reference(account.bank_code, account.branch_code,
                                                          account.account_number)
        assert (account.bank_name, account.bank_code, account.bic) in ids.BANKS


def test_la_banque_postale_accounts_with_letters_stay_valid():
    key = rib_key("20041", "01005", "0500013M026")
    assert int(key) == _rib_key_reference("20041", "01005", "0500013M026")
    assert stdnum_iban.is_valid(ids.iban_from_bban("FR", "20041010050500013M026" + key))


def test_siren_siret_rpps_adeli_finess_pass_luhn(rng):
    for _ in range(N):
        s = ids.siren(rng)
        assert siren.is_valid(s)
        t = ids.siret(rng, s)
        assert siret.is_valid(t) and t.startswith(s) and len(t) == 14
        r = ids.rpps(rng)
        assert len(r) == 11 and r.startswith("10") and luhn.is_valid(r)
        a = ids.adeli(rng, "69", "opticien")
        assert len(a) == 9 and a.startswith("697") and luhn.is_valid(a)
        f = ids.finess(rng, "33")
        assert len(f) == 9 and f.startswith("33") and luhn.is_valid(f)
        assert nif.is_valid(ids.numero_fiscal(rng))


def test_nir_is_consistent_with_sex_birth_and_place(rng):
    for sex, year, month, dept in [(1, 1985, 5, "78"), (2, 2001, 12, "2A"), (2, 1950, 1, "2B"), (1, 1999, 7, "06")]:
        number = ids.nir(rng, sex, year, month, dept)
        assert nir.is_valid(number)
        assert number[0] == str(sex) and number[1:3] == f"{year % 100:02d}" and number[3:5] == f"{month:02d}"
        assert number[5:7] == dept


@pytest.mark.parametrize("kind", ids.CHECKED_KINDS)
def test_corrupted_check_digits_always_fail(rng, kind):
    makers = {
        "iban": lambda: ids.bank_account(rng).iban, "rib_key": lambda: ids.bank_account(rng).rib_key,
        "siren": lambda: ids.siren(rng), "siret": lambda: ids.siret(rng),
        "nir": lambda: ids.nir(rng, 1, 1970, 3, "75"), "rpps": lambda: ids.rpps(rng),
        "adeli": lambda: ids.adeli(rng, "13", "medecin"), "finess": lambda: ids.finess(rng, "59"),
        "numero_fiscal": lambda: ids.numero_fiscal(rng), "cip13": lambda: ids.cip13(rng),
    }
    validators = {"iban": stdnum_iban.is_valid, "siren": siren.is_valid, "siret": siret.is_valid,
                  "nir": nir.is_valid, "rpps": luhn.is_valid, "adeli": luhn.is_valid, "finess": luhn.is_valid,
                  "numero_fiscal": nif.is_valid, "cip13": ean.is_valid}
    for _ in range(N):
        value = makers[kind]()
        wrong = ids.corrupt_check_digits(value, kind, rng)
        assert wrong != value and len(wrong) == len(value)
        if kind == "rib_key":
            continue  # a bare key has nothing to validate on its own; only its difference matters
        assert validators[kind](value)
        assert not validators[kind](wrong)


def test_corruption_keeps_spacing(rng):
    printed = ids.format_iban(ids.bank_account(rng).iban)
    wrong = ids.corrupt_check_digits(printed, "iban", rng)
    assert [i for i, ch in enumerate(wrong) if ch == " "] == [i for i, ch in enumerate(printed) if ch == " "]
    assert stdnum_iban.is_valid(printed) and not stdnum_iban.is_valid(wrong)


def test_formats():
    assert ids.format_nir("185057800608436") == "1 85 05 78 006 084 36"
    assert ids.format_siret("12345678900012") == "123 456 789 00012"
    assert ids.format_siren("123456789") == "123 456 789"
    assert ids.format_iban("FR7630004000031234567890143") == "FR76 3000 4000 0312 3456 7890 143"
    assert ids.format_numero_fiscal("3023217600053") == "30 23 217 600 053"


def test_unknown_kind_is_refused(rng):
    with pytest.raises(ValueError):
        ids.corrupt_check_digits("123", "vat", rng)
