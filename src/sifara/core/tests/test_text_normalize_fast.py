"""core.text.normalize's fast paths give exactly the reference definition's output."""

from __future__ import annotations

import random
import re
import unicodedata

from sifara.core.text import _DIACRITICS, _TATWEEL, _TRANSLATE, normalize

_SPACES = re.compile(r"\s+")


def _reference_normalize(text: str) -> str:
    """The normalisation as first defined: NFKC, no diacritics or tatweel, the
    letter/digit map, casefold, folded spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_TRANSLATE).casefold()
    return _SPACES.sub(" ", text).strip()


def test_fast_normalisation_equals_the_reference_definition() -> None:
    from sifara.listening.evaluation import load

    texts = [p["text"] for p in load()] + [
        "أَهْلاً وسَهْلاً بِكُم في الـــوزارة ٢٠٢٦",
        "İstanbul ŞEHİR straße ﷲ ﻻ Ⅻ",
        "tabs\tand\nnew lines\x1c and\u00a0nbsp",
    ]
    rng = random.Random(3)
    pool = [chr(c) for c in [*range(0x20, 0x250), *range(0x600, 0x700), *range(0xFB50, 0xFDFF)]]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert normalize(text) == _reference_normalize(text)
