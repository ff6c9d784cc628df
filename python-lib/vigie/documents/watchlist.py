"""Watchlist scan of one OCR page: exact identifier hits after OCR-confusion folding, fuzzy person-name hits.

Identifiers (IBAN, RPPS, ADELI, FINESS, SIRET, SIREN, NIR, BIC) are printed in groups and read by OCR as several
words, with look-alike glyphs swapped. Each line's characters are folded (`identifier_key`) into one stream with
the word boundaries, separators and letter/digit changes marked; a watchlisted key is hit when it occupies a run of
that stream that starts and ends on such a boundary, so "FR76 3O00 ..." hits FR7630000... but a watchlisted RPPS is
not found inside a longer number. Names are compared with rapidfuzz's token-sort ratio on accent-, case- and
look-alike-folded words, over windows of consecutive words of each line, so "RAYNAUD Bernard" hits the entry
"Bernard Raynaud".

OCR also misreads digits outright (9 read as 0, 6 as 5, a digit dropped). An identifier of a CHECKED_KINDS kind and
of MIN_TOLERANT_LENGTH characters or more is therefore also hit, with score ONE_EDIT_SCORE, when the page shows it
with one character substituted (or, for keys of MIN_SHIFT_TOLERANT_LENGTH characters or more, missing or extra).
These kinds carry a key that catches any single substitution (Luhn for RPPS, ADELI, FINESS, SIREN and SIRET, mod 97
for IBAN and NIR), so a number of the same length one character away from a watchlisted one is a misreading or a
miskeying of it, never another valid identifier. A dropped or extra digit is not caught by the key: against a large
watchlist of 9-digit numbers, an 8-digit group of a tax number or a phone number would match by chance, hence the
longer minimum. Nor is a one-edit match taken across the punctuation of dates and amounts (/ , : % €): a run of
prices is no misread identifier. BICs, which have no key and whose branch codes differ by one letter, are matched
exactly only.

Doubtful words have already been read a second time by the OCR step (`vigie.documents.second_reading`), so the
stored page is scanned as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from vigie.core.results import Box, Evidence, union
from vigie.documents.ocr import OcrPage, OcrWord
from vigie.documents.ocr_confusions import (
    fold_confusions,
    identifier_key,
    is_identifier_char,
    name_key,
    name_match_key,
    name_tokens,
)

IDENTIFIER_KINDS = ("iban", "bic", "rpps", "adeli", "finess", "siret", "siren", "nir")
CHECKED_KINDS = frozenset({"iban", "rpps", "adeli", "finess", "siret", "siren", "nir"})
NAME_KIND = "name"
WATCHLIST_KINDS = IDENTIFIER_KINDS + (NAME_KIND,)
# Token-sort ratio (0-100, on names with OCR look-alikes folded) from which a name is a hit. On the synthetic
# corpus every watchlisted name present scores 100; at 92 four distinct people one letter apart collide
# (FOUCHER / BOUCHER), at 95 one (MARTIN / MARTINS), at 88 twelve. Look-alike slips (RAYNAUO) fold away.
DEFAULT_NAME_THRESHOLD = 95.0
MIN_NAME_LETTERS = 6  # shorter names (all words together) match too much by chance; refused from the watchlist
MIN_TOLERANT_LENGTH = 9
MIN_SHIFT_TOLERANT_LENGTH = 11  # shorter keys tolerate a changed character only, not a missing or extra one
# Keys this long (a NIR, a SIRET, an IBAN) tolerate one edit on top of look-alike letters ("1 96 ON B4 459 247 41"):
# a random identifier within one edit of such a window is about 1 in 10^7 for 100,000 entries.
FOLD_TOLERANT_LENGTH = 13
IDENTIFIER_SEPARATORS = " .-"  # how identifiers are printed in groups; other punctuation belongs to dates and amounts
ONE_EDIT_SCORE = 0.9
NIR_BODY = 13  # a NIR's digits before its two-digit key
KEYLESS_SCORE = 0.85  # a NIR whose 13 first digits are read and whose key OCR lost ("1 41 01 31 648 484 %")


@dataclass(frozen=True)
class WatchlistEntry:
    """One watchlisted value: its kind (iban, rpps, ..., name), the value as given and a label for the analyst."""

    kind: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class WatchlistHit:
    """A watchlisted value found on a page: the entry, the text as read, where, and how sure (0-1)."""

    entry: WatchlistEntry
    text: str
    box: Box
    score: float

    def to_evidence(self) -> Evidence:
        """The hit as an evidence item of kind `watchlist_<kind>`."""
        label = f" ({self.entry.label})" if self.entry.label else ""
        if self.entry.kind == NAME_KIND:
            message = (f"name '{self.text}' matches watchlisted '{self.entry.value}'{label}, "
                       f"similarity {self.score * 100:.0f} %")
        else:
            slip = ("" if self.score >= 1.0 else ", its key not read" if self.score == KEYLESS_SCORE
                    else ", one character differs (OCR misreading)")
            message = (f"{self.entry.kind.upper()} {self.entry.value} is on the watchlist{label}; "
                       f"read as '{self.text}'{slip}")
        return Evidence(kind=f"watchlist_{self.entry.kind}", message=message, box=self.box,
                        field=self.entry.kind, score=self.score)


@dataclass(frozen=True)
class IdentifierStream:
    """A line's folded identifier characters, the word each came from, and where a match may start and end."""

    chars: str
    word_of: list[int]
    starts: frozenset[int]
    ends: frozenset[int]
    breaks: frozenset[int] = frozenset()  # positions after a punctuation mark of dates and amounts (/ , : % €)
    folded: frozenset[int] = frozenset()  # positions of letters read where the fold put a digit (O -> 0, S -> 5)


def is_compact_date(window: str) -> bool:
    """Whether a run of characters reads as a date printed without separators: ddmmyyyy or yyyymmdd."""
    if len(window) != 8 or not window.isdigit():
        return False
    day_first = 1 <= int(window[:2]) <= 31 and 1 <= int(window[2:4]) <= 12 and 1900 <= int(window[4:]) <= 2099
    year_first = 1900 <= int(window[:4]) <= 2099 and 1 <= int(window[4:6]) <= 12 and 1 <= int(window[6:]) <= 31
    return day_first or year_first


def _char_class(ch: str) -> str:
    return "digit" if ch.isdigit() else "letter"


def line_stream(words: list[OcrWord]) -> IdentifierStream:
    """Fold a line's words into one identifier stream; boundaries at word edges, separators, punctuation and
    letter/digit changes of the printed text."""
    chars: list[str] = []
    word_of: list[int] = []
    starts, ends, breaks, folded = {0}, set(), set(), set()
    for index, word in enumerate(words):
        previous = ""
        for ch in word.text:
            if not is_identifier_char(ch):  # separator or punctuation: a boundary, not a character
                if ch not in IDENTIFIER_SEPARATORS:
                    breaks.add(len(chars))
                ends.add(len(chars))
                starts.add(len(chars))
                previous = ""
                continue
            if previous and _char_class(previous) != _char_class(ch):
                ends.add(len(chars))
                starts.add(len(chars))
            if ch.isalpha() and fold_confusions(ch) != ch.upper():
                folded.add(len(chars))
            chars.append(fold_confusions(ch))
            word_of.append(index)
            previous = ch
        ends.add(len(chars))
        starts.add(len(chars))
    return IdentifierStream("".join(chars), word_of, frozenset(starts), frozenset(ends), frozenset(breaks),
                            frozenset(folded))


class Watchlist:
    """Watchlisted identifiers and names, ready to scan OCR pages."""

    def __init__(self, entries: list[WatchlistEntry], name_threshold: float = DEFAULT_NAME_THRESHOLD):
        self.name_threshold = float(name_threshold)
        self.identifiers: dict[str, list[WatchlistEntry]] = {}
        self._tolerant: dict[str, list[WatchlistEntry]] = {}  # keys that may be hit one edit away
        self._masked: dict[str, list[WatchlistEntry]] = {}  # such keys with one character replaced by "*"
        self._shortened: dict[str, list[WatchlistEntry]] = {}  # key with one character removed
        self._nir_bodies: dict[str, list[WatchlistEntry]] = {}  # a NIR's first 13 digits
        self.names: list[WatchlistEntry] = []
        self._name_keys: list[str] = []
        for entry in entries:
            self._add(entry)
        tolerant = {len(k) for k in self._tolerant}
        self._window_lengths = sorted({len(k) for k in self.identifiers} | {n + d for n in tolerant for d in (-1, 1)}
                                      | ({NIR_BODY} if self._nir_bodies else set()))
        self._name_sizes = sorted({len(k.split()) for k in self._name_keys})

    def _add(self, entry: WatchlistEntry) -> None:
        if entry.kind == NAME_KIND:
            key = name_key(entry.value)
            if len(key.replace(" ", "")) < MIN_NAME_LETTERS:
                raise ValueError(f"name {entry.value!r} is too short to match reliably "
                                 f"(fewer than {MIN_NAME_LETTERS} letters)")
            self.names.append(entry)
            self._name_keys.append(name_match_key(entry.value))
        elif entry.kind in IDENTIFIER_KINDS:
            key = identifier_key(entry.value)
            self.identifiers.setdefault(key, []).append(entry)
            if entry.kind == "nir" and len(key) == NIR_BODY + 2:
                self._nir_bodies.setdefault(key[:NIR_BODY], []).append(entry)
            if entry.kind in CHECKED_KINDS and len(key) >= MIN_TOLERANT_LENGTH:
                self._tolerant.setdefault(key, []).append(entry)
                for i in range(len(key)):
                    self._masked.setdefault(key[:i] + "*" + key[i + 1:], []).append(entry)
                    self._shortened.setdefault(key[:i] + key[i + 1:], []).append(entry)
        else:
            raise ValueError(f"unknown watchlist kind {entry.kind!r} (expected one of {', '.join(WATCHLIST_KINDS)})")

    def __len__(self) -> int:
        return sum(len(v) for v in self.identifiers.values()) + len(self.names)

    def scan(self, ocr: OcrPage) -> list[WatchlistHit]:
        """Every watchlisted identifier and name found on the page, each once (its best reading); the OCR step has
        already read doubtful words a second time."""
        hits: dict[tuple[str, str], WatchlistHit] = {}
        found = [hit for line in ocr.lines() for hit in self._identifier_hits(line) + self._name_hits(line)]
        for hit in found:
            key = (hit.entry.kind, hit.entry.value)
            if key not in hits or hit.score > hits[key].score:
                hits[key] = hit
        return sorted(hits.values(), key=lambda h: (-h.score, h.entry.kind, h.entry.value))

    def _identifier_hits(self, line: list[OcrWord]) -> list[WatchlistHit]:
        if not self.identifiers:
            return []
        stream = line_stream(line)
        hits = []
        for start in sorted(stream.starts):
            for length in self._window_lengths:
                end = start + length
                if end > len(stream.chars):
                    break
                if end not in stream.ends:
                    continue
                # one edit on top of a date's or amounts' punctuation, of a date printed without separators
                # (31122022) or of look-alike letters in a short key is chance, not a slip
                strict = (any(start < p < end for p in stream.breaks) or is_compact_date(stream.chars[start:end])
                          or (length < FOLD_TOLERANT_LENGTH and any(start <= p < end for p in stream.folded)))
                one_word = stream.word_of[start] == stream.word_of[end - 1]
                found = self.lookup(stream.chars[start:end], one_word)
                if length == NIR_BODY and not stream.chars[end:end + 1].isdigit():  # nothing read where the key is
                    found += [(entry, KEYLESS_SCORE) for entry in self._nir_bodies.get(stream.chars[start:end], [])]
                for entry, score in found:
                    if strict and score < 1.0:
                        continue
                    spanned = [line[i] for i in sorted(set(stream.word_of[start:end]))]
                    hits.append(WatchlistHit(entry, " ".join(w.text for w in spanned),
                                             union([w.box for w in spanned]), score))
        return hits

    def lookup(self, window: str, one_word: bool = False) -> list[tuple[WatchlistEntry, float]]:
        """Entries whose key is the folded `window` (score 1) or one edit from it (ONE_EDIT_SCORE, long keys of
        checked kinds only; a missing or extra character only for keys of MIN_SHIFT_TOLERANT_LENGTH or more, or
        when the window is one word as read: a number, not groups that happen to line up)."""
        found = [(entry, 1.0) for entry in self.identifiers.get(window, [])]
        if len(window) + 1 >= MIN_TOLERANT_LENGTH:
            near = [e for e in self._shortened.get(window, [])  # OCR dropped a character
                    if one_word or len(window) + 1 >= MIN_SHIFT_TOLERANT_LENGTH]
            for i in range(len(window)):
                near += self._masked.get(window[:i] + "*" + window[i + 1:], [])  # OCR changed one
                if one_word or len(window) - 1 >= MIN_SHIFT_TOLERANT_LENGTH:
                    near += self._tolerant.get(window[:i] + window[i + 1:], [])  # OCR added one
            found += [(entry, ONE_EDIT_SCORE) for entry in near]
        return found

    def _name_hits(self, line: list[OcrWord]) -> list[WatchlistHit]:
        if not self.names:
            return []
        tokens = [(token, index) for index, word in enumerate(line) for token in name_tokens(word.text)]
        windows: list[tuple[int, int]] = []
        for size in sorted({s for n in self._name_sizes for s in (n, n + 1)}):
            windows.extend((start, start + size) for start in range(len(tokens) - size + 1))
        if not windows:
            return []
        texts = [fold_confusions(" ".join(t for t, _ in tokens[a:b])) for a, b in windows]
        scores = process.cdist(texts, self._name_keys, scorer=fuzz.token_sort_ratio,
                               score_cutoff=self.name_threshold, workers=1)
        hits = []
        for window_index, name_index in zip(*np.nonzero(scores)):
            a, b = windows[window_index]
            spanned = [line[i] for i in sorted({index for _, index in tokens[a:b]})]
            hits.append(WatchlistHit(self.names[name_index], " ".join(w.text for w in spanned),
                                     union([w.box for w in spanned]),
                                     float(scores[window_index, name_index]) / 100.0))
        return hits


def entries_from_frame(frame: pd.DataFrame) -> tuple[list[WatchlistEntry], list[str]]:
    """Watchlist entries from a dataset with columns kind, value and optional label; plus one message per row refused.

    Kinds are case-insensitive; a row with an unknown kind, an empty value or a value that cannot match is refused
    with its row number, not silently dropped.
    """
    missing = {"kind", "value"} - set(frame.columns)
    if missing:
        raise ValueError(f"watchlist dataset lacks column(s) {', '.join(sorted(missing))} "
                         "(expected kind, value, label)")
    entries, refused = [], []
    labels = frame["label"] if "label" in frame.columns else pd.Series([""] * len(frame), index=frame.index)
    for number, (kind, value, label) in enumerate(zip(frame["kind"], frame["value"], labels), start=1):
        entry = WatchlistEntry(str(kind).strip().lower(), "" if pd.isna(value) else str(value).strip(),
                               "" if pd.isna(label) else str(label))
        try:
            Watchlist([entry])
        except ValueError as exc:
            refused.append(f"watchlist row {number}: {exc}")
            continue
        entries.append(entry)
    return entries, refused


def scan_page(watchlist: Watchlist, ocr: Optional[OcrPage]) -> list[Evidence]:
    """Evidence items for the watchlist hits of one page (none without OCR)."""
    return [hit.to_evidence() for hit in watchlist.scan(ocr)] if ocr is not None else []
