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
    """Matches posts against a fixed set of terms (build one per batch or cache it).

    Results can be had as :class:`Term` objects (:meth:`match`) or as positions
    in :attr:`terms` (:meth:`match_positions`: small integers, cheap to send to
    and from the pipeline's helper process).
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: list[Term] = list(terms)
        self._index: dict[str, list[tuple[str, int]]] = {}
        for position, term in enumerate(self.terms):
            words = " ".join(PUNCTUATION.sub(" ", normalize(term.phrase)).split())
            if not words:
                continue
            first, _sep, rest = words.partition(" ")
            for variant in _variants(first):
                self._index.setdefault(variant, []).append((rest, position))
        self._keys = frozenset(self._index)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def match_positions(self, words: list[str], padded: str | None = None) -> tuple[int, ...]:
        """Positions in :attr:`terms` of the terms found in ``words`` (a post's
        normalised words, punctuation removed), one per topic; ``padded`` is
        ``words`` as :func:`words_of` returns them, when the caller has it."""
        hits = self._keys.intersection(words)
        if not hits:
            return ()
        terms = self.terms
        found: dict[int, int] = {}
        for key in hits:
            for rest, position in self._index[key]:
                if rest:
                    if padded is None:
                        padded = " " + " ".join(words) + " "
                    if f" {key} {rest} " not in padded:
                        continue
                term = terms[position]
                current = found.get(term.topic_id)
                # Per topic: a high-priority term first, then the earliest term (the
                # same answer whatever order the set of hits comes in).
                if current is None or (term.high_priority, -position) > (
                    terms[current].high_priority,
                    -current,
                ):
                    found[term.topic_id] = position
        return tuple(sorted(found.values()))

    def match(self, padded_words: str) -> list[Term]:
        """Terms found in ``padded_words`` (from :func:`words_of`), one per topic."""
        positions = self.match_positions(padded_words.split(), padded_words)
        return [self.terms[p] for p in positions]
