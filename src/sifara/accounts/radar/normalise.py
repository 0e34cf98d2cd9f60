"""Normalisation of handles, display names and links for the radar.

Handles are *folded* into a key on which look-alikes collide:

1. TR39 skeleton (``skeleton.py``): Cyrillic/Greek/mathematical look-alikes
   become their Latin prototypes (``mfа`` with Cyrillic ``а`` → ``mfa``);
2. lower case; separators ``_ . -`` and spaces removed;
3. digit/letter swaps: 0→o, 1/i/l/|/!→l, 3→e, 4/@→a, 5/$→s, 7→t, 8→b, 9→g;
4. ``rn``→``m``, ``vv``→``w``;
5. runs of a repeated letter collapse to one (``mfaa`` → ``mfa``).

Added words (``official``, ``embassy``, ``news``, ``ar`` …) are stripped from
the *candidate* side only: a news outlet's ``demo_news`` is never turned into
``demo``; only a core that still equals an official handle counts.

Display names reuse :func:`sifara.core.text.normalize` (the shared Arabic and
Latin normalisation) and add, on top of it, the TR39 skeleton for non-Arabic
letters, Persian/Urdu look-alike letters (ک ی ہ), punctuation removal and an
Arabic *rasm* key (letters without their dots: الخارجية and الحارجية share it).
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from itertools import compress
from urllib.parse import urlsplit

import numpy as np

from sifara.accounts.radar.skeleton import skeleton
from sifara.core.text import normalize

# --- handles -----------------------------------------------------------------

_FOLD_TABLE = str.maketrans(
    {
        "_": "",
        ".": "",
        "-": "",
        " ": "",
        "0": "o",
        "1": "l",
        "i": "l",
        "|": "l",
        "!": "l",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "8": "b",
        "9": "g",
    }
)
_REPEATS = re.compile(r"(.)\1")


def _collapse(text: str) -> str:
    """Runs of a repeated character (other than a newline) collapse to one.

    Same result as ``re.sub(r"(.)\\1+", r"\\1", text)`` without a Python-level
    template expansion per match: one C-level ``str.replace`` per repeated character.
    """
    if _REPEATS.search(text) is None:
        return text
    for ch in set(text):
        if ch == "\n":
            continue
        pair = ch + ch
        while pair in text:
            text = text.replace(pair, ch)
    return text


#: Words impersonators add before or after an official handle.
AFFIX_WORDS: tuple[str, ...] = (
    "official",
    "offical",
    "oficial",
    "officiel",
    "real",
    "the",
    "embassy",
    "emb",
    "news",
    "ar",
    "en",
    "fr",
    "arabic",
    "english",
    "gov",
    "govt",
    "mfa",
    "mofa",
    "team",
    "info",
    "media",
    "page",
    "account",
    "acc",
    "hq",
    "live",
    "tv",
    "channel",
    "updates",
    "press",
    "verified",
    "original",
    "main",
    "new",
    "backup",
    "support",
    "help",
)


@lru_cache(maxsize=262144)
def fold_handle(handle: str) -> str:
    """Collision key for handle look-alikes (see module docstring)."""
    text = handle if handle.isascii() else skeleton(handle)
    text = text.lower().translate(_FOLD_TABLE)
    if "rn" in text:
        text = text.replace("rn", "m")
    if "vv" in text:
        text = text.replace("vv", "w")
    return _collapse(text)


_AFFIX_SPELLING: dict[str, str] = {}
for _w in AFFIX_WORDS:
    _AFFIX_SPELLING.setdefault(fold_handle(_w), _w)
FOLDED_AFFIXES = tuple(sorted(_AFFIX_SPELLING, key=len, reverse=True))
_AFFIX_LENGTHS = sorted({len(a) for a in FOLDED_AFFIXES}, reverse=True)
_AFFIX_HEADS = frozenset(a[:2] for a in FOLDED_AFFIXES)
_AFFIX_TAILS = frozenset(a[-2:] for a in FOLDED_AFFIXES)


def _byte_fold_table() -> tuple[bytes, bytes]:
    table = bytearray(range(256))
    delete = bytearray()
    for code, rep in _FOLD_TABLE.items():
        if rep is None or rep == "":
            delete.append(code)
        else:
            table[code] = ord(str(rep))
    return bytes(table), bytes(delete)


_BYTE_TABLE, _BYTE_DELETE = _byte_fold_table()
_NEWLINE = ord("\n")


def fold_ascii(data: bytes) -> bytes:
    """:func:`fold_handle` of newline-separated ASCII handles, each step one C-level call.

    Lower case, ``_FOLD_TABLE``, rn→m, vv→w, then runs of a repeated byte
    collapsed with numpy (a newline, the separator, is never collapsed).
    """
    data = data.lower().translate(_BYTE_TABLE, _BYTE_DELETE)
    if b"rn" in data:
        data = data.replace(b"rn", b"m")
    if b"vv" in data:
        data = data.replace(b"vv", b"w")
    if len(data) > 1:
        arr = np.frombuffer(data, dtype=np.uint8)
        keep = np.empty(len(arr), dtype=bool)
        keep[0] = True
        np.not_equal(arr[1:], arr[:-1], out=keep[1:])
        keep[1:] |= arr[1:] == _NEWLINE
        data = arr[keep].tobytes()
    return data


def fold_many(handles: list[str]) -> list[str]:
    """``fold_handle`` for many handles: ASCII ones in one pass over their joined bytes."""
    joined = "\n".join(handles)
    if joined.count("\n") != len(handles) - 1:
        return [fold_handle(h) for h in handles]
    others: list[int] = []
    if not joined.isascii():
        others = list(compress(range(len(handles)), map(operator.not_, map(str.isascii, handles))))
        cleaned = list(handles)
        for i in others:
            cleaned[i] = ""
        joined = "\n".join(cleaned)
    out = fold_ascii(joined.encode("ascii")).decode("ascii").split("\n")
    for i in others:
        out[i] = fold_handle(handles[i])
    return out


_TRAILING_DIGITS = re.compile(r"[0-9_.-]+$")
MIN_CORE = 5
#: Shortest folded key that one-character edits are looked for in (engine and batch filter).
MIN_EDIT_KEY = 6


def affix_both(key: str) -> bool:
    """An added word at both ends (``the_mfa_demo_official``)."""
    return key.startswith(FOLDED_AFFIXES) and key.endswith(FOLDED_AFFIXES)


def has_affix(key: str) -> bool:
    return key.startswith(FOLDED_AFFIXES) or key.endswith(FOLDED_AFFIXES)


def strip_variants(handle: str, key: str, limit: int = 8) -> dict[str, tuple[str, ...]]:
    """Cores of ``key`` after removing added words at either end.

    Returns ``{core_key: (removed words, …)}``; the full key itself is not included.
    Trailing digits (``mfa_demo2024``) count as an added word ``<digits>``.
    """
    out: dict[str, tuple[str, ...]] = {}
    digits = _TRAILING_DIGITS.search(handle)
    if digits and digits.start() > 0:
        core = fold_handle(handle[: digits.start()])
        if len(core) >= MIN_CORE and core != key:
            out[core] = (handle[digits.start() :].strip("_.-") or "digits",)
    todo: list[tuple[str, tuple[str, ...]]] = [(key, ())]
    while todo and len(out) < limit:
        current, removed = todo.pop()
        # Every added word is at least two characters long: most cores need no loop.
        at_start = current[:2] in _AFFIX_HEADS
        at_end = current[-2:] in _AFFIX_TAILS
        if not (at_start or at_end):
            continue
        for n in _AFFIX_LENGTHS:
            if len(current) - n < MIN_CORE:
                continue
            affix = current[:n]
            if at_start and affix in _AFFIX_SPELLING:
                core = current[n:]
                if core not in out:
                    out[core] = (*removed, _AFFIX_SPELLING[affix])
                    todo.append((core, out[core]))
            affix = current[-n:]
            if at_end and affix in _AFFIX_SPELLING:
                core = current[:-n]
                if core not in out:
                    out[core] = (*removed, _AFFIX_SPELLING[affix])
                    todo.append((core, out[core]))
    return out


_SPLIT = re.compile(r"[_.\-\s]+")


def handle_tokens(handle: str) -> list[str]:
    return [t for t in _SPLIT.split(handle.lower()) if t]


def sorted_token_key(handle: str) -> str:
    """Key that ignores word order: ``demo_mfa`` and ``mfa.demo`` share it."""
    tokens = handle_tokens(handle)
    if len(tokens) < 2:
        return ""
    return "".join(sorted(fold_handle(t) for t in tokens))


def deletions(key: str) -> list[str]:
    """All strings obtained by deleting one character (the deletion neighbourhood)."""
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


# --- display names -----------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_EXTRA_AR = str.maketrans(
    {
        "ک": "ك",
        "ڪ": "ك",
        "ی": "ي",
        "ې": "ي",
        "ہ": "ه",
        "ە": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ٮ": "ب",
        "ڡ": "ف",
        "ٯ": "ق",
        "ں": "ن",
        "گ": "ك",
        "پ": "ب",
        "چ": "ج",
        "ژ": "ز",
        "ڤ": "ف",
        "\u200c": "",
        "\u200d": "",
        "\u200f": "",
        "\u200e": "",
    }
)
# Letters that differ only by their dots share a rasm class.
_RASM = str.maketrans(
    {
        "ب": "ٮ",
        "ت": "ٮ",
        "ث": "ٮ",
        "ن": "ٮ",
        "ي": "ٮ",
        "ج": "ح",
        "خ": "ح",
        "ذ": "د",
        "ز": "ر",
        "ش": "س",
        "ض": "ص",
        "ظ": "ط",
        "غ": "ع",
        "ف": "ڡ",
        "ق": "ڡ",
        "ه": "ه",
    }
)


def is_arabic(text: str) -> bool:
    return _ARABIC_LETTER.search(text) is not None


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Display name for comparison: core normalisation + skeleton + no punctuation."""
    if not text:
        return ""
    base = normalize(text).translate(_EXTRA_AR)
    if not base.isascii():
        base = "".join(
            ch if ch.isascii() or _ARABIC_LETTER.match(ch) else skeleton(ch).lower() for ch in base
        )
    base = _PUNCT.sub(" ", base)
    return " ".join(base.split())


def rasm_key(name: str) -> str:
    """Arabic letters without dots (for dot-manipulation look-alikes)."""
    return name.translate(_RASM)


#: Words that say what kind of body an account is, not which one.
GENERIC_NAME_WORDS: frozenset[str] = frozenset(
    {
        "ministry",
        "of",
        "for",
        "the",
        "foreign",
        "affairs",
        "and",
        "in",
        "to",
        "at",
        "embassy",
        "consulate",
        "general",
        "mission",
        "permanent",
        "office",
        "official",
        "account",
        "page",
        "minister",
        "ministers",
        "spokesperson",
        "spokesman",
        "وزاره",
        "وزير",
        "الخارجيه",
        "خارجيه",
        "سفاره",
        "قنصليه",
        "القنصليه",
        "العامه",
        "بعثه",
        "الدائمه",
        "مكتب",
        "في",
        "لدي",
        "الي",
        "و",
        "الرسمي",
        "الرسميه",
        "حساب",
        "صفحه",
        "الناطق",
        "باسم",
        "المتحدث",
    }
)


def distinctive_tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in name.split() if t not in GENERIC_NAME_WORDS)


# --- links -------------------------------------------------------------------

_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"']+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*")


def normalise_link(url: str) -> tuple[str, str]:
    """``(host, host+path)`` of a link, lower case, without ``www.`` and trailing ``/``."""
    url = url.strip()
    if not url:
        return "", ""
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", ""
    host = host.removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/").lower()
    return host, host + path


def links_in(text: str) -> list[str]:
    return _URL_IN_TEXT.findall(text or "")


def registrable_label(host: str) -> str:
    """The label before the public suffix, roughly: ``mfa.gov.dm`` → ``mfa``."""
    labels = [x for x in host.split(".") if x]
    if len(labels) <= 1:
        return host
    labels = labels[:-1]  # drop the TLD
    while len(labels) > 1 and labels[-1] in {"gov", "com", "org", "net", "co", "ac", "edu"}:
        labels = labels[:-1]
    return labels[-1]
