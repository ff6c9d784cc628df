"""Non-claim ("other") pages and their place in the corpus: every kind in every layout, no forgery on them, their
own held-out template, and claim pages unchanged by the share of other pages."""

from __future__ import annotations

import json

import numpy as np
import pytest
from vigie.synth import other_documents
from vigie.synth.corpus import CorpusOptions, generate_page, is_other_page


@pytest.mark.parametrize("template", other_documents.TEMPLATES)
@pytest.mark.parametrize("kind", other_documents.KINDS)
def test_every_kind_renders_in_every_layout_with_words_and_no_keyed_field(template, kind):
    page = other_documents.render(template, 72, np.random.default_rng(5), kind=kind)
    assert page.doc_type == "other" and page.template == template
    assert page.content["kind"] == kind and page.fields == []
    assert len(page.words) > 30
    height, width = page.image.shape[:2]
    assert all(0 <= w.box[0] < w.box[2] <= width and 0 <= w.box[1] < w.box[3] <= height for w in page.words)


def test_same_seed_same_page_and_other_seeds_vary():
    first = other_documents.render("other-b", 72, np.random.default_rng(9))
    again = other_documents.render("other-b", 72, np.random.default_rng(9))
    assert np.array_equal(first.image, again.image)
    texts = {" ".join(w.text for w in other_documents.render("other-a", 72, np.random.default_rng(s)).words)
             for s in range(4)}
    assert len(texts) == 4


def test_unknown_template_or_kind_is_refused():
    with pytest.raises(ValueError, match="unknown template"):
        other_documents.render("other-z", 72, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown other-document kind"):
        other_documents.render("other-a", 72, np.random.default_rng(0), kind="menu")


def _options(other_fraction: float) -> CorpusOptions:
    return CorpusOptions(n_documents=40, seed=7, dpi="150", degrade=False, forged_fraction=1.0,
                         benign_fraction=0.0, other_fraction=other_fraction)


def test_other_share_draws_pages_apart_and_leaves_claim_pages_unchanged():
    with_other, without = _options(0.5), _options(0.0)
    others = [i for i in range(40) if is_other_page(with_other, i)]
    assert 10 <= len(others) <= 30
    claim = next(i for i in range(40) if i not in others)
    assert generate_page(with_other, claim).files == generate_page(without, claim).files


def test_other_pages_are_labelled_never_forged_and_split_by_their_own_template():
    options = _options(0.5)
    index = next(i for i in range(40) if is_other_page(options, i))
    generated = generate_page(options, index)
    label = generated.label
    assert label["doc_type"] == "other" and label["id"].startswith("other-")
    assert not label["forged"] and label["mask"] == "" and label["care_type"] == ""
    assert (label["split"] == "test") == (label["template"] == other_documents.TEMPLATES[-1])
    annotation = json.loads(generated.files[f"annotations/{label['id']}.json"])
    assert annotation["content"]["kind"] in other_documents.KINDS


def test_claim_labels_carry_care_type_and_beneficiary_role():
    options = CorpusOptions(n_documents=9, seed=3, dpi="150", degrade=False, forged_fraction=0.0,
                            benign_fraction=0.0, other_fraction=0.0, doc_types=("invoice", "dental_quote", "rib"))
    invoice, dental, rib = (generate_page(options, i).label for i in range(3))
    assert invoice["care_type"] in ("consultation", "pharmacy", "audio", "hospital")
    assert invoice["beneficiary_role"] in ("insured", "spouse", "child")
    assert dental["care_type"] == "dental" and dental["beneficiary_role"] in ("insured", "spouse")
    assert rib["care_type"] == "" and rib["beneficiary_role"] == ""
