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

import gc
import logging
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from sifara.listening.grouping import BatchGroups, GroupChange, NearDuplicateIndex
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
from sifara.listening.stages import GC_THRESHOLD, Analyser, BatchAnalysis, analyse_and_group
from sifara.listening.types import RawItem, SkippedRaw

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 200
MAX_URL_CHARS = 1000
MAX_NAME_CHARS = 200
KEEP_SKIPPED_PER_SOURCE = 200
#: Parameters per multi-row statement (SQLite allows 32,766, PostgreSQL 65,535):
#: about 940 posts, 1,700 clusters or 4,000 matches at a time.
_MAX_PARAMS = 16_000
_LOOKUP_CHUNK = 900
_PLATFORMS = frozenset(Platform.values)
#: Streams of at least this many full batches are analysed in a helper process
#: (starting it costs a few CPU-seconds and about 150 MB: worth it for long streams).
HELPER_AFTER_BATCHES = 2
#: ... where the process may use at least this many CPUs: the helper analyses one
#: batch while the main process parses and stores the one before (decision 0019).
HELPER_MIN_CPUS = 2


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
    #: Seconds the main process waited for the helper's analysis (0 inline): how
    #: far the two processes are from balanced.
    analysis_wait_s: float = 0.0

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
            "analysis_wait_s": round(self.analysis_wait_s, 2),
        }

    def __str__(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped_reasons.items()))
        text = (
            f"{self.accepted} accepted, {self.duplicates} duplicates, "
            f"{self.near_duplicates} near-duplicates, {self.skipped} skipped"
        )
        return f"{text} ({reasons})" if reasons else text


# --- near-duplicate state ---------------------------------------------------------


#: Hourly roll-up counts of a batch: (hour as Unix hours, topic id or 0 for all
#: posts, language, sentiment label, country) -> [posts, sum of sentiment scores].
Rollups = dict[tuple[int, int, str, str, str], list[float]]


class _State:
    """A process's near-duplicate index for one database, with the clusters its
    groups are stored as (group token -> (cluster id, coordinated))."""

    def __init__(self, index: NearDuplicateIndex) -> None:
        self.index = index
        self.clusters: OrderedDict[int, tuple[int, bool]] = OrderedDict()
        #: (post id, platform id) of the newest post stored through this state.
        self.anchor: tuple[int, str] | None = None

    def remember_cluster(self, token: int, cluster_id: int, coordinated: bool) -> None:
        self.clusters[token] = (cluster_id, coordinated)
        # Tokens grow with the groups' creation and the index drops its oldest
        # groups first, so the oldest entries here belong to dropped groups.
        while len(self.clusters) > 2 * self.index.max_groups:
            self.clusters.popitem(last=False)


_state_lock = threading.Lock()
_states: dict[str, _State] = {}


def reset_state() -> None:
    """Forget the in-process near-duplicate index (it is rebuilt from the database)."""
    with _state_lock:
        _states.clear()


def _state_key() -> str:
    return f"{connection.alias}:{connection.settings_dict.get('NAME')}"


def _load_state() -> _State:
    """The process's state, rebuilt from recent posts when the database moved on
    without it (a restart, or a rolled-back test transaction)."""
    window_s = settings.SIFARA_LISTENING_CLUSTER_WINDOW_MINUTES * 60.0
    key = _state_key()
    with _state_lock:
        state = _states.get(key)
    if state is not None and state.index.window_s == window_s and _anchor_valid(state):
        return state
    state = _State(NearDuplicateIndex(window_s=window_s))
    index = state.index
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
    cluster_of: dict[int, int] = {}
    for _post_id, platform, external_id, fingerprint, published, author, cluster_id in reversed(
        recent
    ):
        ts = published.timestamp()
        group = index.find(fingerprint, ts)
        if group is None:
            group = index.new_group(fingerprint, ts, (platform, external_id), author)
        else:
            group.count += 1
            group.add_author(author)
            group.last_seen = max(group.last_seen, ts)
        if cluster_id and cluster_id in clusters:
            cluster_of[group.token] = cluster_id
    for group in index.groups.values():
        stored_id = cluster_of.get(group.token)
        if stored_id is not None:
            cluster = clusters[stored_id]
            group.count = cluster.post_count
            state.remember_cluster(group.token, stored_id, cluster.is_coordinated)
    if recent:
        state.anchor = (recent[0][0], recent[0][2])
    with _state_lock:
        _states[key] = state
    return state


def _anchor_valid(state: _State) -> bool:
    if state.anchor is None:
        return not Post.objects.exclude(fingerprint=0).exists()
    post_id, external_id = state.anchor
    return Post.objects.filter(pk=post_id, external_id=external_id).exists()


# --- the pipeline ------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    item: RawItem
    language: str = ""
    sentiment: float = 0.0
    sentiment_label: str = ""
    fingerprint: int = 0
    near_duplicate: bool = False
    group: int = 0  # near-duplicate group token (0: none)
    terms: list[Term] = field(default_factory=list)
    post_id: int | None = None
    published_db: Any = None  # published_at as the database takes it
    ts: float = 0.0  # published_at as a Unix timestamp
    hour: int = 0  # published_at in whole hours since the Unix epoch


@dataclass
class _Prepared:
    rows: list[_Row] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    cursor: str = ""
    duplicates: int = 0
    keys: set[tuple[str, str]] = field(default_factory=set)
    changes: list[GroupChange] = field(default_factory=list)


def _analysis_inputs(
    rows: list[_Row],
) -> tuple[list[str], list[float], list[tuple[str, str]], list[str]]:
    """What :func:`~sifara.listening.stages.analyse_and_group` takes after the
    analyser and index, inline or in the helper: texts, timestamps, keys, authors."""
    return (
        [r.item.text for r in rows],
        [r.ts for r in rows],
        [(r.item.platform, r.item.external_id) for r in rows],
        [r.item.author_handle for r in rows],
    )


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
    item.platform = str(item.platform)  # not a Platform member: sent to the helper as is
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
            self.state = _load_state()
        self.pool: Any = None
        self.helper_lost = False
        self.rebuild_index = False
        self.vendor = connection.vendor
        self.placeholder = "?" if self.vendor == "sqlite" else "%s"
        self.adapt_dt = _sqlite_datetime if self.vendor == "sqlite" else _as_is

    # -- batching --

    def run(self, items: Iterable[RawItem | SkippedRaw]) -> IngestReport:
        """Batches in order; with the helper process, batch N+1 is analysed there
        while batch N is stored here (storage stays strictly in order).

        The helper is for long streams: the first full batches are held until
        :data:`HELPER_AFTER_BATCHES` have filled, so a short stream is analysed
        inline and a long one goes through the helper from its first batch (the
        main process then never loads the language models).
        """
        with fewer_collections(), sqlite_bulk_writes():
            return self._run(items)

    def _run(self, items: Iterable[RawItem | SkippedRaw]) -> IngestReport:
        helper = self.analyse and _use_helper(self.analyser)
        pending: tuple[_Prepared, Any] | None = None
        held: list[list[RawItem | SkippedRaw]] = []
        batch: list[RawItem | SkippedRaw] = []
        try:
            for item in items:
                batch.append(item)
                if len(batch) < self.batch_size:
                    continue
                if helper and self.pool is None and len(held) + 1 < HELPER_AFTER_BATCHES:
                    held.append(batch)
                    batch = []
                    continue
                for waiting in held:
                    pending = self._step(waiting, pending, helper=helper)
                held = []
                pending = self._step(batch, pending, helper=helper)
                batch = []
            # The end of the stream: what is left goes the way the stream went.
            long_stream = self.pool is not None
            for waiting in held:
                pending = self._step(waiting, pending, helper=long_stream)
            if batch:
                pending = self._step(batch, pending, helper=long_stream)
            if pending is not None:
                self._finish(*pending)
            if self.pool is not None:
                self.pool.shutdown()  # waits for the helper to exit
                self.pool = None
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
        return self.report

    def _step(
        self,
        batch: list[RawItem | SkippedRaw],
        pending: tuple[_Prepared, Any] | None,
        *,
        helper: bool,
    ) -> tuple[_Prepared, Any] | None:
        """Prepare ``batch``, hand it to the helper (or not), store the batch in
        flight before it; the new batch in flight, if any."""
        prepared = self._prepare(batch, pending[0] if pending else None)
        analysis = self._submit(prepared) if helper and prepared.rows else None
        if pending is not None:
            self._finish(*pending)
        if analysis is None:
            self._finish(prepared, None)
            return None
        return (prepared, analysis)

    def _submit(self, prepared: _Prepared) -> Any:
        """Send a batch to the helper process (started on first use); ``None`` when
        the helper is gone (the batch is then analysed inline)."""
        from sifara.listening import stages

        starting = self.pool is None
        if starting:
            if self.helper_lost:
                return None
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=stages.worker_init,
                initargs=(self.analyser.identifier.languages, self.terms),
            )
        try:
            if starting:
                self._hand_index_over(stages.worker_adopt_index)
            return self.pool.submit(stages.worker_analyse, *_analysis_inputs(prepared.rows))
        except BrokenProcessPool:
            self._lose_helper()
            return None

    def _lose_helper(self) -> None:
        """The helper process died (killed, out of memory) or could not start: the
        batches it had are analysed here, and so is the rest of the stream, with a
        near-duplicate index rebuilt from what is stored (the helper's is lost)."""
        if self.pool is None:
            return
        log.warning("listening analysis helper lost; analysing inline from here on")
        # A broken pool has ended its process already: waiting only reaps it.
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None
        self.helper_lost = True
        # Not rebuilt now: a batch the helper finished may still be waiting to
        # be stored, with group tokens of the helper's index. The first batch
        # analysed here rebuilds it, once every earlier batch is stored.
        self.rebuild_index = True

    def _hand_index_over(self, adopt: Any) -> None:
        """The helper takes the near-duplicate index over for the rest of the
        stream (its first task, so before any batch). This process keeps only
        the group tokens' clusters, and the next stream rebuilds an index from
        what is stored (:func:`_load_state`): one copy of the index in memory,
        and none of it sent back."""
        index = self.state.index
        self.pool.submit(adopt, index)
        self.state.index = NearDuplicateIndex(window_s=index.window_s, max_groups=index.max_groups)
        reset_state()

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
            ts = item.published_at.timestamp()
            rows.append(_Row(item=item, ts=ts, hour=int(ts) // 3600))
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
            result, grouped = self._analysis(prepared, analysis)
            terms = self.analyser.matcher.terms
            prepared.changes = grouped.changes
            for row, language, score, label, value, positions, group, near in zip(
                rows,
                result.languages,
                result.scores,
                result.labels,
                result.prints,
                result.terms,
                grouped.tokens,
                grouped.near,
                strict=True,
            ):
                row.language = language
                row.sentiment = score
                row.sentiment_label = label
                row.fingerprint = value
                row.group = group
                row.near_duplicate = near
                if positions:
                    row.terms = [terms[p] for p in positions]
        stored = self._store(rows, prepared)
        self.report.batches += 1
        self.report.duplicates += prepared.duplicates + stored[1]
        self.report.skipped += len(prepared.skipped)
        self.report.skipped_reasons.update(reason for reason, _d, _e in prepared.skipped)
        if prepared.cursor:
            self.report.last_cursor = prepared.cursor
        batch_result = stored[0]
        if batch_result is not None and self.analyse:
            if registered_batch_hooks():
                self.report.hook_failures += run_batch_hooks(batch_result)
            self._queue_screening(batch_result.post_ids)

    def _analysis(self, prepared: _Prepared, analysis: Any) -> tuple[BatchAnalysis, BatchGroups]:
        """The batch's analysis and near-duplicate groups: the helper's, or done here."""
        if analysis is not None:
            waited = time.perf_counter()
            try:
                result: tuple[BatchAnalysis, BatchGroups] = analysis.result()
            except BrokenProcessPool:
                self._lose_helper()
            else:
                self.report.analysis_wait_s += time.perf_counter() - waited
                return result
        if self.rebuild_index:
            reset_state()
            self.state = _load_state()
            self.rebuild_index = False
        return analyse_and_group(self.analyser, self.state.index, *_analysis_inputs(prepared.rows))

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

    # -- storage --

    def _store(self, rows: list[_Row], prepared: _Prepared) -> tuple[BatchResult | None, int]:
        skipped, cursor = prepared.skipped, prepared.cursor
        now = self.now
        created: list[int] = []
        updated: list[int] = []
        coordinated: list[int] = []
        conflicts = 0
        clusters = self.state.clusters if self.analyse else {}
        with transaction.atomic():
            if self.analyse:
                created, updated, coordinated = self._save_clusters(prepared.changes)
            ids = self._insert_posts(rows, clusters)
            stored: list[_Row] = []
            for row in rows:
                row.post_id = ids.get((row.item.platform, row.item.external_id))
                if row.post_id is None:
                    conflicts += 1
                else:
                    stored.append(row)
            topic_posts: dict[int, list[int]] = {}
            if self.analyse:
                self._link_first_posts(prepared.changes, created)
                topic_posts = self._insert_matches(stored)
                self._rollups(self._count(stored))
            self._skipped(skipped)
            self._update_source(stored, len(skipped), cursor)
        if self.analyse and stored:
            last = max(stored, key=lambda r: r.post_id or 0)
            self.state.anchor = (last.post_id or 0, last.item.external_id)
        near = sum(1 for r in stored if r.near_duplicate)
        self.report.accepted += len(stored)
        self.report.near_duplicates += near
        self.report.clusters_created += len(created)
        self.report.matched += sum(1 for r in stored if r.terms)
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

    def _save_clusters(self, changes: list[GroupChange]) -> tuple[list[int], list[int], list[int]]:
        """Create or update the clusters of the groups that grew (the database ids
        of those created, updated, and newly coordinated)."""
        created: list[int] = []
        updated: list[int] = []
        coordinated: list[int] = []
        state = self.state
        known = state.clusters
        new = [c for c in changes if c.token not in known]
        adapt = self.adapt_dt
        if new:
            # Raw multi-row inserts (the ORM's bulk_create costs ~0.5 ms per cluster
            # here); RETURNING gives the ids in row order, as bulk_create relies on.
            stamp = adapt(timezone.now())  # what auto_now_add/auto_now would store
            values = [
                (
                    c.fingerprint,
                    c.sample,
                    adapt(datetime.fromtimestamp(c.first_seen, tz=UTC)),
                    adapt(datetime.fromtimestamp(c.last_seen, tz=UTC)),
                    c.posts,
                    c.author_count,
                    c.author_count >= self.min_accounts,
                    stamp,
                    stamp,
                )
                for c in new
            ]
            returned = self._insert_many(
                "INSERT INTO listening_cluster (fingerprint, sample_text, first_seen, "
                "last_seen, post_count, author_count, is_coordinated, created_at, "
                "updated_at) VALUES ",
                values,
                " RETURNING id",
                returning=True,
            )
            new_ids = [int(r[0]) for r in returned]
            for change, cluster_id, value in zip(new, new_ids, values, strict=True):
                state.remember_cluster(change.token, cluster_id, bool(value[6]))
                created.append(cluster_id)
                if value[6]:
                    coordinated.append(cluster_id)
        params = []
        fresh = set(created)
        for change in changes:
            cluster_id, was_coordinated = known[change.token]
            if cluster_id in fresh:
                continue
            becomes = was_coordinated or change.author_count >= self.min_accounts
            if becomes and not was_coordinated:
                state.remember_cluster(change.token, cluster_id, True)
                coordinated.append(cluster_id)
            params.append(
                (
                    change.posts,
                    change.author_count,
                    adapt(datetime.fromtimestamp(change.last_seen, tz=UTC)),
                    becomes,
                    adapt(self.now),
                    cluster_id,
                )
            )
            updated.append(cluster_id)
        if params:
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

    def _insert_posts(
        self, rows: list[_Row], clusters: dict[int, tuple[int, bool]]
    ) -> dict[tuple[str, str], int]:
        if not rows:
            return {}
        adapt = self.adapt_dt
        ingested = adapt(self.now)
        source_id = self.source.pk
        values: list[tuple[Any, ...]] = []
        for row in rows:
            item = row.item
            cluster = clusters.get(row.group) if row.group else None
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
                    cluster[0] if cluster is not None else None,
                    row.near_duplicate,
                    item.reach,
                )
            )
        returned = self._insert_many(
            "INSERT INTO listening_post (source_id, platform, external_id, url, author_handle, "
            "author_name, text, language, sentiment, sentiment_label, country, published_at, "
            "ingested_at, fingerprint, cluster_id, is_near_duplicate, reach) VALUES ",
            values,
            " ON CONFLICT (platform, external_id) DO NOTHING RETURNING id, platform, external_id",
            returning=True,
        )
        return {(platform, external_id): post_id for post_id, platform, external_id in returned}

    def _link_first_posts(self, changes: list[GroupChange], created: list[int]) -> None:
        """A new cluster's first post was stored before the group had a cluster
        (in this batch or an earlier one): link it by its platform id."""
        if not created:
            return
        clusters = self.state.clusters
        fresh = set(created)
        updates = []
        for change in changes:
            cluster_id = clusters[change.token][0]
            if cluster_id in fresh:
                updates.append((cluster_id, *change.first_key))
        ph = self.placeholder
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE listening_post SET cluster_id = {ph} "  # noqa: S608
                f"WHERE platform = {ph} AND external_id = {ph} AND cluster_id IS NULL",
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
            self._insert_many(
                "INSERT INTO listening_postmatch (post_id, topic_id, term_id, published_at) "
                "VALUES ",
                values,
                " ON CONFLICT (post_id, topic_id) DO NOTHING",
            )
        return topic_posts

    @staticmethod
    def _count(stored: list[_Row]) -> Rollups:
        """Roll-up counts of the rows stored, by (hour, topic key, language,
        sentiment label, country): [posts, sum of sentiment scores]."""
        counts: Rollups = {}
        get = counts.get
        for row in stored:
            # Topic key 0 counts every post; then one row per matched topic.
            for topic_id in (0, *(term.topic_id for term in row.terms)):
                key = (row.hour, topic_id, row.language, row.sentiment_label, row.item.country)
                slot = get(key)
                if slot is None:
                    counts[key] = [1, row.sentiment]
                else:
                    slot[0] += 1
                    slot[1] += row.sentiment
        return counts

    def _rollups(self, counts: Rollups) -> None:
        if not counts:
            return
        adapt = self.adapt_dt
        hours = {
            h: adapt(datetime.fromtimestamp(h * 3600, tz=UTC)) for h in {key[0] for key in counts}
        }
        # One row per key in ``counts``: a statement never touches a row twice, as
        # PostgreSQL's ON CONFLICT DO UPDATE requires.
        self._insert_many(
            "INSERT INTO listening_hourlyrollup (hour, topic_key, language, sentiment_label, "
            "country, posts, sentiment_sum) VALUES ",
            [
                (hours[h], t, lang, label, country, int(c), s)
                for (h, t, lang, label, country), (c, s) in counts.items()
            ],
            " ON CONFLICT (topic_key, hour, language, sentiment_label, country) DO UPDATE SET "
            "posts = listening_hourlyrollup.posts + excluded.posts, "
            "sentiment_sum = listening_hourlyrollup.sentiment_sum + excluded.sentiment_sum",
        )

    def _insert_many(
        self, head: str, rows: list[tuple[Any, ...]], tail: str, *, returning: bool = False
    ) -> list[tuple[Any, ...]]:
        """``head`` + multi-row VALUES + ``tail`` for ``rows`` (all the same width),
        in statements of at most :data:`_MAX_PARAMS` parameters (one statement
        per chunk is markedly cheaper than ``executemany``'s one per row). With
        ``returning`` (``tail`` ends in RETURNING), the rows returned, in order."""
        if not rows:
            return []
        width = len(rows[0])
        one = "(" + ",".join([self.placeholder] * width) + ")"
        per = max(1, _MAX_PARAMS // width)
        returned: list[tuple[Any, ...]] = []
        with connection.cursor() as cur:
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                cur.execute(
                    head + ",".join([one] * len(chunk)) + tail,
                    [v for row in chunk for v in row],
                )
                if returning:
                    returned.extend(cur.fetchall())
        return returned

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


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a stream is ingested.

    A batch allocates hundreds of thousands of short-lived objects, and with
    the default threshold (700 allocations) the collector runs thousands of
    times per batch, each time walking the long-lived near-duplicate index:
    measured, a third of the main process's time. Nothing the pipeline keeps
    forms reference cycles, so collecting less often costs no memory.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


#: SQLite page cache of the ingesting connection while a stream is stored
#: (KiB; the default is 2,000): the posts' author index takes a write at a
#: random place per post, and a larger cache keeps its pages from being read
#: again for every batch (measured: 1,000,000 posts stored 11% faster).
SQLITE_CACHE_KIB = 32_000
#: WAL pages between automatic checkpoints while a stream is stored (default
#: 1,000): a page rewritten by several batches is copied back to the database
#: once (about 80 MB of WAL at most).
SQLITE_CHECKPOINT_PAGES = 20_000


@contextmanager
def sqlite_bulk_writes() -> Iterator[None]:
    """A larger page cache and rarer checkpoints for this connection while a
    stream is stored (SQLite only; both restored afterwards)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        old_cache = cur.fetchone()[0]
        cur.execute("PRAGMA wal_autocheckpoint")
        old_checkpoint = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cur.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(old_cache)}")
            cur.execute(f"PRAGMA wal_autocheckpoint = {int(old_checkpoint)}")


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
