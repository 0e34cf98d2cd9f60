"""Watch-list matching: terms and phrases in Arabic and English, after the shared
normalisation (:func:`sifara.core.text.normalize`).

The matcher indexes every term by its first word. A post's normalised text has
its punctuation (hashtag signs and underscores included) turned into spaces;
the set of its words is intersected with the index in one C-level set operation,
and only the few words that hit are checked further (the rest of a phrase must
follow them). Arabic first words are also indexed with the common attached
particles (و ف ب ك ل, and لل for ال), so ``والوزارة`` and ``بالسفارة`` match
``الوزارة`` and ``السفارة``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sifara.core.text import normalize

PUNCTUATION = re.compile(r"[^\w\s]+|_+")
_ARABIC_PARTICLES = ("و", "ف", "ب", "ك", "ل", "وب", "ول")


@dataclass(frozen=True, slots=True)
class Term:
    term_id: int
    topic_id: int
    phrase: str  # normalised words joined by single spaces
    high_priority: bool = False


def words_of(normalized: str) -> str:
    """Normalised text with punctuation as spaces, padded with one space each side."""
    return " " + " ".join(PUNCTUATION.sub(" ", normalized).split()) + " "


def _is_arabic(word: str) -> bool:
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def _variants(word: str) -> set[str]:
    found = {word}
    if not _is_arabic(word):
        return found
    for particle in _ARABIC_PARTICLES:
        found.add(particle + word)
    if word.startswith("ال") and len(word) > 3:
        found.add("لل" + word[2:])
        found.add("ولل" + word[2:])
    return found


class Matcher:
    """Matches posts against a fixed set of terms (build one per batch or cache it)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._index: dict[str, list[tuple[str, Term]]] = {}
        for term in terms:
            words = " ".join(PUNCTUATION.sub(" ", normalize(term.phrase)).split())
            if not words:
                continue
            first, _sep, rest = words.partition(" ")
            for variant in _variants(first):
                self._index.setdefault(variant, []).append((rest, term))
        self._keys = frozenset(self._index)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def match(self, padded_words: str) -> list[Term]:
        """Terms found in ``padded_words`` (from :func:`words_of`), one per topic."""
        hits = self._keys.intersection(padded_words.split())
        if not hits:
            return []
        found: dict[int, Term] = {}
        for key in hits:
            for rest, term in self._index[key]:
                if rest and f" {key} {rest} " not in padded_words:
                    continue
                current = found.get(term.topic_id)
                if current is None or (term.high_priority and not current.high_priority):
                    found[term.topic_id] = term
        return list(found.values())
