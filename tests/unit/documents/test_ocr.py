"""OCR of pages: words and boxes read upright whatever the scan's turn or skew, a clear status per page, a cache."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from vigie.core.errors import VigieError
from vigie.documents.ocr import OcrPage, OcrWord, contrast_stretched, guess_language, read_page, reads_well
from vigie.documents.ocr_store import read_ocr
from vigie.documents.orientation import deskew
from vigie.documents.recipes_ocr import PAGES_COLUMNS
from vigie.documents.second_reading import completes_a_key, second_reading
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import run_recipe

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
LINES = [
    "Facture de soins dentaires numéro 2024-0173 du 12 mars 2024",
    "Patient : Madame Hélène BERNARD, née le 4 juillet 1961",
    "Praticien : Docteur Julien MARCHAND, chirurgien-dentiste",
    "Détartrage et polissage des dents, séance unique",
    "Composite deux faces sur la prémolaire supérieure",
    "Montant total des honoraires réglés par le patient",
    "Remboursement de l'assurance maladie obligatoire",
    "Reste à charge après la part de la complémentaire",
    "Le praticien certifie avoir perçu la somme indiquée",
    "Document remis au patient pour sa mutuelle santé",
    "Total des honoraires : 1 234,50 euros toutes taxes",
    "Règlement par carte bancaire le jour de la séance",
]
MARKED_WORD, MARKED_LINE = "BERNARD,", 1


def text_page(lines: list[str] = LINES) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A white page of printed French lines, and the drawn box of the marked word (for box checks)."""
    image = Image.new("RGB", (1150, 120 + 50 * len(lines)), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 28)
    for index, line in enumerate(lines):
        draw.text((60, 60 + index * 50), line, fill=(0, 0, 0), font=font)
    line = lines[MARKED_LINE]
    start = line.index(MARKED_WORD)
    x0 = 60 + draw.textlength(line[:start], font=font)
    _, y0, x1, y1 = draw.textbbox((x0, 60 + MARKED_LINE * 50), MARKED_WORD, font=font)
    return np.asarray(image), (round(x0), y0, round(x1), y1)


def word_box(page: OcrPage, text: str) -> tuple[int, int, int, int]:
    [box] = [w.box for w in page.words if w.text.startswith(text)]
    return box


def centre(box) -> np.ndarray:
    return np.array([(box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0])


@pytest.fixture(scope="module")
def page():
    return text_page()


def test_words_are_read_in_lines_with_their_boxes(page):
    image, drawn = page
    read = read_page(image)
    assert read.rotation == 0 and abs(read.skew_deg) < 0.2 and (read.width, read.height) == (1150, 720)
    assert [w.text for w in read.lines()[1]][:4] == ["Patient", ":", "Madame", "Hélène"]
    assert "1 234,50" in read.text
    assert np.abs(np.array(word_box(read, "BERNARD")) - np.array(drawn)).max() <= 4
    assert read.mean_confidence > 0.85 and read.has_text and guess_language(read) == "fra"


@pytest.mark.parametrize("quarter_turns_ccw, rotation", [(1, 90), (2, 180)])
def test_a_turned_scan_is_read_upright_and_its_turn_recorded(page, quarter_turns_ccw, rotation):
    image, drawn = page
    stored = np.rot90(image, quarter_turns_ccw)
    read = read_page(stored)
    assert read.rotation == rotation and (read.width, read.height) == (1150, 720)
    assert "Madame Hélène BERNARD" in read.text
    box = word_box(read, "BERNARD")
    assert np.abs(np.array(box) - np.array(drawn)).max() <= 4
    marked = np.zeros(image.shape[:2], bool)
    marked[drawn[1]:drawn[3], drawn[0]:drawn[2]] = True
    ys, xs = np.nonzero(np.rot90(marked, quarter_turns_ccw))  # where the word lies on the stored file
    on_file = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert np.abs(np.array(read.source_box(box)) - np.array(on_file)).max() <= 4


def test_a_skewed_scan_is_straightened_for_reading_and_boxes_stay_on_the_scan(page):
    image, drawn = page
    skewed, matrix = deskew(image, -3.0)  # the content turned 3 degrees counter-clockwise, on a grown canvas
    read = read_page(skewed)
    assert read.skew_deg == pytest.approx(3.0, abs=0.2) and (read.width, read.height) == skewed.shape[1::-1]
    assert "Madame Hélène BERNARD" in read.text and "1 234,50" in read.text
    expected = matrix @ np.append(centre(drawn), 1.0)
    assert np.abs(centre(word_box(read, "BERNARD")) - expected).max() <= 4


def test_a_blank_scan_has_no_text():
    blank = np.full((700, 500, 3), 248, np.uint8)
    read = read_page(blank)
    assert not read.has_text and read.rotation == 0 and read.skew_deg == 0.0


def _words(text: str, confidence: float = 0.9, down_the_page: bool = False) -> OcrPage:
    boxes = [(0, 0, 12, 10 * len(t)) if down_the_page else (0, 0, 10 * len(t), 12) for t in text.split()]
    return OcrPage(400, 400, [OcrWord(t, box, confidence, 0) for t, box in zip(text.split(), boxes)])


def test_a_page_reads_well_when_most_words_are_confident_and_run_across():
    assert reads_well(_words("Facture du 12 mars 2024 pour soins", 0.9))
    assert not reads_well(_words("uoq sǝp ǝɹnʇɔɐɟ 4202 sɹɐɯ", 0.45))  # what an upside-down page gives
    assert not reads_well(_words("a b 1", 0.95))  # too little text to judge
    assert not reads_well(_words("Facture du 12 mars 2024 pour soins", 0.9, down_the_page=True))


def _printed_number_page(first_reading: str, confidence: float) -> tuple[np.ndarray, OcrPage]:
    """A page printing 'FINESS 331163139', with what a first reading made of the number."""
    image = np.full((200, 900, 3), 255, np.uint8)
    cv2.putText(image, "FINESS", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.putText(image, "331163139", (300, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    words = [OcrWord("FINESS", (40, 88, 165, 112), 0.95, 0), OcrWord(first_reading, (298, 88, 470, 112), confidence, 0)]
    return image, OcrPage(900, 200, words)


def test_a_number_read_doubtfully_is_read_again_from_the_pixels_and_stays_in_place():
    image, page = _printed_number_page("HE", 0.3)
    reread = second_reading(image, page)
    assert [w.text for w in reread.words] == ["FINESS", "331163139"]
    number = reread.words[1]
    assert number.confidence > 0.3 and number.line == 0
    assert abs(number.box[0] - 298) <= 8 and abs(number.box[2] - 470) <= 8  # on the page, where it is printed
    assert reread.words[0] == page.words[0]  # a confident word is left as read


def test_a_doubtful_word_whose_box_covers_its_neighbour_does_not_read_the_neighbour_twice():
    image, page = _printed_number_page("331163139", 0.95)
    label = OcrWord("FNESS", (40, 88, 470, 112), 0.3, 0)  # drawn over the number too, as Tesseract sometimes does
    reread = second_reading(image, OcrPage(900, 200, [label, page.words[1]]))
    texts = [w.text for w in reread.words]
    assert texts.count("331163139") == 1 and "FINESS" in texts


@pytest.mark.parametrize("first_reading", [":", "+"])
def test_a_lone_digit_first_read_as_tall_punctuation_is_read_again(first_reading):
    image = np.full((200, 900, 3), 255, np.uint8)
    cv2.putText(image, "Quantite", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.putText(image, "1", (400, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    words = [OcrWord("Quantite", (40, 88, 190, 112), 0.95, 0), OcrWord(first_reading, (400, 88, 420, 112), 0.01, 0)]
    reread = second_reading(image, OcrPage(900, 200, words))
    assert [w.text for w in reread.words] == ["Quantite", "1"]


def test_an_amount_whose_first_digit_was_read_as_a_speck_is_read_again_with_it():
    image = np.full((200, 900, 3), 255, np.uint8)
    cv2.putText(image, "Impot", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.putText(image, "5 747", (400, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    words = [OcrWord("Impot", (40, 88, 130, 112), 0.95, 0), OcrWord(">", (402, 95, 408, 105), 0.66, 0),
             OcrWord("747", (440, 88, 500, 112), 0.83, 0)]  # a three-digit number read below 0.9: doubtful
    reread = second_reading(image, OcrPage(900, 200, words))
    assert "".join(w.text for w in reread.words[1:]) == "5747"


def test_a_confident_reading_is_not_read_again():
    image, page = _printed_number_page("331168139", 0.95)  # wrong, but nothing says so: kept
    assert second_reading(image, page).words == page.words


@pytest.mark.parametrize("text, language", [
    ("Le patient a réglé la somme de cent euros pour les soins du mois", "fra"),
    ("The patient paid the amount of one hundred euros for the care of this month", "eng"),
    ("Der Patient hat den Betrag für die Behandlung bezahlt und die Rechnung ist nicht offen", "other"),
    ("Le agradecemos el pago de la factura del mes de marzo, será abonado en su cuenta", "other"),
    ("Sello 12 34", "unknown"),
    ("Mutuelle Ligérienne Assuré DURAND Adhérent 647174343 Bénéficiaires 100% Santé tiers payant", "fra"),
])
def test_language_guess_flags_pages_in_another_language(text, language):
    assert guess_language(_words(text)) == language


def encrypted_pdf() -> bytes:
    """A one-page PDF protected by the standard security handler with an unknown user password."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, b"ab" * 16, b"ab" * 16, xref))
    return bytes(out)


def encode(image: np.ndarray, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    frames = [Image.fromarray(a) for a in (image if isinstance(image, list) else [image])]
    frames[0].save(buffer, format=fmt, save_all=len(frames) > 1, append_images=frames[1:], **options)
    return buffer.getvalue()


@pytest.fixture
def project(tmp_path, page):
    project = LocalProject(tmp_path / "proj")
    folder = project.folder("scans")
    folder.write_bytes("in/letter.png", encode(page[0], "PNG"))
    folder.write_bytes("in/blank.png", encode(np.full((700, 500, 3), 248, np.uint8), "PNG"))
    folder.write_bytes("in/two.tif", encode([np.rot90(page[0], 2), np.full((700, 500, 3), 255, np.uint8)], "TIFF"))
    folder.write_bytes("in/locked.pdf", encrypted_pdf())
    folder.write_bytes("in/broken.pdf", b"%PDF-1.7\n not really")
    folder.write_bytes("in/notes.txt", b"not a page")
    return project


def run_ocr(project: LocalProject, **params):
    run_recipe("ocr-pages", project, {"pages": ["scans"]}, {"ocr": ["ocr"], "pages": ["page_table"]},
               {"files": "in/*", **params})
    return project.input_dataset("page_table").read()


def test_recipe_gives_a_status_per_page_and_goes_on_after_bad_files(project):
    table = run_ocr(project, workers=2)
    assert list(table.columns) == list(PAGES_COLUMNS)
    table = table.set_index(["document_id", "page"])
    status = table["status"].to_dict()
    assert status == {("in/blank", 1): "empty", ("in/broken", 0): "error", ("in/letter", 1): "ok",
                      ("in/locked", 0): "error", ("in/notes", 0): "error", ("in/two", 1): "ok",
                      ("in/two", 2): "empty"}
    assert "encrypted PDF" in table.loc[("in/locked", 0), "error"]
    assert "damaged PDF" in table.loc[("in/broken", 0), "error"]
    assert "not a readable image" in table.loc[("in/notes", 0), "error"]
    assert table.loc[("in/two", 1), "rotation"] == 180 and table.loc[("in/letter", 1), "language"] == "fra"
    assert "BERNARD" in table.loc[("in/letter", 1), "text"] and table.loc[("in/letter", 1), "n_words"] > 60
    ocr = project.folder("ocr")
    assert sorted(ocr.list_paths()) == ["in/blank/page-1.json", "in/letter/page-1.json", "in/two/page-1.json",
                                        "in/two/page-2.json"]
    assert read_ocr(ocr, "in/two", 1).text == read_ocr(ocr, "in/letter", 1).text


def test_a_rerun_reads_only_pages_that_changed(project, page):
    files = "in/[bl]*.png"  # the letter and the blank page
    first = run_ocr(project, workers=1, files=files)
    second = run_ocr(project, workers=1, files=files)
    assert list(first["status"]) == ["empty", "ok"] and not first["cached"].any()
    assert second["cached"].all() and (second["seconds"] == 0).all()
    assert second[["text", "rotation", "status"]].equals(first[["text", "rotation", "status"]])
    changed, _ = text_page(LINES[:4])
    project.folder("scans").write_bytes("in/letter.png", encode(changed, "PNG"))
    third = run_ocr(project, workers=1, files=files)
    assert list(third["cached"]) == [True, False]
    assert "Patient" in third["text"][1] and "Règlement" not in third["text"][1]


def test_unknown_language_or_no_readable_page_fails_with_a_clear_message(project):
    with pytest.raises(VigieError, match="no Tesseract data for xyz"):
        run_ocr(project, languages="fra+xyz")
    with pytest.raises(VigieError, match="no page could be read"):
        run_ocr(project, files="in/*.pdf")



def test_faint_print_on_tinted_paper_is_stretched_to_black_on_white():
    card = np.full((120, 400), 236, np.uint8)  # a tinted card
    card[40:80, :200] = 246  # lighter in one corner: the paper's grey is found around each pixel, not page-wide
    for x in range(20, 380, 12):
        card[50:70, x:x + 2] = card[45, x] - 60  # faint strokes, 60 grey levels darker than their paper
    stretched = contrast_stretched(card)
    strokes, paper = stretched[50:70, 20:22], stretched[100:110, 20:380]
    assert strokes.max() <= 255 - 3 * 55 and paper.min() >= 250


def test_a_first_reading_spelling_a_valid_identifier_key_is_told_from_one_that_breaks_it():
    line = [OcrWord(text, (100 + 50 * i, 10, 140 + 50 * i, 30), 0.9, 0)
            for i, text in enumerate(["SIRET", "371", "254", "343", "OO754"])]
    run = line[-1:]
    assert completes_a_key(line, run, run)  # "OO" folds to "00": a SIRET with a valid Luhn key
    assert not completes_a_key(line, run, [OcrWord("11754", run[0].box, 0.54, 0)])
    assert not completes_a_key(line, run, [])
