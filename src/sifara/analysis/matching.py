"""Text matching for statements (related terms) and claims (paraphrase similarity).

Both work on :func:`sifara.core.text.normalize`'d text, so Arabic spelling
variants (hamza forms, ta marbuta, diacritics) and Latin case never matter.

Claim similarity is *claim coverage*: the share of the claim's content words
that the post also says, where a word counts as said when the post has a word
close to it (RapidFuzz ``ratio`` >= 80 after light Arabic prefix stripping, so
``السفارة``/``سفارة``/``والسفارة`` and ``embassy``/``embassys`` match). A
symmetric measure (token-set Jaccard) punishes a post that repeats the claim
and adds comments around it — the usual way a narrative spreads — and
RapidFuzz's ``token_set_ratio`` scores 100 whenever one side's words are a
subset of the other's, so a two-word post would match every claim containing
those two words. Coverage asks the right question ("does the post say what
the claim says?") and a minimum number of matched words keeps short posts out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from sifara.core.text import normalize

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "not",
        "no",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "about",
        "into",
        "over",
        "after",
        "before",
        "than",
        "then",
        "so",
        "if",
        "just",
        "also",
        "very",
        "more",
        "most",
        "all",
        "any",
        "some",
        "such",
        "only",
        "own",
        "same",
        "too",
        "rt",
        "via",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "ou",
        "en",
        "au",
        "aux",
        "ce",
        "cette",
        "ces",
        "est",
        "sont",
        "a",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "pas",
        "ne",
        "qui",
        "que",
        "il",
        "elle",
        "ils",
        "elles",
        "nous",
        "vous",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "في",
        "من",
        "على",
        "الى",
        "إلى",
        "عن",
        "مع",
        "ان",
        "أن",
        "إن",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "التي",
        "الذي",
        "الذين",
        "هو",
        "هي",
        "هم",
        "كان",
        "كانت",
        "قد",
        "لا",
        "ما",
        "لم",
        "لن",
        "ثم",
        "او",
        "أو",
        "بل",
        "كل",
        "بعد",
        "قبل",
        "عند",
        "حتى",
        "منذ",
        "غير",
        "بين",
        "ايضا",
        "أيضا",
    ]
)
#: Two words are "the same" at or above this RapidFuzz ratio.
WORD_SIMILARITY = 80
#: A post must share at least this many content words with the claim.
MIN_MATCHED_WORDS = 3


def _strip_prefix(word: str) -> str:
    if len(word) > 4 and "\u0600" <= word[0] <= "\u06ff":
        for prefix in _AR_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                return word[len(prefix) :]
    return word


def content_words(text: str) -> frozenset[str]:
    """The normalised content words of ``text`` (stop words and 1-letter words dropped)."""
    words = set()
    for raw in _WORD.findall(normalize(text)):
        if raw in _STOPWORDS or len(raw) < 2 or raw.isdigit():
            continue
        words.add(_strip_prefix(raw))
    words -= _STOPWORDS
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class Wording:
    """One wording of a claim, prepared once for many comparisons."""

    text: str
    words: frozenset[str]


def prepare(wordings: Iterable[str]) -> list[Wording]:
    prepared = []
    for text in wordings:
        words = content_words(text)
        if words:
            prepared.append(Wording(text=text, words=words))
    return prepared


def _covered(word: str, post_words: frozenset[str]) -> bool:
    if word in post_words:
        return True
    if len(word) < 4:
        return False
    return any(
        abs(len(word) - len(other)) <= 3 and fuzz.ratio(word, other) >= WORD_SIMILARITY
        for other in post_words
    )


def coverage(wording: Wording, post_words: frozenset[str]) -> float:
    """Share of the wording's content words the post says (0..1)."""
    if not wording.words or not post_words:
        return 0.0
    matched = sum(1 for word in wording.words if _covered(word, post_words))
    if matched < min(MIN_MATCHED_WORDS, len(wording.words)):
        return 0.0
    return matched / len(wording.words)


def claim_similarity(wordings: list[Wording], text: str) -> float:
    """Best coverage of any of the claim's wordings by ``text`` (0..1)."""
    post_words = content_words(text)
    if not post_words:
        return 0.0
    best = 0.0
    for wording in wordings:
        # Cheap pre-filter: without two exact shared words the fuzzy pass is skipped.
        if len(wording.words & post_words) < 2 and len(wording.words) > 2:
            continue
        best = max(best, coverage(wording, post_words))
    return round(best, 3)


def prepare_terms(terms: Iterable[str]) -> list[str]:
    return [t for t in (normalize(term) for term in terms) if t]


def mentions_any(normalised_terms: list[str], text: str) -> bool:
    """Whether ``text`` names one of the (already normalised) terms, as whole words."""
    if not normalised_terms:
        return False
    body = f" {' '.join(_WORD.findall(normalize(text)))} "
    for term in normalised_terms:
        needle = " ".join(_WORD.findall(term))
        if needle and f" {needle} " in body:
            return True
        # Arabic terms also match with a clitic prefix (والوزارة, بالوزارة).
        if needle and "\u0600" <= needle[0] <= "\u06ff":
            for prefix in _AR_PREFIXES:
                if f" {prefix}{needle} " in body:
                    return True
    return False
