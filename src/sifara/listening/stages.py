"""The pure analysis stages of the pipeline (no database, no Django settings).

:meth:`Analyser.analyse_batch` takes a batch of post texts and returns, per
text, its language, sentiment score and label, 64-bit fingerprint and the
positions of the watch-list terms it matched; :func:`analyse_and_group` then
assigns the batch's posts to near-duplicate groups. The pipeline runs them
either inline or, for long streams, in a helper process (which takes over the
near-duplicate index for the stream) while the main process stores the previous
batch — the same functions either way, and the results are plain lists of small
values so that sending them between processes costs little.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sifara.core.text import normalize
from sifara.listening import fingerprint as fp
from sifara.listening.grouping import BatchGroups, NearDuplicateIndex, group_batch
from sifara.listening.language import LANGUAGE_SAMPLE, LanguageIdentifier
from sifara.listening.matching import Matcher, Term
from sifara.listening.sentiment import LexiconScorer, SentimentScorer

#: Allocations between young-generation garbage collections while ingesting
#: (see :func:`sifara.listening.pipeline.fewer_collections`).
GC_THRESHOLD = 50_000

#: Entries kept by each per-text cache (normalised text, sentiment); bounded memory.
CACHE_SIZE = 10_000
#: Only texts up to this length are cached (copies are short posts; long news
#: items are rarely repeated word for word and would fill the memory).
CACHE_MAX_CHARS = 500


class BatchAnalysis(NamedTuple):
    """What :meth:`Analyser.analyse_batch` returns (one entry per text)."""

    languages: list[str]
    scores: list[float]
    labels: list[str]
    prints: list[int]
    terms: list[tuple[int, ...]]  # positions in the matcher's term list


@dataclass
class Analyser:
    identifier: LanguageIdentifier
    scorer: SentimentScorer
    matcher: Matcher

    def __post_init__(self) -> None:
        self._normalized: dict[str, str] = {}
        self._sentiment: dict[tuple[str, str], tuple[float, str]] = {}

    def _normalize(self, text: str) -> str:
        found = self._normalized.get(text)
        if found is None:
            found = normalize(text)
            if len(text) <= CACHE_MAX_CHARS:
                if len(self._normalized) >= CACHE_SIZE:
                    self._normalized.clear()
                self._normalized[text] = found
        return found

    def analyse_batch(
        self,
        texts: Sequence[str],
    ) -> BatchAnalysis:
        if not texts:
            return BatchAnalysis([], [], [], [], [])
        find_words = fp.WORDS.findall
        normalized = [self._normalize(text) for text in texts]
        words_of = [find_words(norm) for norm in normalized]
        clean = fp.clean_from_words
        cleaned = [clean(norm, words) for norm, words in zip(normalized, words_of, strict=True)]
        languages = self.identifier.identify_many([c[:LANGUAGE_SAMPLE] for c in cleaned])
        scorer = self.scorer
        lexicon = scorer if isinstance(scorer, LexiconScorer) else None
        matcher = self.matcher
        match = matcher.match_positions if matcher else None
        sentiments: list[tuple[float, str]] = []
        terms: list[tuple[int, ...]] = []
        if lexicon is None:
            sentiments = scorer.score_many(list(texts), languages)
        cache = self._sentiment
        scored_languages = LexiconScorer.languages
        unscored = (0.0, "")
        for index, norm in enumerate(normalized):
            words = words_of[index]
            terms.append(match(words) if match is not None else ())
            if lexicon is None:
                continue
            language = languages[index]
            if language not in scored_languages:
                sentiments.append(unscored)
                continue
            key = (norm, language)
            scored = cache.get(key)
            if scored is None:
                if "n't" in norm or "n’t" in norm:
                    scored = lexicon.score(norm, language)
                else:
                    scored = lexicon.score_tokens(words, language)
                if len(norm) <= CACHE_MAX_CHARS:
                    if len(cache) >= CACHE_SIZE:
                        cache.clear()
                    cache[key] = scored
            sentiments.append(scored)
        prints = fp.simhash_batch(cleaned)
        scores = [s[0] for s in sentiments]
        labels = [s[1] for s in sentiments]
        return BatchAnalysis(languages, scores, labels, prints, terms)


def analyse_and_group(
    analyser: Analyser,
    index: NearDuplicateIndex,
    texts: Sequence[str],
    timestamps: Sequence[float],
    keys: Sequence[tuple[str, str]],
    authors: Sequence[str],
) -> tuple[BatchAnalysis, BatchGroups]:
    """A batch's analysis, then its near-duplicate groups in ``index`` (posts in
    order: the index is that of whichever process runs this)."""
    analysis = analyser.analyse_batch(texts)
    return analysis, group_batch(index, analysis.prints, timestamps, keys, authors, texts)


# --- the helper process ------------------------------------------------------------

_worker: Analyser | None = None
_index: NearDuplicateIndex | None = None


def worker_init(languages: Sequence[str], terms: Sequence[Term]) -> None:
    """Initialiser of the helper process (lexicon scorer only)."""
    global _worker
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    _worker = Analyser(
        identifier=LanguageIdentifier(languages, cache_size=20_000),
        scorer=LexiconScorer(),
        matcher=Matcher(terms),
    )


def worker_adopt_index(index: NearDuplicateIndex) -> None:
    """The helper's first task: the main process's near-duplicate index, which
    the helper keeps up from here on (a task, not an initialiser argument, so
    that the main process does not keep a copy for the pool's lifetime)."""
    global _index
    _index = index


def worker_analyse(
    texts: list[str],
    timestamps: list[float],
    keys: list[tuple[str, str]],
    authors: list[str],
) -> tuple[BatchAnalysis, BatchGroups]:
    if _worker is None or _index is None:  # pragma: no cover - always set up first
        raise RuntimeError("analysis worker not initialised")
    return analyse_and_group(_worker, _index, texts, timestamps, keys, authors)
