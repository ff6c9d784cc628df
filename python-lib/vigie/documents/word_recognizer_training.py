"""Training of the printed-word recogniser (`word_recognizer`) on synthetic claim pages, and its export to ONNX.

The samples are cuts of one to three words of a line, taken at their true boxes on pages generated with the
scan and fax degradations of the corpus but no forgery (a forged word no longer shows its truth), and only from
the train and calibration splits: the test split's templates stay unseen, as for every other model. The cut
edges are jittered by a fraction of the line height, as Tesseract's boxes, from which the recogniser reads in
use, differ from the truth by a few pixels.

Needs PyTorch and onnx, which reading does not: `pip install torch==2.13.0 onnx`. Reproduce the shipped model
(its figures are in word_recognizer.json beside it):
    python -m vigie.documents.word_recognizer_training --documents 1000 --epochs 6 --seed 77
(on 2 cores: 3 minutes of corpus, 46,000 cuts from 645 pages, then 5 minutes an epoch; writes
resource/models/word_recognizer.onnx and .json).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import cv2
import numpy as np

from vigie.core.ctc import greedy_decode
from vigie.core.results import union
from vigie.documents.word_recognizer import INPUT_HEIGHT, MODEL_NAME, WIDTH_STEP, cut_box, normalised_cut
from vigie.runtime.plugin import resource_path
from vigie.synth.corpus import CorpusOptions, iter_pages

MAX_WORDS = 3  # words per sample cut
COLUMN_GAP = 2.5  # line heights: a wider gap between words separates table cells, never read as one cut
BOX_JITTER = 0.12  # of the line height, each edge of a cut moved at random by up to this
VALIDATION_SHARE = 0.03  # of the pages, held out to measure the recogniser as it trains
# Share of a page's cuts kept: those holding a digit or a capital (identifiers, amounts, dates, names: the values
# keyed) more often than the others; a page's cuts are much alike, and training time goes by cuts.
KEEP_VALUES, KEEP_OTHERS = 0.35, 0.12


@dataclass
class Sample:
    cut: np.ndarray  # uint8, INPUT_HEIGHT high, ink 255
    text: str
    page: str


def annotation_lines(words: list[dict]) -> list[list[dict]]:
    """A page's true words grouped into lines (vertical overlap of more than half the smaller height), each in
    reading order and split at gaps wider than COLUMN_GAP line heights."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["box"][1], w["box"][0])):
        top, bottom = word["box"][1], word["box"][3]
        for line in lines:
            line_top, line_bottom = np.median([w["box"][1] for w in line]), np.median([w["box"][3] for w in line])
            overlap = min(bottom, line_bottom) - max(top, line_top)
            if overlap > 0.5 * min(bottom - top, line_bottom - line_top):
                line.append(word)
                break
        else:
            lines.append([word])
    segments = []
    for line in lines:
        line.sort(key=lambda w: w["box"][0])
        height = float(np.median([w["box"][3] - w["box"][1] for w in line]))
        segment = [line[0]]
        for word in line[1:]:
            if word["box"][0] - segment[-1]["box"][2] > COLUMN_GAP * height:
                segments.append(segment)
                segment = []
            segment.append(word)
        segments.append(segment)
    return segments


def page_samples(grey: np.ndarray, words: list[dict], page: str, rng: np.random.Generator) -> Iterator[Sample]:
    """Every run of one to MAX_WORDS consecutive words of each line of a page, cut as the recogniser reads."""
    size = (grey.shape[1], grey.shape[0])
    for segment in annotation_lines([w for w in words if w.get("text", "").strip()]):
        line_top = int(np.median([w["box"][1] for w in segment]))
        line_bottom = int(np.median([w["box"][3] for w in segment]))
        height = max(1, line_bottom - line_top)
        for start in range(len(segment)):
            for count in range(1, MAX_WORDS + 1):
                run = segment[start:start + count]
                if len(run) < count:
                    break
                text = " ".join(w["text"] for w in run)
                valued = any(c.isdigit() or c.isupper() for c in text)
                if rng.random() >= (KEEP_VALUES if valued else KEEP_OTHERS):
                    continue
                box = union([tuple(w["box"]) for w in run])
                jitter = np.round(rng.uniform(-BOX_JITTER, BOX_JITTER, 4) * height).astype(int)
                x0, y0, x1, y1 = cut_box(box, line_top, line_bottom, size)
                x0, y0 = max(0, x0 + jitter[0]), max(0, y0 + jitter[1])
                x1, y1 = min(size[0], x1 + jitter[2]), min(size[1], y1 + jitter[3])
                if x1 - x0 < 4 or y1 - y0 < 4:
                    continue
                cut = normalised_cut(grey[y0:y1, x0:x1])
                yield Sample((cut * 255).astype(np.uint8), text, page)


def corpus_samples(documents: int, seed: int, workers: int = 2) -> list[Sample]:
    """The samples of a freshly generated corpus without forgeries, test split left out."""
    options = CorpusOptions(n_documents=documents, seed=seed, forged_fraction=0.0)
    rng = np.random.default_rng(seed)
    samples: list[Sample] = []
    for generated in iter_pages(options, workers):
        if generated.label.get("status") != "ok" or generated.label.get("split") == "test":
            continue
        annotation = json.loads(generated.files[f"annotations/{generated.doc_id}.json"])
        data = generated.files[generated.label["image"]]
        grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        samples.extend(page_samples(grey, annotation["words"], generated.doc_id, rng))
    return samples


def build_network(classes: int):
    """Convolutions down to one row of frames WIDTH_STEP pixels wide, then convolutions along the line: a
    recogniser OpenCV's DNN module runs as exported."""
    import torch.nn as nn

    def block(inputs: int, outputs: int, pool: tuple[int, int]) -> list:
        return [nn.Conv2d(inputs, outputs, 3, padding=1), nn.BatchNorm2d(outputs), nn.ReLU(), nn.MaxPool2d(pool)]

    class Network(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(*block(1, 32, (2, 2)), *block(32, 64, (2, 2)), *block(64, 128, (2, 1)),
                                          *block(128, 160, (2, 1)), *block(160, 160, (2, 1)))
            self.sequence = nn.Sequential(nn.Conv1d(160, 192, 5, padding=2), nn.ReLU(),
                                          nn.Conv1d(192, 192, 5, padding=2), nn.ReLU(), nn.Conv1d(192, classes, 1))

        def forward(self, x):
            return self.sequence(self.features(x).squeeze(2)).log_softmax(1)

    assert INPUT_HEIGHT == 32 and WIDTH_STEP == 4  # the pooling above brings 32 rows to 1 and 4 columns to 1
    return Network()


def batches(samples: list[Sample], size: int, rng: np.random.Generator) -> Iterator[list[Sample]]:
    """Batches of samples of similar widths (little padding), in random order."""
    order = sorted(range(len(samples)), key=lambda i: samples[i].cut.shape[1])
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    for g in rng.permutation(len(groups)):
        yield [samples[i] for i in groups[g]]


def _tensors(batch: list[Sample], alphabet: dict[str, int]):
    import torch

    width = max(s.cut.shape[1] for s in batch)
    images = np.zeros((len(batch), 1, INPUT_HEIGHT, width), np.float32)
    for i, sample in enumerate(batch):
        images[i, 0, :, :sample.cut.shape[1]] = sample.cut / 255.0
    targets = [alphabet[c] for s in batch for c in s.text if c in alphabet]
    target_lengths = [sum(c in alphabet for c in s.text) for s in batch]
    input_lengths = [s.cut.shape[1] // WIDTH_STEP for s in batch]
    return (torch.from_numpy(images), torch.tensor(targets), torch.tensor(input_lengths),
            torch.tensor(target_lengths))


def word_accuracy(network, samples: list[Sample], alphabet: str) -> float:
    """Share of samples read exactly (greedy decoding)."""
    import torch

    network.eval()
    right = 0
    with torch.no_grad():
        for sample in samples:
            x = torch.from_numpy(sample.cut[None, None] / 255.0).float()
            right += greedy_decode(network(x)[0].T.numpy(), alphabet).text == sample.text
    network.train()
    return right / max(1, len(samples))


def train(samples: list[Sample], epochs: int, seed: int, batch_size: int = 48,
          log=print) -> tuple[object, str, dict]:
    """The trained network, its alphabet and its figures on the held-out pages."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    pages = sorted({s.page for s in samples})
    held = set(rng.choice(pages, size=max(1, int(VALIDATION_SHARE * len(pages))), replace=False))
    training = [s for s in samples if s.page not in held and len(s.text) <= s.cut.shape[1] // WIDTH_STEP // 2]
    validation = [s for s in samples if s.page in held]
    alphabet = "".join(sorted({c for s in training for c in s.text}))
    index = {c: i + 1 for i, c in enumerate(alphabet)}
    network = build_network(len(alphabet) + 1)
    optimiser = torch.optim.AdamW(network.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * (-(-len(training) // batch_size))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=steps, pct_start=0.1)
    loss_function = torch.nn.CTCLoss(zero_infinity=True)
    log(f"{len(training)} training cuts, {len(validation)} held out, alphabet of {len(alphabet)}")
    started = time.time()
    for epoch in range(epochs):
        losses = []
        for batch in batches(training, batch_size, rng):
            images, targets, input_lengths, target_lengths = _tensors(batch, index)
            loss = loss_function(network(images).permute(2, 0, 1), targets, input_lengths, target_lengths)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
        accuracy = word_accuracy(network, validation[:3000], alphabet)
        log(f"epoch {epoch + 1}: loss {np.median(losses):.4f}, held-out exact {accuracy:.4f}, "
            f"{time.time() - started:.0f} s")
    figures = {"training_cuts": len(training), "held_out_cuts": len(validation),
               "held_out_exact": word_accuracy(network, validation, alphabet), "epochs": epochs}
    return network.eval(), alphabet, figures


def export(network, alphabet: str, figures: dict, output: Path) -> None:
    """The network as ONNX (any width) and its alphabet and figures beside it."""
    import torch

    output.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(1, 1, INPUT_HEIGHT, 128)
    torch.onnx.export(network, example, str(output), dynamo=False, input_names=["cut"], output_names=["log_probs"],
                      dynamic_axes={"cut": {3: "width"}, "log_probs": {2: "frames"}}, opset_version=13)
    output.with_suffix(".json").write_text(json.dumps({"alphabet": alphabet, **figures}, ensure_ascii=False,
                                                      indent=1), encoding="utf-8")


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(max(1, args.workers))
    started = time.time()
    samples = corpus_samples(args.documents, args.seed, args.workers)
    print(f"{len(samples)} cuts from {len({s.page for s in samples})} pages in {time.time() - started:.0f} s",
          flush=True)
    network, alphabet, figures = train(samples, args.epochs, args.seed, log=lambda m: print(m, flush=True))
    figures.update(documents=args.documents, seed=args.seed)
    export(network, alphabet, figures, args.output or resource_path("models", MODEL_NAME))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
