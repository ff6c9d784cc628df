"""Value normalisation: what a claims handler keys must come out of printed French text, identifiers repaired from
OCR look-alikes only when their checksum confirms it."""

import pytest
from vigie.documents import normalise as nz


@pytest.mark.parametrize("text, expected", [
    ("1 234,50 €", "1234.50"), ("1\u202f234,50 €", "1234.50"), ("1.234,50", "1234.50"), ("20.00 EUR", "20.00"),
    ("1210,10€", "1210.10"), ("39 823 €", "39823.00"), ("0,09 €", "0.09"), ("-12,00 €", "-12.00"),
])
def test_amounts_in_french_formats_are_normalised(text, expected):
    assert nz.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["5,5 %", "2024", "HBLD785", "12/03/2024", ""])
def test_rates_years_codes_and_dates_are_not_amounts(text):
    assert nz.parse_amount(text) is None


def test_an_integer_is_an_amount_only_when_allowed():
    assert nz.parse_amount("39 823") is None
    assert nz.parse_amount("39 823", integer_ok=True) == "39823.00"


@pytest.mark.parametrize("text, expected", [
    ("15/03/2024", "2024-03-15"), ("15.03.2024", "2024-03-15"), ("15-03-2024", "2024-03-15"),
    ("15 mars 2024", "2024-03-15"), ("1er février 2024", "2024-02-01"), ("8 AOÛT 2023", "2023-08-08"),
    ("01 01 2022", "2022-01-01"), ("‘31/07/2023", "2023-07-31"),  # a speck read as a curly quote
    ("30/1 1/2022", "2022-11-30"),  # a space inside the month
])
def test_french_dates_become_iso(text, expected):
    assert nz.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2024", "14082021", "15 marsh 2024", "1 420,00"])
def test_impossible_or_unseparated_dates_are_refused(text):
    assert nz.parse_date(text) is None


def test_look_alike_letters_are_repaired_when_the_checksum_confirms():
    assert nz.parse_checked_id("1 91 O9 13 4O1 862 46", "nir") == ("191091340186246", True)
    assert nz.parse_checked_id("485 691 76O 00857", "siret") == ("48569176000857", True)
    assert nz.parse_checked_id("FR76 1820 6082 63O8 3769 5300 885", "iban") == ("FR7618206082630837695300885", True)
    assert nz.parse_checked_id("30 23 217 6OO 053", "nif") == ("3023217600053", True)


def test_a_wrong_key_is_kept_as_printed_and_flagged():
    # A real inconsistency (wrong Luhn key) must reach the consistency checks unchanged.
    assert nz.parse_checked_id("10427705082", "rpps") == ("10427705082", False)


def test_no_repair_is_invented_when_no_spelling_passes_the_checksum():
    value, valid = nz.parse_checked_id("1O427705O82", "rpps")
    assert not valid and value.isdigit()


def test_identifiers_of_the_wrong_length_or_shape_are_refused():
    assert nz.parse_checked_id("1 91 09 13 401 862", "nir") is None
    assert nz.parse_checked_id("ABCDEFGHIJK", "rpps") is None


def test_bic_and_act_codes_are_compact_upper_case():
    assert nz.parse_bic("AGRI FR PP 882") == "AGRIFRPP882"
    assert nz.parse_bic("AGRI") is None
    assert nz.parse_act_code("HBMDO53") == "HBMD053"
    assert nz.parse_act_code("|2355084") == "2355084"
    assert nz.parse_act_code("HDA") == "HDA"


def test_names_keep_their_civility_and_refuse_form_words():
    assert nz.parse_name("M.  DELAUNAY   Tristan") == "M. DELAUNAY Tristan"
    assert nz.parse_name("Dr Louis GOSSELIN") == "Dr Louis GOSSELIN"
    assert nz.parse_name("M. Zacharie BRIAND ou Mme Laure GAUDIN") == "M. Zacharie BRIAND ou Mme Laure GAUDIN"
    assert nz.parse_name("Total HT") is None
    assert nz.parse_name("Louis Gosselin") is None  # no surname in capitals
    assert nz.parse_name("Drisaac IMBERT") == "Dr Isaac IMBERT" and nz.parse_name("DROUET Anne") == "DROUET Anne"
    assert nz.parse_name("VV Chirurgien-dentiste") is None and nz.parse_name("CCAM Opticien") is None  # a trade


def test_a_month_name_with_one_ocr_slip_is_still_read():
    assert nz.parse_date("12 avnil 1981") == "1981-04-12"
    assert nz.parse_date("12 mal 1981") is None  # too short to correct safely


def test_names_get_back_the_accents_ocr_dropped_only_where_the_spelling_is_known():
    assert nz.parse_name("VALENTIN Eric") == "VALENTIN Éric"
    assert nz.parse_name("Mme LOISEAU Inés") == "Mme LOISEAU Inès"
    assert nz.parse_name("CHRETIEN Caroline") == "CHRÉTIEN Caroline"  # a surname always spelled with its accent
    assert nz.parse_name("M. Henri FRANCOIS") == "M. Henri FRANÇOIS"
    assert nz.parse_name("Dr Adélaide PEREIRA") == "Dr Adélaïde PEREIRA"
    assert nz.parse_name("SEGUIN Madeleine") == "SEGUIN Madeleine"  # printed both ways: left as read


def test_a_name_never_starts_with_a_lower_case_particle():
    assert nz.parse_name("du Dr Caroline RENARD") is None
    assert nz.parse_name("Mme LE GOFF Valérie") == "Mme LE GOFF Valérie"


def test_an_initial_counts_as_a_first_name():
    assert nz.parse_name("A. DA SILVA") == "A. DA SILVA"
    assert nz.parse_name("IDENTIFICATION DU") is None


def test_a_misread_label_before_a_civility_is_not_part_of_the_name():
    assert nz.parse_name("Aswrele M. Franck PEREIRA") is None  # the name starts at its civility
    assert nz.parse_name("Jean M. DUPONT") == "Jean M. DUPONT"  # an initial, not a civility
    assert nz.parse_name("AB Dr") is None and nz.parse_name("IC C Dr Charles") is None  # a monogram before "Dr"


def test_letter_codes_are_the_nomenclatures_key_letters_as_ocr_reads_them():
    assert [nz.parse_act_code(t) for t in ("AMI", "K20", "cs", "Cc", "HBQK389")] == ["AMI", "K20", "CS", "C", "HBQK389"]
    assert [nz.parse_act_code(t) for t in ("NON", "SANS", "TOTAL", "CC")] == [None] * 4
    assert nz.in_capitals("cs") and not nz.in_capitals("cp")


def test_rates_quantities_and_vat_rates_as_printed_on_act_lines():
    assert [nz.parse_percent(t) for t in ("70 %", "5,5%", "2.1 %", "20", "5,50 %")] == ["70", "5.5", "2.1", "20", "5.5"]
    assert [nz.parse_percent(t) for t in ("20,00", "150 %", "abc", "0", "0 %")] == [None] * 5
    assert [nz.parse_percent(t) for t in ("70:%", "60 ; %")] == ["70", "60"]  # a speck before the sign read ":"
    rates = [nz.parse_vat_rate(t) for t in ("21%", "55", "20 %", "10", "1", "7 %")]
    assert rates == ["2.1", "5.5", "20", "10", None, None]
    assert [nz.parse_quantity(t) for t in ("3", "x2", "l", "0", "1,5")] == ["3", "2", "1", None, None]
    assert [nz.parse_quantity(t) for t in ("ll", "1l", "la")] == ["11", "11", None]
    assert [nz.parse_quantity(t) for t in ("1.", "2.", "1.5")] == ["1", "2", None]


def test_a_misread_civility_is_given_its_printed_form():
    reads = ("M Patrick GILLES", "IM. Patrick GILLES", "Mmie BAUDRY Josette", "I Mme FAIVRE Madeleine",
             "M. M. RAYNAUD Jacques")
    assert [nz.parse_name(t) for t in reads] == ["M. Patrick GILLES", "M. Patrick GILLES", "Mme BAUDRY Josette",
                                                 "Mme FAIVRE Madeleine", "M. RAYNAUD Jacques"]
    assert nz.parse_name("Mme Anne LE GOFF") == "Mme Anne LE GOFF"


def test_a_tax_notice_reference_is_thirteen_characters_not_a_postal_code():
    assert nz.parse_avis_reference("25 83 594 659 626") == "2583594659626"
    assert nz.parse_avis_reference("2175A12345678") == "2175A12345678"
    assert nz.parse_avis_reference("64000 PAU") is None and nz.parse_avis_reference("87100") is None


def test_a_first_of_the_month_whose_one_ocr_glued_to_the_month_is_read():
    assert [nz.parse_date(t) for t in ("laoût 2023", "ljuin 2024", "avril 2023")] == ["2023-08-01", "2024-06-01", None]


def test_a_zero_amount_whose_euro_sign_ocr_read_as_a_c_is_read():
    assert [nz.parse_amount(t) for t in ("Oc", "O€", "0 €", "O0 €", "3534¢€")] == ["0.00"] * 4 + ["3534.00"]
    assert [nz.parse_amount(t) for t in ("58 O78 €", "1O,50 €", "O,50 €")] == ["58078.00", "10.50", "0.50"]
    assert nz.parse_amount("Oct") is None and nz.parse_amount("O") is None
    assert nz.parse_amount("4715C") == "4715.00" and nz.parse_amount("CS") is None


def test_a_speck_read_as_a_colon_before_the_euro_sign_is_not_part_of_the_amount():
    assert [nz.parse_amount(t) for t in ("11 512:€", "512 ; EUR", "12:30")] == ["11512.00", "512.00", None]


def test_a_space_ocr_put_where_no_thousands_space_can_be_is_a_lost_comma_or_a_cut_price():
    assert [nz.parse_amount(t) for t in ("120 00 €", "20 00 EUR", "21 0,00", "21 0,00 EUR")] == \
        ["120.00", "20.00", "210.00", "210.00"]
    assert [nz.parse_amount(t) for t in ("1 234,50 €", "11 512 €")] == ["1234.50", "11512.00"]  # thousands spaces
    assert nz.parse_amount("45 67") is None  # two groups of a phone number: no currency, no cents


def test_a_date_followed_by_a_speck_read_as_a_full_stop_is_read():
    assert nz.parse_date("31/03/2025.") == "2025-03-31" and nz.parse_date("31.03.2025") == "2025-03-31"


def test_a_days_one_read_as_a_dash_is_read_back():
    assert [nz.parse_date(t) for t in ("-4/07/2025", "—4.07.2025", "-14/07/2025")] == ["2025-07-14"] * 2 + [None]


def test_a_first_of_the_month_read_as_a_letter_or_glued_to_the_month_is_read():
    assert [nz.parse_date(t) for t in ("I janvier 2023", "1septembre 2022", "12mars 2024")] == [
        "2023-01-01", "2022-09-01", "2024-03-12"]
