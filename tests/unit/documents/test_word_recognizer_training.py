"""Training of the printed-word recogniser: cuts taken from generated pages, a network OpenCV can run."""

from __future__ import annotations

import numpy as np
import pytest
from vigie.documents.word_recognizer import INPUT_HEIGHT, WordRecognizer
from vigie.documents.word_recognizer_training import annotation_lines, corpus_samples, export, train
from vigie.synth.corpus import CorpusOptions, iter_pages


def word(text: str, x0: int, y0: int, x1: int, y1: int) -> dict:
    return {"text": text, "box": [x0, y0, x1, y1]}


def test_true_words_are_grouped_by_line_in_reading_order_and_split_at_table_columns():
    words = [word("12,00", 600, 101, 660, 121), word("Total", 100, 100, 160, 120), word("HT", 170, 102, 200, 120),
             word("Date", 100, 150, 150, 170)]
    assert [[w["text"] for w in segment] for segment in annotation_lines(words)] == [
        ["Total", "HT"], ["12,00"], ["Date"]]


@pytest.fixture(scope="module")
def samples():
    return corpus_samples(documents=6, seed=3, workers=1)


def test_cuts_come_from_pages_outside_the_test_split_at_the_network_height_with_their_words(samples):
    splits = {page.doc_id: page.label["split"] for page in iter_pages(CorpusOptions(n_documents=6, seed=3,
                                                                                    forged_fraction=0.0))}
    assert "test" in splits.values()
    assert {s.page for s in samples} == {page for page, split in splits.items() if split != "test"}
    assert all(s.cut.shape[0] == INPUT_HEIGHT and s.cut.dtype == np.uint8 and s.text.strip() for s in samples)
    assert any(any(c.isdigit() for c in s.text) for s in samples)


def test_a_trained_network_exports_to_a_model_opencv_reads_any_width_with(samples, tmp_path):
    network, alphabet, figures = train(samples, epochs=1, seed=0, log=lambda _: None)
    export(network, alphabet, figures, tmp_path / "recogniser.onnx")
    recognizer = WordRecognizer(tmp_path / "recogniser.onnx")
    assert recognizer.alphabet == alphabet
    for width in (40, 200):
        log_probs = recognizer.log_probs(np.zeros((INPUT_HEIGHT, width), np.float32))
        assert log_probs.shape == (width // 4, len(alphabet) + 1)
        assert np.allclose(np.exp(log_probs).sum(axis=1), 1.0, atol=1e-4)
