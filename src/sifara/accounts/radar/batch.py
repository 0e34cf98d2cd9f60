"""The vectorised handle pre-filter behind ``RegistryIndex.screen_batch``.

Most candidates in a stream resemble no official account. :func:`scan_handles`
takes a batch's handles joined by newlines (UTF-8) and decides, with a fixed
number of numpy operations on those bytes and no Python code per handle, which
candidates *may* have handle evidence:

* **sure** (straight to the detailed path): an official key of length ``m``
  within one of the folded key's length shares its blocking prefix (first
  ``(m - 1) // 2`` characters) or suffix (last ``m - 1 - (m - 1) // 2``), up
  to six characters of each. That is the one-edit blocking of
  ``RegistryIndex._near``, and it includes an equal key, the same handle on
  another platform and, for official keys shorter than six characters, an
  equal length with the same first and last three characters;
* **check** (the caller's exact scalar test, ``_handle_may_match``): the key
  is an anagram of an official key (reordered words), or a core left after
  removing trailing digits or one added word (``official``, ``news`` …)
  passes the test above, or may hold a second added word;
* **odd** (the caller's scalar path): a non-ASCII character, or white space or
  ``@`` to strip first.

Every test is a necessary condition of the one the detailed path applies, so
a candidate left out has no handle evidence; ``tests/test_radar_batch.py``
checks this against the scalar filter, and ``screen_batch`` against
``screen()``. Keys and edges are small integers (``text_code``) looked up in
:class:`CodeSet` bitmaps built once per registry by :class:`HandleTables`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sifara.accounts.radar.normalise import FOLDED_AFFIXES, MIN_CORE, MIN_EDIT_KEY, fold_ascii

Codes = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

_NEWLINE = ord("\n")


def text_code(text: str) -> int | None:
    """``(len << 24) | big-endian bytes`` of an ASCII string of at most three characters."""
    if not text.isascii() or len(text) > 3:
        return None
    return (len(text) << 24) | int.from_bytes(text.encode("ascii"), "big")


def sized_code(size: int, text: str) -> int | None:
    """``text_code`` combined with a key length (``(length, prefix)`` blocking pairs)."""
    code = text_code(text)
    return None if code is None else (size << 32) | code


def anagram_code(key: str) -> int:
    """(length, Σ code points, Σ squares) packed in an int; equal for anagrams."""
    return (
        (len(key) << 40)
        | (sum(map(ord, key)) % (1 << 16) << 24)
        | (sum(ord(ch) ** 2 for ch in key) % (1 << 24))
    )


_SLOT_BITS = 18
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SLOT_SHIFT = np.uint64(64 - _SLOT_BITS)


class CodeSet:
    """A set of non-negative integer codes with a vectorised membership test.

    A bitmap addressed by a multiplicative hash answers most queries with one
    gather; only the few hits are confirmed by binary search in the sorted codes.
    """

    def __init__(self, values: Iterable[int | None]) -> None:
        found = sorted({v for v in values if v is not None})
        self.codes = np.array(found, dtype=np.uint64)
        self.bitmap = np.zeros(1 << _SLOT_BITS, dtype=bool)
        self.bitmap[_slots(self.codes)] = True

    def __len__(self) -> int:
        return int(self.codes.size)

    def test(self, values: Codes | npt.NDArray[np.uint64]) -> Mask:
        """``np.isin(values, codes)``."""
        values = values.view(np.uint64)
        out = np.zeros(values.size, dtype=bool)
        maybe = np.flatnonzero(self.bitmap[_slots(values)])
        if maybe.size:
            sub = values[maybe]
            pos = np.minimum(np.searchsorted(self.codes, sub), self.codes.size - 1)
            out[maybe] = self.codes[pos] == sub
        return out


def _slots(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    return ((values * _GOLDEN) >> _SLOT_SHIFT).astype(np.intp)


def _bytes_code(text: str) -> int:
    return int.from_bytes(text.encode("ascii"), "big")


_BLOCK = 6  # bytes of a blocking half that are compared
_LONGEST = 4000  # longer keys always go on (their codes would not fit)


def block_code(size: int, text: str) -> int | None:
    """``(key length, len(text), text)`` in one integer, for an ASCII ``text`` of at
    most ``_BLOCK`` characters (one-edit blocking halves)."""
    if not text.isascii() or len(text) > _BLOCK or size >= _LONGEST:
        return None
    return (size << 51) | (len(text) << 48) | int.from_bytes(text.encode("ascii"), "big")


def _halves(m: int) -> tuple[int, int]:
    """Lengths of the blocking prefix and suffix of an ``m``-character key, as in
    ``RegistryIndex._near`` (first ``(m - 1) // 2``, last ``m - 1 - (m - 1) // 2``),
    at most ``_BLOCK``."""
    half = (m - 1) // 2
    return min(half, _BLOCK), min(m - half - 1, _BLOCK)


@dataclass(frozen=True)
class HandleTables:
    """Code sets of the registry's folded keys (see :func:`scan_handles`).

    ``half_pre``/``half_suf``: for each official key of length ``m`` (six or
    more) and each candidate length ``m - 1 … m + 1``, its blocking prefix and
    suffix (``_halves``); one edit leaves one of them intact. ``short_*``:
    first and last three characters of shorter keys (which take no edits).
    ``head2``/``head3``/``tail3``: edges of official keys and added words, for
    cores. ``affixes``: each added word's bytes, by length.
    """

    anagrams: CodeSet
    half_pre: CodeSet
    half_suf: CodeSet
    short_pre3: CodeSet
    short_suf3: CodeSet
    head2: CodeSet
    head3: CodeSet
    tail3: CodeSet
    affix_pre2: CodeSet
    affix_suf2: CodeSet
    affixes: dict[int, CodeSet]

    @classmethod
    def build(cls, *, keys: Iterable[str]) -> HandleTables:
        keys = sorted(set(keys))
        if min(map(len, FOLDED_AFFIXES)) < 2 or max(map(len, FOLDED_AFFIXES)) > 8:
            raise ValueError("added words must fold to two to eight characters")
        edit = [k for k in keys if len(k) >= MIN_EDIT_KEY]
        six = [k for k in edit if len(k) == MIN_EDIT_KEY]
        short = [k for k in keys if len(k) < MIN_EDIT_KEY]
        half_pre: list[int | None] = []
        half_suf: list[int | None] = []
        for k in edit:
            plen, slen = _halves(len(k))
            for n in (len(k) - 1, len(k), len(k) + 1):
                half_pre.append(block_code(n, k[:plen]))
                half_suf.append(block_code(n, k[len(k) - slen :]))
        affixes: dict[int, list[int]] = {}
        for a in FOLDED_AFFIXES:
            affixes.setdefault(len(a), []).append(_bytes_code(a))
        return cls(
            anagrams=CodeSet(anagram_code(k) for k in keys),
            half_pre=CodeSet(half_pre),
            half_suf=CodeSet(half_suf),
            short_pre3=CodeSet(sized_code(len(k), k[:3]) for k in short),
            short_suf3=CodeSet(sized_code(len(k), k[-3:]) for k in short),
            head2=CodeSet(
                [text_code(k[:2]) for k in six] + [text_code(a[:2]) for a in FOLDED_AFFIXES]
            ),
            head3=CodeSet(text_code(k[:3]) for k in edit),
            tail3=CodeSet(text_code(k[-3:]) for k in edit),
            affix_pre2=CodeSet(text_code(a[:2]) for a in FOLDED_AFFIXES),
            affix_suf2=CodeSet(text_code(a[-2:]) for a in FOLDED_AFFIXES),
            affixes={n: CodeSet(codes) for n, codes in affixes.items()},
        )

    def key_hit(self, view: _Window) -> Mask:
        """Keys that an official key may equal or be one edit from (necessary tests:
        the blocking of ``RegistryIndex._near``, and equal ends for short keys)."""
        n = view.lengths
        sized = n << 32
        hit = self.short_pre3.test(sized | view.head(3)) & self.short_suf3.test(
            sized | view.tail(3)
        )
        hit |= n >= _LONGEST
        size = np.minimum(n, _LONGEST - 1) << 51
        for d in (-1, 0, 1):  # official key lengths n - 1, n, n + 1
            m = n + d
            half = (m - 1) // 2
            plen = np.clip(half, 1, _BLOCK)
            slen = np.clip(m - half - 1, 1, _BLOCK)
            pre = view.prefix(plen) | (plen << 48) | size
            suf = view.suffix(slen) | (slen << 48) | size
            hit |= (m >= MIN_EDIT_KEY) & (self.half_pre.test(pre) | self.half_suf.test(suf))
        return hit

    def affix_ends(self, view: _Window) -> Mask:
        """Whether a window starts or ends like an added word (two characters)."""
        return self.affix_pre2.test(view.head(2)) | self.affix_suf2.test(view.tail(2))


@dataclass(frozen=True)
class Scan:
    """Outcome of :func:`scan_handles` for a batch of handles (positions in the batch).

    ``sure``: may have handle evidence; ``check``: to be tested one by one;
    ``odd``: white space at either end or a leading ``@``, which the caller
    strips first (their ``sure``/``check`` answers are for the unstripped text).
    """

    sure: list[int]
    check: list[int]
    odd: list[int]
    folded: bytes
    starts: Codes
    ends: Codes

    def key(self, i: int) -> str:
        """The folded key of handle ``i``."""
        return self.folded[int(self.starts[i]) : int(self.ends[i])].decode("ascii")


_PAD = 8
#: Bytes that ``str.strip()`` removes.
_STRIPPED = np.array([chr(b).isspace() for b in range(256)], dtype=bool)
#: Bytes of a trailing run that ``strip_variants`` takes for added digits.
_TRAILING = np.array([chr(b) in "0123456789_.-" for b in range(256)], dtype=bool)
_NON_ASCII = np.arange(256) >= 128
_SQUARES = (np.arange(256, dtype=np.int64) ** 2).astype(np.uint16)


class _Window:
    """Windows ``[starts, ends)`` into a zero-padded byte array, with edge codes."""

    def __init__(
        self,
        padded: npt.NDArray[np.uint8],
        starts: Codes,
        ends: Codes,
        words: npt.NDArray[np.uint64] | None = None,
    ) -> None:
        self.padded = padded
        self.starts = starts
        self.ends = ends
        self.lengths = ends - starts
        self._edges: dict[int, Codes] = {}  # head(k) at k, tail(k) at -k
        # The eight bytes from each position as one big-endian integer: a
        # strided view, no copy (the padding keeps the last reads in bounds).
        self.words = (
            words
            if words is not None
            else np.ndarray(shape=(padded.size - 7,), dtype=">u8", buffer=padded.data, strides=(1,))
        )

    @classmethod
    def split(cls, data: bytes) -> _Window:
        """One window per newline-separated string of ``data``."""
        arr = np.frombuffer(data, dtype=np.uint8)
        breaks = np.flatnonzero(arr == _NEWLINE)
        padded = np.zeros(arr.size + 2 * _PAD, dtype=np.uint8)
        padded[_PAD : _PAD + arr.size] = arr
        starts = np.concatenate(([0], breaks + 1)).astype(np.int64) + _PAD
        ends = np.concatenate((breaks, [arr.size])).astype(np.int64) + _PAD
        return cls(padded, starts, ends)

    def take(self, rows: Codes) -> _Window:
        return self.window(self.starts[rows], self.ends[rows])

    def window(self, starts: Codes, ends: Codes) -> _Window:
        """Other windows into the same bytes."""
        return _Window(self.padded, starts, ends, self.words)

    def bytes_at(self, pos: Codes, k: int) -> npt.NDArray[np.uint64]:
        """The ``k`` (1 to 8) bytes from each position, big-endian, as an integer."""
        return np.asarray(self.words[pos] >> np.uint64(64 - 8 * k), dtype=np.uint64)

    def prefix(self, size: Codes) -> Codes:
        """Each window's first ``size`` (1 to 8) bytes, big-endian (``size`` per window)."""
        shift = (64 - 8 * size).astype(np.uint64)
        return np.asarray(self.words[self.starts] >> shift, dtype=np.int64)

    def suffix(self, size: Codes) -> Codes:
        """Each window's last ``size`` (1 to 8) bytes, big-endian (``size`` per window)."""
        shift = (64 - 8 * size).astype(np.uint64)
        return np.asarray(self.words[self.ends - size] >> shift, dtype=np.int64)

    def _code(self, pos: Codes, take: Codes) -> Codes:
        word = self.words[pos].astype(np.uint64)
        shift = (64 - 8 * np.maximum(take, 1)).astype(np.uint64)
        code = np.where(take > 0, word >> shift, 0).astype(np.int64)
        return code | (take << 24)

    def head(self, k: int) -> Codes:
        """``text_code`` of each window's first ``min(len, k)`` characters (kept)."""
        got = self._edges.get(k)
        if got is None:
            take = np.minimum(self.lengths, k)
            got = self._edges[k] = self._code(self.starts, take)
        return got

    def tail(self, k: int) -> Codes:
        """``text_code`` of each window's last ``min(len, k)`` characters (kept)."""
        got = self._edges.get(-k)
        if got is None:
            take = np.minimum(self.lengths, k)
            got = self._edges[-k] = self._code(self.ends - take, take)
        return got

    def sums(self, power: int) -> Codes:
        """Per window of :meth:`split`, the sum of its bytes (``power`` 1) or their squares (2).

        Windows there are contiguous: each but the last is followed by its
        newline, which ``reduceat`` adds and is taken off again.
        """
        values = self.padded if power == 1 else _SQUARES[self.padded]
        total = np.add.reduceat(values, self.starts, dtype=np.int64)
        total[:-1] -= _NEWLINE**power
        return np.asarray(total, dtype=np.int64)

    def any_byte(self, table: Mask) -> Mask:
        """Per window of :meth:`split`, whether one of its bytes is marked in ``table``."""
        marked = np.flatnonzero(table[self.padded])
        out = np.zeros(self.starts.size, dtype=bool)
        if marked.size:
            out[np.searchsorted(self.starts, marked, side="right") - 1] = True
        return out

    def cut_trailing(self, table: Mask) -> Codes:
        """Per window of :meth:`split`, where its trailing run of bytes marked in
        ``table`` begins (its end when there is none, its start when it is all run)."""
        pos = np.arange(self.padded.size, dtype=np.int64)
        kept = np.where(table[self.padded], -1, pos)
        kept[self.starts - 1] = self.starts - 1  # the byte before each window stops a run
        last = np.maximum.accumulate(kept)
        return np.asarray(last[self.ends - 1] + 1, dtype=np.int64)

    def gather(self, starts: Codes, ends: Codes) -> bytes:
        """The bytes of windows ``[starts, ends)``, newline-separated."""
        sizes = ends - starts + 1
        offsets = np.cumsum(sizes) - sizes
        index = np.repeat(starts - offsets, sizes) + np.arange(int(sizes.sum()), dtype=np.int64)
        out = self.padded[index]
        out[offsets[1:] - 1] = _NEWLINE
        return out[:-1].tobytes()


def scan_handles(tables: HandleTables, joined: bytes) -> Scan:
    """Pre-filter newline-joined handles, UTF-8 encoded (see the module docstring).

    Handles with a non-ASCII character, white space at either end or a leading
    ``@`` come back as ``odd``, for the caller's scalar path.
    """
    raw = _Window.split(joined)
    folded = fold_ascii(joined)
    keys = _Window.split(folded)
    sure = tables.key_hit(keys)
    # Reordered words: the same multiset of characters as an official key.
    codes = (keys.lengths << 40) | ((keys.sums(1) % (1 << 16)) << 24) | (keys.sums(2) % (1 << 24))
    check = tables.anagrams.test(codes) & ~sure
    # Added words or trailing digits: only around something that starts or ends
    # like an official key or an added word.
    loose = tables.head2.test(keys.head(2)) | tables.head3.test(keys.head(3))
    loose |= tables.tail3.test(keys.tail(3))
    rows = np.flatnonzero(loose & ~sure & ~check)
    if rows.size:
        check[rows[_cores_hit(tables, raw, keys, rows)]] = True
    filled = raw.lengths > 0
    first = raw.padded[raw.starts]
    odd = filled & (_STRIPPED[first] | (first == ord("@")) | _STRIPPED[raw.padded[raw.ends - 1]])
    if not joined.isascii():
        odd |= raw.any_byte(_NON_ASCII)
    return Scan(
        sure=np.flatnonzero(sure).tolist(),
        check=np.flatnonzero(check).tolist(),
        odd=np.flatnonzero(odd).tolist(),
        folded=folded,
        starts=keys.starts - _PAD,
        ends=keys.ends - _PAD,
    )


def _cores_hit(tables: HandleTables, raw: _Window, keys: _Window, rows: Codes) -> Mask:
    """For ``rows``: whether a core left by removing trailing digits or one added
    word passes ``key_hit``, or there may be a second added word to remove."""
    hit = np.zeros(rows.size, dtype=bool)
    # Trailing digits (``normalise.strip_variants``): fold what comes before them.
    last = raw.padded[raw.ends[rows] - 1]
    digits = np.flatnonzero((raw.lengths[rows] > 0) & (last >= ord("0")) & (last <= ord("9")))
    if digits.size:
        ending = rows[digits]
        handles = _Window.split(raw.gather(raw.starts[ending], raw.ends[ending]))
        text = handles.gather(handles.starts, handles.cut_trailing(_TRAILING))
        hit[digits] = tables.key_hit(_Window.split(fold_ascii(text)))
    # One added word at either end; a second one is left to the exact test.
    view = keys.take(rows)
    found: list[Codes] = []
    starts: list[Codes] = []
    ends: list[Codes] = []
    for at_start in (True, False):
        edge = (
            tables.affix_pre2.test(view.head(2))
            if at_start
            else tables.affix_suf2.test(view.tail(2))
        )
        some = np.flatnonzero(edge)
        if not some.size:
            continue
        sub = view.take(some)
        for n, codes in tables.affixes.items():
            pos = sub.starts if at_start else sub.ends - n
            got = np.flatnonzero((sub.lengths - n >= MIN_CORE) & codes.test(sub.bytes_at(pos, n)))
            if got.size:
                found.append(some[got])
                starts.append(sub.starts[got] + (n if at_start else 0))
                ends.append(sub.ends[got] - (0 if at_start else n))
    if found:
        core = view.window(np.concatenate(starts), np.concatenate(ends))
        ok = tables.key_hit(core) | tables.affix_ends(core)
        hit[np.concatenate(found)[ok]] = True
    return hit
