"""The corpus watchlist lists what is printed on its sampled pages, and decoys that are printed nowhere."""

from __future__ import annotations

import json

from vigie.runtime.local import LocalProject
from vigie.synth.corpus import CorpusOptions, generate_corpus
from vigie.synth.watchlist import sample_watchlist


def test_sampled_entries_are_printed_on_their_page_and_decoys_on_none(tmp_path):
    folder = LocalProject(tmp_path / "p").folder("corpus")
    labels = generate_corpus(folder, CorpusOptions(n_documents=12, seed=3, degrade=False, forged_fraction=0.5))
    watchlist = sample_watchlist(folder, labels, seed=3, share=0.25)
    drawn = watchlist[watchlist["source_id"] != ""]
    decoys = watchlist[watchlist["source_id"] == ""]
    assert len(drawn) > 0 and len(decoys) == len(drawn)
    printed = {i: json.loads(folder.read_bytes(f"annotations/{i}.json"))["content"]["printed"] for i in labels["id"]}
    forged = dict(zip(labels["id"], labels["field_name"].where(labels["forged"], "")))
    for row in drawn.itertuples():
        assert row.value in printed[row.source_id].values()
        assert printed[row.source_id].get(forged[row.source_id]) != row.value  # the forged field is not listed
    everything = {str(v) for values in printed.values() for v in values.values()}
    assert not set(decoys["value"]) & everything
    assert sample_watchlist(folder, labels, seed=3, share=0.25).equals(watchlist)  # seeded
