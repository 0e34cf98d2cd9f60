"""Arabic ↔ Latin transliteration matching through a shared consonant key.

People write the same Arabic name in Latin letters in many ways (وزارة الخارجية
→ *Wizarat al-Kharijiya*, *Wezarat Alkharejia*, *Wizarat el Kharjiyya*). Rather
than transliterating one way, both scripts are reduced to a common skeleton of
consonant classes, per word:

* the article (ال / al- / el- / al / el at the start of a longer word) and the
  words في/fi, و/wa, of, the are dropped;
* letters are mapped to classes: B (ب پ p), T (ت ط t), S (ث س ص ش s sh th ch),
  J (ج j g dj), H (ح خ ه h kh), D (د ذ ض ظ d dh z*), R, Z (ز z), F (ف v), K (ق ك
  q k c ck), L, M, N, G (غ gh), W (و w), Y (ي y);
* vowels (ا ى a e i o u and the letters ع ء) are dropped; و/ي inside a word
  are vowels too (only a word-initial W/Y is kept);
* a word-final T or H is dropped (ة is written -a, -ah, -at, -et);
* doubled classes collapse (shadda, "yy", "ss").

Two names match when their keys are equal (or differ by one class in a long
key). The key is deliberately coarse; it is one piece of evidence among others.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sifara.core.text import normalize

_AR_CLASS = {
    "ب": "B",
    "پ": "B",
    "ت": "T",
    "ط": "T",
    "ة": "T",
    "ث": "S",
    "س": "S",
    "ص": "S",
    "ش": "S",
    "ج": "J",
    "چ": "J",
    "ح": "H",
    "خ": "H",
    "ه": "H",
    "د": "D",
    "ذ": "D",
    "ض": "D",
    "ظ": "D",
    "ر": "R",
    "ز": "Z",
    "ف": "F",
    "ڤ": "F",
    "ق": "K",
    "ك": "K",
    "ک": "K",
    "گ": "K",
    "ل": "L",
    "م": "M",
    "ن": "N",
    "غ": "G",
    "و": "W",
    "ي": "Y",
    "ی": "Y",
}
_AR_DROP = set("اىعءآأإٱ")

_LATIN_DIGRAPHS = [
    ("kh", "H"),
    ("sh", "S"),
    ("ch", "S"),
    ("th", "S"),
    ("dh", "D"),
    ("gh", "G"),
    ("dj", "J"),
    ("ph", "F"),
    ("ck", "K"),
    ("ou", "W"),
    ("oo", "W"),
]
_LATIN_CLASS = {
    "b": "B",
    "p": "B",
    "t": "T",
    "s": "S",
    "x": "KS",
    "j": "J",
    "g": "J",
    "h": "H",
    "d": "D",
    "r": "R",
    "z": "Z",
    "f": "F",
    "v": "F",
    "q": "K",
    "k": "K",
    "c": "K",
    "l": "L",
    "m": "M",
    "n": "N",
    "w": "W",
    "y": "Y",
}
_STOP = {"في", "و", "fi", "wa", "w", "of", "the", "and", "in"}
_LATIN_WORD = re.compile(r"[a-z]+")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u067e\u0686\u06a4\u06a9\u06af\u06cc]+")


def _squeeze(classes: list[str]) -> str:
    out: list[str] = []
    for c in classes:
        if not out or out[-1] != c:
            out.append(c)
    # Inner W/Y are vowels; a final T/H is the feminine ending.
    core = [c for i, c in enumerate(out) if i == 0 or c not in {"W", "Y"}]
    while len(core) > 1 and core[-1] in {"T", "H"}:
        core.pop()
    return "".join(core)


def _arabic_word_key(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    elif word.startswith(("وال", "بال")) and len(word) > 4:
        word = word[3:]
    classes = [_AR_CLASS[ch] for ch in word if ch in _AR_CLASS and ch not in _AR_DROP]
    return _squeeze(classes)


def _latin_word_key(word: str) -> str:
    if word.startswith(("al", "el")) and len(word) > 4:
        word = word[2:]
    for digraph, cls in _LATIN_DIGRAPHS:
        word = word.replace(digraph, cls)
    classes: list[str] = []
    for ch in word:
        if ch.isupper():
            classes.append(ch)
        else:
            cls = _LATIN_CLASS.get(ch, "")
            if cls:
                classes.extend(cls)
    return _squeeze(classes)


@lru_cache(maxsize=65536)
def phonetic_key(text: str) -> str:
    """Consonant-class key shared by Arabic and Latin spellings of a name."""
    if not text:
        return ""
    # Keep ة distinct from ه for the class table (normalize() would merge them).
    base = normalize(text.replace("ة", "ت"))
    base = re.sub(r"\b(al|el)[-\s']+(?=[a-z])", "", base)
    words: list[str] = []
    for token in re.split(r"[\s\-_.,'’/|:]+", base):
        if not token or token in _STOP:
            continue
        if _ARABIC_WORD.fullmatch(token):
            key = _arabic_word_key(token)
        elif _LATIN_WORD.fullmatch(token):
            key = _latin_word_key(token)
        else:
            parts = _ARABIC_WORD.findall(token)
            key = "".join(_arabic_word_key(p) for p in parts) + "".join(
                _latin_word_key(p) for p in _LATIN_WORD.findall(token)
            )
        if key:
            words.append(key)
    return " ".join(words)
