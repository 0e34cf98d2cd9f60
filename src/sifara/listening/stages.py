"""The pure analysis stages of the pipeline (no database, no Django settings).

:func:`analyse_texts` takes a batch of post texts and returns, per text, its
language, sentiment score and label, 64-bit fingerprint and the watch-list
terms it matched. The pipeline runs it either inline or, for large batches,
in a helper process (``SIFARA_LISTENING_ANALYSIS_PROCESS``) while the main
process stores the previous batch — the same function either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sifara.core.text import normalize
from sifara.listening import fingerprint as fp
from sifara.listening.language import LANGUAGE_SAMPLE, LanguageIdentifier
from sifara.listening.matching import PUNCTUATION, Matcher, Term
from sifara.listening.sentiment import LexiconScorer, SentimentScorer

#: Entries kept by each per-text cache (normalised text, sentiment); bounded memory.
CACHE_SIZE = 10_000

#: (language, sentiment, sentiment label, fingerprint, matched terms)
Analysis = tuple[str, float, str, int, tuple[Term, ...]]


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
            if len(self._normalized) >= CACHE_SIZE:
                self._normalized.clear()
            self._normalized[text] = found
        return found

    def analyse_texts(self, texts: Sequence[str]) -> list[Analysis]:
        if not texts:
            return []
        normalized = [self._normalize(text) for text in texts]
        cleaned = [fp.clean(text) for text in normalized]
        languages = self.identifier.identify_many([c[:LANGUAGE_SAMPLE] for c in cleaned])
        scorer = self.scorer
        lexicon = scorer if isinstance(scorer, LexiconScorer) else None
        matcher = self.matcher
        punctuation = PUNCTUATION
        sentiments: list[tuple[float, str]] = []
        terms: list[tuple[Term, ...]] = []
        if lexicon is None:
            sentiments = scorer.score_many(list(texts), languages)
        cache = self._sentiment
        scored_languages = LexiconScorer.languages
        for index, norm in enumerate(normalized):
            words = punctuation.sub(" ", norm).split()
            terms.append(tuple(matcher.match(" " + " ".join(words) + " ")) if matcher else ())
            if lexicon is None:
                continue
            language = languages[index]
            if language not in scored_languages:
                sentiments.append((0.0, ""))
                continue
            key = (norm, language)
            scored = cache.get(key)
            if scored is None:
                if "n't" in norm or "n’t" in norm:
                    scored = lexicon.score(norm, language)
                else:
                    scored = lexicon.score_tokens(words, language)
                if len(cache) >= CACHE_SIZE:
                    cache.clear()
                cache[key] = scored
            sentiments.append(scored)
        prints = fp.simhash_batch(cleaned)
        return [
            (languages[i], sentiments[i][0], sentiments[i][1], prints[i], terms[i])
            for i in range(len(texts))
        ]


# --- the helper process ------------------------------------------------------------

_worker: Analyser | None = None


def worker_init(languages: Sequence[str], terms: Sequence[Term]) -> None:
    """Initialiser of the helper process (lexicon scorer only)."""
    global _worker
    _worker = Analyser(
        identifier=LanguageIdentifier(languages, cache_size=20_000),
        scorer=LexiconScorer(),
        matcher=Matcher(terms),
    )


def worker_analyse(texts: list[str]) -> list[Analysis]:
    if _worker is None:  # pragma: no cover - the pool always initialises
        raise RuntimeError("analysis worker not initialised")
    return _worker.analyse_texts(texts)
