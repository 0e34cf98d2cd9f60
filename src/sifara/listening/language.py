"""Language identification: script shortcuts and function words first, lingua for the rest.

Identifying a language with lingua costs tens of microseconds per text, too much
for every post of a stream. Most posts do not need it:

* text mostly in Arabic script is Arabic, unless it has letters Arabic does not
  use: Urdu's (ٹ ڈ ڑ ں ے ھ) make it Urdu, Persian's (پ چ ژ گ ک ی) Persian — when
  those languages are configured;
* Cyrillic is Russian and Han is Chinese when configured (the only configured
  languages in those scripts by default);
* Latin-script text with enough distinctive function words of exactly one
  configured language ("the", "and"… / "le", "est"… / "el", "los"…) is that
  language.

Everything else (short, mixed or unclear text) goes to lingua, restricted to the
configured languages (``SIFARA_LISTENING_LANGUAGES``), in its low-accuracy mode
and in parallel for a whole batch. Results are cached per text, so duplicates
cost nothing. ``bench/language_sentiment_accuracy.py`` measures the accuracy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]+")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_URL_OR_MENTION = re.compile(r"(?:https?://\S+|[@#]\w+)")
_WORD = re.compile(r"[a-zà-ÿğışçöüñ']+")

URDU_LETTERS = frozenset("ٹڈڑںےھ")
PERSIAN_LETTERS = frozenset("پچژگکی")
_URDU = re.compile("[" + "".join(sorted(URDU_LETTERS)) + "]")
_PERSIAN = re.compile("[" + "".join(sorted(PERSIAN_LETTERS)) + "]")

#: Distinctive function words (few shared between the languages on purpose).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "is",
            "are",
            "was",
            "were",
            "with",
            "that",
            "this",
            "for",
            "from",
            "have",
            "has",
            "will",
            "would",
            "not",
            "been",
            "which",
            "their",
            "they",
            "our",
            "its",
            "it's",
            "we",
            "you",
            "be",
            "by",
            "at",
            "an",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "est",
            "et",
            "une",
            "dans",
            "pour",
            "avec",
            "qui",
            "que",
            "sur",
            "pas",
            "du",
            "au",
            "aux",
            "ce",
            "cette",
            "sont",
            "nous",
            "vous",
            "ont",
            "été",
            "par",
            "l'",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "del",
            "y",
            "es",
            "una",
            "en",
            "por",
            "con",
            "que",
            "para",
            "se",
            "al",
            "lo",
            "como",
            "más",
            "pero",
            "sus",
            "está",
            "son",
            "fue",
            "muy",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "mit",
            "den",
            "dem",
            "ein",
            "eine",
            "für",
            "auf",
            "sich",
            "von",
            "zu",
            "im",
            "auch",
            "wird",
            "sind",
            "wurde",
            "bei",
            "nach",
        ]
    ),
    "tr": frozenset(
        [
            "ve",
            "bir",
            "bu",
            "için",
            "ile",
            "da",
            "de",
            "çok",
            "olarak",
            "olan",
            "gibi",
            "daha",
            "ama",
            "değil",
            "en",
            "ne",
            "kadar",
            "sonra",
            "şey",
            "var",
            "yok",
        ]
    ),
}
# Words listed for two languages count for neither.
_SHARED = {
    word
    for lang, words in FUNCTION_WORDS.items()
    for other, other_words in FUNCTION_WORDS.items()
    if other != lang
    for word in words & other_words
}
FUNCTION_WORDS = {lang: words - _SHARED for lang, words in FUNCTION_WORDS.items()}


#: Characters of a post's cleaned text (normalised; links, mentions, hashtags,
#: numbers and punctuation removed) that identify its language; the cache key.
LANGUAGE_SAMPLE = 200


def language_sample(text: str) -> str:
    """What the pipeline identifies the language of (see :data:`LANGUAGE_SAMPLE`)."""
    from sifara.core.text import normalize
    from sifara.listening.fingerprint import clean

    return clean(normalize(text))[:LANGUAGE_SAMPLE]


def configured_languages() -> tuple[str, ...]:
    return tuple(code.lower() for code in settings.SIFARA_LISTENING_LANGUAGES)


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = []
    for code in languages:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            chosen.append(Language.from_iso_code_639_1(iso))
    if len(chosen) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()


def shortcut(text: str, languages: Sequence[str]) -> str | None:
    """The language when a cheap rule is sure of it, else ``None`` (ask lingua)."""
    sample = text[:240]
    if "http" in sample or "@" in sample or "#" in sample:
        sample = _URL_OR_MENTION.sub(" ", sample)
    if not sample.strip():
        return ""
    if sample.isascii():
        return _by_function_words(sample, languages)
    size = len(sample)
    # Searching is cheaper than counting: most non-ASCII posts have no Latin
    # letters at all, and then any Arabic letter decides as the counts would.
    if _LATIN.search(sample) is None:
        latin = 0
        arabic = 1 if _ARABIC.search(sample) is not None else 0
    else:
        latin = size - len(_LATIN.sub("", sample))
        arabic = size - len(_ARABIC.sub("", sample))
    if arabic == 0 and latin == 0:
        cyrillic = size - len(_CYRILLIC.sub("", sample))
        han = size - len(_HAN.sub("", sample))
        if cyrillic > han and "ru" in languages:
            return "ru" if cyrillic * 2 >= size - sample.count(" ") else None
        if han > cyrillic and "zh" in languages:
            return "zh" if han * 2 >= size - sample.count(" ") else None
        return None
    if arabic >= latin * 9:
        if "ur" in languages and _URDU.search(sample) is not None:
            return "ur"
        if "fa" in languages and _PERSIAN.search(sample) is not None:
            return "fa"
        return "ar" if "ar" in languages else None
    if latin >= arabic * 9:
        return _by_function_words(sample, languages)
    return None


_WORD_LANGUAGE: dict[str, str] = {
    word: lang for lang, words in FUNCTION_WORDS.items() for word in words
}


def _by_function_words(sample: str, languages: Sequence[str]) -> str | None:
    words = sample.lower().split()
    if len(words) < 3:
        return None
    # The languages of the words that are function words (at C speed).
    found = list(filter(None, map(_WORD_LANGUAGE.get, words)))
    if not found:
        return None
    best = found[0]
    if found.count(best) == len(found):  # one language only: the usual case
        best_hits, second = len(found), 0
    else:
        ranked = Counter(found).most_common(2)
        (best, best_hits), second = ranked[0], ranked[1][1]
    if best not in languages:
        return None
    if best_hits >= 2 and best_hits >= 3 * second and best_hits * 8 >= len(words):
        return best
    return None


class LanguageIdentifier:
    """Identifies the languages of a batch of texts (cached per text, bounded)."""

    def __init__(self, languages: Sequence[str] | None = None, *, cache_size: int = 50_000):
        self.languages = tuple(languages) if languages is not None else configured_languages()
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size
        self.lingua_calls = 0

    def identify_many(self, texts: Sequence[str]) -> list[str]:
        results: list[str | None] = []
        pending: dict[str, list[int]] = {}
        cache = self._cache
        for index, text in enumerate(texts):
            if not text:
                results.append("")
                continue
            known = cache.get(text)
            if known is None:
                known = shortcut(text, self.languages)
            if known is None:
                pending.setdefault(text, []).append(index)
            results.append(known)
        if pending:
            detector = _detector(self.languages)
            unique = list(pending)
            self.lingua_calls += len(unique)
            found = detector.detect_languages_in_parallel_of(unique) if detector else []
            for position, text in enumerate(unique):
                language = found[position] if found else None
                code = language.iso_code_639_1.name.lower() if language is not None else ""
                for index in pending[text]:
                    results[index] = code
                if len(cache) >= self._cache_size:
                    cache.clear()
                cache[text] = code
        return [code or "" for code in results]

    def identify(self, text: str) -> str:
        return self.identify_many([text])[0]
