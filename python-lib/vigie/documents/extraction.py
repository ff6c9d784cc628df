"""Field extraction from OCR words: find the labels of a document type's fields, read the values of the right
shape next to them (after it on its line, right of it on the same row, or below it) and the act tables row by row.

Layout-free by design: a label is found by fuzzy text match wherever it is printed, a value by its shape (date,
amount, checksummed identifier, name) and by geometry relative to its label, so a layout never seen in training
is read the same way. Identifiers without a label are still found when their checksum confirms them.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from statistics import median
from typing import Callable, Optional

from rapidfuzz import fuzz

from vigie.core.results import Box, union
from vigie.documents import normalise as nz
from vigie.documents.consistency import SUM_RULES, SumRule
from vigie.documents.field_specs import (
    ADDRESS,
    FieldSpec,
    TableSpec,
    column_kind,
    field_specs,
    period_columns,
    table_spec,
)
from vigie.documents.identifier_keys import SHAPED
from vigie.documents.ocr import OcrPage, OcrWord
from vigie.runtime.plugin import resource_path

LABEL_GAP = 1.8  # the words of one label are at most this many times its tallest word's height apart
# The words of one value are at most this many word heights apart: identifiers print wide group spaces, an amount's
# thousands space is narrower (OCR boxes a group's first digit short, widening it), as are the gap a date's unread
# separator leaves ("01 10.2023") and a wide-set name's spaces, and the next table column is far.
VALUE_GAP = {"nir": 3.0, "siret": 3.0, "iban": 3.0, "rpps": 3.0, "adeli": 3.0, "finess": 3.0, "nif": 3.0,
             "number": 2.0, "date": 1.7, "name": 1.7, "avis_reference": 3.0, "bic": 1.2, "amount": 1.7,
             "integer_amount": 1.7}
DEFAULT_VALUE_GAP = 1.2
MAX_VALUE_WORDS = 8  # an IBAN or a NIR printed in groups spans up to eight words
LABEL_SIMILARITY = 86.0  # rapidfuzz ratio above which a run of words reads as a label
BELOW_LINES = 3.5  # how many line heights below its label a value may sit
UNSURE_OCR = 0.5  # an amount word read below this confidence without its decimal comma is given its cents back
CHECKED_KINDS = ("nir", "siret", "rpps", "adeli", "finess", "iban", "nif")


@dataclass(frozen=True)
class ExtractedField:
    """One keyed value: field name, normalised value, text as read, pixel box and confidence in [0, 1]."""

    name: str
    value: str
    text: str
    box: Box
    confidence: float
    ocr_confidence: float = 1.0  # the lowest Tesseract confidence of the words the value was read from
    features: tuple[float, ...] = ()  # what its confidence was computed from (see CONFIDENCE_FEATURES)


@dataclass(frozen=True)
class TextLine:
    """The words of one OCR line, left to right."""

    words: tuple[OcrWord, ...]
    index: int


@dataclass(frozen=True)
class LabelHit:
    """Words of a text line that read as one of a field's labels."""

    field: str
    line: int
    start: int
    end: int
    box: Box
    similarity: float
    length: int
    label: str = ""


@dataclass(frozen=True)
class Candidate:
    """A run of words that parses as a value of one kind."""

    kind: str
    value: str
    text: str
    line: int
    start: int
    end: int
    box: Box
    confidence: float
    checksum_ok: bool = False
    ocr_min: float = 1.0  # the lowest confidence of its words that hold a letter or digit


def _height(box: Box) -> int:
    return max(1, box[3] - box[1])


_GLUED = re.compile(r"^(?P<label>[^\W\d_]{3,}[.:]?)(?P<value>\d[\d/.,\-]*\d)$")


def split_glued(word: OcrWord) -> list[OcrWord]:
    """A label word OCR glued to its value ("recouvrement30/07/2023") as two words, the box cut in proportion."""
    match = _GLUED.match(word.text)
    if not match:
        return [word]
    x0, y0, x1, y1 = word.box
    cut = x0 + round((x1 - x0) * len(match["label"]) / len(word.text))
    return [replace(word, text=match["label"], box=(x0, y0, cut, y1)),
            replace(word, text=match["value"], box=(cut, y0, x1, y1))]


SPACED_DIGITS_GAP = 0.15  # in word heights: digits closer than this are one number OCR cut up (a large total)


def join_spaced_digits(words: list[OcrWord]) -> list[OcrWord]:
    """Consecutive words of digits almost touching ("9" "3" "6" for a large "936") as one word."""
    joined: list[OcrWord] = []
    for word in words:
        last = joined[-1] if joined else None
        if (last is not None and last.text.isdigit() and word.text[:1].isdigit()
                and word.box[0] - last.box[2] <= SPACED_DIGITS_GAP * _height(word.box)):
            joined[-1] = replace(last, text=last.text + word.text, box=union([last.box, word.box]),
                                 confidence=min(last.confidence, word.confidence))
        else:
            joined.append(word)
    return joined


def text_lines(page: OcrPage) -> list[TextLine]:
    """Each OCR line's words left to right (edge punctuation alone is dropped, glued label and value split,
    digits read one by one joined)."""
    result: list[TextLine] = []
    for ocr_line in page.lines():
        words = join_spaced_digits(sorted((part for w in ocr_line if nz.clean_token(w.text) for part in split_glued(w)),
                                          key=lambda w: w.box[0]))
        if words:
            result.append(TextLine(tuple(words), len(result)))
    return result


TITLE_GAP = 2.0  # in word heights: a civility may stand further from the name it opens ("M.  BRUN Zacharie")


def _gaps_below(words: tuple[OcrWord, ...], limit: float, titled: bool = False, measure=median) -> bool:
    """Whether every gap between consecutive words is at most `limit` word heights, the height the `measure` of
    theirs (TITLE_GAP after a civility when `titled`)."""
    height = measure(_height(w.box) for w in words)
    return all(b.box[0] - a.box[2] <= (TITLE_GAP if titled and _is_title(a.text) else limit) * height
               for a, b in zip(words, words[1:]))


TOP_SHIFT = 0.5  # in word heights: a name's next word starting this much higher or lower is other print


def _tops_aligned(words: tuple[OcrWord, ...]) -> bool:
    """Whether consecutive words start on one level, as the words of one name do (a larger "A" of a stamp beside
    a patient's name does not)."""
    height = median(_height(w.box) for w in words)
    return all(abs(b.box[1] - a.box[1]) <= TOP_SHIFT * height for a, b in zip(words, words[1:]))


def _is_title(text: str) -> bool:
    return nz.TITLE_MISREADS.get(text, text) in nz.TITLES


def _label_key(text: str) -> str:
    """A label's comparison key: folded, without spaces, colons, dots, apostrophes, degree signs, brackets or bars."""
    return re.sub(r"[\s:.'’°º()\[\]{}|]", "", nz.fold(text))


def find_labels(lines: list[TextLine], labels: dict[str, tuple[str, ...]]) -> list[LabelHit]:
    """Every run of words matching a label of a field; overlapping hits resolved in favour of the longer label."""
    hits: list[LabelHit] = []
    for field_name, synonyms in labels.items():
        for synonym in synonyms:
            hits.extend(_label_hits(lines, field_name, synonym))
    weight = {id(h): h.length * h.similarity / 100.0 for h in hits}  # an exact label beats a longer fuzzy one
    hits.sort(key=lambda h: -weight[id(h)])
    claimed: dict[tuple[int, int], float] = {}
    kept: list[LabelHit] = []
    for hit in hits:
        owners = [claimed[(hit.line, i)] for i in range(hit.start, hit.end) if (hit.line, i) in claimed]
        if owners and max(owners) > weight[id(hit)]:
            continue
        kept.append(hit)
        for i in range(hit.start, hit.end):
            claimed[(hit.line, i)] = max(claimed.get((hit.line, i), 0.0), weight[id(hit)])
    return kept


def _label_hits(lines: list[TextLine], field_name: str, synonym: str) -> list[LabelHit]:
    """Runs of words reading as `synonym`; at each start only the best-matching run length (OCR may split or
    join a label's words), so a value right after a label is never swallowed into it."""
    target = _label_key(synonym)
    n_words = len(synonym.split())
    found: list[LabelHit] = []
    for line in lines:
        texts = [_label_key(w.text) for w in line.words]
        for start in range(len(texts)):
            best: Optional[tuple[float, int]] = None
            for size in sorted({max(1, n_words - 1), n_words, n_words + 1}):
                # measured against the tallest word: OCR boxes words of small letters ("mise en") an x-height high
                if start + size > len(texts) or not _gaps_below(line.words[start:start + size], LABEL_GAP,
                                                                measure=max):
                    continue
                similarity = _similarity("".join(texts[start:start + size]), target)
                if similarity >= LABEL_SIMILARITY and (best is None or similarity > best[0]):
                    best = (similarity, size)
            if (best is not None and not _surname_particle(line.words[start:start + best[1] + 1], synonym)
                    and not _first_name(line.words[start:start + best[1]], line.words[start + best[1]:], synonym)
                    and not _negated(line.words[start + best[1]:start + best[1] + 1])
                    and not (target == "le" and _ends_a_phrase(line.words[:start + 1]))):
                size = best[1]
                box = union([w.box for w in line.words[start:start + size]])
                found.append(LabelHit(field_name, line.index, start, start + size, box, best[0], len(target),
                                      synonym))
    return found


def _ends_a_phrase(words: tuple[OcrWord, ...]) -> bool:
    """Whether the last of `words` ("le") ends a phrase its word before it opens ("Reçu le", "Né le"), rather
    than opening a date ("Le 12/03/2023", "Paris, le 12/03/2023")."""
    if len(words) < 2:
        return False
    before, word = words[-2], words[-1]
    return before.text[-1:].isalpha() and word.box[0] - before.box[2] <= LABEL_GAP * _height(word.box)


def _negated(after: tuple[OcrWord, ...]) -> bool:
    """Whether the word after a label negates it ("TVA non applicable", "Montant non remboursable"): no value."""
    return bool(after) and nz.fold(nz.clean_token(after[0].text)) == "non"


def _surname_particle(words: tuple[OcrWord, ...], synonym: str) -> bool:
    """Whether a short lower-case label ("Le", "du") is read from a capitalised particle that starts a surname
    ("LE GOFF", "DU PONT"): the label's word in capitals followed by another word in capitals."""
    if len(_label_key(synonym)) > 3 or synonym.isupper() or len(words) < 2:
        return False
    head, after = nz.clean_token(words[0].text), nz.clean_token(words[-1].text)
    return head.isalpha() and head.isupper() and len(after) >= 2 and after.isalpha() and after.isupper()


def _first_name(words: tuple[OcrWord, ...], rest: tuple[OcrWord, ...], synonym: str) -> bool:
    """Whether a label of several words read from one capitalised word is a first name before a surname in
    capitals ("Émile RODRIGUES" is not "Émis le"); `rest` is the rest of the line."""
    if len(words) != 1 or not rest or len(synonym.split()) < 2:
        return False
    head, after = nz.clean_token(words[0].text), nz.clean_token(rest[0].text)
    return head.isalpha() and head.istitle() and len(after) >= 2 and after.isalpha() and after.isupper()


# Letters OCR takes for one another ("Du" read "ou" or "0u", "Au" read "av", "Total" read "Tatal"), folded
# together; "a" and "o" only in longer labels, where "au" and "du" are not both labels.
_SHORT_LABEL_CONFUSIONS = str.maketrans("d0qvwi1", "ooouull")
_LONG_LABEL_CONFUSIONS = str.maketrans("d0qvwi1a", "ooouullo")
CONFUSED_LABEL_SIMILARITY = 90.0


def _similarity(text: str, target: str) -> float:
    """100 for the same label key; CONFUSED_LABEL_SIMILARITY for a label of two characters or more read with
    letters OCR confuses, or of four letters read without one; else a fuzzy ratio for labels long enough to tell
    apart (five characters on)."""
    if text == target:
        return 100.0
    confusions = _SHORT_LABEL_CONFUSIONS if len(target) < 5 else _LONG_LABEL_CONFUSIONS
    if len(target) >= 2 and text.translate(confusions) == target.translate(confusions):
        return CONFUSED_LABEL_SIMILARITY
    if len(target) == 4 and len(text) == 3 and any(target[:i] + target[i + 1:] == text for i in range(4)):
        return CONFUSED_LABEL_SIMILARITY  # a four-letter label short of one letter ("RPP", "Dat")
    return fuzz.ratio(text, target) if len(target) >= 5 else 0.0


def _parse_decimal(text: str) -> Optional[str]:
    """A small decimal as printed ("2,5": a number of tax parts); a comma OCR read as "1" ("215") or lost ("25")
    is put back when the digits after it are a quarter, half or three quarters, as tax parts always are."""
    raw = nz.clean_text(text)
    lost_comma = re.fullmatch(r"(\d)[1l|]?(5|25|75)", raw)  # "215" or "25": no household counts 25 parts
    if lost_comma:
        return f"{lost_comma[1]},{lost_comma[2]}"
    return raw if re.fullmatch(r"\d{1,2}([,.]\d{1,2})?", raw) else None


def _checked(kind: str) -> Callable[[str], Optional[str]]:
    def parse(text: str) -> Optional[str]:
        found = nz.parse_checked_id(text, kind)
        return None if found is None else found[0] + ("" if found[1] else "?")
    return parse


PARSERS: dict[str, Callable[[str], Optional[str]]] = {
    "date": nz.parse_date, "amount": nz.parse_amount, "integer_amount": lambda t: nz.parse_amount(t, True),
    "bic": nz.parse_bic, "name": nz.parse_name, "number": nz.parse_number, "year": nz.parse_year,
    "avis_reference": nz.parse_avis_reference,
    "decimal": _parse_decimal, "code": nz.parse_act_code, "relation": nz.parse_relation,
    "quantity": nz.parse_quantity, "percent": nz.parse_percent, "vat_rate": nz.parse_vat_rate,
    **{k: _checked(k) for k in CHECKED_KINDS},
}


def find_candidates(lines: list[TextLine], kinds: set[str], blocked: set[tuple[int, int]]) -> list[Candidate]:
    """Every run of unlabelled words that parses as a value of one of `kinds`, keeping for each kind only runs
    not contained in a longer run of the same kind."""
    found: list[Candidate] = []
    for line in lines:
        for kind in kinds:
            found.extend(_maximal(_line_candidates(line, kind, blocked)))
    found = [_restore_cents(c) if c.kind == "amount" and c.ocr_min < UNSURE_OCR else c for c in found]
    if "name" in kinds:
        found.extend(_wrapped_joint_names(lines, blocked))
    return _drop_identifier_parts(found)


def _wrapped_joint_names(lines: list[TextLine], blocked: set[tuple[int, int]]) -> list[Candidate]:
    """Joint names whose second surname wrapped onto the next line ("Mme Dorothée BLIN ou M. Gabriel" above
    "MARECHAL"): the first words of the line (up to a gap wider than a name's) and of the line just below it,
    left-aligned with it, read as one name; what OCR put on those lines further right is another column."""
    found = []
    gap = VALUE_GAP.get("name", DEFAULT_VALUE_GAP)
    for line in lines:
        head = _leading_words(line.words, gap)
        text = " ".join(w.text for w in head)
        if not (" ou " in text or " et " in text) or any((line.index, i) in blocked for i in range(len(head))):
            continue
        below = _line_just_below(head, lines)
        if below is None:
            continue
        words = head + _leading_words(below.words, gap)
        value = nz.parse_name(" ".join(w.text for w in words))
        if value is not None and nz.parse_name(text) is None:
            found.append(Candidate("name", value, " ".join(w.text for w in words), line.index, 0, len(head),
                                   union([w.box for w in words]), _reading_confidence(words), False,
                                   _lowest_confidence(words)))
    return found


def _leading_words(words: tuple[OcrWord, ...], gap: float) -> tuple[OcrWord, ...]:
    """The first words of a line, up to the first gap wider than `gap` word heights."""
    for i in range(1, len(words)):
        if words[i].box[0] - words[i - 1].box[2] > gap * _height(words[i].box):
            return words[:i]
    return words


def _line_just_below(words: tuple[OcrWord, ...], lines: list[TextLine]) -> Optional[TextLine]:
    """The text line printed right under `words` (within 1.5 line heights), starting where they start."""
    h = _height(words[0].box)
    top, left = max(w.box[3] for w in words), words[0].box[0]
    for other in lines:
        first = other.words[0]
        if first not in words and 0 <= first.box[1] - top <= 1.5 * h and abs(first.box[0] - left) <= h:
            return other
    return None


def _line_candidates(line: TextLine, kind: str, blocked: set[tuple[int, int]]) -> list[Candidate]:
    parse = PARSERS[kind]
    result = []
    for start in range(len(line.words)):
        for end in range(start + 1, min(len(line.words), start + MAX_VALUE_WORDS) + 1):
            if (line.index, end - 1) in blocked:
                break
            if (line.index, start) in blocked:
                break
            words = line.words[start:end]
            if not _gaps_below(words, VALUE_GAP.get(kind, DEFAULT_VALUE_GAP), titled=kind == "name"):
                break
            if kind == "name" and not _tops_aligned(words):
                break
            text = " ".join(w.text for w in words)
            value = parse(text)
            if value is None:
                continue
            checksum_ok = kind in CHECKED_KINDS and not value.endswith("?")
            result.append(Candidate(kind, value.rstrip("?"), text, line.index, start, end,
                                    union([w.box for w in words]), _reading_confidence(words), checksum_ok,
                                    _lowest_confidence(words)))
    return result


def _reading_confidence(words: tuple[OcrWord, ...]) -> float:
    """How sure OCR was of a value: the mean confidence of its words that hold a letter or digit (Tesseract gives
    a lone currency sign a meaningless score)."""
    scored = [w.confidence for w in words if any(ch.isalnum() for ch in w.text)] or [w.confidence for w in words]
    return sum(scored) / len(scored)


def _lowest_confidence(words: tuple[OcrWord, ...]) -> float:
    """The confidence of the least sure word of a value that holds a letter or digit."""
    return min([w.confidence for w in words if any(ch.isalnum() for ch in w.text)] or [w.confidence for w in words])


def _maximal(candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if not any(_inside(c, o) for o in candidates)]


def _inside(inner: Candidate, outer: Candidate) -> bool:
    return (outer is not inner and outer.line == inner.line and outer.start <= inner.start
            and inner.end <= outer.end and outer.end - outer.start > inner.end - inner.start)


def _drop_identifier_parts(candidates: list[Candidate]) -> list[Candidate]:
    """Without identifiers that are part of a longer confirmed one (the SIREN inside a SIRET is not an ADELI)."""
    confirmed = [c for c in candidates if c.checksum_ok]
    return [c for c in candidates
            if c.kind not in CHECKED_KINDS or not any(_inside(c, o) for o in confirmed)]


def placement_cost(hit: LabelHit, cand: Candidate, slope: float = 0.0) -> Optional[float]:
    """How far a value sits from its label, in label heights: after it on its line, right of it on the same
    row, or below it and overlapping its columns; None when it is in none of these places. Rows are compared
    levelled by the text's `slope` (a value far right on a slanted scan sits higher or lower than its label)."""
    h = _height(hit.box)
    lx0, ly0, lx1, ly1 = _levelled(hit.box, slope)
    cx0, cy0, cx1, cy1 = _levelled(cand.box, slope)
    centre = (cy0 + cy1) / 2
    if cand.line == hit.line and cand.start >= hit.end:
        return (cx0 - lx1) / h * 0.05
    if ly0 - 0.6 * h <= centre <= ly1 + 0.6 * h and cx0 >= lx1 - h:
        return 0.5 + (cx0 - lx1) / h * 0.05 + abs(centre - (ly0 + ly1) / 2) / h * 0.5
    overlap = min(lx1, cx1) - max(lx0, cx0)
    under = overlap > 0 or abs(cx0 - lx0) <= 2 * h or lx0 <= cx0 <= lx1 + 6 * h  # in the label's cell
    if cy0 >= ly1 - 0.3 * h and cy0 - ly1 <= BELOW_LINES * h and under:
        return 2.0 + (cy0 - ly1) / h + abs(cx0 - lx0) / h * 0.05
    return None


CONFIDENCE_FEATURES = ("ocr_mean", "ocr_min", "label_similarity", "placement_cost", "checksum_valid",
                       "checksum_invalid", "kind_date", "kind_amount", "kind_name", "kind_code", "kind_number",
                       "from_label", "from_table", "from_unlabelled", "from_arithmetic")
SOURCES = ("label", "table", "unlabelled", "arithmetic")
CONFIDENCE_MODEL = "extraction_confidence.json"  # logistic regression fitted by vigie.documents.extraction_calibration


def confidence_features(cand: Candidate, hit: Optional[LabelHit], cost: float, source: str) -> tuple[float, ...]:
    """What tells a right value from a wrong one, in the order of CONFIDENCE_FEATURES: how sure OCR was, how well
    its label matched and how close it sat, whether its key checks, its kind and how it was found."""
    checked = cand.kind in CHECKED_KINDS
    kinds = [float(cand.kind == "date"), float(cand.kind == "code"), float(cand.kind in ("number", "avis_reference"))]
    return (cand.confidence, cand.ocr_min, 0.0 if hit is None else hit.similarity / 100.0, min(cost, 6.0),
            float(checked and cand.checksum_ok), float(checked and not cand.checksum_ok), kinds[0],
            float(cand.kind in ("amount", "integer_amount")), float(cand.kind == "name"), kinds[1], kinds[2],
            *(float(source == s) for s in SOURCES))


@lru_cache(maxsize=1)
def confidence_model() -> Optional[tuple[tuple[float, ...], float]]:
    """The shipped calibration (coefficients, intercept), or None when missing or fitted on other features."""
    try:
        fitted = json.loads(resource_path("models", CONFIDENCE_MODEL).read_text())
    except (OSError, ValueError):
        return None
    if tuple(fitted.get("features", ())) != CONFIDENCE_FEATURES:
        return None
    return tuple(float(c) for c in fitted["coef"]), float(fitted["intercept"])


def _confidence(cand: Candidate, hit: Optional[LabelHit], cost: float, features: tuple[float, ...]) -> float:
    """The probability that the value is right: the shipped calibration applied to the value's features, else a
    heuristic product of OCR, label and placement scores."""
    model = confidence_model()
    if model is not None:
        score = model[1] + sum(c * f for c, f in zip(model[0], features))
        return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score)))), 4)
    label = 1.0 if hit is None else hit.similarity / 100.0
    place = 1.0 / (1.0 + 0.15 * cost)
    check = 1.0 if cand.checksum_ok or cand.kind not in CHECKED_KINDS else 0.6
    unlabelled = 0.8 if hit is None else 1.0
    return round(max(0.0, min(1.0, cand.confidence * label * place * check * unlabelled)), 4)


def _field(spec_name: str, cand: Candidate, hit: Optional[LabelHit], cost: float, source: str) -> ExtractedField:
    features = confidence_features(cand, hit, cost, source)
    return ExtractedField(spec_name, cand.value, cand.text, cand.box, _confidence(cand, hit, cost, features),
                          round(cand.ocr_min, 4), features)


GENERIC_LABEL = 4  # labels this short ("Date", "Le", "Du") are generic: a `far` word close by disqualifies them
CONTEXT_RADIUS = 8.0  # in label heights


def _in_context(hit: LabelHit, specs: tuple[FieldSpec, ...], lines: list[TextLine]) -> bool:
    """Whether a label hit fits its field's context: a contextual label needs a `near` word close by, a short
    one must have no `far` word close by."""
    spec = next(s for s in specs if s.name == hit.field)
    needs_near = hit.label in spec.contextual and bool(spec.near)
    checks_far = hit.length <= GENERIC_LABEL and bool(spec.far)
    if not (needs_near or checks_far):
        return True
    h = _height(hit.box)
    cx, cy = (hit.box[0] + hit.box[2]) / 2, (hit.box[1] + hit.box[3]) / 2
    close = [nz.fold(w.text) for line in lines for w in line.words
             if abs((w.box[1] + w.box[3]) / 2 - cy) <= CONTEXT_RADIUS * h
             and abs((w.box[0] + w.box[2]) / 2 - cx) <= 2 * CONTEXT_RADIUS * h]
    return (not needs_near or _mentions(close, spec.near)) and not (checks_far and _mentions(close, spec.far))


def _mentions(folded_words: list[str], prefixes: tuple[str, ...]) -> bool:
    keys = [nz.fold(p) for p in prefixes]
    return any(word.startswith(key) for word in folded_words for key in keys)


def _fits_title(cand: Candidate, spec: FieldSpec) -> bool:
    """A doctor's name ("Dr ...") is never a patient's, an insured's or an account holder's."""
    return cand.kind != "name" or not cand.value.startswith("Dr ") or "Dr" in spec.title


def labelled_fields(specs: tuple[FieldSpec, ...], hits: list[LabelHit], candidates: list[Candidate],
                    slope: float = 0.0) -> dict[str, ExtractedField]:
    """Each field's best value next to one of its labels (rows levelled by the text's `slope`); one value serves
    one field, closest pairs first."""
    by_kind: dict[str, list[Candidate]] = {}
    for cand in candidates:
        by_kind.setdefault(cand.kind, []).append(cand)
    pairs = []
    spec_of = {s.name: s for s in specs}
    for hit in hits:
        for cand in by_kind.get(spec_of[hit.field].kind, []):
            if not _fits_title(cand, spec_of[hit.field]):
                continue
            cost = placement_cost(hit, cand, slope)
            if cost is not None:
                penalty = 0.0 if cand.checksum_ok or cand.kind not in CHECKED_KINDS else 0.5
                penalty += 0.3 if hit.length <= 2 else 0.0  # "le", "N°": weak labels yield to longer ones
                pairs.append((cost + penalty, hit, cand))
    pairs.sort(key=lambda p: (p[0], p[2].line, p[2].start))
    chosen: dict[str, ExtractedField] = {}
    used: set[tuple[int, int]] = set()
    for cost, hit, cand in pairs:
        if hit.field in chosen or (cand.line, cand.start) in used:
            continue
        chosen[hit.field] = _field(hit.field, cand, hit, cost, "label")
        used.add((cand.line, cand.start))
    return chosen


VAT_RATE_MAX = 0.20  # the highest French VAT rate: a total TTC is at most 20 % above its total HT
TOTALS_BELOW = 4.0  # in line heights: how far below the total HT the VAT and total TTC are printed


def totals_by_arithmetic(specs: tuple[FieldSpec, ...], chosen: dict[str, ExtractedField],
                         candidates: list[Candidate]) -> dict[str, ExtractedField]:
    """The VAT and total TTC whose labels OCR lost, read from the unclaimed amounts printed below the total HT in
    its column: the pair with HT + VAT = TTC, the amount that completes a known one (else, for the TTC, the amount
    right under the VAT: a total that does not add up is read, to be checked), else the nearest amount between HT
    and HT plus the highest VAT rate as the TTC, else the amount right under HT, if a VAT rate of it, as the VAT."""
    if not {"total_ht", "vat", "total_ttc"} <= {s.name for s in specs} or "total_ht" not in chosen:
        return {}
    if "vat" in chosen and "total_ttc" in chosen:
        return {}
    ht = chosen["total_ht"]
    h = _height(ht.box)
    taken = {(f.box, f.value) for f in chosen.values()}
    pool = sorted((c for c in candidates if c.kind == "amount" and (c.box, c.value) not in taken
                   and c.box[1] >= ht.box[1] + 0.5 * h and c.box[1] - ht.box[3] <= TOTALS_BELOW * h
                   and abs(c.box[2] - ht.box[2]) <= 3 * h), key=lambda c: c.box[1])
    cents = {id(c): round(float(c.value) * 100) for c in pool}
    base = round(float(ht.value) * 100)
    found: dict[str, Candidate] = {}
    if "vat" in chosen:
        vat = round(float(chosen["vat"].value) * 100)
        found.update(_first("total_ttc", [c for c in pool if cents[id(c)] == base + vat]))
        if not found:  # a total that does not add up is read all the same, for the checks to weigh
            under = _right_under(chosen["vat"], pool)
            return {"total_ttc": _field("total_ttc", under[0], None, 3.0, "unlabelled")} if under else {}
    elif "total_ttc" in chosen:
        ttc = round(float(chosen["total_ttc"].value) * 100)
        found.update(_first("vat", [c for c in pool if 0 < cents[id(c)] == ttc - base]))
    else:
        pairs = [(x, y) for i, x in enumerate(pool) for y in pool[i + 1:] if 0 < cents[id(x)]
                 and base + cents[id(x)] == cents[id(y)]]
        if pairs:
            found = {"vat": pairs[0][0], "total_ttc": pairs[0][1]}
        else:
            found.update(_first("total_ttc", [c for c in pool
                                              if base <= cents[id(c)] <= base * (1 + VAT_RATE_MAX) + 1]))
            if not found and pool and 0 < cents[id(pool[0])] <= base * VAT_RATE_MAX:
                found = {"vat": pool[0]}  # the line right under the total HT is its VAT
    return {name: _field(name, c, None, 2.0, "arithmetic") for name, c in found.items()}


def _right_under(above: ExtractedField, pool: list[Candidate]) -> list[Candidate]:
    """The amount of `pool` printed on the next line under a field, ending where it ends (its column)."""
    h = _height(above.box)
    return [c for c in pool if 0.5 * h <= c.box[1] - above.box[1] <= 2.5 * h
            and abs(c.box[2] - above.box[2]) <= h][:1]


def total_ht_by_sum(specs: tuple[FieldSpec, ...], chosen: dict[str, ExtractedField],
                    candidates: list[Candidate]) -> dict[str, ExtractedField]:
    """A total HT whose label OCR lost: the nearest unclaimed amount below the act lines that equals their sum."""
    acts = [f for name, f in chosen.items() if name.startswith("act_amount_")]
    if "total_ht" not in {s.name for s in specs} or "total_ht" in chosen or not acts:
        return {}
    total = sum(round(float(f.value) * 100) for f in acts)
    bottom = max(f.box[3] for f in acts)
    taken = {f.box for f in chosen.values()}
    pool = sorted((c for c in candidates if c.kind == "amount" and c.box not in taken and c.box[1] >= bottom
                   and round(float(c.value) * 100) == total), key=lambda c: c.box[1])
    return {"total_ht": _field("total_ht", pool[0], None, 2.0, "arithmetic")} if pool else {}


def _first(name: str, pool: list[Candidate]) -> dict[str, Candidate]:
    return {name: pool[0]} if pool else {}


def unlabelled_fields(specs: tuple[FieldSpec, ...], chosen: dict[str, ExtractedField], candidates: list[Candidate],
                      lines: list[TextLine]) -> dict[str, ExtractedField]:
    """Fields no label led to: a checksummed identifier that is the only valid one of its kind on the page; a
    name printed just above what announces it (a birth date, a specialty, a street address), else printed with
    the field's civility (Dr for a practitioner)."""
    taken = {(f.box, f.value) for f in chosen.values()}
    found: dict[str, ExtractedField] = {}
    for spec in specs:
        if spec.name in chosen:
            continue
        pool = [c for c in candidates
                if c.kind == spec.kind and (c.box, c.value) not in taken and _fits_title(c, spec)]
        best = _unlabelled_choice(spec, pool, lines, [chosen[n].box for n in spec.beside if n in chosen])
        if best is not None:
            found[spec.name] = _field(spec.name, best, None, 3.0, "unlabelled")
            taken.add((best.box, best.value))
    return found


def _unlabelled_choice(spec: FieldSpec, pool: list[Candidate], lines: list[TextLine],
                       beside: list[Box]) -> Optional[Candidate]:
    if spec.kind in CHECKED_KINDS:  # the only valid one; else the only NIR- or RPPS-shaped one read clearly
        shaped = SHAPED.get(spec.kind)  # (printed with a wrong key)
        valid = [c for c in pool if c.checksum_ok] or [c for c in pool if shaped is not None and shaped(c.value)
                                                       and c.ocr_min >= CLEAR_READING]
        return valid[0] if len({c.value for c in valid}) == 1 else None
    if spec.kind != "name":
        return None
    anchored = [c for c in pool if spec.above and _line_below_starts(c, lines, spec.above)]
    if anchored:
        return min(anchored, key=lambda c: (c.box[1], c.box[0]))
    close = [(d, c) for c in pool for d in [_nearest(c.box, beside)] if d is not None]
    if close:
        return min(close, key=lambda pair: pair[0])[1]
    titled = [c for c in pool if c.value.split(" ")[0] in spec.title]
    return min(titled, key=lambda c: (c.box[1], c.box[0])) if titled else None


BESIDE_RADIUS = 6.0  # a name this many line heights from an identifier (a quarter per width) may be its holder's


def _nearest(box: Box, anchors: list[Box]) -> Optional[float]:
    """The distance, in line heights, from a box to the closest anchor within BESIDE_RADIUS, else None."""
    h = _height(box)
    distances = [0.25 * max(0, a[0] - box[2], box[0] - a[2]) / h + max(0, a[1] - box[3], box[1] - a[3]) / h
                 for a in anchors]  # across a line counts less than between lines
    inside = [d for d in distances if d <= BESIDE_RADIUS]
    return min(inside) if inside else None


_STREET = re.compile(r"^\d{1,4}(\s?(bis|ter))?\s+(rue|avenue|av|boulevard|bd|chemin|place|allee|impasse|route|quai|"
                     r"cours|square|residence|rond-point|voie|sentier|passage|hameau|lieu-dit)\b")


def _line_below_starts(cand: Candidate, lines: list[TextLine], phrases: tuple[str, ...]) -> bool:
    """Whether the text printed just below a candidate, left-aligned or centred with it, starts with one of
    `phrases` (ADDRESS for a street address)."""
    h = _height(cand.box)
    centre = (cand.box[0] + cand.box[2]) / 2
    for line in lines:
        words = _leading_words(tuple(w for w in line.words if cand.box[3] - 0.2 * h <= w.box[1] <= cand.box[3] + 1.5 * h
                                     and w.box[2] > cand.box[0] - 2 * h), DEFAULT_VALUE_GAP)
        if not words or (abs(words[0].box[0] - cand.box[0]) > 2 * h
                         and abs((words[0].box[0] + words[-1].box[2]) / 2 - centre) > 2 * h):
            continue
        text = nz.fold(" ".join(w.text for w in words))
        for phrase in phrases:
            if phrase == ADDRESS and _STREET.match(text):
                return True
            key = nz.fold(phrase)
            if phrase != ADDRESS and fuzz.ratio(text[:len(key)], key) >= LABEL_SIMILARITY:
                return True
    return False


def column_hits(lines: list[TextLine], table: TableSpec) -> dict[str, list[LabelHit]]:
    """The act table's column header hits, by column."""
    hits = find_labels(lines, table.columns)
    grouped: dict[str, list[LabelHit]] = {}
    for hit in hits:
        grouped.setdefault(hit.field, []).append(hit)
    return grouped


def _in_column(box: Box, header: Box, slack: float) -> bool:
    return min(box[2], header[2] + slack) - max(box[0], header[0] - slack) > 0


def _same_row(box: Box, row: Box) -> bool:
    """Whether a box's vertical centre lies within a row's band, widened for cells centred in tall rows."""
    offset = abs((box[1] + box[3]) / 2 - (row[1] + row[3]) / 2)
    return offset <= 0.5 * _height(row) + 0.8 * min(_height(row), _height(box))


def table_fields(lines: list[TextLine], table: TableSpec, headers: dict[str, list[LabelHit]],
                 slope: float) -> tuple[dict[str, ExtractedField], dict[str, Box]]:
    """Act lines read as a table: below the code column's header, each act code in that column with an amount on
    its row starts a row, and the row's amount (and date) is the value of that shape in the matching column.
    Without a readable code header, the code column is the largest set of codes aligned one above the other.
    `headers` are the table's column header hits (see `column_hits`); rows are compared on boxes levelled by the
    text's `slope` (see `text_slope`). Also returns, name -> box, what is printed but not read: the cells of a
    column whose header is on the header row, and act rows whose code OCR lost."""
    kinds = {"amount", "date"} | {column_kind(column) for column in table.columns if column != "act_code"}
    cells = [_restore_cents(v) for v in find_candidates(lines, kinds, set())]
    values = [v for v in cells if v.kind in ("amount", "date")]  # what tells an act row
    amounts = [v for v in values if v.kind == "amount"]

    def on_row(box: Box, row: Box) -> bool:  # rows compared levelled: a slanted scan's row rises or sinks across
        return _same_row(_levelled(box, slope), _levelled(row, slope))

    codes = [c for c in find_candidates(lines, {"code"}, set()) if any(on_row(a.box, c.box) for a in amounts)
             and (c.start == 0 or nz.in_capitals(c.text))]  # in small letters only where a row starts ("cp" ...)
    code_header = _code_header(headers, codes)
    if code_header is None:
        return {}, {}
    slack = _height(code_header)
    codes = [c for c in codes if c.box[1] > code_header[3] - 0.2 * slack and _in_column(c.box, code_header, slack)]
    found: dict[str, ExtractedField] = {}
    unread: dict[str, Box] = {}
    rows = _with_codeless_rows(_code_rows(codes, code_header), code_header, values, lines, 8.0 * slack, slope)
    values_by_row: list[list[Candidate]] = []
    for index, (code, row) in enumerate(rows, start=1):
        if code is None:
            unread[f"act_code_{index}"] = row
        else:
            found[f"act_code_{index}"] = _field(f"act_code_{index}", code, None, 0.0, "table")
        row_values = [v for v in cells if on_row(v.box, row)
                      and not v.value.startswith("-")]  # an act is never billed a negative amount ("ADD -1,50")
        values_by_row.append(row_values)
        for column in sorted(table.columns, key=lambda c: c not in PRIMARY_COLUMNS):
            if column == "act_code":
                continue
            kind = column_kind(column)
            cell = _table_cell(lines, table, headers, code_header, row, column, kind, row_values,
                               found.get(f"act_amount_{index}"))
            if cell is not None:
                found[f"{column}_{index}"] = _field(f"{column}_{index}", cell, None, 1.0, "table")
            elif code is None and column == "act_amount":
                unread[f"{column}_{index}"] = row
            elif (header := _column_header(headers.get(column, []), code_header)) is not None:
                unread[f"{column}_{index}"] = header
        if table.rated_columns:
            rated = _rated_cells(table, index, row_values, found)
            for name, cell in rated.items():
                found[name] = _field(name, cell, None, 1.0, "table")
                unread.pop(name, None)
            fee = f"{table.rated_columns[2]}_{index}"
            if rated and fee not in rated and fee in found:  # what was read as the fee is the base or below it
                unread[fee] = found.pop(fee).box
    for name, cell in aligned_cells(table, values_by_row, found, slack).items():
        found[name] = _field(name, cell, None, 1.0, "table")
        unread.pop(name, None)
    return found, unread


def aligned_cells(table: TableSpec, values_by_row: list[list[Candidate]], found: dict[str, ExtractedField],
                  slack: float) -> dict[str, Candidate]:
    """Cells a row left unassigned (its column's header unread, and the arithmetic that tells its columns apart
    broken by a cell OCR lost), read by alignment: the one value of the column's kind in the row, read whole, that
    starts or ends where the cells other rows read in that column start or end (two rows at least)."""
    added: dict[str, Candidate] = {}
    for column in table.columns:
        if column == "act_code":
            continue
        boxes = [f.box for n, f in found.items() if n.rsplit("_", 1)[0] == column]
        if len(boxes) < 2:
            continue
        left, right = median(b[0] for b in boxes), median(b[2] for b in boxes)
        for index, values in enumerate(values_by_row, start=1):
            name = f"{column}_{index}"
            used = {f.box for n, f in found.items() if n.endswith(f"_{index}")} | {
                c.box for n, c in added.items() if n.endswith(f"_{index}")}
            fits = [v for v in values if v.kind == column_kind(column) and v.box not in used and _whole(v)
                    and min(abs(v.box[0] - left), abs(v.box[2] - right)) <= slack]
            if name not in found and len(fits) == 1:
                added[name] = fits[0]
    return added


def _whole(value: Candidate) -> bool:
    """Whether a cell reads whole: an amount shows its cents, or had them given back ("47€" for "4,79 €" lost a
    digit with its comma; act tables always print cents)."""
    return value.kind != "amount" or _shows_cents(value.text) or not value.value.endswith(".00")


def _rated_cells(table: TableSpec, index: int, row_values: list[Candidate],
                 found: dict[str, ExtractedField]) -> dict[str, Candidate]:
    """A row's base, reimbursement and fee told apart by arithmetic when what was read under the headers does not
    add up: the reimbursement is the base times a rate (the table's, else the rate printed on the row) and the fee is
    another amount of the row, at least the base. Empty when the row holds no such pair or its reading adds up."""
    base_name, paid_name, fee_name = (f"{c}_{index}" for c in table.rated_columns)
    rates = table.rates or tuple(float(v.value) / 100 for v in row_values if v.kind == "percent")
    read = {n: found[n] for n in (base_name, paid_name, fee_name) if n in found}
    if len(read) == 3 and _is_rated(float(read[base_name].value), float(read[paid_name].value), rates) \
            and float(read[fee_name].value) >= float(read[base_name].value) \
            and read[fee_name].box not in (read[base_name].box, read[paid_name].box):
        return {}
    amounts = sorted((v for v in row_values if v.kind == "amount"), key=lambda v: v.box[0])
    pairs = [(base, paid) for paid in amounts for base in amounts
             if base is not paid and _is_rated(float(base.value), float(paid.value), rates)]
    if not pairs:
        return {}
    base, paid = pairs[0]
    fees = [v for v in amounts if v is not base and v is not paid and float(v.value) >= float(base.value)]
    cells = {base_name: base, paid_name: paid}
    if fees:
        cells[fee_name] = fees[0]  # the first such amount of the row: the fee is printed before the base
    return cells


def _is_rated(base: float, paid: float, rates: tuple[float, ...]) -> bool:
    """Whether `paid` is `base` times one of `rates`, to the cent."""
    return base > 0 and any(abs(round(base * rate + 1e-9, 2) - paid) < 0.006 for rate in rates)


# Read by shape even when OCR lost their header; another column is read under its header, else, when the table
# prints it right of the act amount (`TableSpec.after_amount`), as the amount at its rank there.
PRIMARY_COLUMNS = ("act_amount", "act_date")
RATE_KINDS = ("percent", "vat_rate")


def _table_cell(lines: list[TextLine], table: TableSpec, headers: dict[str, list[LabelHit]], code_header: Box,
                row: Box, column: str, kind: str, row_values: list[Candidate],
                act_amount: Optional[ExtractedField]) -> Optional[Candidate]:
    """The value of one column on one act row (see `table_fields`)."""
    shaped = [v for v in row_values if v.kind == kind]
    if column not in PRIMARY_COLUMNS:  # under its header, else at its rank right of the act amount
        header = _column_header(headers.get(column, []), code_header)
        if header is None:
            if act_amount is None:
                return None
            if column in table.after_amount:
                return _ranked_cell(row_values, act_amount.box, table.after_amount, column, 1)
            if column in table.before_amount:
                alone = [v for v in row_values if v.kind != "quantity" or _stands_alone(v, _row_words(lines, row))]
                return _ranked_cell(alone, act_amount.box, table.before_amount, column, -1)
            return None
        inside = [v for v in shaped if _in_column(v.box, header, 0.5 * _height(header))]
        return min(inside, key=lambda v: abs((v.box[0] + v.box[2]) / 2 - (header[0] + header[2]) / 2), default=None)
    cell = None
    if kind == "amount" and table.amount_fallback == "rate":  # a reimbursement is base x rate, whatever
        cell = _reimbursed(sorted(shaped, key=lambda v: v.box[0]),
                           _row_words(lines, row))  # header OCR read over the amount columns
    cell = cell or _cell(shaped, headers.get(column, []), code_header)
    return cell or _fallback_cell(kind, row_values, _row_words(lines, row), table.amount_fallback)


def _ranked_cell(row_values: list[Candidate], start: Box, chain: tuple[str, ...], column: str,
                 step: int) -> Optional[Candidate]:
    """A column's value found by its place: walking from the act amount (`start`) right (`step` 1) or left (-1)
    through the columns printed in `chain` order, each the nearest value of its kind beyond the previous one found
    (a rate only with its percent sign)."""
    edge = start[2] if step > 0 else start[0]
    for name in chain:
        kind = column_kind(name)
        beyond = [v for v in row_values if v.kind == kind and step * ((v.box[0] if step > 0 else v.box[2]) - edge) > 0
                  and (kind not in RATE_KINDS or "%" in v.text)]  # a bare number is no rate without its header
        cell = min(beyond, key=lambda v: abs((v.box[0] if step > 0 else v.box[2]) - edge), default=None)
        if name == column:
            return cell
        if cell is not None:  # a column not printed (no VAT on a care invoice) is passed over
            edge = cell.box[2] if step > 0 else cell.box[0]
    return None


def _stands_alone(value: Candidate, row_words: list[OcrWord]) -> bool:
    """Whether a value fills its cell alone: no other word of its row within two of its heights ("10" of
    "Cétirizine 10 mg" is no quantity)."""
    gap = 2 * _height(value.box)
    return not any(w.box[2] > value.box[0] - gap and w.box[0] < value.box[2] + gap
                   and not (value.box[0] <= w.box[0] and w.box[2] <= value.box[2]) for w in row_words)


def _header_row(headers: dict[str, list[LabelHit]]) -> Optional[Box]:
    """The act table's header row, when its code header and another column's header are read on one row: the
    words there head columns ("Montant HT", "TVA") and must not be read as the labels of the totals."""
    code = _code_header(headers, []) if "act_code" in headers else None
    others = [h.box for name, hits in headers.items() if name != "act_code" for h in hits]
    return code if code is not None and any(_same_row(o, code) for o in others) else None


def _code_header(headers: dict[str, list[LabelHit]], codes: list[Candidate]) -> Optional[Box]:
    """The box heading the code column: the code header on the table's header row that has codes below it, else a
    box just above the largest group (two or more) of codes whose left edges line up."""
    heading = [h for h in headers.get("act_code", []) if not codes or any(_heads(h.box, c.box) for c in codes)]
    if heading:  # a header word with no code under it ("Acte" in a row's label) heads nothing
        others = [h for name, hits in headers.items() if name != "act_code" for h in hits]
        best = max(heading, key=lambda h: (sum(_same_row(o.box, h.box) for o in others), -h.box[1]))
        return best.box
    groups: list[list[Candidate]] = []
    for code in sorted(codes, key=lambda c: c.box[0]):
        if groups and code.box[0] - groups[-1][0].box[0] <= 2 * _height(code.box):
            groups[-1].append(code)
        else:
            groups.append([code])
    column = max(groups, key=len, default=[])
    if len(column) < 2:
        return None
    box = union([c.box for c in column])
    h = _height(column[0].box)
    return (box[0], box[1] - 2 * h, box[2], box[1] - h)


def _heads(header: Box, box: Box) -> bool:
    """Whether a box sits below a header, in its column."""
    return box[1] > header[3] - 0.2 * _height(header) and _in_column(box, header, _height(header))


_NOT_ACT_ROW = ("total", "sous-total", "tva", "remise", "net", "montant")  # first words of the rows under a table


def _with_codeless_rows(code_rows: list[Candidate], header: Box, values: list[Candidate], lines: list[TextLine],
                        max_gap: float, slope: float) -> list[tuple[Optional[Candidate], Box]]:
    """The table's act rows top to bottom, each with its code or None when OCR lost the code: the rows of codes
    and the rows between them that look like act rows, down to a vertical gap of `max_gap` that ends the table,
    then those printed right before the first row or after the last."""
    if not code_rows:
        return []
    rows: list[tuple[Optional[Candidate], Box]] = [(code, code.box) for code in code_rows]
    rows += [(None, box) for box in _rows_between(code_rows, header, values, lines, slope)]
    rows = _until_gap(sorted(rows, key=lambda row: row[1][1]), max_gap)
    boxes = [box for _, box in rows]
    return ([(None, box) for box in _rows_beyond(boxes, header, values, lines, -1)] + rows
            + [(None, box) for box in _rows_beyond(boxes, header, values, lines, 1)])


def _act_row(band: list[Candidate], lines: list[TextLine]) -> bool:
    """Whether values printed on one row make an act row: two amounts, or a date and an amount, and a first word
    that is not a total's or VAT's."""
    amounts = sum(v.kind == "amount" for v in band)
    dated = any(v.kind == "date" for v in band)
    words = [w.text.lower() for line in lines for w in line.words if _same_row(w.box, band[0].box)]
    return (amounts >= 2 or (dated and amounts >= 1)) and not any(w.startswith(_NOT_ACT_ROW) for w in words)


OWN_ROW_HEIGHTS = 2.5  # a value this many text heights or less from a code is in that code's (tall) row
# A NIR no label announces and whose key is wrong is taken only when all its words read at least this clearly: on the
# dev corpora a wrong key printed clearly read at 0.96, the misreads of right keys on faint cards at 0.67 to 0.72
# (a faint printed wrong key at 0.73 is left unread: asked for by hand rather than a false alert risked).
CLEAR_READING = 0.9
SLOPE_SPAN = 300  # pixels across a line must span for its slope to count in the page's (short lines are noisy)


def value_rows(values: list[Candidate], slope: float = 0.0) -> list[list[Candidate]]:
    """Values grouped into printed rows, top to bottom: each value joins the row above when on the same row as what
    that row holds so far (cells of one row that OCR read on separate lines meet again). On a page printed at a
    slant, rows are told apart on boxes levelled by the text's `slope` (see `text_slope`): else the right end of a
    row sinks to the next row's left end and two rows become one."""
    level = {id(v): _levelled(v.box, slope) for v in values}
    rows: list[list[Candidate]] = []
    for value in sorted(values, key=lambda v: level[id(v)][1]):
        if rows and _same_row(level[id(value)], _typical_box([level[id(v)] for v in rows[-1]])):
            rows[-1].append(value)
        else:
            rows.append([value])
    return rows


def _typical_box(boxes: list[Box]) -> Box:
    """A row's band: its cells' median top and bottom (a union would grow with each jittered cell until it takes
    in the next row)."""
    return (min(b[0] for b in boxes), int(median(b[1] for b in boxes)), max(b[2] for b in boxes),
            int(median(b[3] for b in boxes)))


def _levelled(box: Box, slope: float) -> Box:
    """A box moved up or down by the text's slope at its centre, as if the page were printed level."""
    shift = int(round(slope * (box[0] + box[2]) / 2))
    return (box[0], box[1] - shift, box[2], box[3] - shift)


def text_slope(lines: list[TextLine]) -> float:
    """How much the page's text lines drop per pixel across (a scan fed in at a slant): the median slope of the
    lines whose words span a wide stretch, 0 when none does."""
    slopes = []
    for line in lines:
        first, last = line.words[0].box, line.words[-1].box
        span = (last[0] + last[2]) / 2 - (first[0] + first[2]) / 2
        if len(line.words) >= 2 and span >= SLOPE_SPAN:
            slopes.append(((last[1] + last[3]) / 2 - (first[1] + first[3]) / 2) / span)
    return float(median(slopes)) if slopes else 0.0


def _rows_between(code_rows: list[Candidate], header: Box, values: list[Candidate], lines: list[TextLine],
                  slope: float) -> list[Box]:
    """Act rows between the header and the last code row that hold no code read (OCR lost a short one such as
    "C", or split a long one), so that the rows after them keep their numbers: rows of act values, or with one
    amount in a column where the code rows print theirs; their boxes."""
    top, bottom = header[3], code_rows[-1].box[3]
    centres = [(c.box[1] + c.box[3]) / 2 for c in code_rows]
    apart = OWN_ROW_HEIGHTS * median(_height(c.box) for c in code_rows)  # closer: a code row's cell printed lower
    loose = sorted((v for v in values if top < (v.box[1] + v.box[3]) / 2 < bottom
                    and not any(_same_row(v.box, code.box) for code in code_rows)
                    and all(abs((v.box[1] + v.box[3]) / 2 - c) >= apart for c in centres)), key=lambda v: v.box[1])
    bands = value_rows(loose, slope)
    coded = [v.box for v in values if v.kind == "amount" and any(_same_row(v.box, code.box) for code in code_rows)]

    def in_amount_column(band: list[Candidate]) -> bool:
        return any(v.kind == "amount" and any(_in_column(v.box, box, 0) for box in coded) for v in band)

    return [union([v.box for v in band]) for band in bands
            if _act_row(band, lines) or (in_amount_column(band) and _act_row(band * 2, lines))]


def _rows_beyond(rows: list[Box], header: Box, values: list[Candidate], lines: list[TextLine],
                 step: int) -> list[Box]:
    """Act rows whose code OCR lost printed right after the last row read (`step` 1) or right before the first
    (`step` -1): each one row pitch beyond the previous, holding act values (see `_act_row`); their boxes, top to
    bottom. The pitch is the rows' median spacing, or the header's distance to the only row read (after it only)."""
    if len(rows) == 1 and step < 0:
        return []
    tops = [header[1], rows[0][1]] if len(rows) == 1 else [r[1] for r in rows]
    pitch = median(b - a for a, b in zip(tops, tops[1:]))
    found: list[Box] = []
    previous = rows[-1] if step > 0 else rows[0]
    while True:
        beyond = sorted((v for v in values if 0.5 * pitch < step * (v.box[1] - previous[1]) < 1.5 * pitch),
                        key=lambda v: step * v.box[1])
        band = [v for v in beyond if _same_row(v.box, beyond[0].box)]
        if not band or not _act_row(band, lines):
            return found if step > 0 else found[::-1]
        previous = union([v.box for v in band])
        found.append(previous)


def _code_rows(codes: list[Candidate], header: Box) -> list[Candidate]:
    """One code per row, top to bottom; within a row a full code (CCAM, LPP, CIP) beats a short letter code, then
    the one nearest the header's centre."""
    centre = (header[0] + header[2]) / 2
    rows: list[list[Candidate]] = []
    for code in sorted(codes, key=lambda c: c.box[1]):
        if rows and _same_row(code.box, rows[-1][0].box):
            rows[-1].append(code)
        else:
            rows.append([code])
    return [min(row, key=lambda c: (len(c.value) < 7, abs((c.box[0] + c.box[2]) / 2 - centre))) for row in rows]


def _until_gap(rows: list[tuple[Optional[Candidate], Box]], max_gap: float) -> list[tuple[Optional[Candidate], Box]]:
    """The rows down to the first vertical gap wider than `max_gap`, which ends the table."""
    for index in range(1, len(rows)):
        if rows[index][1][1] - rows[index - 1][1][3] > max_gap:
            return rows[:index]
    return rows


def _column_header(header_hits: list[LabelHit], code_header: Box) -> Optional[Box]:
    """A column's header box: its best-matching header hit on the code header's row; None when not printed there."""
    h = _height(code_header)
    centre_y = (code_header[1] + code_header[3]) / 2
    headers = [c for c in header_hits if abs((c.box[1] + c.box[3]) / 2 - centre_y) <= 1.5 * h]
    if not headers:
        return None
    return min(headers, key=lambda c: (-c.similarity, -c.length, abs((c.box[1] + c.box[3]) / 2 - centre_y))).box


def _cell(row: list[Candidate], header_hits: list[LabelHit], code_header: Box) -> Optional[Candidate]:
    """The value of a row under its column header (the best-matching header on the code header's row)."""
    header = _column_header(header_hits, code_header)
    if not row or header is None:
        return None
    inside = [v for v in row if _in_column(v.box, header, 0.5 * _height(header))]
    centre = (header[0] + header[2]) / 2
    return min(inside, key=lambda v: abs((v.box[0] + v.box[2]) / 2 - centre), default=None)


def _row_words(lines: list[TextLine], row: Box) -> list[OcrWord]:
    return sorted((w for line in lines for w in line.words if _same_row(w.box, row)), key=lambda w: w.box[0])


def _fallback_cell(kind: str, row: list[Candidate], words: list[OcrWord], rule: str) -> Optional[Candidate]:
    """A row's value when OCR lost its column header: the first date; for amounts the table's rule: "first"
    (a quote's fee), "last" (an invoice's line total) or "rate" (the amount equal to base x rate)."""
    pool = sorted((v for v in row if v.kind == kind), key=lambda v: v.box[0])
    if not pool:
        return None
    if kind == "date" or rule == "first":
        return pool[0]
    if rule == "rate":
        return _reimbursed(pool, words) or None
    return pool[-1]


def _reimbursed(amounts: list[Candidate], words: list[OcrWord]) -> Optional[Candidate]:
    """The amount that equals another amount of the row times a printed rate ("70 %")."""
    rates = tuple(int(m[1]) / 100 for m in (re.fullmatch(r"(\d{1,3})%?", w.text) for w in words)
                  if m and 0 < int(m[1]) <= 100)
    return next((target for target in amounts for base in amounts
                 if base is not target and _is_rated(float(base.value), float(target.value), rates)), None)


def _restore_cents(cell: Candidate) -> Candidate:
    """An act amount whose decimal comma OCR dropped ("998 €" for "9,98 €"): act lines always print cents."""
    restored = _cents_restored(cell.value, cell.text) if cell.kind == "amount" else None
    return replace(cell, value=restored) if restored is not None else cell


def _cents_restored(value: str, text: str) -> Optional[str]:
    """An amount read without its decimal comma ("121 €" read 121.00) with its last two digits as cents (1.21);
    None when the text shows cents or the amount has fewer than three digits."""
    if _shows_cents(text) or not value.endswith(".00") or len(value) < 6:
        return None
    digits = value[:-3]
    return f"{int(digits[:-2] or '0')}.{digits[-2:]}"


def _shows_cents(text: str) -> bool:
    """Whether an amount's text prints its cents after a decimal comma ("4,79", "390, 00") or a space where the comma
    was lost ("120 00 €")."""
    return bool(re.search(r"[,.]\s*\d\d", text) or nz.LOST_COMMA.search(text))


def commas_restored_by_arithmetic(chosen: dict[str, ExtractedField], doc_type: str) -> dict[str, ExtractedField]:
    """Amounts read without their decimal comma given their cents back where that alone makes one of the type's
    sums hold ("TVA 121 €" between HT 57,42 and TTC 58,63 is 1,21; an AMO share "609 €" completing the total is
    6,09). A value printed with its cents is never changed: a forged amount stays as printed."""
    restored: dict[str, ExtractedField] = {}
    for rule in SUM_RULES.get(doc_type, ()):
        fields = {**chosen, **restored}
        terms = _rule_terms(rule, fields)
        if terms is None:
            continue
        plus, minus = terms
        cents = {name: round(float(fields[name].value) * 100) for name in (rule.target, *plus, *minus)}
        if _adds_up(rule.target, plus, minus, cents):
            continue
        for name in cents:
            value = _cents_restored(fields[name].value, fields[name].text)
            if value is not None and _adds_up(rule.target, plus, minus, {**cents, name: round(float(value) * 100)}):
                restored[name] = replace(fields[name], value=value)
                break
    return restored


def _rule_terms(rule: SumRule, chosen: dict[str, ExtractedField]) -> Optional[tuple[list[str], list[str]]]:
    """The names of the fields a sum rule adds and subtracts ("act_amount_*" is every act line read); None when
    its target or a required term was not read, or it has no term."""
    if rule.target not in chosen:
        return None
    plus: list[str] = []
    minus: list[str] = []
    for terms, names in ((rule.plus, plus), (rule.minus, minus)):
        for term in terms:
            name = term.rstrip("?")
            if name.endswith("*"):
                names += sorted(n for n in chosen if n.startswith(name[:-1]) and n[len(name) - 1:].isdigit())
            elif name in chosen:
                names.append(name)
            elif not term.endswith("?"):
                return None
    return (plus, minus) if plus or minus else None


def _adds_up(target: str, plus: list[str], minus: list[str], cents: dict[str, int]) -> bool:
    """Whether the target is the plus terms less the minus terms, to the cent."""
    return cents[target] == sum(cents[n] for n in plus) - sum(cents[n] for n in minus)


def period_fields(lines: list[TextLine], columns: tuple[str, ...],
                  slope: float) -> tuple[dict[str, ExtractedField], dict[str, Box]]:
    """The rows of a period table, top to bottom: each row printing two dates, then an amount right of them, read
    as `<start>_<i>`, `<end>_<i>` and `<amount>_<i>` (`columns`); rows are found by position (levelled by the text's
    `slope`), so a table OCR read column by column is read too. Also returns, name -> box, the rows within the
    table of which OCR lost a date or the amount."""
    if not columns:
        return {}, {}
    values = find_candidates(lines, {"date", "amount"}, set())
    rows = value_rows(values, slope)
    whole: list[tuple[Candidate, Candidate, Candidate]] = []
    partial: list[Box] = []
    for row in rows:
        dates = sorted((v for v in row if v.kind == "date"), key=lambda v: v.box[0])
        amounts = sorted((v for v in row if v.kind == "amount" and dates and v.box[0] > dates[-1].box[2]),
                         key=lambda v: v.box[0])
        if len(dates) == 2 and amounts:
            whole.append((dates[0], dates[1], amounts[0]))
        elif len(dates) + bool(amounts) == 2 and len(dates) <= 2:  # a date or the amount of a period lost
            partial.append(union([v.box for v in row]))
    if not whole:
        return {}, {}
    tops = [cells[0].box[1] for cells in whole]
    pitch = median(b - a for a, b in zip(tops, tops[1:])) if len(tops) > 1 else 3.0 * _height(whole[0][0].box)
    partial = [box for box in partial if tops[0] - 1.5 * pitch < box[1] < tops[-1] + 1.5 * pitch]  # in the table
    entries = sorted([(cells[0].box, cells) for cells in whole] + [(box, None) for box in partial],
                     key=lambda entry: entry[0][1])
    found: dict[str, ExtractedField] = {}
    unread: dict[str, Box] = {}
    for index, (box, cells) in enumerate(entries, start=1):
        if cells is None:
            unread.update({f"{name}_{index}": box for name in columns})
            continue
        for name, cell in zip(columns, cells):
            found[f"{name}_{index}"] = _field(f"{name}_{index}", cell, None, 1.0, "table")
    return found, unread


@dataclass(frozen=True)
class PageReading:
    """A page's extraction: the fields read, and the fields seen but not read (their label or column header is
    printed, their value was not found) by name -> label box, so that a check needing one is not run, not failed."""

    fields: list[ExtractedField]
    unread: dict[str, Box]


def read_page(ocr: OcrPage, doc_type: str) -> PageReading:
    """The keyed fields of one page of `doc_type` (see `extract`) and the fields printed there but not read."""
    specs = field_specs(doc_type)
    if not specs or not ocr.words:
        return PageReading([], {})
    lines = text_lines(ocr)
    table = table_spec(doc_type)
    headers = column_hits(lines, table) if table is not None else {}
    header_row = _header_row(headers)
    hits = [h for h in find_labels(lines, {s.name: s.labels for s in specs})
            if _in_context(h, specs, lines) and not (header_row and _same_row(h.box, header_row))]
    blocked = {(h.line, i) for h in hits for i in range(h.start, h.end)}
    candidates = find_candidates(lines, {s.kind for s in specs}, blocked)
    slope = text_slope(lines)  # once per page: every row and placement comparison is levelled by it
    chosen = labelled_fields(specs, hits, candidates, slope)
    chosen.update(unlabelled_fields(specs, chosen, candidates, lines))
    unread: dict[str, Box] = {}
    if table is not None:
        cells, unread = table_fields(lines, table, headers, slope)
        chosen.update(cells)
    periods, unread_periods = period_fields(lines, period_columns(doc_type), slope)
    chosen.update(periods)
    chosen.update(total_ht_by_sum(specs, chosen, candidates))
    chosen.update(totals_by_arithmetic(specs, chosen, candidates))
    chosen.update(commas_restored_by_arithmetic(chosen, doc_type))
    unread.update(unread_periods)
    for hit in hits:
        if hit.field not in chosen and _shows_field(hit, lines):
            unread.setdefault(hit.field, hit.box)
    order = [s.name for s in specs]
    fields = sorted(chosen.values(), key=lambda f: (order.index(f.name) if f.name in order else len(order), f.name))
    return PageReading(fields, {name: box for name, box in unread.items() if name not in chosen})


SURE_LABEL = 95.0  # a label read this well, whole, says its field is printed even when its value was not read


def _shows_field(hit: LabelHit, lines: list[TextLine]) -> bool:
    """Whether a label hit says its field is printed: a specific label (not a generic "Nom", "Date") read whole
    and near exactly, on a line short enough to be a label and its value rather than running text."""
    words = hit.end - hit.start
    return (hit.length > GENERIC_LABEL and hit.similarity >= SURE_LABEL and words >= len(hit.label.split())
            and len(lines[hit.line].words) <= words + MAX_VALUE_WORDS)


def extract(ocr: OcrPage, doc_type: str) -> list[ExtractedField]:
    """The keyed fields of one page of `doc_type`, each with its normalised value, text, box and confidence."""
    return read_page(ocr, doc_type).fields
