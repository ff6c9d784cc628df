"""The corpus recipe end to end through the `vigie` command on a local project."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from vigie.cli import main
from vigie.runtime.local import LocalProject
from vigie.synth import templates

FIFTY = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus") / "proj"
    code = main(["recipe", "run", "generate-claims-corpus", "--project", str(root), "--output", "corpus_folder=corpus",
                 "--output", "labels=labels", "--param", f"n_documents={FIFTY}", "--param", "seed=11"])
    assert code == 0
    project = LocalProject(root)
    return project, project.input_dataset("labels").read(), project.folder("corpus")


def test_fifty_pages_with_labels_and_a_mask_per_forged_page(corpus):
    _project, labels, folder = corpus
    paths = set(folder.list_paths())
    assert len(labels) == FIFTY and labels["status"].eq("ok").all() and labels["id"].is_unique
    assert sum(p.startswith("images/") for p in paths) == FIFTY
    forged = labels[labels["forged"]]
    assert 0 < len(forged) < FIFTY
    assert {f"masks/{i}.png" for i in forged["id"]} == {p for p in paths if p.startswith("masks/")}
    for row in forged.itertuples():
        mask = np.array(Image.open(io.BytesIO(folder.read_bytes(row.mask))))
        image = Image.open(io.BytesIO(folder.read_bytes(row.image)))
        assert mask.shape == (image.height, image.width) and mask.max() == 255
        assert row.operation in ("copy_move", "splicing", "retype", "white_out") and row.field
    copy_moves = forged[forged["operation"] == "copy_move"]
    assert (copy_moves["source_mask"] != "").all()
    labels_csv = pd.read_csv(io.BytesIO(folder.read_bytes("labels.csv")), keep_default_na=False)
    assert labels_csv["id"].tolist() == labels["id"].tolist()


def test_labels_follow_the_benchmark_contract(corpus):
    _project, labels, folder = corpus
    for column in ("id", "doc_type", "forged", "operation", "field", "template", "dpi", "jpeg_quality", "split",
                   "seed"):
        assert column in labels.columns
    assert set(labels["doc_type"]) == set(templates.DOC_TYPES) | {"other"}  # "other": non-claim mail
    assert set(labels["dpi"]) <= {150, 200, 300}
    test_templates = set(labels.loc[labels["split"] == "test", "template"])
    other_templates = set(labels.loc[labels["split"] != "test", "template"])
    assert test_templates and not (test_templates & other_templates), "test split must be template-disjoint"
    claim = labels[labels["doc_type"] != "other"].iloc[0]
    annotation = json.loads(folder.read_bytes(f"annotations/{claim['id']}.json"))
    assert annotation["fields"] and all(len(f["box"]) == 4 for f in annotation["fields"])
    assert annotation["degradation"]["jpeg_qualities"] == [] or 60 <= claim["jpeg_quality"] <= 95


def test_same_seed_same_corpus(tmp_path):
    def make(name):
        assert main(["recipe", "run", "generate-claims-corpus", "--project", str(tmp_path / name), "--output",
                     "corpus_folder=c", "--output", "labels=l", "--param", "n_documents=4", "--param", "seed=5",
                     "--param", "workers=2"]) == 0
        folder = LocalProject(tmp_path / name).folder("c")
        return {p: folder.read_bytes(p) for p in folder.list_paths() if p != "corpus.json"}

    first, second = make("a"), make("b")
    assert first.keys() == second.keys() and all(first[k] == second[k] for k in first)


BAD_USES = [
    (["recipe", "run", "generate-claims", "--project", "P"], "unknown recipe 'generate-claims'"),
    (["recipe", "run", "generate-claims-corpus", "--project", "P", "--output", "labels=l"],
     "missing required output role corpus_folder"),
    (["recipe", "run", "generate-claims-corpus", "--project", "P", "--output", "corpus_folder=c", "--output",
      "labels=l", "--input", "pages=x"], "unknown input role pages"),
    (["recipe", "run", "generate-claims-corpus", "--project", "P", "--output", "corpus_folder=c", "--output",
      "labels=l", "--param", "n_docs=5"], "unknown parameter n_docs"),
    (["recipe", "run", "generate-claims-corpus", "--project", "P", "--output", "corpus_folder=c", "--output",
      "labels=l", "--param", "n_documents=many"], "parameter n_documents expects an integer, got 'many'"),
    (["recipe", "run", "generate-claims-corpus", "--project", "P", "--output", "corpus_folder=c", "--output",
      "labels=l", "--param", "forged_fraction=1.5"], "parameter forged_fraction must be between 0.0 and 1.0"),
    (["recipe", "run", "generate-claims-corpus", "--project", "P", "--output", "corpus_folder=c", "--output",
      "labels=l", "--param", "dpi=600"], "parameter dpi must be one of mixed, 150, 200, 300"),
]


@pytest.mark.parametrize("argv, message", BAD_USES)
def test_bad_use_of_the_real_command_exits_2_in_one_line(tmp_path, argv, message):
    import subprocess
    import sys

    argv = [str(tmp_path / "proj") if a == "P" else a for a in argv]
    done = subprocess.run([sys.executable, "-m", "vigie.cli", *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("vigie: error: ") and message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
