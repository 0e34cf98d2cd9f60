"""64-bit simhash fingerprints of posts, computed for a whole batch with numpy.

A post's normalised text (links and @mentions removed, punctuation as spaces,
first :data:`MAX_CHARS` characters) is cut into word bigrams; each bigram gets a
stable 64-bit hash (a polynomial hash of its code points, mixed with the
splitmix64 finaliser, so it is the same in every process); bit *k* of the
fingerprint is set when most bigrams have bit *k* set. Texts that differ by a
few words get fingerprints a few bits apart (:func:`hamming`); hashtags,
mentions, links and numbers are left out, so copies that differ only in those
get the same fingerprint.

Texts with fewer than :data:`MIN_TOKENS` words get fingerprint 0 (too short to
tell a campaign from a coincidence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

MAX_CHARS = 600
MIN_TOKENS = 6
NEAR_BITS = 3
_P = np.uint64(1_000_003)
_P_INV = np.uint64(pow(1_000_003, -1, 1 << 64))
_C1 = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
#: Whitespace-separated tokens left out whole: links, @mentions and #hashtags.
_MARKED = ("@", "#", "http:", "https:", "www.")
#: A normalised text's words: letters and digits (punctuation and underscores
#: separate them, so hashtags split into words). The same as replacing
#: ``[^\w\s]+|_+`` with spaces and splitting, in one pass.
WORDS = re.compile(r"[^\W_]+")
#: Texts without these have nothing for :func:`clean` to take out but numbers.
_MARKER = re.compile(r"[@#]|https?:|www\.")

U64 = npt.NDArray[np.uint64]


#: A whitespace-separated token that starts like a link, mention or hashtag (the
#: tokens of ``str.split()``: ``\s`` is the same whitespace), as :data:`_MARKED`.
_MARKED_TOKEN = re.compile(r"(?<!\S)(?:[@#]|https?:|www\.)\S*")


def clean(normalized: str) -> str:
    """The text a fingerprint is computed from: the words of the first
    :data:`MAX_CHARS` characters without links, mentions, hashtags and numbers
    (campaigns vary those between copies), joined by single spaces.

    That is ``" ".join`` of the :data:`WORDS` of the tokens of
    ``normalized[:MAX_CHARS].split()`` that do not start with one of
    :data:`_MARKED`, digits-only words left out; :data:`_MARKED_TOKEN` blanks
    those tokens in one pass (a test holds the two equal).
    """
    kept = _MARKED_TOKEN.sub(" ", normalized[:MAX_CHARS])
    return " ".join([w for w in WORDS.findall(kept) if not w.isdigit()])


def clean_from_words(normalized: str, words: list[str]) -> str:
    """:func:`clean`, from the text's :data:`WORDS` when the caller has them: a
    short text with no links, mentions or hashtags (most posts) only loses its
    numbers."""
    if len(normalized) <= MAX_CHARS and not _MARKER.search(normalized):
        return " ".join([w for w in words if not w.isdigit()])
    return clean(normalized)


def _mix(z: U64) -> U64:
    z = z ^ (z >> np.uint64(30))
    z = z * _M1
    z = z ^ (z >> np.uint64(27))
    z = z * _M2
    return z ^ (z >> np.uint64(31))


CHUNK = 1000
#: P**(i+1) and P**-(i+1) modulo 2**64 for i < len: the polynomial hash's powers,
#: computed once and grown as longer chunks come (at most about 600 characters
#: per text, so a few MB).
_powers: U64 = np.ones(0, dtype=np.uint64)
_inverse: U64 = np.ones(0, dtype=np.uint64)


def _power_tables(size: int) -> tuple[U64, U64]:
    global _powers, _inverse
    if _powers.shape[0] < size:
        grown = max(size, 2 * _powers.shape[0], 1 << 16)
        with np.errstate(over="ignore"):
            _powers = np.full(grown, _P, dtype=np.uint64).cumprod(dtype=np.uint64)
            _inverse = np.full(grown, _P_INV, dtype=np.uint64).cumprod(dtype=np.uint64)
    return _powers[:size], _inverse[:size]


def simhash_batch(cleaned: Sequence[str]) -> list[int]:
    """Signed 64-bit fingerprints of already :func:`clean`-ed texts (0 = too short),
    computed :data:`CHUNK` texts at a time (bounded temporary arrays)."""
    result: list[int] = []
    for start in range(0, len(cleaned), CHUNK):
        result.extend(_simhash_chunk(cleaned[start : start + CHUNK]))
    return result


def _simhash_chunk(cleaned: Sequence[str]) -> list[int]:
    count = len(cleaned)
    if count == 0:
        return []
    joined = "\n".join(cleaned) + "\n"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    size = codes.shape[0]
    powers, inverse = _power_tables(size)
    with np.errstate(over="ignore"):
        prefix = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(codes * powers, out=prefix[1:])
        separator = (codes == 32) | (codes == 10)
        word = ~separator
        before = np.concatenate(([False], word[:-1]))
        after = np.concatenate((word[1:], [False]))
        starts = np.flatnonzero(word & ~before)
        ends = np.flatnonzero(word & ~after) + 1
        token_hash = (prefix[ends] - prefix[starts]) * inverse[starts]
        newlines = np.flatnonzero(codes == 10)
        post_of = np.searchsorted(newlines, starts)
        tokens_per_post = np.bincount(post_of, minlength=count)
        same_post = post_of[:-1] == post_of[1:]
        shingle_post = post_of[:-1][same_post]
        shingles = _mix(token_hash[:-1][same_post] * _C1 + token_hash[1:][same_post])
    result = [0] * count
    if shingles.shape[0] == 0:
        return result
    bits = np.unpackbits(
        shingles.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little"
    )
    posts, first = np.unique(shingle_post, return_index=True)
    ones = np.add.reduceat(bits, first, axis=0, dtype=np.int32)
    totals = np.diff(np.append(first, shingle_post.shape[0]))
    majority = (ones * 2) > totals[:, None]
    packed = np.packbits(majority, axis=1, bitorder="little").view("<i8").reshape(-1)
    for post, value, tokens in zip(
        posts.tolist(), packed.tolist(), tokens_per_post[posts].tolist(), strict=True
    ):
        if tokens >= MIN_TOKENS:
            result[post] = value or 1
    return result


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


def bands(fingerprint: int) -> tuple[int, int, int, int]:
    """Four 16-bit bands: fingerprints within 3 bits share at least one (pigeonhole)."""
    value = fingerprint & 0xFFFFFFFFFFFFFFFF
    return (
        value & 0xFFFF,
        0x10000 | ((value >> 16) & 0xFFFF),
        0x20000 | ((value >> 32) & 0xFFFF),
        0x30000 | (value >> 48),
    )
