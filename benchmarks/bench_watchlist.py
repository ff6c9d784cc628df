"""Benchmark of the watchlist scan on a generated corpus: near duplicates, identifier and name hits, index speed.

Some pages of the corpus play known fraudulent documents; each gets transformed copies (rescan: small rotation,
blur and noise; JPEG recompression at quality 50-90; a crop of 2-8 % of one margin; a resize by 0.7-1.3), which are
OCRed and queried against the index of known pages. Near-duplicate recall is measured on the copies; the false
positive rate on every other page of the corpus queried against the same index (same-template genuine pages
included), and pair by pair between all distinct corpus pages (the visual check taken on every pair near enough in
hash, not only on the index's nearest few). Identifier recall: identifiers of some documents are watchlisted and
every page printing one must be hit (doubtful lines read again from the page's pixels). False hits of a large
watchlist: every page scanned against 100,000 random valid identifiers. Index speed: median query time against
100,000 entries (the real ones plus random ones without pixels, so at most the real ones are checked visually).

    .venv/bin/python benchmarks/bench_watchlist.py [--documents 200] [--corpus-seed 404] [--cache DIR]
    .venv/bin/python benchmarks/bench_watchlist.py --corpus CORPUS_FOLDER --ocr OCR_DIR   (an existing corpus)
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python-lib"))

from vigie.documents.near_duplicates import (  # noqa: E402
    DEFAULT_MAX_HAMMING,
    DEFAULT_MIN_TEXT_SIMILARITY,
    FINE_MAX_HAMMING,
    FINE_WORDS,
    MAX_INK_DISAGREEMENT,
    MIN_TEXT_SHINGLES,
    MIN_VISUAL_INLIERS,
    N_MINHASH,
    STRONG_TEXT_MAX_HAMMING,
    STRONG_TEXT_SIMILARITY,
    NearDuplicateIndex,
    PageSignature,
    hash_distances,
    page_signature,
    visual_agreement,
)
from vigie.documents.ocr import READER_VERSION, OcrPage, read_page  # noqa: E402
from vigie.documents.ocr_confusions import identifier_key, name_key  # noqa: E402
from vigie.documents.recipes_watchlist import upright  # noqa: E402
from vigie.documents.watchlist import DEFAULT_NAME_THRESHOLD, Watchlist, WatchlistEntry  # noqa: E402
from vigie.runtime.local import LocalProject  # noqa: E402
from vigie.runtime.runner import run_recipe  # noqa: E402
from vigie.synth import identifiers as synth_ids  # noqa: E402
from vigie.synth.degrade import decode  # noqa: E402

TRANSFORMS = ("rescan", "recompress", "crop", "resize")
IDENTIFIER_FIELDS = ("iban", "rpps", "adeli", "finess", "siret", "nir")
NAME_FIELDS = ("patient_name", "practitioner_name", "insured_name", "holder_name")


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    """The image saved as a JPEG at `quality` and decoded again."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=int(quality))
    return decode(buffer.getvalue())


def rescan(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Print and scan again: rotation of 0.3-1.5 degrees either way, optics blur, sensor noise, a scanner JPEG."""
    h, w = image.shape[:2]
    angle = float(rng.uniform(0.3, 1.5) * rng.choice([-1, 1]))
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    out = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(230, 230, 230))
    out = cv2.GaussianBlur(out, (0, 0), float(rng.uniform(0.5, 1.0)))
    noise = rng.normal(0.0, float(rng.uniform(2.0, 5.0)), size=out.shape[:2])[..., None]
    out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return jpeg_roundtrip(out, int(rng.integers(75, 95)))


def crop_margin(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Cut 2-8 % of the page off one side."""
    h, w = image.shape[:2]
    side, fraction = int(rng.integers(0, 4)), float(rng.uniform(0.02, 0.08))
    cut_y, cut_x = int(round(h * fraction)), int(round(w * fraction))
    return np.ascontiguousarray([image[cut_y:], image[:h - cut_y], image[:, cut_x:], image[:, :w - cut_x]][side])


def resize(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scale the page by 0.7-1.3."""
    h, w = image.shape[:2]
    factor = float(rng.uniform(0.7, 1.3))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


def transformed_copy(image: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """A copy of a page under one transform; every copy ends as a JPEG file, as a resubmission would."""
    if kind == "rescan":
        return rescan(image, rng)
    if kind == "recompress":
        return jpeg_roundtrip(image, int(rng.integers(50, 91)))
    changed = crop_margin(image, rng) if kind == "crop" else resize(image, rng)
    return jpeg_roundtrip(changed, int(rng.integers(80, 96)))


# --------------------------------------------------------------------------------------------------- corpus

def load_corpus(corpus: Path, ocr_dir: Path) -> tuple[pd.DataFrame, dict[str, dict], dict[str, OcrPage]]:
    """Labels, annotations and OCR of every readable page of a corpus; pages without stored OCR are read now and
    stored in `ocr_dir` for the next run."""
    labels = pd.read_csv(corpus / "labels.csv")
    labels = labels[labels["status"].fillna("ok") == "ok"].reset_index(drop=True)
    annotations = {i: json.loads((corpus / "annotations" / f"{i}.json").read_text()) for i in labels["id"]}
    pages: dict[str, OcrPage] = {}
    ocr_dir.mkdir(parents=True, exist_ok=True)
    for row in labels.itertuples():
        stored = ocr_dir / f"{row.id}.json"
        if not stored.exists():
            stored.write_text(json.dumps(read_page(decode((corpus / row.image).read_bytes())).to_json()))
        pages[row.id] = OcrPage.from_json(json.loads(stored.read_text()))
    return labels, annotations, pages


def timed_scans(watchlist: Watchlist, pages: dict, ids) -> tuple[dict[str, list], float]:
    """Each page's watchlist hits, and the seconds spent scanning them all (the scans alone)."""
    scanned, seconds = {}, 0.0
    for doc in ids:
        started = time.perf_counter()
        scanned[doc] = watchlist.scan(pages[doc])
        seconds += time.perf_counter() - started
    return scanned, seconds


def printed_values(annotation: dict, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(field, value as printed) of a page's fields among `names`, leaving out the field a forgery rewrote."""
    forged = (annotation.get("forgery") or {}).get("field")
    return [(f["name"], f["value"]) for f in annotation["fields"] if f["name"] in names and f["name"] != forged]


# --------------------------------------------------------------------------------------------------- identifiers

def identifier_benchmark(labels: pd.DataFrame, annotations: dict, pages: dict, rng: np.random.Generator,
                         name_threshold: float, corpus: Path) -> dict:
    """Watchlist the identifiers and names of half the documents; every page printing one must be hit (its doubtful
    lines read a second time from its pixels)."""
    listed_docs = set(rng.choice(labels["id"], size=len(labels) // 2, replace=False))
    entries: dict[tuple[str, str], WatchlistEntry] = {}
    for doc in sorted(listed_docs):
        for field, value in printed_values(annotations[doc], IDENTIFIER_FIELDS):
            entries[(field, value)] = WatchlistEntry(field, value, doc)
        for _field, value in printed_values(annotations[doc], NAME_FIELDS):
            entries[("name", value)] = WatchlistEntry("name", value, doc)
    watchlist = Watchlist(list(entries.values()), name_threshold=name_threshold)
    listed_ids = {identifier_key(e.value): e for e in entries.values() if e.kind != "name"}
    listed_names = {name_key(e.value) for e in entries.values() if e.kind == "name"}
    found = expected = false_hits = name_found = name_expected = name_false = 0
    missed: list[str] = []
    false_names: list[str] = []
    scores: list[float] = []
    scanned, seconds = timed_scans(watchlist, pages, labels["id"])
    for doc, hits in scanned.items():
        hit_ids = {identifier_key(h.entry.value) for h in hits if h.entry.kind != "name"}
        hit_names = {name_key(h.entry.value) for h in hits if h.entry.kind == "name"}
        present_ids = {identifier_key(v) for _, v in printed_values(annotations[doc], IDENTIFIER_FIELDS)}
        present_names = {name_key(v) for _, v in printed_values(annotations[doc], NAME_FIELDS)}
        wanted = present_ids & set(listed_ids)
        expected += len(wanted)
        found += len(wanted & hit_ids)
        missed += [f"{doc}: {listed_ids[k].kind} {listed_ids[k].value}" for k in sorted(wanted - hit_ids)]
        false_hits += len(hit_ids - present_ids)
        wanted_names = present_names & listed_names
        name_expected += len(wanted_names)
        name_found += len(wanted_names & hit_names)
        name_false += len(hit_names - present_names)
        false_names += [f"{doc}: '{h.text}' hit '{h.entry.value}' ({h.score:.2f})" for h in hits
                        if h.entry.kind == "name" and name_key(h.entry.value) not in present_names]
        scores += [h.score for h in hits if h.entry.kind == "name" and name_key(h.entry.value) in present_names]
    return {"n_pages": len(labels), "n_identifiers_watchlisted": len(listed_ids),
            "identifier_expected": expected, "identifier_found": found,
            "identifier_recall": found / max(expected, 1), "identifier_false_hits": false_hits,
            "identifier_missed": missed[:20], "n_names_watchlisted": len(listed_names),
            "name_threshold": name_threshold, "name_expected": name_expected, "name_found": name_found,
            "name_recall": name_found / max(name_expected, 1), "name_false_hits": name_false,
            "name_false_hit_examples": false_names[:20],
            "name_true_hit_score_min": min(scores) if scores else None,
            "scan_ms_per_page": 1000 * seconds / len(labels)}


def random_identifiers(n: int, rng: np.random.Generator) -> list[WatchlistEntry]:
    """n valid identifiers drawn as the corpus generator draws them (IBAN, RPPS, ADELI, FINESS, SIRET, NIR in turn),
    none of them printed on a corpus page but for a chance collision."""
    departments = ["75", "13", "69", "33", "59", "31", "44", "67", "06", "35"]
    makers = [lambda: ("iban", synth_ids.bank_account(rng).iban), lambda: ("rpps", synth_ids.rpps(rng)),
              lambda: ("adeli", synth_ids.adeli(rng, str(rng.choice(departments)), "infirmier")),
              lambda: ("finess", synth_ids.finess(rng, str(rng.choice(departments)))),
              lambda: ("siret", synth_ids.siret(rng)),
              lambda: ("nir", synth_ids.nir(rng, int(rng.integers(1, 3)), int(rng.integers(1930, 2024)),
                                            int(rng.integers(1, 13)), str(rng.choice(departments))))]
    return [WatchlistEntry(*makers[i % len(makers)](), f"random-{i}") for i in range(n)]


def random_watchlist_benchmark(labels: pd.DataFrame, annotations: dict, pages: dict, rng: np.random.Generator,
                               corpus: Path, n_entries: int) -> dict:
    """Every page scanned (second reading included) against n_entries random valid identifiers: each hit is false
    unless the page prints that very number (a drawn value equal to one printed is a collision, counted apart);
    gives the false-hit rate per page of a large watchlist."""
    entries = random_identifiers(n_entries, rng)
    started = time.perf_counter()
    watchlist = Watchlist(entries)
    build_seconds = time.perf_counter() - started
    false_hits: list[str] = []
    collisions: list[str] = []
    scanned, seconds = timed_scans(watchlist, pages, labels["id"])
    for doc, hits in scanned.items():
        printed = {identifier_key(f["value"]) for f in annotations[doc]["fields"]
                   if any(ch.isdigit() for ch in str(f["value"]))}
        for hit in hits:
            line = f"{doc}: '{hit.text}' hit {hit.entry.kind} {hit.entry.value} ({hit.score:.2f})"
            (collisions if identifier_key(hit.entry.value) in printed else false_hits).append(line)
    return {"n_entries": len(entries), "n_pages": len(labels),
            "pages_with_false_hits": len({h.split(':')[0] for h in false_hits}), "false_hits": false_hits[:20],
            "value_collisions": collisions[:20], "build_seconds": build_seconds,
            "scan_ms_per_page": 1000 * seconds / len(labels)}


# --------------------------------------------------------------------------------------------------- near duplicates

def signatures(labels: pd.DataFrame, corpus: Path, pages: dict) -> dict[str, PageSignature]:
    """The signature of every corpus page."""
    return {row.id: page_signature(upright(decode((corpus / row.image).read_bytes()), pages[row.id]), pages[row.id])
            for row in labels.itertuples()}


def pick_known(labels: pd.DataFrame, n_known: int, rng: np.random.Generator) -> list[str]:
    """Pages that play known frauds, spread over every template."""
    order = rng.permutation(len(labels))
    shuffled = labels.iloc[order]
    shuffled = shuffled.assign(rank=shuffled.groupby("template").cumcount()).sort_values("rank", kind="stable")
    return list(shuffled["id"][:n_known])


def make_copies(labels: pd.DataFrame, corpus: Path, known: list[str], rng: np.random.Generator,
                cache: Path) -> list[dict]:
    """One transformed copy per known page (transforms in turn), with its signature; OCR cached per copy."""
    images = dict(zip(labels["id"], labels["image"]))
    copies = []
    cache.mkdir(parents=True, exist_ok=True)
    for number, doc in enumerate(known):
        kind = TRANSFORMS[number % len(TRANSFORMS)]
        image = transformed_copy(decode((corpus / images[doc]).read_bytes()), kind, rng)
        stored = cache / f"{doc}-{kind}.json"
        if stored.exists():
            ocr = OcrPage.from_json(json.loads(stored.read_text()))
        else:
            ocr = read_page(image)
            stored.write_text(json.dumps(ocr.to_json()))
        copies.append({"source": doc, "transform": kind, "signature": page_signature(upright(image, ocr), ocr)})
    return copies


SWEEP_MAX_HAMMING = (12, 16, 18, 22)


def _grey_thumbnail(signature: PageSignature) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(signature.thumbnail, np.uint8), cv2.IMREAD_GRAYSCALE)


def similarity(a: PageSignature, b: PageSignature) -> tuple[int, int, float, bool, int, float]:
    """Coarse (a as the query) and fine hash distances in bits, MinHash text similarity, whether both pages have
    enough text, and the visual check's inliers and ink disagreement (computed only for pages near enough in hash
    for the index to run it)."""
    hamming = int(hash_distances(np.array([b.image_hash], dtype=np.uint64), a)[0])
    visual = (visual_agreement(_grey_thumbnail(a), _grey_thumbnail(b)) if hamming <= max(SWEEP_MAX_HAMMING)
              else (0, 1.0))
    return (hamming, int(np.bitwise_count(a.fine_hash ^ b.fine_hash).sum()), float((a.minhash == b.minhash).mean()),
            min(a.n_shingles, b.n_shingles) >= MIN_TEXT_SHINGLES, *visual)


def is_match(pair: tuple[int, int, float, bool, int, float], max_hamming: int, min_text_similarity: float) -> bool:
    """The index's decision on one pair of pages, for sweeping thresholds without rebuilding it (the visual check
    is taken on every undecided pair, not only the index's nearest few)."""
    hamming, fine, text, has_text, inliers, disagreement = pair
    if hamming > max_hamming:
        return has_text and hamming <= STRONG_TEXT_MAX_HAMMING and text >= STRONG_TEXT_SIMILARITY
    vetoed = has_text and text < min_text_similarity / 2
    return ((has_text and text >= min_text_similarity) or (fine <= FINE_MAX_HAMMING and not vetoed)
            or (inliers >= MIN_VISUAL_INLIERS and disagreement <= MAX_INK_DISAGREEMENT))


def visual_extremes(pairs: np.ndarray, max_hamming: int) -> dict:
    """Among pairs within max_hamming bits: the most inliers, and the least ink disagreement of pairs with at least
    MIN_VISUAL_INLIERS inliers (what the visual check must keep apart)."""
    near = pairs[pairs[:, 0] <= max_hamming]
    strong = near[near[:, 4] >= MIN_VISUAL_INLIERS]
    return {"n": len(near), "inliers_max": int(near[:, 4].max()) if len(near) else None,
            "ink_disagreement_min_above_min_inliers": float(strong[:, 5].min()) if len(strong) else None}


def near_duplicate_benchmark(labels: pd.DataFrame, sigs: dict, known: list[str], copies: list[dict],
                             max_hamming: int, min_text_similarity: float) -> dict:
    """Recall on the copies, page and pair false-positive rates on the other pages, and a threshold sweep."""
    index = NearDuplicateIndex(max_hamming, min_text_similarity)
    for doc in known:
        index.add(doc, sigs[doc])
    found = {kind: [] for kind in TRANSFORMS}
    missed = []
    for copy in copies:
        hit = copy["source"] in {m.key for m in index.query(copy["signature"])}
        found[copy["transform"]].append(hit)
        if not hit:
            missed.append({"source": copy["source"], "transform": copy["transform"],
                           "pair": similarity(copy["signature"], sigs[copy["source"]])})
    n_found = sum(sum(v) for v in found.values())
    known_set = set(known)
    others = [d for d in labels["id"] if d not in known_set]
    flagged_pages = [d for d in others if index.query(sigs[d])]
    templates = dict(zip(labels["id"], labels["template"]))
    pairs: dict[str, list] = {"same_template": [], "other_template": []}
    for a, b in itertools.combinations(list(labels["id"]), 2):
        group = "same_template" if templates[a] == templates[b] else "other_template"
        pairs[group].append(similarity(sigs[a], sigs[b]))
    copy_pairs = [similarity(c["signature"], sigs[c["source"]]) for c in copies]

    def rates(h: int, t: float) -> dict:
        return {"max_hamming": h, "min_text_similarity": t,
                "copy_recall": float(np.mean([is_match(p, h, t) for p in copy_pairs])),
                "same_template_pair_fpr": float(np.mean([is_match(p, h, t) for p in pairs["same_template"]])),
                "all_pair_fpr": float(np.mean([is_match(p, h, t) for g in pairs.values() for p in g]))}

    same = np.array(pairs["same_template"], dtype=float)
    copies_arr = np.array(copy_pairs, dtype=float)
    chosen = rates(max_hamming, min_text_similarity)
    return {
        "n_known": len(known), "n_copies": len(copies), "copy_recall": n_found / max(len(copies), 1),
        "copy_recall_by_transform": {kind: float(np.mean(v)) for kind, v in found.items() if v},
        "missed_copies": missed,
        "n_other_pages": len(others), "other_pages_flagged": len(flagged_pages),
        "page_fpr": len(flagged_pages) / max(len(others), 1), "flagged_pages": flagged_pages[:20],
        "n_pairs": sum(len(v) for v in pairs.values()), "n_same_template_pairs": len(same),
        "pair_fpr": chosen["all_pair_fpr"], "same_template_pair_fpr": chosen["same_template_pair_fpr"],
        "copies_hamming_max": int(copies_arr[:, 0].max()),
        "copies_text_similarity_p1": float(np.percentile(copies_arr[:, 2], 1)),
        "same_template_hamming_median": float(np.median(same[:, 0])),
        "same_template_fine_hamming_min": int(same[:, 1].min()),
        "same_template_text_similarity_max": float(same[:, 2].max()),
        "same_template_text_similarity_p99": float(np.percentile(same[:, 2], 99)),
        "copies_visual_inliers_min": int(copies_arr[:, 4].min()),
        "copies_ink_disagreement_max": float(copies_arr[:, 5].max()),
        "same_template_near_pairs_visual": visual_extremes(same, max_hamming),
        "other_template_text_similarity_max": float(np.array(pairs["other_template"], dtype=float)[:, 2].max()),
        "sweep": [rates(h, t) for h in SWEEP_MAX_HAMMING for t in (0.3, 0.35, 0.4, 0.45, 0.5)],
    }


# --------------------------------------------------------------------------------------------------- speed

def speed_benchmark(sigs: dict, copies: list[dict], n_entries: int, rng: np.random.Generator,
                    max_hamming: int, min_text_similarity: float) -> dict:
    """Median query time against n_entries: the real pages, half random entries and half look-alikes of real ones
    (a real hash with up to 6 bits flipped, random text), so the second stage has many candidates to compare."""
    real = list(sigs.items())
    n_fill = n_entries - len(real)
    base = np.array([s.image_hash for _, s in real], dtype=np.uint64)
    near = base[rng.integers(0, len(base), size=n_fill // 2)]
    flips = np.zeros(n_fill // 2, dtype=np.uint64)
    for _ in range(6):
        bit = rng.integers(0, 64, size=n_fill // 2).astype(np.uint64)
        flips ^= np.where(rng.random(n_fill // 2) < 0.5, np.uint64(1) << bit, np.uint64(0))
    hashes = np.concatenate([near ^ flips, rng.integers(0, 2**63, size=n_fill - n_fill // 2, dtype=np.uint64) * 2])
    index = NearDuplicateIndex(max_hamming, min_text_similarity)
    for key, sig in real:
        index.add(key, sig)
    index.add_arrays([f"synthetic-{i}" for i in range(n_fill)], hashes,
                     rng.integers(0, 2**63, size=(n_fill, FINE_WORDS), dtype=np.uint64),
                     rng.integers(0, 2**16, size=(n_fill, N_MINHASH), dtype=np.uint16),
                     np.full(n_fill, 60, dtype=np.int32))
    index.query(copies[0]["signature"])  # first query pays the array assembly
    times = []
    for copy in copies:
        started = time.perf_counter()
        index.query(copy["signature"])
        times.append(time.perf_counter() - started)
    return {"n_entries": len(index), "n_queries": len(times), "query_ms_median": 1000 * float(np.median(times)),
            "query_ms_p95": 1000 * float(np.percentile(times, 95)), "query_ms_max": 1000 * float(np.max(times))}


def fresh_corpus(project_dir: Path, documents: int, seed: int) -> Path:
    """A corpus generated for this run at 200 dpi (kept in the cache: a re-run reuses it)."""
    project = LocalProject(project_dir)
    if not (project.folder_path("corpus") / "labels.csv").exists():
        run_recipe("generate-claims-corpus", project, {}, {"corpus_folder": ["corpus"], "labels": ["labels"]},
                   {"n_documents": documents, "seed": seed, "dpi": "200", "workers": 0})
    return project.folder_path("corpus")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=None,
                        help="an existing corpus folder (default: generate --documents pages with --corpus-seed)")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--corpus-seed", type=int, default=404)
    parser.add_argument("--ocr", type=Path, default=None,
                        help="stored OCR of the corpus pages, <id>.json (OcrPage.to_json); missing pages are read "
                             "(default: <cache>/ocr-<corpus seed>-reader<OCR reader version>)")
    parser.add_argument("--known", type=int, default=120, help="pages playing known frauds (one copy each)")
    parser.add_argument("--entries", type=int, default=100_000, help="index size for the speed measure")
    parser.add_argument("--random-entries", type=int, default=100_000,
                        help="random valid identifiers watchlisted to measure false hits per page")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/vigie-bench-watchlist"),
                        help="where the copies' OCR is cached between runs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "watchlist.json")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    if args.corpus is None:
        args.corpus = fresh_corpus(args.cache / f"corpus-{args.corpus_seed}", args.documents, args.corpus_seed)
    args.ocr = args.ocr or args.cache / f"ocr-{args.corpus_seed}-reader{READER_VERSION}"  # another reader: read again
    labels, annotations, pages = load_corpus(args.corpus, args.ocr)
    thresholds = {"max_hamming": DEFAULT_MAX_HAMMING, "min_text_similarity": DEFAULT_MIN_TEXT_SIMILARITY,
                  "name_threshold": DEFAULT_NAME_THRESHOLD}
    identifiers = identifier_benchmark(labels, annotations, pages, rng, DEFAULT_NAME_THRESHOLD, args.corpus)
    random_watchlist = random_watchlist_benchmark(labels, annotations, pages, np.random.default_rng(args.seed + 1),
                                                  args.corpus, args.random_entries)
    sigs = signatures(labels, args.corpus, pages)
    known = pick_known(labels, args.known, rng)
    copies = make_copies(labels, args.corpus, known, rng, args.cache / f"seed-{args.seed}-reader{READER_VERSION}")
    near = near_duplicate_benchmark(labels, sigs, known, copies, DEFAULT_MAX_HAMMING, DEFAULT_MIN_TEXT_SIMILARITY)
    speed = speed_benchmark(sigs, copies, args.entries, rng, DEFAULT_MAX_HAMMING, DEFAULT_MIN_TEXT_SIMILARITY)
    result = {"corpus": str(args.corpus), "seed": args.seed, "thresholds": thresholds, "identifiers": identifiers,
              "random_watchlist": random_watchlist,
              "near_duplicates": near, "index_speed": speed}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
