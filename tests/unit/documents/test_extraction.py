"""Field extraction from OCR words: labels found wherever they are printed, values read by shape next to them,
act lines read as a table, and the recipe's one-row-per-field contract with a status row for a page that fails."""

import json
from dataclasses import replace

import pandas as pd
from vigie.documents.extraction import Candidate, confidence_model, extract, read_page, value_rows
from vigie.documents.ocr import OcrPage, OcrWord
from vigie.documents.ocr_store import write_ocr
from vigie.documents.recipes_extraction import page_rows
from vigie.runtime.local import LocalProject

CHAR_W, HEIGHT, SPACE = 11, 20, 7


def make_page(lines: list[list[tuple[int, str]]], top: int = 100, leading: int = 40) -> OcrPage:
    """A page from lines of (x, text) runs; each run's words are set with ordinary spaces."""
    words = []
    for index, runs in enumerate(lines):
        y = top + index * leading
        for x, text in runs:
            for token in text.split(" "):
                width = CHAR_W * len(token)
                words.append(OcrWord(token, (x, y, x + width, y + HEIGHT), 0.95, index))
                x += width + SPACE
    return OcrPage(1654, 2339, words)


def values(page: OcrPage, doc_type: str) -> dict[str, str]:
    return {f.name: f.value for f in extract(page, doc_type)}


def test_values_are_read_right_of_their_labels_and_normalised():
    page = make_page([
        [(100, "FACTURE"), (1100, "Date : 07/03/2023")],
        [(100, "Date des soins : 15 mars 2023")],
        [(900, "Total HT"), (1300, "1 420,00 €")],
        [(900, "TVA"), (1300, "78,10 €")],
        [(900, "Total TTC"), (1300, "1 498,10 €")],
    ])
    found = values(page, "invoice")
    assert found["invoice_date"] == "2023-03-07"
    assert found["care_date"] == "2023-03-15"
    assert (found["total_ht"], found["vat"], found["total_ttc"]) == ("1420.00", "78.10", "1498.10")


def test_a_longer_label_wins_its_words_over_a_shorter_synonym():
    page = make_page([[(900, "Total HT"), (1300, "100,00 €")], [(900, "Total"), (1300, "120,00 €")]])
    found = values(page, "invoice")
    assert found["total_ht"] == "100.00" and found["total_ttc"] == "120.00"


def test_a_value_below_its_label_is_read_and_its_box_returned():
    page = make_page([[(100, "IBAN")], [(100, "FR76 1820 6082 6308 3769 5300 885")],
                      [(100, "BIC"), (300, "AGRIFRPP882")]])
    fields = {f.name: f for f in extract(page, "rib")}
    assert fields["iban"].value == "FR7618206082630837695300885"
    assert fields["iban"].box[1] == 140 and 0 < fields["iban"].confidence <= 1
    assert fields["bic"].value == "AGRIFRPP882"


def test_ocr_confusions_are_repaired_only_where_the_checksum_confirms():
    page = make_page([[(100, "N° SS : 1 91 O9 13 4O1 862 46")], [(100, "N° RPPS 10427705082")]])
    fields = {f.name: f for f in extract(page, "invoice")}
    assert fields["nir"].value == "191091340186246"
    assert fields["rpps"].value == "10427705082"  # wrong key printed: kept for the consistency check
    assert fields["rpps"].confidence < fields["nir"].confidence


def test_the_siren_inside_a_siret_is_not_read_as_another_identifier():
    page = make_page([[(100, "SIRET 485 691 760 00857")], [(100, "N° ADELI")]])
    found = values(page, "invoice")
    assert found["siret"] == "48569176000857"
    assert "adeli" not in found


def test_act_lines_are_read_as_a_table_under_their_headers():
    page = make_page([
        [(100, "Code"), (300, "Désignation"), (900, "Qté"), (1050, "P.U. HT"), (1300, "Montant HT")],
        [(100, "2223342"), (300, "Monture adulte classe B"), (910, "1"), (1050, "380,00 €"), (1310, "380,00 €")],
        [(100, "2280660"), (300, "Verre unifocal classe B"), (910, "2"), (1050, "195,00 €"), (1310, "390,00 €")],
        [(900, "Total HT"), (1310, "770,00 €")],
    ])
    found = values(page, "optical_quote")
    assert (found["act_code_1"], found["act_amount_1"]) == ("2223342", "380.00")
    assert (found["act_code_2"], found["act_amount_2"]) == ("2280660", "390.00")
    assert "act_code_3" not in found and found["total_ht"] == "770.00"


def test_an_unlabelled_name_is_the_one_printed_above_an_address():
    page = make_page([[(100, "CPAM de la Gironde")], [(100, "Mme DUFOUR Frédérique")],
                      [(100, "91 avenue de François")], [(100, "33000 BORDEAUX")]])
    assert values(page, "social_security_statement")["insured_name"] == "Mme DUFOUR Frédérique"
    centred = make_page([[(147, "Dr Margot GILBERT")], [(145, "Pédiatre")],
                         [(681, "MEYER Laure")], [(610, "Né(e) le 15 novembre 2010")]])  # a centred block
    assert values(centred, "prescription")["patient_name"] == "MEYER Laure"


def test_unknown_types_and_empty_pages_yield_no_field():
    assert extract(make_page([[(100, "Date : 07/03/2023")]]), "other") == []
    assert extract(OcrPage(100, 100, []), "invoice") == []


def test_recipe_rows_one_per_field_and_one_error_row_for_a_missing_page(tmp_path):
    folder = LocalProject(tmp_path).folder("ocr")
    write_ocr(folder, "images/a", 1, make_page([[(100, "Date : 07/03/2023")]]))
    good = page_rows(folder, pd.Series({"document_id": "images/a", "page": 1, "doc_type": "invoice"}), 0.0)
    assert [(r["field"], r["value"], r["status"]) for r in good] == [("invoice_date", "2023-03-07", "ok")]
    assert good[0]["ocr_confidence"] == 0.95
    assert json.loads(good[0]["box"])[0] > 100
    missing = page_rows(folder, pd.Series({"document_id": "images/b", "page": 1, "doc_type": "invoice"}), 0.0)
    assert len(missing) == 1 and missing[0]["status"] == "error" and "images/b" in missing[0]["error"]


def test_table_column_headers_are_not_read_as_the_labels_of_totals():
    page = make_page([
        [(100, "Code"), (300, "Désignation"), (1300, "Montant HT")],
        [(100, "2223342"), (300, "Monture adulte classe B"), (1310, "380,00 €")],
    ])
    found = values(page, "optical_quote")
    assert found["act_amount_1"] == "380.00"
    assert "total_ht" not in found


def test_an_unlabelled_practitioner_is_the_name_next_to_their_identifier():
    page = make_page([[(100, "Cabinet Santé Plus")], [(100, "Jeanne MARTIN"), (600, "RPPS 10427705081")],
                      [(100, "Paul DURAND")]], leading=200)
    found = values(page, "invoice")
    assert found["rpps"] == "10427705081"
    assert found["practitioner_name"] == "Jeanne MARTIN"


def test_a_surname_particle_in_capitals_is_not_read_as_a_label():
    page = make_page([[(100, "FACTURE"), (1100, "Le 07/03/2023")], [(100, "Mme LE GOFF Valérie")],
                      [(100, "12 rue des Lilas")]])
    found = values(page, "invoice")
    assert found["patient_name"] == "Mme LE GOFF Valérie" and found["invoice_date"] == "2023-03-07"


def test_totals_whose_labels_ocr_lost_are_found_by_their_arithmetic():
    page = make_page([
        [(900, "Total HT"), (1300, "1 016,60 €")],
        [(1300, "64,12 €")],  # the "TVA" and "Total TTC" labels were lost on a shaded row
        [(1300, "1 080,72 €")],
        [(900, "Part AMO"), (1300, "165,95 €")],
    ])
    found = values(page, "invoice")
    assert (found["vat"], found["total_ttc"], found["amo_share"]) == ("64.12", "1080.72", "165.95")


def test_a_total_ttc_whose_label_ocr_garbled_is_read_under_the_vat_even_when_it_does_not_add_up():
    page = make_page([[(900, "Total HT"), (1300, "88,00 €")], [(900, "TVA"), (1300, "17,60 €")],
                      [(900, "Potal LT"), (1300, "141,50 €")]])  # a forged total under an unread label
    assert values(page, "optical_quote")["total_ttc"] == "141.50"


def test_each_value_reports_its_weakest_ocr_word_and_a_probability():
    page = make_page([[(100, "N° RPPS 10427705081")], [(100, "N° SS 1 91 09 13 401 862 46")]])
    shaky = OcrPage(page.width, page.height, [
        OcrWord(w.text, w.box, 0.3 if w.text == "862" else w.confidence, w.line) for w in page.words])
    fields = {f.name: f for f in extract(shaky, "invoice")}
    assert fields["nir"].ocr_confidence == 0.3 and fields["rpps"].ocr_confidence == 0.95
    assert 0 < fields["nir"].confidence < fields["rpps"].confidence < 1


def test_the_shipped_confidence_calibration_fits_the_features_extraction_computes():
    assert confidence_model() is not None  # else confidences fall back to the uncalibrated heuristic


def test_a_total_ht_whose_label_ocr_lost_is_the_amount_below_the_acts_equal_to_their_sum():
    page = make_page([
        [(100, "Code"), (300, "Désignation"), (1300, "Montant HT")],
        [(100, "2223342"), (300, "Monture adulte classe B"), (1310, "380,00 €")],
        [(100, "2280660"), (300, "Verre unifocal classe B"), (1310, "390,00 €")],
        [(1310, "770,00 €")], [(1310, "154,00 €")], [(1310, "924,00 €")],  # the totals' labels were not read
    ])
    found = values(page, "optical_quote")
    assert (found["total_ht"], found["vat"], found["total_ttc"]) == ("770.00", "154.00", "924.00")


def test_a_number_of_tax_parts_gets_back_the_comma_ocr_read_as_a_one():
    assert values(make_page([[(100, "Nombre de parts"), (600, "215")]]), "tax_notice")["nb_parts"] == "2,5"
    assert values(make_page([[(100, "Nombre de parts"), (600, "3")]]), "tax_notice")["nb_parts"] == "3"
    assert values(make_page([[(100, "Nombre de parts"), (600, "25")]]), "tax_notice")["nb_parts"] == "2,5"


def test_the_complementary_share_column_is_read_and_a_printed_label_without_value_is_reported_unread():
    page = make_page([
        [(100, "Code"), (300, "Nature"), (900, "Base"), (1100, "Taux"), (1250, "Remb. AMO"), (1450, "Remb. AMC")],
        [(100, "CS"), (300, "Consultation"), (900, "31,50 €"), (1110, "70 %"), (1260, "22,05 €"), (1460, "9,45 €")],
        [(100, "G"), (300, "Consultation"), (900, "27,00 €"), (1110, "70 %"), (1260, "18,90 €"), (1460, "8,10 €")],
        [(100, "Montant total versé"), (1450, "58,50 €")],
        [(100, "Total remboursé par votre complémentaire")],
    ])
    reading = read_page(page, "social_security_statement")
    found = {f.name: f.value for f in reading.fields}
    assert (found["act_amount_1"], found["act_amc_1"], found["act_amc_2"]) == ("22.05", "9.45", "8.10")
    assert "amc_share" not in found and "amc_share" in reading.unread
    assert "act_amc_1" not in reading.unread and len(reading.unread["amc_share"]) == 4


def test_an_act_row_whose_code_ocr_lost_keeps_its_amount_and_reports_its_code_unread():
    page = make_page([
        [(100, "Code"), (300, "Nature"), (900, "Base"), (1100, "Taux"), (1250, "Remb. AMO")],
        [(100, "CS"), (300, "Consultation"), (900, "31,50 €"), (1110, "70 %"), (1260, "22,05 €")],
        [(300, "Consultation"), (900, "27,00 €"), (1110, "70 %"), (1260, "18,90 €")],
        [(100, "Montant total versé"), (1260, "40,95 €")],
    ])
    reading = read_page(page, "social_security_statement")
    found = {f.name: f.value for f in reading.fields}
    assert found["act_amount_2"] == "18.90" and "act_code_2" not in found
    assert "act_code_2" in reading.unread and "act_amount_3" not in reading.unread and "act_code_3" not in found


def test_rows_after_an_act_row_whose_code_ocr_lost_keep_their_numbers():
    page = make_page([
        [(100, "Date"), (300, "Code"), (500, "Nature"), (900, "Base"), (1100, "Taux"), (1250, "Remb. AMO")],
        [(100, "02/03/2024"), (500, "Consultation"), (900, "30,00 €"), (1110, "70 %"), (1260, "21,00 €")],
        [(100, "05/03/2024"), (300, "AMI"), (500, "Acte infirmier"), (900, "9,45 €"), (1110, "60 %"),
         (1260, "5,67 €")],
        [(100, "09/03/2024"), (300, "CS"), (500, "Consultation"), (900, "31,50 €"), (1110, "70 %"), (1260, "22,05 €")],
        [(100, "Montant total remboursé"), (1260, "48,72 €")],
    ])
    found = values(page, "social_security_statement")
    assert (found["act_code_2"], found["act_amount_2"], found["act_date_2"]) == ("AMI", "5.67", "2024-03-05")
    assert (found["act_code_3"], found["act_amount_3"]) == ("CS", "22.05")
    assert found["act_amount_1"] == "21.00" and "act_code_1" not in found and "act_amount_4" not in found


def test_capital_words_and_small_letters_in_a_drug_name_are_not_act_codes():
    page = make_page([
        [(100, "Code"), (400, "Désignation"), (1200, "Montant")],
        [(100, "3400930000007"), (400, "Paracétamol 1 g cp B/8"), (1200, "1,96 €")],
        [(100, "HDA"), (400, "Honoraire de dispensation"), (1200, "1,02 €")],
        [(100, "NON"), (400, "REMBOURSABLE"), (1200, "2,98 €")],
    ])
    found = values(page, "invoice")
    assert (found["act_code_1"], found["act_code_2"]) == ("3400930000007", "HDA")
    assert "act_code_3" not in found


def test_the_printed_relation_to_the_insured_is_read():
    page = make_page([[(100, "Patient : M. Jean DUPONT")], [(100, "Assuré(e) : Mme Marie DUPONT")],
                      [(100, "Qualité : Conjoint(e)")]])
    assert values(page, "invoice")["beneficiary_relation"] == "Conjoint(e)"


def test_the_columns_a_line_total_is_computed_from_are_read_under_their_headers():
    page = make_page([
        [(100, "Code"), (300, "Désignation"), (800, "Qté"), (950, "P.U. HT"), (1150, "TVA"), (1300, "Montant HT")],
        [(100, "3400930000007"), (300, "Paracétamol 1 g cp"), (810, "3"), (950, "1,96 €"), (1150, "21%"),
         (1320, "5,88 €")],
        [(100, "HDA"), (300, "Honoraire de dispensation"), (810, "l"), (950, "1,02 €"), (1150, "5,5 %"),
         (1320, "1,02 €")],
    ])
    found = values(page, "invoice")
    assert [found[f"act_qty_{i}"] for i in (1, 2)] == ["3", "1"]  # a lone "1" read as "l"
    assert [found[f"act_unit_price_{i}"] for i in (1, 2)] == ["1.96", "1.02"]
    assert [found[f"act_vat_rate_{i}"] for i in (1, 2)] == ["2.1", "5.5"]  # "21%" is 2,1 % with its comma lost


def test_unheaded_columns_are_read_by_their_place_beside_the_act_amount():
    statement = make_page([
        [(100, "Date"), (300, "Code"), (500, "Nature")],
        [(100, "02/03/2024"), (300, "CS"), (500, "Consultation"), (800, "50,00 €"), (950, "31,50 €"),
         (1110, "70 %"), (1260, "22,05 €"), (1450, "9,45 €")],
        [(100, "05/03/2024"), (300, "G"), (500, "Consultation"), (800, "30,00 €"), (950, "30,00 €"),
         (1110, "70 %"), (1260, "21,00 €"), (1450, "9,00 €")],
    ])
    found = values(statement, "social_security_statement")
    assert (found["act_amount_1"], found["act_base_1"], found["act_paid_1"]) == ("22.05", "31.50", "50.00")
    assert (found["act_rate_2"], found["act_amc_2"]) == ("70", "9.00")
    quote = make_page([
        [(100, "Dent"), (250, "Code CCAM"), (500, "Libellé")],
        [(100, "26"), (250, "HBLD038"), (500, "Couronne"), (1100, "220,00 €"), (1280, "120,00 €"), (1450, "72,00 €")],
        [(100, "28"), (250, "HBLD634"), (500, "Couronne"), (1100, "295,00 €"), (1280, "120,00 €"), (1450, "72,00 €")],
    ])
    found = values(quote, "dental_quote")
    assert (found["act_amount_2"], found["act_base_2"], found["act_amo_2"]) == ("295.00", "120.00", "72.00")


def test_the_salary_periods_of_a_sick_leave_attestation_are_read_row_by_row():
    page = make_page([
        [(100, "Période du"), (500, "au"), (900, "Salaire brut")],
        [(100, "01/01/2024"), (500, "31/01/2024"), (900, "2 450,00 €")],
        [(100, "01/02/2024"), (500, "29/02/2024"), (900, "2 450,00 €")],
        [(100, "01/03/2024"), (900, "2 611,30 €")],  # its end date lost by OCR
        [(100, "Total des salaires"), (900, "7 511,30 €")],
    ])
    reading = read_page(page, "sick_leave")
    found = {f.name: f.value for f in reading.fields}
    assert (found["period_start_1"], found["period_end_1"], found["salary_1"]) == ("2024-01-01", "2024-01-31",
                                                                                  "2450.00")
    assert found["salary_2"] == "2450.00" and "salary_3" not in found and "salary_3" in reading.unread


def test_a_quote_rows_base_reimbursement_and_fee_are_told_apart_by_arithmetic_when_headers_are_unread():
    quote = make_page([
        [(100, "Dent"), (250, "Code CCAM"), (500, "Libellé"), (1100, "Honoraires")],
        [(100, "26"), (250, "HBLD038"), (500, "Couronne"), (1100, "72,00 €"), (1280, "220,00 €"), (1450, "120,00 €")],
        [(100, "28"), (250, "HBFD017"), (500, "Inlay core"), (1100, "49,16 €"), (1280, "81,94 €"),
         (1450, "81,94 €")],
    ])
    found = values(quote, "dental_quote")
    assert (found["act_amount_1"], found["act_base_1"], found["act_amo_1"]) == ("220.00", "120.00", "72.00")
    assert (found["act_amount_2"], found["act_base_2"], found["act_amo_2"]) == ("81.94", "81.94", "49.16")


def test_a_fee_read_below_its_base_is_reported_unread_rather_than_kept():
    quote = make_page([
        [(100, "Dent"), (250, "Code CCAM"), (500, "Libellé"), (1100, "Honoraires")],
        [(100, "26"), (250, "HBLD038"), (500, "Couronne"), (1100, "72,00 €"), (1450, "120,00 €")],
    ])
    reading = read_page(quote, "dental_quote")
    found = {f.name: f.value for f in reading.fields}
    assert (found["act_base_1"], found["act_amo_1"]) == ("120.00", "72.00") and "act_amount_1" in reading.unread


def test_a_joint_name_whose_second_surname_wrapped_onto_the_next_line_is_read_whole():
    page = make_page([[(100, "AVIS D'IMPÔT 2024")], [(900, "M. Théodore BRIAND ou Mme Martine")], [(900, "BOURGEOIS")],
                      [(900, "36 rue de Allain")], [(900, "38100 GRENOBLE")]])
    assert values(page, "tax_notice")["taxpayer_name"] == "M. Théodore BRIAND ou Mme Martine BOURGEOIS"
    beside_a_column = make_page([
        [(100, "AVIS D'IMPÔT 2024")], [(100, "Mme Cécile FLEURY ou Mme Anastasie"), (800, "Numéro fiscal 06 85 787")],
        [(100, "CLEMENT"), (800, "Référence de l'avis 2540096324136")],
        [(100, "72 rue Charlotte Benoit")], [(100, "64000 PAU")]])
    name = values(beside_a_column, "tax_notice")["taxpayer_name"]
    assert name == "Mme Cécile FLEURY ou Mme Anastasie CLÉMENT"  # OCR joined the right column to the name's lines


def test_a_nir_whose_label_ocr_lost_is_read_even_with_a_wrong_key_when_it_is_the_only_one():
    wrong_key = "1 85 05 78 006 084 92"  # NIR 185057800608491 printed with key 92
    card = make_page([[(100, "Horizon Prévoyance Santé")], [(100, "N"), (300, wrong_key)]])
    assert values(card, "tp_card")["nir"] == "185057800608492"
    two = make_page([[(100, "Horizon Prévoyance Santé")], [(100, "N"), (300, wrong_key)],
                     [(100, "N"), (300, "2 61 01 37 906 714 93")]])
    assert "nir" not in values(two, "tp_card")


def test_an_rpps_number_with_a_wrong_key_is_read_by_its_shape_or_a_label_short_of_a_letter():
    practitioner = [[(100, "Dr Georges NOËL")], [(100, "Chirurgien-dentiste")]]
    unlabelled = make_page([*practitioner, [(400, "10765949171")], [(400, "661 362 053 00687")]])
    assert values(unlabelled, "dental_quote")["rpps"] == "10765949171"  # the SIRET's digits are not RPPS-shaped
    labelled = make_page([*practitioner, [(100, "RPP"), (400, "10765949171")]])
    assert values(labelled, "dental_quote")["rpps"] == "10765949171"


def test_a_quantity_whose_header_ocr_misread_is_the_lone_number_left_of_the_unit_price():
    invoice = make_page([
        [(100, "Code"), (300, "Désignation"), (800, "ate"), (950, "P.U. HT"), (1110, "TVA"), (1400, "Montant HT")],
        [(100, "3400927812309"), (300, "Cétirizine 10 mg cp B/15"), (800, "3"), (950, "6,72 €"), (1110, "2,1 %"),
         (1400, "20,16 €")],
        [(100, "3400906571616"), (300, "Doliprane 500 mg"), (950, "3,58 €"), (1110, "2,1 %"), (1400, "3,58 €")],
    ])
    found = values(invoice, "invoice")
    assert (found["act_qty_1"], found["act_unit_price_1"], found["act_vat_rate_1"]) == ("3", "6.72", "2.1")
    assert "act_qty_2" not in found  # no quantity printed: "500" of the name is none


def slanted(page: OcrPage, drop: float) -> OcrPage:
    """The page as scanned fed in at a slant: each word lower by `drop` pixels per pixel across."""
    return OcrPage(page.width, page.height, [
        OcrWord(w.text, (w.box[0], w.box[1] + round(drop * w.box[0]), w.box[2], w.box[3] + round(drop * w.box[0])),
                w.confidence, w.line) for w in page.words])


def test_salary_periods_scanned_at_a_slant_keep_their_rows_apart():
    drop = 0.025  # 37 pixels lower across 1,500: most of the row pitch
    page = slanted(make_page([
        [(100, "Période du"), (500, "au"), (1400, "Salaire brut soumis à cotisations")],
        [(100, "01/10/2023"), (500, "31/10/2023")], [(100, "01/11/2023"), (500, "30/11/2023")],
        [(100, "01/12/2023"), (500, "31/12/2023")], [(100, "Total des salaires"), (900, "Le total")],
    ], leading=50), drop)
    amounts = [OcrWord(text, (1500, y, 1600, y + 20), 0.95, 10 + i) for i, (text, y) in
               enumerate(zip(("3 700,72 €", "3 835,85 €", "3 561,40 €"), (187, 237, 287)))]
    found = values(OcrPage(page.width, page.height, page.words + amounts), "sick_leave")
    assert [found.get(f"salary_{i}") for i in (1, 2, 3)] == ["3700.72", "3835.85", "3561.40"]
    assert found["period_end_3"] == "2023-12-31"


def test_labels_read_with_letters_ocr_confuses_still_lead_to_their_values():
    page = make_page([[(100, "N° AMC"), (300, "42845095")], [(500, "ou 01/01/2025")], [(500, "av 31/12/2025")]])
    found = values(page, "tp_card")
    assert (found["valid_from"], found["valid_to"]) == ("2025-01-01", "2025-12-31")
    assert found["amc_number"] == "42845095"
    invoice = values(make_page([[(900, "Tatal"), (1300, "125,10 €")]]), "invoice")  # "Total", a for o
    assert invoice["total_ttc"] == "125.10"


def test_an_amount_read_without_its_comma_gets_its_cents_back_when_the_totals_then_add_up():
    page = make_page([[(900, "Total HT"), (1300, "57,42 €")], [(900, "TVA"), (1300, "121€")],
                      [(900, "Total TTC"), (1300, "58,63 €")]])
    assert values(page, "invoice")["vat"] == "1.21"
    page = make_page([[(900, "Total HT"), (1300, "57,42 €")], [(900, "TVA"), (1300, "1,35 €")],
                      [(900, "Total TTC"), (1300, "58,63 €")]])
    assert values(page, "invoice")["vat"] == "1.35"  # a wrong VAT printed with its cents stays as printed
    shares = make_page([[(900, "Total TTC"), (1300, "250,00 €")], [(900, "Part AMO"), (1300, "609 €")],
                        [(900, "Part mutuelle"), (1300, "200,00 €")], [(900, "Reste à charge"), (1300, "43,91 €")]])
    assert values(shares, "optical_quote")["amo_share"] == "6.09"


def test_a_total_far_right_of_its_label_on_a_slanted_scan_is_still_on_its_row():
    drop = -0.02  # the right end 28 pixels higher across 1,400: more than half a line height
    page = slanted(make_page([
        [(100, "Période du"), (500, "au"), (1400, "Salaire brut soumis à cotisations")],
        [(100, "01/10/2023"), (500, "31/10/2023"), (1400, "3 700,72 €")], [(100, "TOTAL")],
    ]), drop)
    total = OcrWord("3700,72€", (1400, 180 - 28, 1500, 200 - 28), 0.95, 9)
    found = values(OcrPage(page.width, page.height, page.words + [total]), "sick_leave")
    assert found["salary_total"] == "3700.72"


def test_an_act_rows_line_total_far_right_on_a_slanted_scan_stays_in_its_row():
    page = slanted(make_page([
        [(150, "Code"), (400, "Désignation"), (980, "Qté"), (1120, "Prix unitaire"), (1400, "Montant")],
        [(150, "FJH"), (400, "Forfait journalier"), (990, "11"), (1170, "20,00 €"), (1400, "220,00 €")],
        [(900, "Total"), (1380, "220,00 €")],
    ], leading=60), -0.03)  # the right end 38 pixels higher: above the code's row on the raw boxes
    found = values(page, "invoice")
    assert (found["act_qty_1"], found["act_unit_price_1"], found["act_amount_1"]) == ("11", "20.00", "220.00")


def test_cells_of_a_row_whose_arithmetic_broke_are_read_by_their_alignment_with_the_other_rows():
    page = make_page([  # headers unread but the code's; row 2's base lost: its amounts cannot be told apart by rate
        [(130, "Date des"), (290, "Nature"), (689, "Code"), (881, "Mom"), (1022, "rene"), (1168, "Taux"),
         (1312, "Remb"), (1464, "Remb.")],
        [(130, "27/12/2023"), (290, "Honoraire"), (690, "HDA"), (890, "9,18 €"), (1050, "9,18 €"), (1171, "70%"),
         (1300, "6,43 €"), (1455, "2,75 €")],
        [(130, "03/01/2024"), (290, "Avis ponctuel"), (689, "APC"), (883, "128,50 €"), (1171, "70%"),
         (1300, "42,00 €"), (1455, "52,25 €")],
        [(130, "28/01/2024"), (290, "Consultation"), (690, "C"), (892, "56,00 €"), (1050, "30,00 €"), (1171, "70%"),
         (1304, "21,00 €"), (1453, "22,00 €")],
    ], leading=55)
    found = values(page, "social_security_statement")
    assert (found["act_paid_2"], found["act_amount_2"], found["act_amc_2"]) == ("128.50", "42.00", "52.25")
    assert "act_base_2" not in found
    misread = OcrPage(page.width, page.height, [replace(w, text="47") if w.text == "42,00" else w for w in page.words])
    assert "act_amount_2" not in values(misread, "social_security_statement")  # a cell read without its cents


def test_a_civility_set_apart_from_its_name_by_a_wide_space_stays_part_of_it():
    page = make_page([[(100, "Nom et prénom"), (300, "M."), (352, "BRUN Zacharie")]])  # a 30 px gap after "M."
    assert values(page, "sick_leave")["insured_name"] == "M. BRUN Zacharie"


def test_a_date_whose_first_separator_ocr_lost_is_read_across_the_wider_gap_it_left():
    page = make_page([[(100, "DATE DU DECOMPTE")], [(100, "01"), (150, "10.2023")]])  # "01.10.2023", dot unread
    assert values(page, "social_security_statement")["statement_date"] == "2023-10-01"


def test_a_larger_word_set_higher_beside_a_name_is_not_part_of_it():
    page = make_page([[(150, "Patient"), (277, "Mme Margot RIOU")]])
    stamp = OcrWord("A", (460, 84, 488, 118), 0.95, 0)  # a stamp's letter, taller and starting higher
    page = OcrPage(page.width, page.height, [*page.words, stamp])
    assert values(page, "dental_quote")["patient_name"] == "Mme Margot RIOU"


def test_le_ending_another_phrase_is_not_a_date_label():
    page = make_page([[(900, "Date facture"), (1250, "29.03.2023")], [(750, "REÇU LE 30/03/2023")]])
    assert values(page, "invoice")["invoice_date"] == "2023-03-29"
    assert values(make_page([[(100, "Paris, le 30/03/2023")]]), "invoice")["invoice_date"] == "2023-03-30"


def test_a_first_name_close_to_a_glued_label_is_read_as_a_name():
    page = make_page([[(100, "Émile RODRIGUES")], [(100, "Pharmacien titulaire")], [(100, "N° RPPS 10100000005")]])
    assert values(page, "invoice").get("practitioner_name") == "Émile RODRIGUES"  # not the label "Émis le"
    assert values(make_page([[(900, "Total HT"), (1300, "232,00 €")]]), "optical_quote")["total_ht"] == "232.00"


def test_rows_whose_cells_jitter_up_and_down_stay_apart():
    def cell(x: int, top: int) -> Candidate:
        height = 49 if (x, top) in ((490, 1351), (100, 1401)) else 19  # OCR boxed two with a speck below them
        return Candidate("date", f"{x}-{top}", "", 0, 0, 1, (x, top, x + 120, top + height), 0.95)
    rows = [(1310, 1314, 1321), (1366, 1351, 1376), (1401, 1424, 1432)]  # start, end, salary tops: pitch 55
    cells = [cell(x, top) for tops in rows for x, top in zip((100, 490, 1420), tops)]
    grouped = value_rows(cells)
    assert [sorted(c.box[1] for c in row) for row in grouped] == [sorted(tops) for tops in rows]


def test_a_label_whose_small_letter_words_ocr_boxed_short_is_still_one_label():
    label = [("Date", (59, 666, 96, 679)), ("de", (119, 666, 127, 678)), ("mise", (151, 669, 181, 676)),
             ("en", (197, 669, 211, 676)), ("recouvrement", (228, 669, 348, 679))]  # x-height boxes, wide gaps
    words = [OcrWord(text, box, 0.95, 0) for text, box in label] + [OcrWord("30/07/2025", (59, 698, 214, 721), 0.95, 1)]
    assert values(OcrPage(1654, 2339, words), "tax_notice")["collection_date"] == "2025-07-30"
