"""Text normalisation shared by indexing, querying and matching (rule 9).

Arabic: strip diacritics (harakat, shadda, sukun, superscript alef) and
tatweel; unify alef forms (أ إ آ ٱ → ا), ى → ي, ة → ه, ؤ → و, ئ → ي; map
Arabic-Indic and Persian digits to ASCII. Latin: Unicode NFKC, casefold.
"""

from __future__ import annotations

import re
import unicodedata

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
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Normalise Arabic and Latin text for search and matching."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_TRANSLATE).casefold()
    return _SPACES.sub(" ", text).strip()


def query_terms(query: str, *, limit: int = 8) -> list[str]:
    """Split a free-text filter into at most ``limit`` whitespace-separated terms."""
    return [term for term in query.strip().split() if term][:limit]
