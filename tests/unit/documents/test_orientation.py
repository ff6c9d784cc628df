"""Orientation and skew: a page turned by a quarter or skewed by a few degrees is found and put back."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from vigie.documents.orientation import (
    box_to_page,
    box_to_source,
    deskew,
    detect_rotation,
    estimate_skew,
    is_blank,
    line_direction,
    turn_upright,
)

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
LINES = [
    "Facture de soins dentaires numéro 2024-0173 établie le 12 mars 2024",
    "Patient : Madame Hélène BERNARD, née le 4 juillet 1961 à Nantes",
    "Praticien : Docteur Julien MARCHAND, chirurgien-dentiste à Lyon",
    "Détartrage et polissage des dents, séance unique de quarante minutes",
    "Composite deux faces sur la prémolaire, reprise de l'obturation ancienne",
    "Montant total des honoraires réglés par le patient le jour des soins",
    "Remboursement de l'assurance maladie obligatoire selon le tarif de base",
    "Reste à charge après la part de la complémentaire santé du patient",
    "Le praticien certifie avoir perçu la somme indiquée ci-dessus en euros",
    "Document remis au patient pour sa mutuelle, à conserver sans limite",
] * 2


def text_page(width: int = 1300, height: int = 1100) -> np.ndarray:
    """A white page with twenty lines of printed French text, as a scan would show it upright."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)
    for index, line in enumerate(LINES):
        draw.text((60, 60 + index * 48), line, fill=0, font=font)
    return np.asarray(image)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return text_page()


@pytest.mark.parametrize("quarter_turns_ccw", [1, 2, 3])
def test_turn_upright_undoes_a_quarter_turn(page, quarter_turns_ccw):
    turned = np.rot90(page, quarter_turns_ccw)
    assert np.array_equal(turn_upright(turned, 90 * quarter_turns_ccw), page)


@pytest.mark.parametrize("quarter_turns_ccw, expected_rotation", [(0, 0), (1, 90), (2, 180), (3, 270)])
def test_osd_finds_the_turn_that_makes_the_page_upright(page, quarter_turns_ccw, expected_rotation):
    guess = detect_rotation(np.rot90(page, quarter_turns_ccw))
    assert guess is not None and guess.rotation == expected_rotation


@pytest.mark.parametrize("quarter_turns_ccw, direction", [(0, 0), (1, 90), (2, 0), (3, 90)])
def test_line_direction_tells_a_page_on_its_side(page, quarter_turns_ccw, direction):
    skewed, _ = deskew(np.rot90(page, quarter_turns_ccw), 3.0)
    assert line_direction(skewed) == direction


@pytest.mark.parametrize("skew", [-3.0, -1.2, 0.0, 3.0])
def test_skew_is_measured_within_a_fifth_of_a_degree(page, skew):
    skewed, _ = deskew(page, -skew)  # turning back by -skew skews the page by +skew
    assert estimate_skew(skewed) == pytest.approx(skew, abs=0.2)
    straight, _ = deskew(skewed, estimate_skew(skewed))
    assert abs(estimate_skew(straight)) <= 0.2


def test_blank_page_has_no_rotation_guess_and_no_skew():
    blank = np.full((1100, 850), 250, np.uint8)
    blank += np.random.default_rng(0).integers(0, 5, blank.shape, dtype=np.uint8)  # paper grain
    assert is_blank(blank)
    assert detect_rotation(blank) is None and line_direction(blank) is None
    assert estimate_skew(blank) == 0.0


def test_deskew_keeps_every_corner_on_a_white_canvas(page):
    straight, _ = deskew(page, 5.0)
    assert straight.shape[0] > page.shape[0] and straight.shape[1] > page.shape[1]
    assert straight[0, 0] == 255 and straight[-1, -1] == 255
    assert (straight < 128).sum() == pytest.approx((page < 128).sum(), rel=0.1)  # no text cut off


def test_a_box_read_on_the_straightened_page_lands_on_the_skewed_one():
    skewed = np.full((800, 1000), 255, np.uint8)
    skewed[500:530, 700:820] = 0  # a word-sized dark block, somewhere off-centre
    straight, matrix = deskew(skewed, 4.0)
    ys, xs = np.nonzero(straight < 128)
    box = box_to_page((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1), matrix, (1000, 800))
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    assert centre == pytest.approx((760, 515), abs=2)


@pytest.mark.parametrize("quarter_turns_ccw", [0, 1, 2, 3])
def test_a_box_on_the_upright_page_maps_back_to_the_stored_page(quarter_turns_ccw):
    upright = np.zeros((60, 100), np.uint8)
    upright[10:20, 30:70] = 1
    stored = np.rot90(upright, quarter_turns_ccw)
    x0, y0, x1, y1 = box_to_source((30, 10, 70, 20), 90 * quarter_turns_ccw, (100, 60))
    assert stored[y0:y1, x0:x1].all() and stored.sum() == (x1 - x0) * (y1 - y0)
