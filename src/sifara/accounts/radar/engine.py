"""The radar's scoring engine: :class:`RegistryIndex`.

Design (the benchmark screens 1,000,000 candidates against 2,000 officials):

* **Index once.** Every official handle is folded (``normalise.fold_handle``:
  TR39 skeleton, case, separators, digit/letter swaps, rn→m, vv→w, repeated
  letters) and indexed for one edit by pigeonhole blocking: per key length,
  by the key's first half and by its second half. One edit (insertion,
  deletion, substitution, adjacent transposition) leaves one half intact, so a
  candidate is compared in detail only with the officials of its buckets — a
  handful, usually none — instead of all 2,000. Display names are indexed by normalised name, by
  distinctive words (and their deletion neighbourhood), by Arabic rasm (letters
  without dots) and by the Arabic↔Latin phonetic key; bios by word 3-shingles;
  websites by host and by folded domain label; avatars in a numpy array of
  64-bit hashes compared with one XOR + popcount.
* **Screen in batches.** ``screen_batch`` runs a vectorised pre-filter
  (``batch.scan_handles``) over a whole batch of handles at once and takes only
  the few candidates that may have evidence down the detailed path; it answers
  with those results, all other candidates being clear. Per-key work (the
  one-edit neighbours of a key, the cores of a key without added words) is
  memoised, since look-alikes of one official often fold to the same key.
* **Evidence, not a single distance.** Each technique yields a
  :class:`~sifara.accounts.radar.Reason` (English and Arabic message, weight).
  Per official, the weights of the independent channels (handle, display name,
  avatar, bio, link) are combined by noisy-OR, ``1 − Π(1 − wᵢ)``; the best
  official is the match. Suspicious signals (account younger than 90 days, fewer
  than 100 followers, mixed scripts inside a word) add small boosts and only
  when there is other evidence: on their own they never flag.
* **Weights** are set so that one strong look-alike signal (same handle after
  normalisation, one-character edit, added word, reused avatar, same handle on
  another platform) reaches the default threshold alone, while weak signals
  (a display name, a copied bio, a link to the official site) need a second
  one. A display name alone is not enough on purpose: people share names with
  ministers. ``DEFAULT_THRESHOLD`` was chosen on the labelled set
  (``evaluate.py`` prints the sweep).

Guards against legitimate look-alikes: an official handle on its own platform
scores 0; a one-character *substitution* counts only inside a word of at least
six letters (``mfa_iraq`` vs ``mfa_iran``, ``embassy_iraq_tokyo`` are other
states), and edits need keys of at least six characters; added words are
removed from the candidate only and the remaining core must keep five
characters (``demo_news`` is not ``demo``); display names are compared on their
*distinctive* words (``Ministry of Foreign Affairs — Oman`` differs from ours).

This module does not import Django.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, islice

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from sifara.accounts.platforms import PLATFORMS
from sifara.accounts.radar import CandidateInput, OfficialEntry, Reason, ScreenResult
from sifara.accounts.radar.batch import HandleTables, scan_handles
from sifara.accounts.radar.images import parse_hash
from sifara.accounts.radar.normalise import (
    MIN_EDIT_KEY,
    affix_both,
    deletions,
    distinctive_tokens,
    fold_handle,
    handle_tokens,
    has_affix,
    is_arabic,
    links_in,
    normalise_link,
    normalise_name,
    rasm_key,
    registrable_label,
    sorted_token_key,
    strip_variants,
)
from sifara.accounts.radar.skeleton import mixed_script_tokens, non_latin_lookalikes
from sifara.accounts.radar.translit import phonetic_key

DEFAULT_THRESHOLD = 0.5

# Weights (see module docstring).
W_OTHER_PLATFORM = 0.86
W_FOLD_EQUAL = 0.85
W_CONFUSABLE = 0.9
W_ADDED_WORDS = 0.75
W_REORDERED = 0.7
W_ONE_EDIT = 0.7
W_ONE_SUBST = 0.6
W_ADDED_PLUS_EDIT = 0.55
W_NAME_SAME = 0.45
W_NAME_DOTS = 0.45
W_NAME_SIMILAR = 0.42
W_TRANSLIT = 0.42
W_AVATAR_SAME = 0.65
W_AVATAR_CLOSE = 0.45
W_BIO_COPY = 0.4
W_BIO_SIMILAR = 0.3
W_LINK_SAME = 0.3
W_LINK_LOOKALIKE = 0.55
B_NEW_ACCOUNT = 0.08
B_FEW_FOLLOWERS = 0.05
B_MIXED_SCRIPT = 0.1

NEW_ACCOUNT_DAYS = 90
FEW_FOLLOWERS = 100
AVATAR_SAME_BITS = 6
AVATAR_CLOSE_BITS = 12
MIN_SUBST_TOKEN = 6
_NAME_CACHE_SIZE = 65536
_KEY_CACHE_SIZE = 65536

_SOCIAL_HOSTS = frozenset(d for _c, _e, _a, domains, _t, _r in PLATFORMS for d in domains)
_PLATFORM_NAMES = {code: (en, ar) for code, en, ar, _d, _t, _r in PLATFORMS}
_DIGIT_SWAPS = re.compile(r"[013457893|!@$]")
_REPEAT = re.compile(r"([a-z])\1")
_SEPARATORS = re.compile(r"[_.\-]")


def _pname(code: str) -> tuple[str, str]:
    return _PLATFORM_NAMES.get(code, (code, code))


@dataclass(slots=True)
class _Official:
    entry: OfficialEntry
    key: str
    token_spans: list[tuple[int, int]]
    names: list[str] = field(default_factory=list)
    raw_names: list[str] = field(default_factory=list)
    bio: str = ""
    website: tuple[str, str] = ("", "")


@dataclass(slots=True)
class _Evidence:
    """Best reason per channel for one official."""

    channels: dict[str, Reason] = field(default_factory=dict)

    def add(self, channel: str, reason: Reason) -> None:
        best = self.channels.get(channel)
        if best is None or reason.weight > best.weight:
            self.channels[channel] = reason

    def score(self) -> float:
        rest = 1.0
        for reason in self.channels.values():
            rest *= 1.0 - reason.weight
        return 1.0 - rest


def _postings(index: Mapping[str, Iterable[int]]) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v) for k, v in index.items()}


def _improves(evidence: dict[int, _Evidence], i: int, weight: float) -> bool:
    """Whether a handle reason of ``weight`` for official ``i`` would be kept
    (``_Evidence.add`` keeps a channel's best); saves building the ones that would not."""
    ev = evidence.get(i)
    if ev is None:
        return True
    best = ev.channels.get("handle")
    return best is None or weight > best.weight


def _r(code: str, en: str, ar: str, weight: float) -> Reason:
    return Reason(code=code, message_en=en, message_ar=ar, weight=round(weight, 3))


def _token_spans(handle: str, key: str) -> list[tuple[int, int]]:
    folded = [fold_handle(t) for t in handle_tokens(handle)]
    if "".join(folded) != key:
        return [(0, len(key))]
    spans, pos = [], 0
    for tok in folded:
        spans.append((pos, pos + len(tok)))
        pos += len(tok)
    return spans


def _span_len(spans: list[tuple[int, int]], pos: int) -> int:
    for start, end in spans:
        if start <= pos < end:
            return end - start
    return 0


def _fold_details(candidate: str, official: str) -> tuple[list[str], list[str]]:
    """What changed between a candidate and an official handle with the same folded key."""
    en: list[str] = []
    ar: list[str] = []
    cand = candidate.lower()
    if candidate != cand and cand == official:
        return ["capital letters"], ["أحرف كبيرة"]
    if _SEPARATORS.findall(cand) != _SEPARATORS.findall(official):
        en.append("separators")
        ar.append("الفواصل")
    if candidate != cand:
        en.append("capital letters")
        ar.append("الأحرف الكبيرة")
    swaps = sorted(set(_DIGIT_SWAPS.findall(cand)) - set(_DIGIT_SWAPS.findall(official)))
    if swaps:
        en.append("digit/letter swaps (" + " ".join(swaps) + ")")
        ar.append("استبدال أرقام بحروف (" + " ".join(swaps) + ")")
    if ("i" in cand) != ("i" in official) or ("l" in cand) != ("l" in official):
        en.append("i/l swap")
        ar.append("استبدال i/l")
    if "rn" in cand and "rn" not in official:
        en.append("“rn” for “m”")
        ar.append("«rn» بدل «m»")
    if "vv" in cand and "vv" not in official:
        en.append("“vv” for “w”")
        ar.append("«vv» بدل «w»")
    if len(_REPEAT.findall(cand)) != len(_REPEAT.findall(official)):
        en.append("repeated or dropped double letters")
        ar.append("تكرار حرف أو حذفه")
    if not en:
        en.append("look-alike characters")
        ar.append("حروف متشابهة")
    return en, ar


class RegistryIndex:
    """The registry, indexed for screening candidates."""

    def __init__(
        self,
        entries: list[OfficialEntry],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        today: date | None = None,
    ) -> None:
        self.threshold = threshold
        self.today = today
        self.officials: list[_Official] = []
        self._exact: dict[tuple[str, str], int] = {}
        by_handle: defaultdict[str, list[int]] = defaultdict(list)
        self._platforms: set[str] = set()
        key_exact: defaultdict[str, list[int]] = defaultdict(list)
        # Blocking for one edit: keys of length L indexed by their first (L-1)//2
        # characters and by their last L-1-(L-1)//2; one edit or one adjacent
        # transposition leaves at least one of the two intact.
        pre: dict[int, defaultdict[str, list[int]]] = {}
        suf: dict[int, defaultdict[str, list[int]]] = {}
        anagram: defaultdict[str, list[int]] = defaultdict(list)
        sorted_tokens: defaultdict[str, list[int]] = defaultdict(list)
        name_exact: defaultdict[str, set[int]] = defaultdict(set)
        name_distinct: defaultdict[str, set[int]] = defaultdict(set)
        name_neigh: defaultdict[str, set[int]] = defaultdict(set)
        rasm: defaultdict[str, set[int]] = defaultdict(set)
        phonetic: defaultdict[str, set[int]] = defaultdict(set)
        shingles: defaultdict[str, set[int]] = defaultdict(set)
        hosts: defaultdict[str, set[int]] = defaultdict(set)
        labels: defaultdict[str, set[int]] = defaultdict(set)
        avatar_hashes: list[int] = []
        avatar_ids: list[int] = []
        for i, entry in enumerate(entries):
            handle = entry.handle.strip().lstrip("@").lower()
            key = fold_handle(handle)
            off = _Official(entry=entry, key=key, token_spans=_token_spans(handle, key))
            self.officials.append(off)
            self._exact[(entry.platform, handle)] = i
            by_handle[handle].append(i)
            self._platforms.add(entry.platform)
            key_exact[key].append(i)
            if len(key) >= MIN_EDIT_KEY:
                half = (len(key) - 1) // 2
                pre.setdefault(len(key), defaultdict(list))[key[:half]].append(i)
                suf.setdefault(len(key), defaultdict(list))[key[half + 1 :]].append(i)
            anagram[_sorted_chars(key)].append(i)
            skey = sorted_token_key(handle)
            if skey:
                sorted_tokens[skey].append(i)
            for raw_name in (entry.display_name_ar, entry.display_name_en):
                name = normalise_name(raw_name)
                if not name:
                    continue
                off.names.append(name)
                off.raw_names.append(raw_name)
                name_exact[name].add(i)
                distinct = " ".join(distinctive_tokens(name))
                if distinct:
                    name_distinct[distinct].add(i)
                    if len(distinct) >= MIN_EDIT_KEY:
                        for d in deletions(distinct):
                            name_neigh[d].add(i)
                if is_arabic(name):
                    rasm[rasm_key(name)].add(i)
                phon = phonetic_key(raw_name)
                if len(phon.replace(" ", "")) >= 4:
                    phonetic[phon].add(i)
            off.bio = normalise_name(entry.bio)
            for sh in self._bio_shingles(off.bio):
                shingles[sh].add(i)
            if entry.website:
                host, hostpath = normalise_link(entry.website)
                off.website = (host, hostpath)
                if host:
                    hosts[host].add(i)
                    for v in _host_variants(host):
                        labels[v].add(i)
                        if len(v) >= MIN_EDIT_KEY:
                            for d in deletions(v):
                                labels[d].add(i)
            h = parse_hash(entry.avatar_phash)
            if h is not None:
                avatar_hashes.append(h)
                avatar_ids.append(i)
        # Shingles shared by many officials ("ministry of foreign") identify nobody.
        limit = max(5, len(entries) // 50)
        shingles = defaultdict(set, {k: v for k, v in shingles.items() if len(v) <= limit})
        # Postings as tuples, in the order of the lists and sets they come from:
        # the garbage collector stops tracking tuples of ints, so its full
        # collections while screening do not walk the whole index.
        self._by_handle = _postings(by_handle)
        self._key_exact = _postings(key_exact)
        self._pre = {length: _postings(bucket) for length, bucket in pre.items()}
        self._suf = {length: _postings(bucket) for length, bucket in suf.items()}
        self._anagram = _postings(anagram)
        self._sorted_tokens = _postings(sorted_tokens)
        self._name_exact = _postings(name_exact)
        self._name_distinct = _postings(name_distinct)
        self._name_neigh = _postings(name_neigh)
        self._rasm = _postings(rasm)
        self._phon = _postings(phonetic)
        self._shingles = _postings(shingles)
        self._hosts = _postings(hosts)
        self._labels = _postings(labels)
        self._avatar_hashes = np.array(avatar_hashes, dtype=np.uint64)
        self._avatar_ids = avatar_ids
        self._filter = _Filter(
            pre2={k[:2] for k in key_exact if len(k) == MIN_EDIT_KEY},
            pre3={k[:3] for k in key_exact if len(k) >= MIN_EDIT_KEY},
            suf3={k[-3:] for k in key_exact if len(k) >= MIN_EDIT_KEY},
            len_pre2=frozenset(
                (len(k) + d, k[:2]) for k in key_exact if len(k) == MIN_EDIT_KEY for d in _D
            ),
            len_pre3=frozenset(
                (len(k) + d, k[:3]) for k in key_exact if len(k) > MIN_EDIT_KEY for d in _D
            ),
            len_suf3=frozenset(
                (len(k) + d, k[-3:]) for k in key_exact if len(k) >= MIN_EDIT_KEY for d in _D
            ),
        )
        self._tables = HandleTables.build(keys=key_exact)
        self._name_cache: dict[str, tuple[tuple[int, Reason], ...]] = {}
        self._cores_memo: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self._near_memo: dict[str, tuple[int, ...]] = {}

    # -- helpers -------------------------------------------------------------

    @staticmethod
    def _bio_shingles(bio: str) -> set[str]:
        words = bio.split()
        return {" ".join(words[i : i + 3]) for i in range(max(0, len(words) - 2))}

    def _official_label(self, i: int) -> str:
        return self.officials[i].entry.handle

    # -- screening -----------------------------------------------------------

    def screen_many(
        self, candidates: Iterable[CandidateInput], *, batch: int = 4096
    ) -> Iterator[ScreenResult]:
        """Screen a stream, a batch at a time (:meth:`screen_batch`): one result per
        candidate, in order, each equal to ``screen()``'s."""
        it = iter(candidates)
        while chunk := list(islice(it, batch)):
            found = self.screen_batch(chunk)
            for i in range(len(chunk)):
                result = found.get(i)
                if result is None:
                    result = ScreenResult(score=0.0, flagged=False, matched=None, reasons=[])
                yield result

    def screen_batch(self, candidates: Sequence[CandidateInput]) -> dict[int, ScreenResult]:
        """Screen a batch; the results that are not clear, by position in the batch.

        A candidate left out is clear: ``screen()`` gives it score 0, no match
        and no reasons. Plain ASCII handles go through the vectorised
        pre-filter (``batch.scan_handles``), other handles through the same tests
        one by one (:meth:`_handle_may_match`); a display name is looked up in
        the per-name cache; an avatar, a bio or a link always takes the
        detailed path. Only the few candidates that may have evidence are then
        screened in detail, so the answer equals ``screen()``'s.
        """
        n = len(candidates)
        handles: list[str] = list(map(_HANDLE, candidates))
        todo: dict[int, tuple[str, str]] = {}  # position -> (handle as written, folded key)
        plain: Sequence[int] = range(n)
        others: list[int] = []
        if None in handles:  # typed ``str``; an untyped caller's ``None`` is screened as ""
            handles = [h or "" for h in handles]
        joined = "\n".join(handles)
        if joined.count("\n") != n - 1:  # a handle with a newline in it
            plain = [i for i, h in enumerate(handles) if "\n" not in h]
            others = [i for i, h in enumerate(handles) if "\n" in h]
            joined = "\n".join([handles[i] for i in plain])
        if plain:
            scan = scan_handles(self._tables, joined.encode("utf-8", "surrogatepass"))
            sure, check = scan.sure, scan.check
            if scan.odd:  # not ASCII, or white space or "@" to strip: the scalar path
                odd = set(scan.odd)
                others.extend(plain[j] for j in scan.odd)
                sure = [j for j in sure if j not in odd]
                check = [j for j in check if j not in odd]
            for j in sure:
                todo[plain[j]] = (handles[plain[j]], scan.key(j))
            may_match = self._handle_may_match
            for j in check:
                raw = handles[plain[j]]
                key = scan.key(j)
                if may_match(raw, key):
                    todo[plain[j]] = (raw, key)
        for i in others:
            raw = (handles[i] or "").strip().lstrip("@")
            key = fold_handle(raw)
            if self._handle_may_match(raw, key):
                todo[i] = (raw, key)
        # Other fields: avatar, bio and links always take the detailed path; a
        # display name only when it matches something (cached per name).
        extra = {
            i
            for i, (avatar, bio, url) in enumerate(map(_OTHER_FIELDS, candidates))
            if avatar or bio or url
        }
        name_items = self._name_items
        for i in compress(range(n), map(_DISPLAY_NAME, candidates)):
            if i not in todo and i not in extra and name_items(candidates[i].display_name):
                extra.add(i)
        for i in extra.difference(todo):
            raw = (handles[i] or "").strip().lstrip("@")
            todo[i] = (raw, fold_handle(raw))
        found: dict[int, ScreenResult] = {}
        screen = self._screen
        for i in sorted(todo):
            raw, key = todo[i]
            result = screen(candidates[i], raw, key, None)
            if result.reasons or result.matched is not None:
                found[i] = result
        return found

    def _handle_may_match(self, raw: str, key: str) -> bool:
        """Whether a handle may have handle evidence (the scalar filter).

        Exact where it is cheap (equal key or handle, an official one edit
        away, a core that gives evidence) and as loose as the detailed path for
        reordered words, so that ``scan_handles`` keeps every handle it keeps.
        """
        handle = raw.lower()
        if key in self._key_exact or handle in self._by_handle:
            return True
        if ("_" in handle or "." in handle or "-" in handle) and (
            _sorted_chars(key) in self._anagram
        ):
            return True
        if self._near_for(key):
            return True
        return (raw[-1:].isdigit() or has_affix(key)) and self._core_match(handle, key)

    def screen(self, candidate: CandidateInput, *, today: date | None = None) -> ScreenResult:
        raw = (candidate.handle or "").strip().lstrip("@")
        return self._screen(candidate, raw, fold_handle(raw), today)

    def _screen(
        self, candidate: CandidateInput, raw: str, key: str, today: date | None
    ) -> ScreenResult:
        handle = raw.lower()
        platform = candidate.platform
        if (platform, handle) in self._exact:
            off = self.officials[self._exact[(platform, handle)]].entry
            pen, par = _pname(platform)
            return ScreenResult(
                score=0.0,
                flagged=False,
                matched=None,
                reasons=[
                    _r(
                        "official_account",
                        f"‘{off.handle}’ is the ministry's own official account on {pen}",
                        f"‘{off.handle}’ هو الحساب الرسمي للوزارة نفسه على {par}",
                        0.0,
                    )
                ],
            )
        evidence: dict[int, _Evidence] = {}
        if handle:
            self._handle_evidence(raw, key, handle, platform, evidence)
        if candidate.display_name:
            self._name_evidence(candidate.display_name, evidence)
        if candidate.avatar_phash and len(self._avatar_ids):
            self._avatar_evidence(candidate.avatar_phash, evidence)
        if candidate.bio and len(candidate.bio) >= 20:
            self._bio_evidence(candidate.bio, evidence)
        if candidate.url or (candidate.bio and "." in candidate.bio):
            self._link_evidence(candidate, evidence)
        if not evidence:
            return ScreenResult(score=0.0, flagged=False, matched=None, reasons=[])
        return self._conclude(candidate, raw, platform, evidence, today)

    def _get(self, evidence: dict[int, _Evidence], i: int) -> _Evidence:
        ev = evidence.get(i)
        if ev is None:
            ev = evidence[i] = _Evidence()
        return ev

    def _handle_evidence(
        self, raw: str, key: str, handle: str, platform: str, evidence: dict[int, _Evidence]
    ) -> None:
        # Same handle, another platform.
        for i in self._by_handle.get(handle, ()):
            off = self.officials[i].entry
            if off.platform == platform:
                continue
            pen, par = _pname(platform)
            oen, _oar = _pname(off.platform)
            has = platform in self._platforms
            self._get(evidence, i).add(
                "handle",
                _r(
                    "handle_other_platform",
                    f"Handle ‘{handle}’ is the ministry's official handle on {oen}, "
                    f"but the registry has no such account on {pen}"
                    + ("" if has else " (the ministry has no account there)"),
                    f"المعرّف ‘{handle}’ هو معرّف الوزارة الرسمي على {oen}، "
                    f"ولا يوجد في السجل حساب بهذا الاسم على {par}"
                    + ("" if has else " (ليس للوزارة حساب هناك)"),
                    W_OTHER_PLATFORM,
                ),
            )
        exact = self._key_exact.get(key)
        if exact:
            lookalikes = non_latin_lookalikes(raw) if not raw.isascii() else []
            for i in exact:
                off = self.officials[i].entry
                if off.handle == handle:
                    continue  # other platform: handled above
                if lookalikes:
                    chars = " ".join(lookalikes)
                    reason = _r(
                        "confusable_characters",
                        f"Handle ‘{raw}’ imitates official ‘{off.handle}’ with look-alike "
                        f"characters from another script ({chars}), per Unicode TR39",
                        f"المعرّف ‘{raw}’ يقلّد المعرّف الرسمي ‘{off.handle}’ بحروف متشابهة "
                        f"من نظام كتابة آخر ({chars}) وفق معيار يونيكود TR39",
                        W_CONFUSABLE,
                    )
                else:
                    den, dar = _fold_details(raw, off.handle)
                    reason = _r(
                        "handle_lookalike",
                        f"Handle ‘{raw}’ reads the same as official ‘{off.handle}’ "
                        f"after normalising {', '.join(den)}",
                        f"المعرّف ‘{raw}’ يُقرأ مثل المعرّف الرسمي ‘{off.handle}’ "
                        f"بعد توحيد {'، '.join(dar)}",
                        W_FOLD_EQUAL,
                    )
                self._get(evidence, i).add("handle", reason)
        for i in self._near_for(key):
            self._edit_evidence(raw, key, i, evidence, added=())
        if raw[-1:].isdigit() or has_affix(key):
            for core, removed in self._cores(handle, key):
                for i in self._key_exact.get(core, ()):
                    if not _improves(evidence, i, W_ADDED_WORDS):
                        continue
                    off = self.officials[i].entry
                    words = ", ".join(f"“{w}”" for w in removed)
                    self._get(evidence, i).add(
                        "handle",
                        _r(
                            "handle_added_words",
                            f"Handle ‘{raw}’ is official ‘{off.handle}’ with added {words}",
                            f"المعرّف ‘{raw}’ هو المعرّف الرسمي ‘{off.handle}’ مع إضافة {words}",
                            W_ADDED_WORDS,
                        ),
                    )
                for i in self._near_for(core):
                    self._edit_evidence(raw, core, i, evidence, added=removed)
        if ("_" in handle or "." in handle or "-" in handle) and (
            _sorted_chars(key) in self._anagram
        ):
            hits = self._sorted_tokens.get(sorted_token_key(handle), ())
            for i in hits:
                off = self.officials[i].entry
                if off.handle == handle or not _improves(evidence, i, W_REORDERED):
                    continue
                self._get(evidence, i).add(
                    "handle",
                    _r(
                        "handle_reordered",
                        f"Handle ‘{raw}’ uses the words of official ‘{off.handle}’ "
                        "in another order",
                        f"المعرّف ‘{raw}’ يستخدم كلمات المعرّف الرسمي ‘{off.handle}’ بترتيب آخر",
                        W_REORDERED,
                    ),
                )

    def _cores(self, handle: str, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Cores of ``key`` without added words (``strip_variants``) that are examined.

        The kept end of the key must look like an official key's end (keeps
        screen() and the batch pre-filter in agreement).
        """
        # Without trailing digits the handle plays no part: look-alikes that
        # fold to the same key share the answer.
        memo_key = (handle if handle[-1:] in _DIGIT_RUN else "", key)
        memo = self._cores_memo
        got = memo.get(memo_key)
        if got is not None:
            return got
        if len(memo) >= _KEY_CACHE_SIZE:
            memo.clear()
        got = memo[memo_key] = self._compute_cores(handle, key)
        return got

    def _compute_cores(self, handle: str, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        f = self._filter
        pre_ok = key[:2] in f.pre2 or key[:3] in f.pre3
        suf_ok = key[-3:] in f.suf3
        both = affix_both(key)
        if not (pre_ok or suf_ok or both):
            return ()
        head, tail = key[:3], key[-3:]
        return tuple(
            (core, removed)
            for core, removed in strip_variants(handle, key).items()
            if (pre_ok and core.startswith(head)) or (suf_ok and core.endswith(tail)) or both
        )

    def _core_match(self, handle: str, key: str) -> bool:
        """Whether some examined core can give evidence (a superset test, for the batch filter)."""
        for core, _removed in self._cores(handle, key):
            if core in self._key_exact or self._near_for(core):
                return True
        return False

    def _near_for(self, key: str) -> tuple[int, ...]:
        """Officials exactly one edit from ``key`` (in ``_near``'s order); memoised per key.

        Look-alikes of one official often fold to the same key, so the answer
        is kept (``_KEY_CACHE_SIZE`` keys at most). Most keys share no
        blocking prefix/suffix with an official key of a neighbouring length
        at all; three set lookups say so before any bucket is read.
        """
        got = self._near_memo.get(key)
        if got is not None:
            return got
        if len(self._near_memo) >= _KEY_CACHE_SIZE:
            self._near_memo.clear()
        got = self._near_memo[key] = self._compute_near(key)
        return got

    def _compute_near(self, key: str) -> tuple[int, ...]:
        n = len(key)
        if n < MIN_EDIT_KEY - 1:
            return ()
        f = self._filter
        if (
            (n, key[:3]) not in f.len_pre3
            and (n, key[-3:]) not in f.len_suf3
            and (n, key[:2]) not in f.len_pre2
        ):
            return ()  # no official key shares the blocking prefix/suffix
        # Only officials exactly one edit away can give evidence (``_edit_evidence``);
        # those with the same key (distance 0) and the others are dropped.
        officials, distance = self.officials, OSA.distance
        return tuple(
            i
            for i in self._near(key)
            if len(officials[i].key) >= MIN_EDIT_KEY
            and distance(key, officials[i].key, score_cutoff=1) == 1
        )

    def _near(self, key: str) -> set[int]:
        """Officials whose key may be within one edit of ``key`` (blocking)."""
        found: set[int] = set()
        n = len(key)
        pre, suf = self._pre, self._suf
        for length in (n - 1, n, n + 1):
            if length < MIN_EDIT_KEY:
                continue
            bucket = pre.get(length)
            if bucket is None:
                continue
            half = (length - 1) // 2
            got = bucket.get(key[:half])
            if got:
                found.update(got)
            got = suf[length].get(key[n - (length - half - 1) :])
            if got:
                found.update(got)
        return found

    def _edit_evidence(
        self,
        raw: str,
        key: str,
        i: int,
        evidence: dict[int, _Evidence],
        *,
        added: tuple[str, ...],
    ) -> None:
        off = self.officials[i]
        okey = off.key
        if len(okey) < MIN_EDIT_KEY:
            return
        dist = OSA.distance(key, okey, score_cutoff=1)
        if dist != 1:
            return
        ops = list(Levenshtein.editops(key, okey))
        transposition = len(ops) == 2
        if not transposition:
            for op in ops:
                if (
                    op.tag == "replace"
                    and _span_len(off.token_spans, op.dest_pos) < MIN_SUBST_TOKEN
                ):
                    return
        substitution = any(op.tag == "replace" for op in ops) and not transposition
        oh = off.entry.handle
        if added:
            words = ", ".join(f"“{w}”" for w in added)
            reason = _r(
                "handle_added_words",
                f"Handle ‘{raw}’ is official ‘{oh}’ with added {words} and one character changed",
                f"المعرّف ‘{raw}’ هو المعرّف الرسمي ‘{oh}’ مع إضافة {words} وتغيير حرف واحد",
                W_ADDED_PLUS_EDIT,
            )
        elif transposition:
            reason = _r(
                "handle_similar",
                f"Handle ‘{raw}’ differs from official ‘{oh}’ by two swapped letters",
                f"المعرّف ‘{raw}’ يختلف عن المعرّف الرسمي ‘{oh}’ بتبديل موضع حرفين",
                W_ONE_EDIT,
            )
        else:
            reason = _r(
                "handle_similar",
                f"Handle ‘{raw}’ differs from official ‘{oh}’ by one character",
                f"المعرّف ‘{raw}’ يختلف عن المعرّف الرسمي ‘{oh}’ بحرف واحد",
                W_ONE_SUBST if substitution else W_ONE_EDIT,
            )
        self._get(evidence, i).add("handle", reason)

    def _name_evidence(self, display_name: str, evidence: dict[int, _Evidence]) -> None:
        for i, reason in self._name_items(display_name):
            self._get(evidence, i).add("name", reason)

    def _name_items(self, display_name: str) -> tuple[tuple[int, Reason], ...]:
        """Name evidence ``(official, reason)``, at most one per official; cached per name."""
        items = self._name_cache.get(display_name)
        if items is None:
            if len(self._name_cache) >= _NAME_CACHE_SIZE:
                self._name_cache.clear()
            items = self._name_cache[display_name] = tuple(self._compute_name_items(display_name))
        return items

    def _compute_name_items(self, display_name: str) -> list[tuple[int, Reason]]:
        items: list[tuple[int, Reason]] = []
        name = normalise_name(display_name)
        if not name:
            return items
        lookalikes = non_latin_lookalikes(display_name) if not display_name.isascii() else []
        lookalikes = [c for c in lookalikes if not is_arabic(c)]
        note_en = f" (with look-alike characters {' '.join(lookalikes)})" if lookalikes else ""
        note_ar = f" (بحروف متشابهة {' '.join(lookalikes)})" if lookalikes else ""
        weight_bonus = 0.1 if lookalikes else 0.0
        seen: set[int] = set()
        for i in self._name_exact.get(name, ()):
            seen.add(i)
            items.append(
                (
                    i,
                    _r(
                        "display_name_same",
                        f"Display name “{display_name}” is the official name of "
                        f"‘{self._official_label(i)}’{note_en}",
                        f"الاسم المعروض «{display_name}» هو الاسم الرسمي للحساب "
                        f"‘{self._official_label(i)}’{note_ar}",
                        W_NAME_SAME + weight_bonus,
                    ),
                ),
            )
        arabic = is_arabic(name)
        if arabic:
            for i in self._rasm.get(rasm_key(name), ()):
                if i in seen:
                    continue
                seen.add(i)
                items.append(
                    (
                        i,
                        _r(
                            "display_name_arabic_lookalike",
                            f"Arabic display name “{display_name}” differs from the official "
                            f"name of ‘{self._official_label(i)}’ only in letter dots",
                            f"الاسم المعروض «{display_name}» لا يختلف عن الاسم الرسمي للحساب "
                            f"‘{self._official_label(i)}’ إلا في نقاط الحروف",
                            W_NAME_DOTS,
                        ),
                    ),
                )
        distinct = " ".join(distinctive_tokens(name))
        if distinct:
            near: set[int] = set(self._name_distinct.get(distinct, ()))
            if len(distinct) >= MIN_EDIT_KEY:
                got = self._name_neigh.get(distinct)
                if got:
                    near.update(got)
                for d in deletions(distinct):
                    got = self._name_neigh.get(d) or self._name_distinct.get(d)
                    if got:
                        near.update(got)
            for i in near - seen:
                best = self._best_name_match(name, distinct, i)
                if best is None:
                    continue
                seen.add(i)
                items.append(
                    (
                        i,
                        _r(
                            "display_name_similar",
                            f"Display name “{display_name}” closely resembles the official name "
                            f"“{best}” of ‘{self._official_label(i)}’{note_en}",
                            f"الاسم المعروض «{display_name}» قريب جدًا من الاسم الرسمي «{best}» "
                            f"للحساب ‘{self._official_label(i)}’{note_ar}",
                            (W_NAME_SAME if lookalikes else W_NAME_SIMILAR) + weight_bonus,
                        ),
                    ),
                )
        phon = phonetic_key(display_name)
        if len(phon.replace(" ", "")) >= 4:
            for i in self._phon.get(phon, ()):
                if i in seen:
                    continue
                seen.add(i)
                off = self.officials[i].entry
                other = off.display_name_ar if not arabic else off.display_name_en
                other = other or off.display_name_ar or off.display_name_en
                items.append(
                    (
                        i,
                        _r(
                            "transliteration",
                            f"Display name “{display_name}” is a transliteration of the official "
                            f"name “{other}” of ‘{off.handle}’",
                            f"الاسم المعروض «{display_name}» كتابة بحروف أخرى للاسم الرسمي "
                            f"«{other}» للحساب ‘{off.handle}’",
                            W_TRANSLIT,
                        ),
                    ),
                )
        return items

    def _best_name_match(self, name: str, distinct: str, i: int) -> str | None:
        off = self.officials[i]
        for oname, oraw in zip(off.names, off.raw_names, strict=True):
            odistinct = " ".join(distinctive_tokens(oname))
            if not odistinct:
                continue
            if odistinct != distinct:
                dist = OSA.distance(distinct, odistinct, score_cutoff=1)
                if dist > 1 or len(odistinct) < MIN_EDIT_KEY:
                    continue
                ops = list(Levenshtein.editops(distinct, odistinct))
                if len(ops) == 1 and ops[0].tag == "replace":
                    words = odistinct.split()
                    pos, start = ops[0].dest_pos, 0
                    for w in words:
                        if start <= pos < start + len(w):
                            if len(w) < MIN_SUBST_TOKEN:
                                return None
                            break
                        start += len(w) + 1
            if fuzz.ratio(name, oname) >= 70:
                return oraw
        return None

    def _avatar_evidence(self, phash: str, evidence: dict[int, _Evidence]) -> None:
        h = parse_hash(phash)
        if h is None:
            return
        dist = np.bitwise_count(self._avatar_hashes ^ np.uint64(h))
        for pos in np.flatnonzero(dist <= AVATAR_CLOSE_BITS):
            i = self._avatar_ids[int(pos)]
            bits = int(dist[pos])
            off = self.officials[i].entry
            if bits <= AVATAR_SAME_BITS:
                reason = _r(
                    "same_avatar",
                    f"Profile image is the official image of ‘{off.handle}’ "
                    f"(perceptual hash {bits}/64 bits apart)",
                    f"صورة الحساب هي الصورة الرسمية للحساب ‘{off.handle}’ "
                    f"(فرق البصمة الإدراكية {bits} من 64 بت)",
                    W_AVATAR_SAME,
                )
            else:
                reason = _r(
                    "similar_avatar",
                    f"Profile image closely resembles the official image of ‘{off.handle}’ "
                    f"(perceptual hash {bits}/64 bits apart)",
                    f"صورة الحساب قريبة جدًا من الصورة الرسمية للحساب ‘{off.handle}’ "
                    f"(فرق البصمة الإدراكية {bits} من 64 بت)",
                    W_AVATAR_CLOSE,
                )
            self._get(evidence, i).add("avatar", reason)

    def _bio_evidence(self, bio: str, evidence: dict[int, _Evidence]) -> None:
        nbio = normalise_name(bio)
        shingles = self._bio_shingles(nbio)
        if not shingles:
            return
        counts: dict[int, int] = defaultdict(int)
        for sh in shingles:
            for i in self._shingles.get(sh, ()):
                counts[i] += 1
        for i, n in counts.items():
            if n < 2:
                continue
            obio = self.officials[i].bio
            sim = fuzz.token_sort_ratio(nbio, obio)
            handle = self.officials[i].entry.handle
            if sim >= 90:
                reason = _r(
                    "bio_copied",
                    f"Biography copies the official biography of ‘{handle}’ ({sim:.0f}% similar)",
                    f"النبذة منسوخة من النبذة الرسمية للحساب ‘{handle}’ (تشابه {sim:.0f}٪)",
                    W_BIO_COPY,
                )
            elif sim >= 70:
                reason = _r(
                    "bio_similar",
                    f"Biography resembles the official biography of ‘{handle}’ "
                    f"({sim:.0f}% similar)",
                    f"النبذة تشبه النبذة الرسمية للحساب ‘{handle}’ (تشابه {sim:.0f}٪)",
                    W_BIO_SIMILAR,
                )
            else:
                continue
            self._get(evidence, i).add("bio", reason)

    def _link_evidence(self, candidate: CandidateInput, evidence: dict[int, _Evidence]) -> None:
        links = [candidate.url] if candidate.url else []
        links += links_in(candidate.bio)
        for link in links[:5]:
            host, _hostpath = normalise_link(link)
            if not host or host in _SOCIAL_HOSTS:
                continue
            for i in self._hosts.get(host, ()):
                handle = self.officials[i].entry.handle
                self._get(evidence, i).add(
                    "link",
                    _r(
                        "links_official_site",
                        f"Links to the official website {host} of ‘{handle}’",
                        f"يضع رابط الموقع الرسمي {host} للحساب ‘{handle}’",
                        W_LINK_SAME,
                    ),
                )
            near: set[int] = set()
            variants = _host_variants(host)
            for v in variants:
                near.update(self._labels.get(v, ()))
                if len(v) >= MIN_EDIT_KEY:
                    for d in deletions(v):
                        near.update(self._labels.get(d, ()))
            for i in near:
                ohost = self.officials[i].website[0]
                if not ohost or host == ohost or host.endswith("." + ohost):
                    continue
                if not _lookalike_host(host, variants, ohost):
                    continue
                handle = self.officials[i].entry.handle
                self._get(evidence, i).add(
                    "link",
                    _r(
                        "lookalike_domain",
                        f"Links to {host}, a look-alike of the official website {ohost} "
                        f"of ‘{handle}’",
                        f"يضع رابط {host}، وهو نطاق يحاكي الموقع الرسمي {ohost} للحساب ‘{handle}’",
                        W_LINK_LOOKALIKE,
                    ),
                )

    def _conclude(
        self,
        candidate: CandidateInput,
        raw: str,
        platform: str,
        evidence: dict[int, _Evidence],
        today: date | None,
    ) -> ScreenResult:
        best_i, best_score = -1, -1.0
        for i, ev in evidence.items():
            s = ev.score()
            same = self.officials[i].entry.platform == platform
            if s > best_score + 1e-9 or (
                abs(s - best_score) <= 1e-9
                and same
                and self.officials[best_i].entry.platform != platform
            ):
                best_i, best_score = i, s
        ev = evidence[best_i]
        reasons = list(ev.channels.values())
        if len(reasons) > 1:
            reasons.sort(key=lambda r: -r.weight)
        score = best_score
        if score > 0:
            boosts: list[Reason] = []
            mixed = (
                []
                if raw.isascii() and candidate.display_name.isascii()
                else mixed_script_tokens(raw) + mixed_script_tokens(candidate.display_name)
            )
            if mixed:
                words = "، ".join(mixed[:3])
                boosts.append(
                    _r(
                        "mixed_script",
                        f"Mixes writing systems inside one word ({', '.join(mixed[:3])})",
                        f"يخلط أنظمة كتابة مختلفة داخل الكلمة الواحدة ({words})",
                        B_MIXED_SCRIPT,
                    )
                )
            if candidate.created is not None:
                age = ((today or self.today or date.today()) - candidate.created).days
                if 0 <= age < NEW_ACCOUNT_DAYS:
                    boosts.append(
                        _r(
                            "new_account",
                            f"Account is new (created {age} days ago)",
                            f"الحساب جديد (أُنشئ قبل {age} يومًا)",
                            B_NEW_ACCOUNT,
                        )
                    )
            if candidate.followers is not None and candidate.followers < FEW_FOLLOWERS:
                boosts.append(
                    _r(
                        "few_followers",
                        f"Few followers ({candidate.followers})",
                        f"عدد المتابعين قليل ({candidate.followers})",
                        B_FEW_FOLLOWERS,
                    )
                )
            for b in boosts:
                score += b.weight
            reasons += boosts
        score = round(min(score, 0.999), 3)
        return ScreenResult(
            score=score,
            flagged=score >= self.threshold,
            matched=self.officials[best_i].entry,
            reasons=reasons,
        )


def _host_variants(host: str) -> list[str]:
    """Folded keys of a host: whole, without its top-level label, and its main label."""
    labels = host.split(".")
    out = [fold_handle(host)]
    if len(labels) > 1:
        out.append(fold_handle(".".join(labels[:-1])))
    label = fold_handle(registrable_label(host))
    if len(label) >= 5:
        out.append(label)
    return list(dict.fromkeys(v for v in out if len(v) >= 4))


def _edit_ok(a: str, b: str, b_tokens: list[str]) -> bool:
    """Within one edit, and a substitution only inside a long token of ``b``."""
    if a == b:
        return True
    if len(b) < MIN_EDIT_KEY or OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    ops = list(Levenshtein.editops(a, b))
    if len(ops) != 1 or ops[0].tag != "replace":
        return True
    pos = ops[0].dest_pos
    start = 0
    for tok in b_tokens:
        if start <= pos < start + len(tok):
            return len(tok) >= MIN_SUBST_TOKEN
        start += len(tok)
    return False


def _lookalike_host(host: str, variants: list[str], ohost: str) -> bool:
    labels = ohost.split(".")
    tld, otld = host.rsplit(".", 1)[-1], labels[-1]
    if len(tld) == 2 and len(otld) == 2 and tld != otld:
        # Another country's domain (mfa.gov.om vs mfa.gov.dm): compare whole hosts only.
        variants = [fold_handle(host)]
    for ov, toks in (
        (fold_handle(ohost), [fold_handle(x) for x in re.split(r"[.-]", ohost)]),
        (
            fold_handle(".".join(labels[:-1])),
            [fold_handle(x) for x in re.split(r"[.-]", ".".join(labels[:-1]))],
        ),
    ):
        if "".join(toks) != ov:
            toks = [ov]
        if any(_edit_ok(v, ov, toks) for v in variants):
            return True
    return False


def _sorted_chars(key: str) -> str:
    return "".join(sorted(key))


@dataclass(frozen=True)
class _Filter:
    pre2: set[str]
    pre3: set[str]
    suf3: set[str]
    len_pre2: frozenset[tuple[int, str]]
    len_pre3: frozenset[tuple[int, str]]
    len_suf3: frozenset[tuple[int, str]]


_D = (-1, 0, 1)
#: Characters of the trailing run ``strip_variants`` removes as added digits.
_DIGIT_RUN = frozenset("0123456789_.-")


_OTHER_FIELDS = operator.attrgetter("avatar_phash", "bio", "url")
_HANDLE = operator.attrgetter("handle")


_DISPLAY_NAME = operator.attrgetter("display_name")
