"""The ingest pipeline: connectors and importers hand :class:`RawItem` streams to
:func:`ingest`, which stores them durably in bounded batches.

Per batch (``SIFARA_LISTENING_BATCH_SIZE`` items, 5,000 by default):

1. **normalise** — check and trim each item; unusable ones are skipped with a
   counted reason (:class:`~sifara.listening.models.SkippedItem`);
2. **de-duplicate** by platform id (in the batch and against stored posts);
3. **identify the language** (:mod:`.language`);
4. **score sentiment** (:mod:`.sentiment`);
5. **fingerprint** (64-bit simhash, :mod:`.fingerprint`) and group
   near-identical posts: a post within 3 bits of a recent one is a
   near-duplicate; a group with posts from several accounts becomes a
   :class:`~sifara.listening.models.Cluster`, *coordinated* once
   ``SIFARA_LISTENING_CLUSTER_MIN_ACCOUNTS`` accounts posted it within
   ``SIFARA_LISTENING_CLUSTER_WINDOW_MINUTES``;
6. **match the watch-list** (:mod:`.matching`);
7. **store** posts, matches, clusters, hourly roll-ups, skipped reasons and the
   source's resume position (the last item's ``cursor``) in **one
   transaction**: a crash loses no accepted post and a restart from the stored
   position stores none twice (the unique ``(platform, external_id)`` key
   catches anything re-read);
8. after the commit, run the registered batch hooks (:mod:`.hooks`) and queue
   the background screening of the batch's authors by the impersonation radar.

Memory is bounded whatever the input size: one batch of items at a time plus
bounded caches (language, near-duplicate index).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from sifara.listening import fingerprint as fp
from sifara.listening.hooks import BatchResult, registered_batch_hooks, run_batch_hooks
from sifara.listening.language import LanguageIdentifier
from sifara.listening.matching import Matcher, Term
from sifara.listening.models import (
    Cluster,
    Platform,
    Post,
    SkippedItem,
    Source,
    WatchTerm,
)
from sifara.listening.sentiment import LexiconScorer, get_scorer
from sifara.listening.stages import Analyser
from sifara.listening.types import RawItem, SkippedRaw

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 200
MAX_URL_CHARS = 1000
MAX_NAME_CHARS = 200
KEEP_SKIPPED_PER_SOURCE = 200
_INSERT_ROWS = 900
_LOOKUP_CHUNK = 900
_CLUSTER_ROWS = 100
_PLATFORMS = frozenset(Platform.values)
#: Long ingests start the analysis helper process from this batch on (starting it
#: costs a few CPU-seconds, worth it only for long streams).
HELPER_AFTER_BATCHES = 5
#: ... and only where the process may use at least this many CPUs: the main process
#: (with SQLite's writes) needs one of its own, and measured on the shared 2-core
#: machine the helper made a run slower and doubled its memory (see decision 0019).
HELPER_MIN_CPUS = 3
#: Fingerprints compared per band when looking for a near-duplicate (newest first).
BAND_CHECKS = 24


@dataclass
class IngestReport:
    """What one :func:`ingest` call did."""

    accepted: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    skipped: int = 0
    skipped_reasons: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    matched: int = 0
    clusters_created: int = 0
    hook_failures: int = 0
    last_cursor: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "skipped": self.skipped,
            "skipped_reasons": dict(self.skipped_reasons),
            "batches": self.batches,
            "matched": self.matched,
            "clusters_created": self.clusters_created,
        }

    def __str__(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped_reasons.items()))
        text = (
            f"{self.accepted} accepted, {self.duplicates} duplicates, "
            f"{self.near_duplicates} near-duplicates, {self.skipped} skipped"
        )
        return f"{text} ({reasons})" if reasons else text


# --- near-duplicate groups -----------------------------------------------------------


class _Group:
    __slots__ = (
        "authors",
        "cluster_id",
        "coordinated",
        "count",
        "dirty",
        "fingerprint",
        "first_key",
        "first_post_id",
        "first_seen",
        "last_seen",
        "sample",
    )

    def __init__(self, fingerprint: int, ts: float, key: tuple[str, str], author: str) -> None:
        self.fingerprint = fingerprint
        self.first_seen = ts
        self.last_seen = ts
        self.first_key = key
        self.first_post_id: int | None = None
        self.authors: set[str] | str = author
        self.count = 1
        self.cluster_id: int | None = None
        self.coordinated = False
        self.dirty = False
        self.sample = ""

    def author_count(self) -> int:
        return len(self.authors) if isinstance(self.authors, set) else 1

    def add_author(self, author: str) -> None:
        if isinstance(self.authors, str):
            if author == self.authors:
                return
            self.authors = {self.authors, author}
        elif len(self.authors) < 10_000:
            self.authors.add(author)


class NearDuplicateIndex:
    """Recent fingerprints (bounded) to find near-identical posts quickly.

    Fingerprints within :data:`fingerprint.NEAR_BITS` share one of four 16-bit
    bands, so a lookup compares only the newest :data:`BAND_CHECKS` fingerprints
    of each of the post's bands (bounded work; a near-duplicate of an older,
    crowded band can be missed and starts its own group).
    """

    def __init__(self, *, window_s: float, max_groups: int = 50_000) -> None:
        self.window_s = window_s
        self.max_groups = max_groups
        self.groups: OrderedDict[int, _Group] = OrderedDict()
        self.bands: dict[int, dict[int, None]] = {}
        self.anchor: tuple[int, str] | None = None

    def find(self, fingerprint: int, ts: float) -> _Group | None:
        group = self.groups.get(fingerprint)
        if group is not None and abs(ts - group.last_seen) <= self.window_s:
            return group
        groups = self.groups
        for band in fp.bands(fingerprint):
            members = self.bands.get(band)
            if not members:
                continue
            # The most recent fingerprints of the band only: bounded work per post.
            for checked, other in enumerate(reversed(members)):
                if checked >= BAND_CHECKS:
                    break
                if ((fingerprint ^ other) & 0xFFFFFFFFFFFFFFFF).bit_count() <= fp.NEAR_BITS:
                    group = groups.get(other)
                    if group is not None and abs(ts - group.last_seen) <= self.window_s:
                        return group
        return None

    def add(self, group: _Group) -> None:
        key = group.fingerprint
        if key not in self.groups:
            for band in fp.bands(key):
                members = self.bands.get(band)
                if members is None:
                    self.bands[band] = {key: None}
                else:
                    members[key] = None
        self.groups[key] = group
        if len(self.groups) > self.max_groups:
            oldest, _group = self.groups.popitem(last=False)
            for band in fp.bands(oldest):
                members = self.bands.get(band)
                if members is not None:
                    members.pop(oldest, None)
                    if not members:
                        del self.bands[band]


_state_lock = threading.Lock()
_states: dict[str, NearDuplicateIndex] = {}


def reset_state() -> None:
    """Forget the in-process near-duplicate index (it is rebuilt from the database)."""
    with _state_lock:
        _states.clear()


def _state_key() -> str:
    return f"{connection.alias}:{connection.settings_dict.get('NAME')}"


def _load_state() -> NearDuplicateIndex:
    """The process's index, rebuilt from recent posts when the database moved on
    without it (a restart, or a rolled-back test transaction)."""
    window_s = settings.SIFARA_LISTENING_CLUSTER_WINDOW_MINUTES * 60.0
    key = _state_key()
    with _state_lock:
        index = _states.get(key)
    if index is not None and index.window_s == window_s and _anchor_valid(index):
        return index
    index = NearDuplicateIndex(window_s=window_s)
    recent = list(
        Post.objects.exclude(fingerprint=0)
        .order_by("-id")
        .values_list(
            "id",
            "platform",
            "external_id",
            "fingerprint",
            "published_at",
            "author_handle",
            "cluster_id",
        )[:20_000]
    )
    clusters = {
        c.pk: c
        for c in Cluster.objects.filter(pk__in={row[6] for row in recent if row[6]}).only(
            "id", "post_count", "is_coordinated", "first_seen", "last_seen"
        )
    }
    for post_id, platform, external_id, fingerprint, published, author, cluster_id in reversed(
        recent
    ):
        ts = published.timestamp()
        group = index.find(fingerprint, ts)
        if group is None:
            group = _Group(fingerprint, ts, (platform, external_id), author)
            group.first_post_id = post_id
            index.add(group)
        else:
            group.count += 1
            group.add_author(author)
            group.last_seen = max(group.last_seen, ts)
        if cluster_id and cluster_id in clusters:
            group.cluster_id = cluster_id
    for group in index.groups.values():
        if group.cluster_id is not None:
            cluster = clusters[group.cluster_id]
            group.count = cluster.post_count
            group.coordinated = cluster.is_coordinated
    if recent:
        index.anchor = (recent[0][0], recent[0][2])
    with _state_lock:
        _states[key] = index
    return index


def _anchor_valid(index: NearDuplicateIndex) -> bool:
    if index.anchor is None:
        return not Post.objects.exclude(fingerprint=0).exists()
    post_id, external_id = index.anchor
    return Post.objects.filter(pk=post_id, external_id=external_id).exists()


# --- the pipeline ------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    item: RawItem
    normalized: str = ""
    language: str = ""
    sentiment: float = 0.0
    sentiment_label: str = ""
    fingerprint: int = 0
    near_duplicate: bool = False
    group: _Group | None = None
    terms: list[Term] = field(default_factory=list)
    post_id: int | None = None
    published_db: Any = None  # published_at as the database takes it


@dataclass
class _Prepared:
    rows: list[_Row] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    cursor: str = ""
    duplicates: int = 0
    keys: set[tuple[str, str]] = field(default_factory=set)


def _clean_text(value: str, limit: int) -> str:
    if not value:
        return value
    if value.isascii():
        return value.replace("\x00", "")[:limit] if "\x00" in value else value[:limit]
    value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value[:limit]


def _check(item: RawItem, source: Source) -> tuple[RawItem | None, str, str]:
    """The item ready to store, or ``None`` with a reason code and detail."""
    if item.platform not in _PLATFORMS:
        return None, "unknown_platform", f"platform {item.platform[:40]!r}"
    external_id = (item.external_id or "").strip()
    if not external_id:
        return None, "missing_id", "the item has no platform id"
    if len(external_id) > MAX_ID_CHARS:
        return None, "invalid_id", f"platform id longer than {MAX_ID_CHARS} characters"
    text = item.text or ""
    if len(text) > MAX_TEXT_CHARS:
        return None, "too_large", f"{len(text)} characters (limit {MAX_TEXT_CHARS})"
    text = _clean_text(text, MAX_TEXT_CHARS).strip()
    if not text:
        return None, "empty_text", "the item has no text"
    if text.count("\ufffd") * 4 > len(text):
        return None, "bad_encoding", "mostly undecodable characters"
    published = item.published_at
    if not isinstance(published, datetime):
        return None, "invalid_date", "no publication time"
    if timezone.is_naive(published):
        published = published.replace(tzinfo=UTC)
    url = item.url if len(item.url) <= MAX_URL_CHARS else ""
    item.external_id = external_id
    item.text = text
    item.published_at = published
    item.url = _clean_text(url, MAX_URL_CHARS)
    item.author_handle = _clean_text(item.author_handle, MAX_NAME_CHARS)
    item.author_name = _clean_text(item.author_name, MAX_NAME_CHARS)
    item.country = (item.country or source.config.get("country", "") or "")[:2].upper()
    item.reach = max(0, min(int(item.reach or 0), 2**62))
    return item, "", ""


class _Pipeline:
    def __init__(self, *, source: Source, now: datetime, analyse: bool) -> None:
        self.source = source
        self.now = now
        self.analyse = analyse
        self.report = IngestReport()
        self.batch_size = settings.SIFARA_LISTENING_BATCH_SIZE
        self.min_accounts = settings.SIFARA_LISTENING_CLUSTER_MIN_ACCOUNTS
        if analyse:
            self.terms = _terms()
            self.analyser = _analyser(self.terms)
            self.index = _load_state()
        self.pool: Any = None
        self.vendor = connection.vendor
        self.placeholder = "?" if self.vendor == "sqlite" else "%s"
        self.adapt_dt = _sqlite_datetime if self.vendor == "sqlite" else _as_is

    # -- batching --

    def run(self, items: Iterable[RawItem | SkippedRaw]) -> IngestReport:
        """Batches in order; with the helper process, batch N+1 is analysed there
        while batch N is stored here (storage stays strictly in order)."""
        pending: tuple[_Prepared, Any] | None = None
        batch: list[RawItem | SkippedRaw] = []
        batches = 0
        try:
            for item in items:
                batch.append(item)
                if len(batch) < self.batch_size:
                    continue
                batches += 1
                prepared = self._prepare(batch, pending[0] if pending else None)
                batch = []
                if self.analyse and batches >= HELPER_AFTER_BATCHES and _use_helper(self.analyser):
                    analysis = self._submit(prepared)
                else:
                    analysis = None
                if pending is not None:
                    self._finish(*pending)
                    pending = None
                if analysis is None:
                    self._finish(prepared, None)
                else:
                    pending = (prepared, analysis)
            if pending is not None:
                self._finish(*pending)
                pending = None
            if batch:
                self._finish(self._prepare(batch, None), None)
        finally:
            if self.pool is not None:
                self.pool.close()
                self.pool.join()
        return self.report

    def _submit(self, prepared: _Prepared) -> Any:
        if self.pool is None:
            import multiprocessing

            from sifara.listening import stages

            context = multiprocessing.get_context("spawn")
            self.pool = context.Pool(
                1,
                initializer=stages.worker_init,
                initargs=(self.analyser.identifier.languages, self.terms),
            )
        from sifara.listening import stages

        return self.pool.apply_async(stages.worker_analyse, ([r.item.text for r in prepared.rows],))

    def _prepare(
        self, entries: list[RawItem | SkippedRaw], previous: _Prepared | None
    ) -> _Prepared:
        prepared = _Prepared()
        seen: set[tuple[str, str]] = set()
        earlier = previous.keys if previous is not None else set()
        rows = prepared.rows
        for entry in entries:
            if entry.cursor:
                prepared.cursor = entry.cursor
            if isinstance(entry, SkippedRaw):
                prepared.skipped.append((entry.reason, entry.detail, entry.external_id))
                continue
            item, reason, detail = _check(entry, self.source)
            if item is None:
                prepared.skipped.append((reason, detail, (entry.external_id or "")[:MAX_ID_CHARS]))
                continue
            key = (item.platform, item.external_id)
            if key in seen or key in earlier:
                prepared.duplicates += 1
                continue
            seen.add(key)
            rows.append(_Row(item=item))
        if self.analyse and rows:
            known = self._existing(rows)
            if known:
                before = len(rows)
                prepared.rows = [
                    r for r in rows if (r.item.platform, r.item.external_id) not in known
                ]
                prepared.duplicates += before - len(prepared.rows)
        prepared.keys = {(r.item.platform, r.item.external_id) for r in prepared.rows}
        return prepared

    def _finish(self, prepared: _Prepared, analysis: Any) -> None:
        rows = prepared.rows
        if self.analyse and rows:
            if analysis is not None:
                results = analysis.get()
            else:
                results = self.analyser.analyse_texts([r.item.text for r in rows])
            for row, (language, score, label, value, terms) in zip(rows, results, strict=True):
                row.language = language
                row.sentiment = score
                row.sentiment_label = label
                row.fingerprint = value
                row.terms = list(terms)
            self._group(rows)
        result = self._store(rows, prepared.skipped, prepared.cursor)
        self.report.batches += 1
        self.report.duplicates += prepared.duplicates + result[1]
        self.report.skipped += len(prepared.skipped)
        self.report.skipped_reasons.update(reason for reason, _d, _e in prepared.skipped)
        if prepared.cursor:
            self.report.last_cursor = prepared.cursor
        batch_result = result[0]
        if batch_result is not None and self.analyse:
            if registered_batch_hooks():
                self.report.hook_failures += run_batch_hooks(batch_result)
            self._queue_screening(batch_result.post_ids)

    def _existing(self, rows: list[_Row]) -> set[tuple[str, str]]:
        by_platform: dict[str, list[str]] = {}
        for row in rows:
            by_platform.setdefault(row.item.platform, []).append(row.item.external_id)
        found: set[tuple[str, str]] = set()
        ph = self.placeholder
        with connection.cursor() as cur:
            for platform, ids in by_platform.items():
                for start in range(0, len(ids), _LOOKUP_CHUNK):
                    chunk = ids[start : start + _LOOKUP_CHUNK]
                    marks = ",".join([ph] * len(chunk))
                    cur.execute(
                        f"SELECT external_id FROM listening_post WHERE platform = {ph} "  # noqa: S608
                        f"AND external_id IN ({marks})",
                        [platform, *chunk],
                    )
                    found.update((platform, r[0]) for r in cur.fetchall())
        return found

    # -- analysis --

    def _group(self, rows: list[_Row]) -> None:
        """Near-duplicate groups and clusters (in order, in the main process)."""
        index = self.index
        for row in rows:
            value = row.fingerprint
            if not value:
                continue
            ts = row.item.published_at.timestamp()
            group = index.find(value, ts)
            author = row.item.author_handle or row.item.external_id
            if group is None:
                group = _Group(value, ts, (row.item.platform, row.item.external_id), author)
                index.add(group)
            else:
                if not group.sample:  # kept only for groups that may become clusters
                    group.sample = row.item.text[:1000]
                row.near_duplicate = True
                group.count += 1
                group.add_author(author)
                group.first_seen = min(group.first_seen, ts)
                group.last_seen = max(group.last_seen, ts)
                group.dirty = True
            row.group = group

    # -- storage --

    def _store(
        self, rows: list[_Row], skipped: list[tuple[str, str, str]], cursor: str
    ) -> tuple[BatchResult | None, int]:
        now = self.now
        created: list[int] = []
        updated: list[int] = []
        coordinated: list[int] = []
        conflicts = 0
        with transaction.atomic():
            groups: list[_Group] = []
            if self.analyse:
                seen_groups: set[int] = set()
                for row in rows:
                    group = row.group
                    if (
                        group is not None
                        and group.dirty
                        and group.author_count() >= 2
                        and id(group) not in seen_groups
                    ):
                        seen_groups.add(id(group))
                        groups.append(group)
                created, updated, coordinated = self._save_clusters(groups)
            ids = self._insert_posts(rows)
            stored: list[_Row] = []
            for row in rows:
                row.post_id = ids.get((row.item.platform, row.item.external_id))
                if row.post_id is None:
                    conflicts += 1
                else:
                    stored.append(row)
            topic_posts: dict[int, list[int]] = {}
            if self.analyse:
                self._link_first_posts(groups, stored)
                topic_posts = self._insert_matches(stored)
                self._rollups(stored)
            self._skipped(skipped)
            self._update_source(stored, len(skipped), cursor)
        if self.analyse and stored:
            last = max(stored, key=lambda r: r.post_id or 0)
            self.index.anchor = (last.post_id or 0, last.item.external_id)
        near = sum(1 for r in stored if r.near_duplicate)
        self.report.accepted += len(stored)
        self.report.near_duplicates += near
        self.report.clusters_created += len(created)
        self.report.matched += sum(1 for r in stored if r.terms)
        for group in groups:
            group.dirty = False
        if not stored and not created and not updated:
            return None, conflicts
        return (
            BatchResult(
                source_id=self.source.pk,
                now=now,
                post_ids=[r.post_id for r in stored if r.post_id is not None],
                topic_post_ids=topic_posts,
                clusters_created=created,
                clusters_updated=updated,
                clusters_coordinated=coordinated,
            ),
            conflicts,
        )

    def _save_clusters(self, groups: list[_Group]) -> tuple[list[int], list[int], list[int]]:
        created: list[int] = []
        updated: list[int] = []
        coordinated: list[int] = []
        new_groups = [g for g in groups if g.cluster_id is None]
        if new_groups:
            # Raw multi-row inserts (the ORM's bulk_create costs ~0.5 ms per cluster
            # here); RETURNING gives the ids in row order, as bulk_create relies on.
            adapt = self.adapt_dt
            stamp = adapt(timezone.now())  # what auto_now_add/auto_now would store
            ph = self.placeholder
            one = "(" + ",".join([ph] * 9) + ")"
            values = [
                (
                    g.fingerprint,
                    g.sample or "",
                    adapt(datetime.fromtimestamp(g.first_seen, tz=UTC)),
                    adapt(datetime.fromtimestamp(g.last_seen, tz=UTC)),
                    g.count,
                    g.author_count(),
                    g.author_count() >= self.min_accounts,
                    stamp,
                    stamp,
                )
                for g in new_groups
            ]
            new_ids: list[int] = []
            with connection.cursor() as cur:
                for start in range(0, len(values), _CLUSTER_ROWS):
                    chunk = values[start : start + _CLUSTER_ROWS]
                    cur.execute(
                        "INSERT INTO listening_cluster (fingerprint, sample_text, first_seen, "  # noqa: S608
                        "last_seen, post_count, author_count, is_coordinated, created_at, "
                        "updated_at) VALUES " + ",".join([one] * len(chunk)) + " RETURNING id",
                        [v for value in chunk for v in value],
                    )
                    new_ids.extend(int(r[0]) for r in cur.fetchall())
            for group, cluster_id, value in zip(new_groups, new_ids, values, strict=True):
                group.cluster_id = cluster_id
                created.append(cluster_id)
                if value[6]:
                    group.coordinated = True
                    coordinated.append(cluster_id)
        existing = [g for g in groups if g.cluster_id is not None and g.cluster_id not in created]
        if existing:
            params = []
            for group in existing:
                becomes = group.author_count() >= self.min_accounts
                if becomes and not group.coordinated:
                    group.coordinated = True
                    coordinated.append(group.cluster_id)  # type: ignore[arg-type]
                params.append(
                    (
                        group.count,
                        group.author_count(),
                        self.adapt_dt(datetime.fromtimestamp(group.last_seen, tz=UTC)),
                        group.coordinated,
                        self.adapt_dt(self.now),
                        group.cluster_id,
                    )
                )
                updated.append(group.cluster_id)  # type: ignore[arg-type]
            ph = self.placeholder
            with connection.cursor() as cur:
                cur.executemany(
                    "UPDATE listening_cluster SET post_count = "  # noqa: S608
                    f"CASE WHEN post_count > {ph} THEN post_count ELSE {ph} END, "
                    f"author_count = CASE WHEN author_count > {ph} THEN author_count ELSE {ph} END,"
                    f" last_seen = CASE WHEN last_seen > {ph} THEN last_seen ELSE {ph} END, "
                    f"is_coordinated = {ph}, updated_at = {ph} WHERE id = {ph}",
                    [(c, c, a, a, s, s, k, u, i) for c, a, s, k, u, i in params],
                )
        return created, updated, coordinated

    def _insert_posts(self, rows: list[_Row]) -> dict[tuple[str, str], int]:
        if not rows:
            return {}
        adapt = self.adapt_dt
        ingested = adapt(self.now)
        source_id = self.source.pk
        values: list[tuple[Any, ...]] = []
        for row in rows:
            item = row.item
            group = row.group
            row.published_db = adapt(item.published_at)
            values.append(
                (
                    source_id,
                    item.platform,
                    item.external_id,
                    item.url,
                    item.author_handle,
                    item.author_name,
                    item.text,
                    row.language,
                    row.sentiment,
                    row.sentiment_label,
                    item.country,
                    row.published_db,
                    ingested,
                    row.fingerprint,
                    group.cluster_id if group is not None else None,
                    row.near_duplicate,
                    item.reach,
                )
            )
        columns = (
            "source_id, platform, external_id, url, author_handle, author_name, text, "
            "language, sentiment, sentiment_label, country, published_at, ingested_at, "
            "fingerprint, cluster_id, is_near_duplicate, reach"
        )
        ph = self.placeholder
        one = "(" + ",".join([ph] * 17) + ")"
        ids: dict[tuple[str, str], int] = {}
        with connection.cursor() as cur:
            for start in range(0, len(values), _INSERT_ROWS):
                chunk = values[start : start + _INSERT_ROWS]
                flat = [v for value in chunk for v in value]
                cur.execute(
                    f"INSERT INTO listening_post ({columns}) VALUES "  # noqa: S608
                    + ",".join([one] * len(chunk))
                    + " ON CONFLICT (platform, external_id) DO NOTHING"
                    " RETURNING id, platform, external_id",
                    flat,
                )
                for post_id, platform, external_id in cur.fetchall():
                    ids[(platform, external_id)] = post_id
        return ids

    def _link_first_posts(self, groups: list[_Group], stored: list[_Row]) -> None:
        for row in stored:
            group = row.group
            if group is not None and group.first_post_id is None and not row.near_duplicate:
                group.first_post_id = row.post_id
        if not groups:
            return
        by_key = {(r.item.platform, r.item.external_id): r.post_id for r in stored}
        updates = []
        for group in groups:
            if group.cluster_id is None:
                continue
            first = group.first_post_id or by_key.get(group.first_key)
            if first is not None:
                updates.append((group.cluster_id, first))
        if updates:
            ph = self.placeholder
            with connection.cursor() as cur:
                cur.executemany(
                    f"UPDATE listening_post SET cluster_id = {ph} "  # noqa: S608
                    f"WHERE id = {ph} AND cluster_id IS NULL",
                    updates,
                )

    def _insert_matches(self, stored: list[_Row]) -> dict[int, list[int]]:
        topic_posts: dict[int, list[int]] = {}
        values = []
        for row in stored:
            for term in row.terms:
                topic_posts.setdefault(term.topic_id, []).append(row.post_id)  # type: ignore[arg-type]
                values.append((row.post_id, term.topic_id, term.term_id, row.published_db))
        if values:
            ph = self.placeholder
            with connection.cursor() as cur:
                cur.executemany(
                    "INSERT INTO listening_postmatch (post_id, topic_id, term_id, published_at) "  # noqa: S608
                    f"VALUES ({ph},{ph},{ph},{ph}) ON CONFLICT (post_id, topic_id) DO NOTHING",
                    values,
                )
        return topic_posts

    def _rollups(self, stored: list[_Row]) -> None:
        counts: dict[tuple[int, int, str, str, str], list[float]] = {}
        get = counts.get
        for row in stored:
            item = row.item
            hour = int(item.published_at.timestamp()) // 3600
            language = row.language
            label = row.sentiment_label
            country = item.country
            sentiment = row.sentiment
            # Topic key 0 counts every post; then one row per matched topic.
            for topic_id in (0, *(term.topic_id for term in row.terms)):
                key = (hour, topic_id, language, label, country)
                slot = get(key)
                if slot is None:
                    counts[key] = [1, sentiment]
                else:
                    slot[0] += 1
                    slot[1] += sentiment
        if not counts:
            return
        ph = self.placeholder
        adapt = self.adapt_dt
        hours = {
            h: adapt(datetime.fromtimestamp(h * 3600, tz=UTC)) for h in {key[0] for key in counts}
        }
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO listening_hourlyrollup (hour, topic_key, language, sentiment_label, "  # noqa: S608
                f"country, posts, sentiment_sum) VALUES ({ph},{ph},{ph},{ph},{ph},{ph},{ph}) "
                "ON CONFLICT (topic_key, hour, language, sentiment_label, country) DO UPDATE SET "
                "posts = listening_hourlyrollup.posts + excluded.posts, "
                "sentiment_sum = listening_hourlyrollup.sentiment_sum + excluded.sentiment_sum",
                [
                    (hours[h], t, lang, label, country, int(c), s)
                    for (h, t, lang, label, country), (c, s) in counts.items()
                ],
            )

    def _skipped(self, skipped: list[tuple[str, str, str]]) -> None:
        if not skipped:
            return
        keep = skipped[-KEEP_SKIPPED_PER_SOURCE:]
        SkippedItem.objects.bulk_create(
            [
                SkippedItem(
                    source=self.source,
                    reason=reason[:40],
                    detail=_clean_text(detail, 300),
                    external_id=_clean_text(external_id, MAX_ID_CHARS),
                    created_at=self.now,
                )
                for reason, detail, external_id in keep
            ]
        )
        cutoff = (
            SkippedItem.objects.filter(source=self.source)
            .order_by("-id")
            .values_list("id", flat=True)[KEEP_SKIPPED_PER_SOURCE : KEEP_SKIPPED_PER_SOURCE + 1]
        )
        oldest_kept = list(cutoff)
        if oldest_kept:
            SkippedItem.objects.filter(source=self.source, id__lte=oldest_kept[0]).delete()

    def _update_source(self, stored: list[_Row], skipped: int, cursor: str) -> None:
        changes: dict[str, Any] = {}
        if stored:
            changes["items_total"] = F("items_total") + len(stored)
            latest = max(r.item.published_at for r in stored)
            current = self.source.last_item_at
            self.source.last_item_at = latest if current is None else max(current, latest)
            changes["last_item_at"] = (
                Greatest(F("last_item_at"), latest) if current is not None else latest
            )
        if skipped:
            changes["items_skipped"] = F("items_skipped") + skipped
        if cursor:
            changes["cursor"] = cursor[:500]
            self.source.cursor = cursor[:500]
        if changes:
            changes["updated_at"] = self.now
            Source.objects.filter(pk=self.source.pk).update(**changes)

    def _queue_screening(self, post_ids: list[int]) -> None:
        if not post_ids or not settings.SIFARA_LISTENING_SCREEN_AUTHORS:
            return
        from django.apps import apps

        if not apps.is_installed("sifara.accounts"):
            return
        from sifara.listening.tasks import screen_new_authors

        transaction.on_commit(lambda: screen_new_authors(post_ids))


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text)."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _as_is(value: datetime) -> datetime:
    return value


_analyser_lock = threading.Lock()
_analysers: dict[tuple[Any, ...], Analyser] = {}


def _terms() -> list[Term]:
    return [
        Term(term_id=pk, topic_id=topic_id, phrase=text, high_priority=high)
        for pk, topic_id, text, high in WatchTerm.objects.filter(topic__is_active=True)
        .order_by("id")
        .values_list("id", "topic_id", "text", "is_high_priority")
    ]


def _analyser(terms: list[Term]) -> Analyser:
    """The process's analyser for the current languages, scorer and watch-list
    (kept between calls so that its caches help)."""
    languages = tuple(c.lower() for c in settings.SIFARA_LISTENING_LANGUAGES)
    scorer = get_scorer()
    key = (languages, id(scorer), tuple(terms))
    with _analyser_lock:
        found = _analysers.get(key)
        if found is None:
            _analysers.clear()
            found = Analyser(
                identifier=LanguageIdentifier(languages, cache_size=20_000),
                scorer=scorer,
                matcher=Matcher(terms),
            )
            _analysers[key] = found
        return found


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def _use_helper(analyser: Analyser) -> bool:
    return (
        bool(settings.SIFARA_LISTENING_ANALYSIS_PROCESS)
        and isinstance(analyser.scorer, LexiconScorer)
        and _usable_cpus() >= HELPER_MIN_CPUS
    )


def ingest(
    items: Iterable[RawItem | SkippedRaw],
    *,
    source: Source,
    now: datetime | None = None,
) -> IngestReport:
    """Run ``items`` through the whole pipeline into durable storage.

    Items are processed in batches of ``SIFARA_LISTENING_BATCH_SIZE``; each batch
    is stored in one transaction together with the source's resume position
    (the last item's ``cursor``). ``now`` (default: the current time) is the
    ingest time stored on posts and passed to hooks; each item's own
    ``published_at`` is kept as given. Connectors may interleave
    :class:`SkippedRaw` entries for items they could not parse.
    """
    pipeline = _Pipeline(source=source, now=now or timezone.now(), analyse=True)
    return pipeline.run(items)


def store_only(
    items: Iterable[RawItem | SkippedRaw], *, source: Source, now: datetime | None = None
) -> IngestReport:
    """The benchmark's floor: the same checks, batches, insert statement and
    transaction as :func:`ingest`, with no analysis (no language, sentiment,
    fingerprint, clusters, watch-list, roll-ups or hooks)."""
    pipeline = _Pipeline(source=source, now=now or timezone.now(), analyse=False)
    return pipeline.run(items)


__all__ = ["IngestReport", "ingest", "reset_state", "store_only"]
