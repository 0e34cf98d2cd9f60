"""Sentiment scorers: the bilingual lexicon by default, a local transformer by path.

A scorer maps texts (with their identified languages) to a score in -1..+1 and a
label: ``neg``, ``neu`` or ``pos``, or ``""`` when the scorer does not cover the
language (the lexicon scores Arabic and English only; other languages stay
unscored rather than being guessed). ``bench/language_sentiment_accuracy.py``
measures the default scorer on the labelled set in ``evaluation/``.

``SIFARA_LISTENING_SENTIMENT_MODEL`` set to a directory with a Hugging Face
sequence-classification model switches to :class:`TransformerScorer`; it loads
the model lazily on first use and needs the ``transformers`` package.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sifara.core.text import normalize
from sifara.listening import lexicon

NEG, NEU, POS = "neg", "neu", "pos"
THRESHOLD = 0.2
_PUNCT = re.compile(r"[^\w\s]+|_+")
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_SUFFIXES = ("هم", "ها", "نا", "كم", "ات", "ون", "ين", "ه", "ي")


class SentimentScorer(Protocol):
    """What the pipeline needs from a scorer."""

    def score_many(
        self, texts: Sequence[str], languages: Sequence[str]
    ) -> list[tuple[float, str]]: ...


def label_for(score: float) -> str:
    if score >= THRESHOLD:
        return POS
    if score <= -THRESHOLD:
        return NEG
    return NEU


@lru_cache(maxsize=1)
def _weights() -> dict[str, float]:
    table: dict[str, float] = {}
    groups: list[tuple[list[str], float]] = [
        (lexicon.ENGLISH_POSITIVE, 1.0),
        (lexicon.ENGLISH_POSITIVE_STRONG, 2.0),
        (lexicon.ENGLISH_NEGATIVE, -1.0),
        (lexicon.ENGLISH_NEGATIVE_STRONG, -2.0),
        (lexicon.ARABIC_POSITIVE, 1.0),
        (lexicon.ARABIC_POSITIVE_STRONG, 2.0),
        (lexicon.ARABIC_NEGATIVE, -1.0),
        (lexicon.ARABIC_NEGATIVE_STRONG, -2.0),
    ]
    negators = _negators()
    for words, weight in groups:
        for word in words:
            key = normalize(word)
            if key and key not in negators:
                table[key] = weight
    return table


@lru_cache(maxsize=1)
def _negators() -> frozenset[str]:
    return frozenset(normalize(word) for word in lexicon.NEGATORS)


@lru_cache(maxsize=1)
def _intensifiers() -> frozenset[str]:
    return frozenset(normalize(word) for word in lexicon.INTENSIFIERS)


@lru_cache(maxsize=1)
def _modifiers() -> frozenset[str]:
    """Negators and intensifiers: words that change how the next words count."""
    return _negators() | _intensifiers()


@lru_cache(maxsize=1)
def _weights_with_particles() -> dict[str, float]:
    """The lexicon plus every Arabic entry with the common proclitics and suffixes
    attached (so a token costs one dictionary look-up)."""
    table = dict(_weights())
    for word, weight in list(table.items()):
        if not ("\u0600" <= word[0] <= "\u06ff"):
            continue
        stems = {word}
        if word.startswith("ال") and len(word) > 4:
            stems.add(word[2:])
        for stem in stems:
            for prefix in ("", *_PREFIXES):
                for suffix in ("", *_SUFFIXES):
                    if prefix == "لل" and stem.startswith("ال"):
                        continue
                    table.setdefault(prefix + stem + suffix, weight)
    return table


def tokens_of(normalized: str) -> list[str]:
    """Words of a normalised text for scoring (punctuation as spaces, n't as not)."""
    text = normalized.replace("n't", " not").replace("n’t", " not")
    return _PUNCT.sub(" ", text).split()


class LexiconScorer:
    """Lexicon-based bilingual scorer with negation and intensifiers.

    A negator (``not``, ``لا``, ``لم``, ``غير``…) flips the polarity of the next
    three words; an intensifier (``very``, ``جدا``…) multiplies the next opinion
    word by 1.5. Arabic words also match with attached particles and pronoun
    suffixes (``والنجاح``, ``بنجاحها``). The score is ``tanh`` of the summed
    weights over the square root of the number of opinion words, so one strong
    word counts and long texts do not saturate.
    """

    languages = frozenset({"ar", "en"})

    def score(self, normalized: str, language: str) -> tuple[float, str]:
        """Score one text already normalised with ``core.text.normalize``."""
        if language not in self.languages:
            return 0.0, ""
        return self.score_tokens(tokens_of(normalized), language)

    def score_tokens(self, tokens: Sequence[str], language: str) -> tuple[float, str]:
        """Score already split words (see :func:`tokens_of`)."""
        if language not in self.languages:
            return 0.0, ""
        table = _weights_with_particles()
        modifiers = _modifiers()
        if modifiers.isdisjoint(tokens):
            # No negator or intensifier: the score is the plain sum of the opinion
            # words' weights (looked up at C speed; the loop below gives the same).
            weights = [w for w in map(table.get, tokens) if w is not None]
            if not weights:
                return 0.0, NEU
            score = math.tanh(sum(weights) / math.sqrt(len(weights)))
            return round(score, 3), label_for(score)
        negators = _negators()
        intensifiers = _intensifiers()
        total = 0.0
        hits = 0
        negate_left = 0
        boost = 1.0
        for token in tokens:
            if token in negators:
                negate_left = 3
                continue
            if token in intensifiers:
                boost = 1.5
                continue
            weight = table.get(token)
            if weight is not None:
                if negate_left:
                    weight = -weight * 0.8
                total += weight * boost
                hits += 1
                boost = 1.0
            if negate_left:
                negate_left -= 1
        if not hits:
            return 0.0, NEU
        score = math.tanh(total / math.sqrt(hits))
        return round(score, 3), label_for(score)

    def score_many(self, texts: Sequence[str], languages: Sequence[str]) -> list[tuple[float, str]]:
        return [self.score(normalize(t), lang) for t, lang in zip(texts, languages, strict=True)]


class TransformerScorer:
    """A local Hugging Face sequence-classification model (labels named like
    ``negative``/``neutral``/``positive`` or ``LABEL_0..2``), loaded lazily."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._pipe: Any = None

    def _load(self) -> Any:
        if self._pipe is None:
            try:
                from transformers import pipeline  # type: ignore[import-not-found]
            except ImportError as exc:
                raise ImproperlyConfigured(
                    "SIFARA_LISTENING_SENTIMENT_MODEL is set but the 'transformers' package "
                    "is not installed; install it (and torch) or unset the setting to use "
                    "the built-in lexicon scorer"
                ) from exc
            self._pipe = pipeline("text-classification", model=self.path, tokenizer=self.path)
        return self._pipe

    def score_many(self, texts: Sequence[str], languages: Sequence[str]) -> list[tuple[float, str]]:
        del languages
        if not texts:
            return []
        outputs = self._load()(list(texts), truncation=True)
        results: list[tuple[float, str]] = []
        for out in outputs:
            name = str(out["label"]).lower()
            confidence = float(out["score"])
            if name.startswith("neg") or name == "label_0":
                results.append((-confidence, NEG))
            elif name.startswith("pos") or name == "label_2":
                results.append((confidence, POS))
            else:
                results.append((0.0, NEU))
        return results


_scorer: SentimentScorer | None = None
_scorer_path: str | None = None


def get_scorer() -> SentimentScorer:
    """The configured scorer (one per process)."""
    global _scorer, _scorer_path
    path = settings.SIFARA_LISTENING_SENTIMENT_MODEL
    if _scorer is None or _scorer_path != path:
        _scorer = TransformerScorer(path) if path else LexiconScorer()
        _scorer_path = path
    return _scorer
