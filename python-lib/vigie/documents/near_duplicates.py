"""Near-duplicate documents: a page's look (perceptual hashes) and its content (MinHash of its digits), indexed.

A rescanned, recompressed, cropped or resized copy of a known fraudulent page keeps its look and its content. Two
genuine pages from one template share the look and the boilerplate words but not the dates, amounts and
identifiers. So a known page is a candidate when its 64-bit DCT hash is within `max_hamming` bits of the query's
(robust to rescans, recompression and resizing, but shared by a template's pages; a query cut short on one side is
also hashed with that side padded back by 3-8 %, so a cropped copy finds its original), and a candidate is
a match when the pages' content agrees: the Jaccard similarity of their digit shingles (4-digit runs of each line,
estimated by MinHash) reaches `min_text_similarity`, or their 256-bit hashes are nearly identical (within
FINE_MAX_HAMMING bits: a recompressed or resized copy) while the text does not clearly disagree (below half the
threshold it vetoes; OCR of small cards and photos often reads too few digits, or misreads them, to decide).
A candidate up to STRONG_TEXT_MAX_HAMMING bits away still matches when its text is nearly identical.
OCR of a rescanned small card can read its digits too differently for the text to vouch for it; so when no
candidate matched, the VISUAL_CANDIDATES nearest candidates left undecided are compared on pixels
(`visual_agreement`): the query is aligned onto the candidate's stored thumbnail by ORB keypoints and a RANSAC
similarity transform, and a copy keeps both many inliers (its content as well as the template's boilerplate matches)
and nearly all its ink where the known page has ink; a page of the same template matches only its boilerplate
(fewer inliers) and its own dates, names and numbers disagree.
The index keeps everything in numpy arrays: a query XORs its 13 hashes with every entry and counts bits (a few
milliseconds for 100,000 entries), then compares the candidates left, text first on a MinHash prefix. Thumbnails
(JPEG, about 15 KB a page: 1.5 GB for 100,000 pages) are kept as bytes; a visual check costs about 10-15 ms.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Optional

import cv2
import imagehash
import numpy as np
from PIL import Image

from vigie.documents.ocr import OcrPage, OcrWord
from vigie.documents.ocr_confusions import fold_confusions
from vigie.documents.orientation import grey
from vigie.runtime.context import Folder

N_MINHASH = 256
FINE_WORDS = 4  # the fine hash: 16 x 16 DCT signs in four uint64 words
HASH_WORK_WIDTH = 480  # the page is reduced to this width before hashing
SHINGLE_DIGITS = 4
MIN_TEXT_SHINGLES = 8  # fewer shingles than this on either page: the text cannot vouch for a match
DEFAULT_MAX_HAMMING = 18
DEFAULT_MIN_TEXT_SIMILARITY = 0.4
FINE_MAX_HAMMING = 4
# A copy that lost a dominant feature (a crop through a barcode header) moves further in the hash; text nearly
# identical (pages of one template measure at most 0.26) still makes it a match up to this distance.
STRONG_TEXT_SIMILARITY = 0.7
STRONG_TEXT_MAX_HAMMING = 28
UNCROP_FRACTIONS = (0.03, 0.055, 0.08)  # how much of a side a cropped copy may have lost, tried on each side
# Text is first compared on the first PREFILTER_VALUES MinHash values; only candidates agreeing on at least
# PREFILTER_MIN_AGREEMENT of them (a pair at the decision threshold agrees on 40 %) are compared on all values.
PREFILTER_VALUES = 32
PREFILTER_MIN_AGREEMENT = 0.15
# Visual check of the undecided candidates within max_hamming: at most VISUAL_CANDIDATES of them (nearest first),
# a match needs MIN_VISUAL_INLIERS ORB inliers and at most MAX_INK_DISAGREEMENT of the ink unmatched. Tuned on the
# seed-202 corpus (500 ORB features): copies have 152 inliers or more (rescanned cards 207-261) and at most 0.041
# disagreement; pages of one template reach 175 inliers only with 0.024 disagreement, 263 only with 0.052. The
# margin is thin: on the seed-303 corpus one pair of one template reached 200 inliers at 0.030 (see the benchmark).
VISUAL_CANDIDATES = 6
ORB_FEATURES = 500
MIN_VISUAL_INLIERS = 200
MAX_INK_DISAGREEMENT = 0.045
THUMBNAIL_JPEG_QUALITY = 90
INDEX_FORMAT = 3

_MINHASH_RNG = np.random.default_rng(20240611)
_MINHASH_SEEDS = _MINHASH_RNG.integers(0, 2**63, size=N_MINHASH, dtype=np.uint64)
_MINHASH_MULTIPLIERS = _MINHASH_RNG.integers(0, 2**63, size=N_MINHASH, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_EMPTY_MINHASH = np.full(N_MINHASH, np.iinfo(np.uint16).max, dtype=np.uint16)


@dataclass(frozen=True)
class PageSignature:
    """What a page is compared on: 64- and 256-bit perceptual hashes and the MinHash of its digit shingles."""

    image_hash: int
    uncropped_hashes: np.ndarray  # uint64: 64-bit hashes of the page with one side padded back, one per hypothesis
    fine_hash: np.ndarray  # uint64, FINE_WORDS words
    minhash: np.ndarray  # uint16, N_MINHASH values
    n_shingles: int
    thumbnail: bytes = b""  # the grey page HASH_WORK_WIDTH wide as a JPEG, for the visual check; empty: none


@dataclass(frozen=True)
class NearDuplicateMatch:
    """A known page the query duplicates: its key, the hash distances in bits and the text similarity (0-1)."""

    key: str
    hamming: int
    fine_hamming: int
    text_similarity: Optional[float]  # None when either page has too little text to compare
    ink_disagreement: Optional[float] = None  # set when the visual check decided the match

    @property
    def score(self) -> float:
        """One figure for the match, 0-1: the text similarity, or the image similarity when that decided."""
        fine = 1.0 - self.fine_hamming / (64.0 * FINE_WORDS) if self.fine_hamming <= FINE_MAX_HAMMING else 0.0
        visual = 1.0 - self.ink_disagreement if self.ink_disagreement is not None else 0.0
        return max(float(self.text_similarity or 0.0), fine, visual)


def _grey(image: np.ndarray) -> np.ndarray:
    """The page in grey levels, reduced to HASH_WORK_WIDTH pixels wide (never enlarged)."""
    page = grey(image)
    height, width = page.shape
    if width > HASH_WORK_WIDTH:
        page = cv2.resize(page, (HASH_WORK_WIDTH, max(1, round(height * HASH_WORK_WIDTH / width))),
                          interpolation=cv2.INTER_AREA)
    return page


def _phash_words(grey: np.ndarray, hash_size: int) -> np.ndarray:
    bits = imagehash.phash(Image.fromarray(grey), hash_size=hash_size).hash.flatten()
    return np.packbits(bits).view(">u8").astype(np.uint64)


def image_hashes(image: np.ndarray) -> tuple[int, np.ndarray]:
    """The page's 64-bit DCT perceptual hash (an unsigned integer) and its 256-bit one (four uint64 words)."""
    grey = _grey(image)
    return int(_phash_words(grey, 8)[0]), _phash_words(grey, 16)


def uncropped_hashes(image: np.ndarray) -> np.ndarray:
    """64-bit hashes of the page with one side padded with paper by each of UNCROP_FRACTIONS: what the page
    would hash to if it were a copy cut short on that side."""
    grey = _grey(image)
    height, width = grey.shape
    paper = int(np.median(grey))
    hashes = []
    for fraction in UNCROP_FRACTIONS:
        dy, dx = round(height * fraction), round(width * fraction)
        for top, bottom, left, right in ((dy, 0, 0, 0), (0, dy, 0, 0), (0, 0, dx, 0), (0, 0, 0, dx)):
            padded = cv2.copyMakeBorder(grey, top, bottom, left, right, cv2.BORDER_CONSTANT, value=paper)
            hashes.append(_phash_words(padded, 8)[0])
    return np.array(hashes, dtype=np.uint64)


def thumbnail(image: np.ndarray) -> bytes:
    """The page in grey, HASH_WORK_WIDTH pixels wide, as JPEG bytes: what the visual check compares."""
    ok, encoded = cv2.imencode(".jpg", _grey(image), [cv2.IMWRITE_JPEG_QUALITY, THUMBNAIL_JPEG_QUALITY])
    return encoded.tobytes() if ok else b""


def _decode_thumbnail(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def keypoints(grey: np.ndarray) -> tuple:
    """ORB keypoints and descriptors of a grey page (ORB_FEATURES at most)."""
    return cv2.ORB_create(nfeatures=ORB_FEATURES).detectAndCompute(grey, None)


def _ink(grey: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def visual_agreement(query: np.ndarray, known: np.ndarray, query_keypoints: Optional[tuple] = None,
                     known_keypoints: Optional[tuple] = None) -> tuple[int, float]:
    """How well a grey query page lies on a grey known page: ORB inliers of the similarity transform aligning them,
    and the share of ink (both pages') with no ink of the other page within 2 pixels once aligned (1.0: no fit).
    Keypoints already computed (`keypoints`) may be passed in."""
    points_q, descriptors_q = query_keypoints if query_keypoints is not None else keypoints(query)
    points_k, descriptors_k = known_keypoints if known_keypoints is not None else keypoints(known)
    if descriptors_q is None or descriptors_k is None:
        return 0, 1.0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(descriptors_q, descriptors_k)
    if len(pairs) < 8:
        return 0, 1.0
    source = np.float32([points_q[p.queryIdx].pt for p in pairs])
    target = np.float32([points_k[p.trainIdx].pt for p in pairs])
    transform, inliers = cv2.estimateAffinePartial2D(source, target, method=cv2.RANSAC, ransacReprojThreshold=3.0)
    if transform is None:
        return 0, 1.0
    height, width = known.shape
    kernel = np.ones((5, 5), np.uint8)
    aligned = cv2.warpAffine(query, transform, (width, height), borderValue=255)
    overlap = cv2.warpAffine(np.ones_like(query), transform, (width, height), borderValue=0)
    overlap = cv2.erode(overlap, kernel)
    ink_q, ink_k = _ink(aligned) & overlap, _ink(known) & overlap
    unmatched = (ink_q & (1 - cv2.dilate(ink_k, kernel))).sum() + (ink_k & (1 - cv2.dilate(ink_q, kernel))).sum()
    return int(inliers.sum()), float(unmatched / max(int(ink_q.sum() + ink_k.sum()), 1))


def line_digits(words: list[OcrWord]) -> str:
    """The digits of a line's numeric words (look-alikes folded: O -> 0, I -> 1 ...), spaces and punctuation dropped."""
    numeric = [fold_confusions(w.text) for w in words if any(ch.isdigit() for ch in w.text)]
    return "".join(ch for word in numeric for ch in word if ch.isdigit())


def text_shingles(ocr: OcrPage) -> set[str]:
    """The page's content as a set: every SHINGLE_DIGITS-digit run of each line's digits (dates, amounts, ids).

    Digits carry what differs between two pages of one template, and reading them per line without spaces makes the
    set blind to how OCR split or joined the groups; a line with fewer digits adds its digits whole (3 or more).
    """
    shingles: set[str] = set()
    for line in ocr.lines():
        digits = line_digits(line)
        if len(digits) >= SHINGLE_DIGITS:
            shingles.update(digits[i:i + SHINGLE_DIGITS] for i in range(len(digits) - SHINGLE_DIGITS + 1))
        elif len(digits) >= 3:
            shingles.add(digits)
    return shingles


def _shingle_ids(shingles: set[str]) -> np.ndarray:
    digests = [hashlib.blake2b(s.encode(), digest_size=8).digest() for s in sorted(shingles)]
    return np.frombuffer(b"".join(digests), dtype="<u8")


def minhash(shingles: set[str]) -> np.ndarray:
    """MinHash of a set: N_MINHASH minima (low 16 bits kept); their agreement rate between two sets estimates the
    sets' Jaccard similarity."""
    if not shingles:
        return _EMPTY_MINHASH.copy()
    ids = _shingle_ids(shingles)[:, None]
    with np.errstate(over="ignore"):
        mixed = (ids ^ _MINHASH_SEEDS[None, :]) * _MINHASH_MULTIPLIERS[None, :]
    return (mixed >> np.uint64(32)).min(axis=0).astype(np.uint16)


def page_signature(image: np.ndarray, ocr: Optional[OcrPage]) -> PageSignature:
    """The signature of one upright page from its pixels and (when there is one) its OCR."""
    shingles = text_shingles(ocr) if ocr is not None else set()
    coarse, fine = image_hashes(image)
    return PageSignature(coarse, uncropped_hashes(image), fine, minhash(shingles), len(shingles), thumbnail(image))


def hash_distances(hashes: np.ndarray, signature: PageSignature) -> np.ndarray:
    """Bits between each known 64-bit hash and the query's, taking the query as is or padded back on one side."""
    query = np.concatenate([[np.uint64(signature.image_hash)], signature.uncropped_hashes]).astype(np.uint64)
    return np.bitwise_count(hashes[None, :] ^ query[:, None]).min(axis=0)


class NearDuplicateIndex:
    """Known pages' signatures, queried for near duplicates; saved to and loaded from a folder."""

    def __init__(self, max_hamming: int = DEFAULT_MAX_HAMMING,
                 min_text_similarity: float = DEFAULT_MIN_TEXT_SIMILARITY):
        self.max_hamming = int(max_hamming)
        self.min_text_similarity = float(min_text_similarity)
        self.keys: list[str] = []
        self._hashes = np.zeros(0, dtype=np.uint64)
        self._fine = np.zeros((0, FINE_WORDS), dtype=np.uint64)
        self._minhashes = np.zeros((0, N_MINHASH), dtype=np.uint16)
        self._n_shingles = np.zeros(0, dtype=np.int32)
        self._thumbnails: list[bytes] = []
        self._has_thumbnail = np.zeros(0, dtype=bool)
        self._known_keypoints: dict[int, tuple] = {}  # ORB keypoints of entries already checked visually
        self._pending: list[PageSignature] = []

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, signature: PageSignature) -> None:
        """Index one known page under a key (e.g. `<document id>#<page>`)."""
        self.keys.append(str(key))
        self._pending.append(signature)

    def add_arrays(self, keys: list[str], hashes: np.ndarray, fine: np.ndarray, minhashes: np.ndarray,
                   n_shingles: np.ndarray, thumbnails: Optional[list[bytes]] = None) -> None:
        """Index many pages at once from their arrays: uint64 hashes, N x FINE_WORDS uint64 fine hashes,
        N x N_MINHASH uint16 MinHashes, shingle counts and (optional) thumbnails."""
        thumbnails = list(thumbnails) if thumbnails is not None else [b""] * len(keys)
        if not (len(keys) == len(hashes) == len(fine) == len(minhashes) == len(n_shingles) == len(thumbnails)):
            raise ValueError("keys, hashes, fine hashes, minhashes, n_shingles and thumbnails must have the same "
                             "length")
        self._flush()
        self._append(np.asarray(hashes), np.asarray(fine), np.asarray(minhashes), np.asarray(n_shingles), thumbnails)
        self.keys.extend(str(k) for k in keys)

    def _append(self, hashes: np.ndarray, fine: np.ndarray, minhashes: np.ndarray, n_shingles: np.ndarray,
                thumbnails: list[bytes]) -> None:
        self._thumbnails.extend(bytes(t) for t in thumbnails)
        self._has_thumbnail = np.concatenate([self._has_thumbnail, np.array([len(t) > 0 for t in thumbnails], bool)])
        self._hashes = np.concatenate([self._hashes, hashes.astype(np.uint64)])
        self._fine = np.concatenate([self._fine, fine.astype(np.uint64).reshape(-1, FINE_WORDS)])
        self._minhashes = np.concatenate([self._minhashes, minhashes.astype(np.uint16).reshape(-1, N_MINHASH)])
        self._n_shingles = np.concatenate([self._n_shingles, n_shingles.astype(np.int32)])

    def _flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self._append(np.array([s.image_hash for s in pending], dtype=np.uint64),
                     np.stack([s.fine_hash for s in pending]), np.stack([s.minhash for s in pending]),
                     np.array([s.n_shingles for s in pending]), [s.thumbnail for s in pending])

    def query(self, signature: PageSignature) -> list[NearDuplicateMatch]:
        """Known pages the signature duplicates, best first."""
        self._flush()
        distances = hash_distances(self._hashes, signature)
        candidates = np.flatnonzero(distances <= max(self.max_hamming, STRONG_TEXT_MAX_HAMMING))
        if candidates.size == 0:
            return []
        fine = np.bitwise_count(self._fine[candidates] ^ signature.fine_hash[None, :]).sum(axis=1)
        has_text = (self._n_shingles[candidates] >= MIN_TEXT_SHINGLES) & (signature.n_shingles >= MIN_TEXT_SHINGLES)
        similarity = self._text_similarity(candidates, signature.minhash)
        near = distances[candidates] <= self.max_hamming
        text_agrees = has_text & (similarity >= np.where(near, self.min_text_similarity, STRONG_TEXT_SIMILARITY))
        text_vetoes = has_text & (similarity < self.min_text_similarity / 2)
        decided = text_agrees | (near & (fine <= FINE_MAX_HAMMING) & ~text_vetoes)
        matches = [NearDuplicateMatch(self.keys[candidates[j]], int(distances[candidates[j]]), int(fine[j]),
                                      float(similarity[j]) if has_text[j] else None) for j in np.flatnonzero(decided)]
        undecided = np.flatnonzero(near & ~decided) if not decided.any() else np.zeros(0, dtype=np.int64)
        for j, disagreement in self._visual_matches(candidates, undecided, distances, fine, signature):
            matches.append(NearDuplicateMatch(self.keys[candidates[j]], int(distances[candidates[j]]), int(fine[j]),
                                              float(similarity[j]) if has_text[j] else None, disagreement))
        return sorted(matches, key=lambda m: (-m.score, m.hamming, m.key))

    def _visual_matches(self, candidates: np.ndarray, undecided: np.ndarray, distances: np.ndarray,
                        fine: np.ndarray, signature: PageSignature) -> list[tuple[int, float]]:
        """(position among the candidates, ink disagreement) of the nearest undecided candidates that the visual
        check accepts."""
        undecided = undecided[self._has_thumbnail[candidates[undecided]]]
        if not signature.thumbnail or undecided.size == 0:
            return []
        closeness = distances[candidates[undecided]].astype(np.int64) * 4 + fine[undecided]
        nearest = undecided[np.argsort(closeness, kind="stable")]
        query = _decode_thumbnail(signature.thumbnail)
        query_keypoints = keypoints(query)
        accepted = []
        for j in nearest[:VISUAL_CANDIDATES]:
            entry = int(candidates[j])
            known = _decode_thumbnail(self._thumbnails[entry])
            if entry not in self._known_keypoints:
                self._known_keypoints[entry] = keypoints(known)
            inliers, disagreement = visual_agreement(query, known, query_keypoints, self._known_keypoints[entry])
            if inliers >= MIN_VISUAL_INLIERS and disagreement <= MAX_INK_DISAGREEMENT:
                accepted.append((int(j), disagreement))
        return accepted

    def _text_similarity(self, candidates: np.ndarray, query: np.ndarray) -> np.ndarray:
        """MinHash agreement with each candidate: on every value for those whose prefix agrees enough, else the
        prefix's own estimate (too low to match anyway)."""
        similarity = (self._minhashes[candidates, :PREFILTER_VALUES] == query[None, :PREFILTER_VALUES]).mean(axis=1)
        promising = np.flatnonzero(similarity >= PREFILTER_MIN_AGREEMENT)
        similarity[promising] = (self._minhashes[candidates[promising]] == query[None, :]).mean(axis=1)
        return similarity

    def save(self, folder: Folder, prefix: str = "near-duplicates") -> None:
        """Write the index as `<prefix>.npz` (arrays) and `<prefix>.json` (keys and thresholds) in a folder."""
        self._flush()
        buffer = io.BytesIO()
        sizes = np.array([len(t) for t in self._thumbnails], dtype=np.int64)
        np.savez_compressed(buffer, hashes=self._hashes, fine=self._fine, minhashes=self._minhashes,
                            n_shingles=self._n_shingles, thumbnail_sizes=sizes,
                            thumbnails=np.frombuffer(b"".join(self._thumbnails), dtype=np.uint8))
        folder.write_bytes(f"{prefix}.npz", buffer.getvalue())
        card = {"format": INDEX_FORMAT, "n_minhash": N_MINHASH, "max_hamming": self.max_hamming,
                "min_text_similarity": self.min_text_similarity, "keys": self.keys}
        folder.write_bytes(f"{prefix}.json", json.dumps(card, ensure_ascii=False).encode())

    @staticmethod
    def load(folder: Folder, prefix: str = "near-duplicates") -> "NearDuplicateIndex":
        """Read an index written by `save`; refuses one of another format."""
        card = json.loads(folder.read_bytes(f"{prefix}.json"))
        if card.get("format") != INDEX_FORMAT or card.get("n_minhash") != N_MINHASH:
            raise ValueError(f"{prefix}.json: index format {card.get('format')} with {card.get('n_minhash')} "
                             f"MinHash values is not this version's ({INDEX_FORMAT}, {N_MINHASH}); rebuild it")
        arrays = np.load(io.BytesIO(folder.read_bytes(f"{prefix}.npz")))
        index = NearDuplicateIndex(card["max_hamming"], card["min_text_similarity"])
        blob, ends = arrays["thumbnails"].tobytes(), np.cumsum(arrays["thumbnail_sizes"])
        thumbnails = [blob[end - size:end] for end, size in zip(ends, arrays["thumbnail_sizes"])]
        index.add_arrays(card["keys"], arrays["hashes"], arrays["fine"], arrays["minhashes"], arrays["n_shingles"],
                         thumbnails)
        return index
