"""Text normalisation shared by indexing, querying and matching (rule 9).

Arabic: strip diacritics (harakat, shadda, sukun, superscript alef) and
tatweel; unify alef forms (أ إ آ ٱ → ا), ى → ي, ة → ه, ؤ → و, ئ → ي; map
Arabic-Indic and Persian digits to ASCII. Latin: Unicode NFKC, casefold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_TRANSLATE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)


#: The characters :data:`_TRANSLATE` maps, as (character, replacement) pairs.
_PAIRS = tuple((chr(code), replacement) for code, replacement in _TRANSLATE.items())


def normalize(text: str) -> str:
    """Normalise Arabic and Latin text for search and matching.

    Hot path of the listening pipeline and the radar: ASCII text only needs
    lower-casing and space folding, and other text replaces only the mapped
    characters it contains (``str.replace`` per present character is much
    cheaper than ``str.translate`` with a dict on long texts).
    """
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    if _TATWEEL in text:
        text = text.replace(_TATWEEL, "")
    for char, replacement in _PAIRS:
        if char in text:
            text = text.replace(char, replacement)
    return " ".join(text.casefold().split())


def query_terms(query: str, *, limit: int = 8) -> list[str]:
    """Split a free-text filter into at most ``limit`` whitespace-separated terms."""
    return [term for term in query.strip().split() if term][:limit]


# --- Search: tokens and light stemming (used by sifara.core.search) -------------
# Index time and query time call the same functions, so a word is always reduced
# to the same term. See docs/decisions/0017-arabic-stemming.md.

#: A word in normalised text: letters and digits (Arabic or Latin), no underscore.
_WORD = re.compile(r"[^\W_]+")
#: A word in original (unnormalised) text: diacritics and tatweel stay inside it.
_SURFACE_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")

#: Arabic prefixes removed by the light stemmer (after normalisation), longest
#: first; at most one is removed and at least three letters must remain (so the
#: bare-alef الية stays آلية, not ال + ية).
_AR_PREFIXES = (
    "وبال",
    "فبال",
    "وكال",
    "وال",
    "بال",
    "كال",
    "فال",
    "ولل",
    "فلل",
    "لل",
    "ال",
)
#: Arabic suffixes, tried in this order, each removed at most once while at
#: least two letters remain (Larkey's light10 list; ة is already ه).
#: Particles kept whole (normalised spelling): stemmed, إلى (الي) would become
#: ال and match آلية, على would become عل, and so on.
_AR_KEEP = frozenset(
    str.split(
        "الي علي التي الذي الذين اللذين اللتين اللاتي حتي متي لدي سوي اذا هذه هذا هذين "
        "هاتين ذلك تلك هولا اولاك هناك هنا الان كان كانت يكون تكون ليس ليست لكن بين عند "
        "منذ خلال حول عبر ضمن نحو فوق تحت امام ايضا حيث كما بعد قبل لان كي اي اين كيف "
        "مثل غير دون بعض كل جميع"
    )
)
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
#: Endings of words ending in ة, which turns into ت before them: duals
#: (اتفاقيتان، اتفاقيتين) and possessive pronouns (استراتيجيتنا، حكومته).
#: Removed (at most one) before the list above while three letters remain.
_AR_TA_ENDINGS = ("تان", "تين", "تنا", "تها", "تهم", "تكم", "ته")
#: Search drops hamza on و and ي and the lone hamza (before normalize(), which
#: would map ؤ → و and ئ → ي): مسؤول and مسئول, شؤون and شئون are one term.
#: Alef forms are unified by normalize() itself.
_SEARCH_FOLDS = (
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ى", "ي"),
    ("ة", "ه"),
    ("ؤ", ""),
    ("ئ", ""),
    ("ء", ""),
)
#: Diacritics (as in normalize()) and tatweel, removed in one pass.
_SEARCH_STRIP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_EASTERN_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_VOWELS = frozenset("aeiou")
_STEM_CACHE: dict[str, str] = {}
_SURFACE_CACHE: dict[str, str] = {}
_CHUNK_CACHE: dict[str, frozenset[str]] = {}
_CACHE_LIMIT = 400_000


def _is_arabic(token: str) -> bool:
    return "\u0600" <= token[0] <= "\u06ff"


def stem_arabic(word: str) -> str:
    """Light stemming of one normalised Arabic word (light10 with more prefixes).

    Common particles (إلى، على، التي …) are kept whole. Otherwise removes one
    definite-article or conjunction prefix (وال، بال، لل، ال …)
    before at least three letters, then a و before at least three letters (so
    وزير، الوزير، والوزير agree), an ending after a ة turned ت (dual تان/تين,
    pronoun تنا/تها/تهم/تكم/ته), then the common suffixes (ها، ان، ات، ون، ين،
    يه، ه، ي)
    while at least two letters remain. Input: :func:`search_normalize` output.
    """
    if word in _AR_KEEP:
        return word
    for prefix in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    # The conjunction و, also after an article, so وزير، الوزير، والوزير agree.
    if word.startswith("و") and len(word) >= 4:
        word = word[1:]
    for ending in _AR_TA_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    for suffix in _AR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


def _is_consonant(word: str, i: int) -> bool:
    char = word[i]
    if char in _VOWELS:
        return False
    if char == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in ``stem``."""
    count = 0
    previous_vowel = False
    for i in range(len(stem)):
        vowel = not _is_consonant(stem, i)
        if previous_vowel and not vowel:
            count += 1
        previous_vowel = vowel
    return count


def _has_vowel(stem: str) -> bool:
    return any(not _is_consonant(stem, i) for i in range(len(stem)))


def _ends_cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _is_consonant(word, -3 % len(word))
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


def stem_english(word: str) -> str:
    """Light stemming of one casefolded English word: Porter's step 1 (plurals,
    -ed/-ing, final y), so agreements → agreement, negotiated → negotiate."""
    if len(word) <= 2 or not word.isascii() or not word.isalpha():
        return word
    # Step 1a: plurals.
    if word.endswith(("sses", "ies")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # Step 1b: -eed, -ed, -ing.
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif (
                    len(word) >= 2
                    and word[-1] == word[-2]
                    and _is_consonant(word, len(word) - 1)
                    and word[-1] not in "lsz"
                ):
                    word = word[:-1]
                elif _measure(word) == 1 and _ends_cvc(word):
                    word += "e"
                break
    # Step 1c: final y after a vowel-bearing stem.
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    return word


def stem(token: str) -> str:
    """The search term of one normalised token (Arabic or English light stem;
    other scripts and numbers unchanged). Cached: corpora repeat words."""
    term = _STEM_CACHE.get(token)
    if term is None:
        if _is_arabic(token):
            term = stem_arabic(token)
        elif token.isascii():
            term = stem_english(token)
        else:
            term = token
        if len(_STEM_CACHE) >= _CACHE_LIMIT:
            _STEM_CACHE.clear()
        _STEM_CACHE[token] = term
    return term


def search_normalize(text: str) -> str:
    """:func:`normalize` for search, plus hamza folding: also drops hamza on و/ي
    and the lone hamza. Same characters as normalize() otherwise, but built
    from C-speed replace() calls (the hot path of indexing); whitespace is not
    collapsed (callers split words)."""
    text = _SEARCH_STRIP.sub("", unicodedata.normalize("NFKC", text))
    for char, replacement in _SEARCH_FOLDS:
        if char in text:
            text = text.replace(char, replacement)
    if _EASTERN_DIGITS.search(text):
        text = text.translate(_TRANSLATE)
    return text.casefold()


def tokenize(text: str) -> list[str]:
    """The normalised words of ``text`` (see :func:`search_normalize`), unstemmed."""
    return _WORD.findall(search_normalize(text))


def index_terms(text: str) -> list[str]:
    """The search terms of ``text`` in order: one normalisation pass, then the
    light stem of every word. Used at index time and at query time."""
    words = _WORD.findall(search_normalize(text))
    terms = list(map(_STEM_CACHE.get, words))
    if None in terms:  # words not seen yet: stem them (this fills the cache)
        return [term or stem(word) for term, word in zip(terms, words, strict=True)]
    return terms  # type: ignore[return-value]


def surface_term(word: str) -> str:
    """The search term of one word as written in the original text (with its
    diacritics, tatweel, hamza forms …); the first term when normalisation
    splits it. Cached."""
    term = _SURFACE_CACHE.get(word)
    if term is None:
        terms = index_terms(word)
        term = terms[0] if terms else ""
        if len(_SURFACE_CACHE) >= _CACHE_LIMIT:
            _SURFACE_CACHE.clear()
        _SURFACE_CACHE[word] = term
    return term


def chunk_terms(chunk: str) -> frozenset[str]:
    """The search terms of one whitespace-separated chunk of ORIGINAL text
    (``«الإتفاقيّة»،`` → {اتفاق}). Cached: snippets look up every chunk."""
    terms = _CHUNK_CACHE.get(chunk)
    if terms is None:
        terms = frozenset(index_terms(chunk))
        if len(_CHUNK_CACHE) >= _CACHE_LIMIT:
            _CHUNK_CACHE.clear()
        _CHUNK_CACHE[chunk] = terms
    return terms


def chunks_terms(chunks: list[str]) -> list[frozenset[str]]:
    """:func:`chunk_terms` of each chunk."""
    cache_get = _CHUNK_CACHE.get
    return [cache_get(chunk) or chunk_terms(chunk) for chunk in chunks]


def iter_words(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every word of the ORIGINAL ``text`` (diacritics and
    tatweel inside a word belong to it), lazily."""
    return (m.span() for m in _SURFACE_WORD.finditer(text))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, term)`` for every word of the ORIGINAL ``text``, so a
    match can be highlighted in the text as written."""
    cache_get = _SURFACE_CACHE.get
    return [
        (m.start(), m.end(), cache_get(m.group()) or surface_term(m.group()))
        for m in _SURFACE_WORD.finditer(text)
    ]
