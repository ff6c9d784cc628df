"""Normalise identifiers and names so that what OCR reads and what a watchlist holds compare equal.

OCR confuses look-alike glyphs (O/0, I/l/1, S/5, B/8, Z/2, G/6) and splits or joins groups of an identifier as
the print spaced them. `identifier_key` folds every look-alike to one representative and drops separators; the same
fold is applied to the watchlist entry and to the page's text, so a match means "the same characters up to OCR
confusions". `name_key` folds accents, case, punctuation and civilities for fuzzy name matching, and
`name_match_key` also folds look-alikes, so a fuzzy score measures real spelling differences, not misread glyphs.
"""

from __future__ import annotations

import re

from vigie.documents.normalise import strip_accents

# Each look-alike folded onto the digit it is mistaken for (upper-case first: the key is built on upper-case text).
CONFUSABLE_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "!": "1", "S": "5", "B": "8",
                       "Z": "2", "G": "6"}
_FOLD = str.maketrans(CONFUSABLE_TO_DIGIT)
CIVILITIES = frozenset({"m", "mme", "mlle", "mr", "mrs", "dr", "docteur", "pr", "professeur", "me"})


def fold_confusions(text: str) -> str:
    """Upper-case text with every OCR look-alike replaced by the digit it is mistaken for."""
    return text.upper().translate(_FOLD)


def is_identifier_char(ch: str) -> bool:
    """Whether a character can belong to an identifier: a letter, a digit, or a glyph OCR reads for 1 (| !)."""
    return ch.isalnum() or ch in "|!"


def identifier_key(value: str) -> str:
    """The comparison key of an identifier: spaces, dots, dashes and other punctuation dropped, upper-cased,
    look-alikes folded (O->0, I->1 ...). Raises ValueError when nothing is left, so an empty entry is refused.
    """
    key = fold_confusions("".join(ch for ch in str(value) if is_identifier_char(ch)))
    if not key:
        raise ValueError(f"identifier {value!r} has no letter or digit")
    return key


def name_tokens(text: str) -> list[str]:
    """The words of a person name, accents and case folded, punctuation and civilities (M., Mme, Dr) dropped."""
    plain = strip_accents(text).casefold()
    words = re.split(r"[^0-9a-z]+", plain)
    return [w for w in words if w and w not in CIVILITIES]


def name_key(text: str) -> str:
    """A person name folded for comparison: tokens of `name_tokens` joined by single spaces."""
    return " ".join(name_tokens(text))


def name_match_key(text: str) -> str:
    """A name folded for fuzzy matching: `name_key`, then OCR look-alikes folded (RAYNAUO and RAYNAUD agree)."""
    return fold_confusions(name_key(text))
