"""OCR-confusion folding: a watchlisted identifier and its OCR misreadings get one key; names fold accents and case."""

from __future__ import annotations

import pytest
from vigie.documents.ocr_confusions import identifier_key, is_identifier_char, name_key, name_match_key, name_tokens


@pytest.mark.parametrize("read", ["FR76 3000 2083 8909 7191 5130 085", "fr76-3000-2083-8909-7191-5130-085",
                                  "FR76 3OOO 2O83 89O9 7I9l 5I3O O85", "FR76.3000.2083.8909.7191.5130.085"])
def test_misread_or_regrouped_iban_gets_the_same_key(read):
    assert identifier_key(read) == identifier_key("FR7630002083890971915130085")


@pytest.mark.parametrize("read", ["485 691 760 00857", "4B5 69I 76O 0O857", "485-691-760-00857", "48S 691 760 00857"])
def test_siret_confusions_in_digit_positions_fold_to_digits(read):
    assert identifier_key(read) == "48569176000857"


def test_different_identifiers_keep_different_keys():
    assert identifier_key("10427705081") != identifier_key("10427705082")
    assert identifier_key("728 899 055") != identifier_key("728 899 056")


def test_empty_identifier_is_refused():
    with pytest.raises(ValueError, match="no letter or digit"):
        identifier_key(" - . ")


def test_separators_and_punctuation_are_not_part_of_identifiers():
    assert not any(is_identifier_char(ch) for ch in " .-/:\u00a0%")
    assert all(is_identifier_char(ch) for ch in "0Aé|")


def test_names_fold_accents_case_punctuation_and_civilities():
    assert name_tokens("Mme Hélène LE GOFF-ÉMERY") == ["helene", "le", "goff", "emery"]
    assert name_key("Dr Rémy DA COSTA") == name_key("remy da costa")


def test_name_match_key_folds_look_alikes_but_not_other_letters():
    assert name_match_key("RAYNAUO Bernard") == name_match_key("Raynaud Bernard")
    assert name_match_key("FOUCHER") != name_match_key("BOUCHER")
