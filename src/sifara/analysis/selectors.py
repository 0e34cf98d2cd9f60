"""Reads of listening analysis, permission-checked.

Posts are public content: every holder of ``listening.view`` (analysts and
digital officers) reads dashboards, drill-downs, clusters, statements and
claims. Alert rules and alerts belong to a unit and are seen only by the
people of that unit (:func:`sifara.core.policy.listening_unit_ids`). Saved
searches are private to their owner. Not visible and not existing both
answer 404.

Dashboards read :class:`~sifara.listening.models.HourlyRollup` for every
figure a count gives; only the top authors and top terms read posts, and then
only the most recent :data:`TOP_SAMPLE` posts of the period (through the
``published_at`` index), so a dashboard over a million posts stays quick.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifara.analysis.models import (
    Alert,
    AlertRule,
    Claim,
    ClaimPost,
    SavedSearch,
    Statement,
    StatementPost,
)
from sifara.core import policy
from sifara.listening.models import (
    Cluster,
    HourlyRollup,
    Post,
    PostMatch,
    WatchTerm,
    WatchTopic,
)

if TYPE_CHECKING:
    from sifara.directory.models import User

#: Top authors and terms are counted over at most this many recent posts of the period.
TOP_SAMPLE = 10_000
TOP_N = 10
CACHE_SECONDS = 60

#: period code -> (length, bucket: "hour" or "day")
PERIODS: dict[str, tuple[timedelta, str]] = {
    "24h": (timedelta(hours=24), "hour"),
    "7d": (timedelta(days=7), "hour"),
    "30d": (timedelta(days=30), "day"),
    "90d": (timedelta(days=90), "day"),
}
PERIOD_LABELS = {
    "24h": _("Last 24 hours"),
    "7d": _("Last 7 days"),
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
}
DEFAULT_PERIOD = "7d"
SENTIMENTS = ("neg", "neu", "pos")


def may_view(user: User | Any) -> bool:
    return policy.can(user, "listening.view")


def _require_view(user: User | Any) -> None:
    if not may_view(user):
        raise Http404


def hq_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.SIFARA_HQ_TIMEZONE)


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


# --- filters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the dashboard and the drill-down are restricted to."""

    period: str = DEFAULT_PERIOD
    topic_id: int | None = None
    language: str = ""
    country: str = ""
    sentiment: str = ""
    # drill-down only (not answered by roll-ups):
    author: str = ""
    term_id: int | None = None
    query: str = ""
    bucket_start: datetime | None = None

    @property
    def length(self) -> timedelta:
        return PERIODS.get(self.period, PERIODS[DEFAULT_PERIOD])[0]

    @property
    def bucket(self) -> str:
        return PERIODS.get(self.period, PERIODS[DEFAULT_PERIOD])[1]

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """[start, end) of the period: whole hours, the current one included."""
        end = floor_hour(now) + timedelta(hours=1)
        return end - self.length, end

    def cache_key(self, now: datetime) -> str:
        return "analysis:dash:" + "|".join(
            str(v)
            for v in (
                self.period,
                self.topic_id,
                self.language,
                self.country,
                self.sentiment,
                floor_hour(now).isoformat(),
                now.minute,
            )
        )


def topic_list_for_user(*, user: User | Any) -> list[WatchTopic]:
    if not may_view(user):
        return []
    return list(WatchTopic.objects.filter(is_active=True).order_by("name_en"))


def topic_get_for_user(*, user: User | Any, topic_id: int) -> WatchTopic:
    _require_view(user)
    try:
        return WatchTopic.objects.get(pk=topic_id)
    except WatchTopic.DoesNotExist as exc:
        raise Http404 from exc


# --- dashboard ----------------------------------------------------------------------


@dataclass
class Dashboard:
    start: datetime
    end: datetime
    bucket: str
    total: int = 0
    sentiment_mean: float = 0.0
    sentiment_counts: dict[str, int] = field(default_factory=dict)
    #: bucket start (UTC) -> {"posts": n, "neg": n, "neu": n, "pos": n, "sum": s}
    series: list[dict[str, Any]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    countries: list[tuple[str, int]] = field(default_factory=list)
    top_authors: list[tuple[str, int]] = field(default_factory=list)
    top_terms: list[tuple[int, str, int]] = field(default_factory=list)
    sampled: bool = False


def _rollups(filters: Filters, start: datetime, end: datetime) -> QuerySet[HourlyRollup]:
    qs = HourlyRollup.objects.filter(topic_key=filters.topic_id or 0, hour__gte=start, hour__lt=end)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.sentiment:
        qs = qs.filter(sentiment_label=filters.sentiment)
    return qs


def bucket_of(moment: datetime, bucket: str) -> datetime:
    """The start (UTC) of the hour, or of the HQ-local day, holding ``moment``."""
    if bucket == "hour":
        return floor_hour(moment)
    local = moment.astimezone(hq_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def _bucket_starts(start: datetime, end: datetime, bucket: str) -> list[datetime]:
    starts = []
    if bucket == "hour":
        moment = start
        while moment < end:
            starts.append(moment)
            moment += timedelta(hours=1)
        return starts
    zone = hq_zone()
    day = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        starts.append(datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC))
        day += timedelta(days=1)
    return starts


def dashboard_for_user(
    *, user: User | Any, filters: Filters, now: datetime | None = None
) -> Dashboard:
    """Every figure of the dashboard for ``filters`` (cached for a minute)."""
    _require_view(user)
    now = now or timezone.now()
    key = filters.cache_key(now)
    cached = cache.get(key)
    if isinstance(cached, Dashboard):
        return cached
    result = _dashboard(filters, now)
    cache.set(key, result, CACHE_SECONDS)
    return result


def _dashboard(filters: Filters, now: datetime) -> Dashboard:
    start, end = filters.window(now)
    bucket = filters.bucket
    rollups = _rollups(filters, start, end)
    board = Dashboard(start=start, end=end, bucket=bucket)

    per_hour = (
        rollups.values("hour", "sentiment_label")
        .annotate(n=Sum("posts"), s=Sum("sentiment_sum"))
        .order_by()
    )
    buckets: dict[datetime, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    sentiment_sum = 0.0
    counts: Counter[str] = Counter()
    for row in per_hour:
        slot = buckets[bucket_of(row["hour"], bucket)]
        n = int(row["n"] or 0)
        slot["posts"] += n
        slot["sum"] += float(row["s"] or 0.0)
        label = row["sentiment_label"] or "neu"
        slot[label] += n
        counts[label] += n
        sentiment_sum += float(row["s"] or 0.0)
    for moment in _bucket_starts(start, end, bucket):
        slot = buckets.get(moment, {})
        posts = int(slot.get("posts", 0))
        board.series.append(
            {
                "start": moment,
                "posts": posts,
                "neg": int(slot.get("neg", 0)),
                "neu": int(slot.get("neu", 0)),
                "pos": int(slot.get("pos", 0)),
                "mean": round(slot.get("sum", 0.0) / posts, 3) if posts else None,
            }
        )
    board.total = sum(counts.values())
    board.sentiment_counts = {label: counts.get(label, 0) for label in SENTIMENTS}
    board.sentiment_mean = round(sentiment_sum / board.total, 3) if board.total else 0.0
    languages: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for row in rollups.values("language", "country").annotate(n=Sum("posts")).order_by():
        languages[row["language"]] += int(row["n"] or 0)
        countries[row["country"]] += int(row["n"] or 0)
    board.languages = sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))
    board.countries = sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))

    # Top authors and terms: the most recent TOP_SAMPLE posts (or matches) of the
    # period, read through the published_at indexes and counted here.
    recent: QuerySet[Any, str]
    if filters.topic_id:
        # driven by the (topic, published_at) index of the matches
        recent = _matches(filters, start, end).values_list("post__author_handle", flat=True)
    else:
        recent = _posts(filters, start, end).values_list("author_handle", flat=True)
    authors = Counter(handle for handle in recent.order_by("-published_at")[:TOP_SAMPLE] if handle)
    board.sampled = board.total > TOP_SAMPLE
    board.top_authors = sorted(authors.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_N]
    terms = Counter(
        term_id
        for term_id in _matches(filters, start, end)
        .order_by("-published_at")
        .values_list("term_id", flat=True)[:TOP_SAMPLE]
        if term_id
    )
    texts = dict(
        WatchTerm.objects.filter(
            pk__in=[pk for pk, _n in terms.most_common(TOP_N * 2)]
        ).values_list("pk", "text")
    )
    board.top_terms = sorted(
        ((pk, texts.get(pk, ""), n) for pk, n in terms.most_common(TOP_N * 2)),
        key=lambda row: (-row[2], row[1]),
    )[:TOP_N]
    return board


def _matches(filters: Filters, start: datetime, end: datetime) -> QuerySet[PostMatch]:
    qs = PostMatch.objects.filter(published_at__gte=start, published_at__lt=end)
    if filters.topic_id:
        qs = qs.filter(topic_id=filters.topic_id)
    if filters.language:
        qs = qs.filter(post__language=filters.language)
    if filters.country:
        qs = qs.filter(post__country=filters.country)
    if filters.sentiment:
        qs = qs.filter(post__sentiment_label=filters.sentiment)
    return qs


def _posts(filters: Filters, start: datetime, end: datetime) -> QuerySet[Post]:
    qs = Post.objects.filter(published_at__gte=start, published_at__lt=end)
    if filters.topic_id:
        # one join (a post matches a topic once), driven by the matches' index
        qs = qs.filter(
            matches__topic_id=filters.topic_id,
            matches__published_at__gte=start,
            matches__published_at__lt=end,
        )
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.sentiment:
        qs = qs.filter(sentiment_label=filters.sentiment)
    return qs


def post_list_for_user(
    *, user: User | Any, filters: Filters, now: datetime | None = None
) -> QuerySet[Post]:
    """The drill-down: the posts behind a figure, newest first."""
    if not may_view(user):
        return Post.objects.none()
    now = now or timezone.now()
    start, end = filters.window(now)
    if filters.bucket_start is not None:
        size = timedelta(hours=1) if filters.bucket == "hour" else timedelta(days=1)
        start, end = max(start, filters.bucket_start), min(end, filters.bucket_start + size)
    qs = _posts(filters, start, end)
    if filters.author:
        qs = qs.filter(author_handle=filters.author)
    if filters.term_id:
        qs = qs.filter(
            pk__in=PostMatch.objects.filter(
                term_id=filters.term_id, published_at__gte=start, published_at__lt=end
            ).values("post_id")
        )
    if filters.query:
        for word in filters.query.split()[:6]:
            qs = qs.filter(text__icontains=word)
    if filters.topic_id:
        # walk the matches' (topic, published_at) index in order: no sort of the period
        return qs.order_by("-matches__published_at", "-id")
    return qs.order_by("-published_at", "-id")


# --- saved searches -----------------------------------------------------------------


def saved_search_list_for_user(*, user: User | Any) -> list[SavedSearch]:
    if not may_view(user):
        return []
    return list(SavedSearch.objects.filter(owner=user).order_by("name"))


def saved_search_get_for_user(*, user: User | Any, search_id: int) -> SavedSearch:
    _require_view(user)
    try:
        return SavedSearch.objects.get(pk=search_id, owner=user)
    except SavedSearch.DoesNotExist as exc:
        raise Http404 from exc


# --- alerts -------------------------------------------------------------------------


def rule_list_for_user(*, user: User | Any) -> QuerySet[AlertRule]:
    units = policy.listening_unit_ids(user)
    if not units or not may_view(user):
        return AlertRule.objects.none()
    return (
        AlertRule.objects.filter(unit_id__in=units)
        .select_related("unit", "topic")
        .annotate(alert_count=Count("alerts"))
        .order_by("unit__code", "name")
    )


def rule_get_for_user(*, user: User | Any, rule_id: int) -> AlertRule:
    units = policy.listening_unit_ids(user)
    try:
        return AlertRule.objects.select_related("unit", "topic").get(pk=rule_id, unit_id__in=units)
    except AlertRule.DoesNotExist as exc:
        raise Http404 from exc


def alert_list_for_user(
    *, user: User | Any, unacknowledged: bool = False, kind: str = ""
) -> QuerySet[Alert]:
    units = policy.listening_unit_ids(user)
    if not units or not may_view(user):
        return Alert.objects.none()
    qs = Alert.objects.filter(unit_id__in=units).select_related("rule", "unit", "rule__topic")
    if unacknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-fired_at", "-pk")


def alert_get_for_user(*, user: User | Any, alert_id: int) -> Alert:
    units = policy.listening_unit_ids(user)
    try:
        return Alert.objects.select_related("rule", "unit", "rule__topic", "acknowledged_by").get(
            pk=alert_id, unit_id__in=units
        )
    except Alert.DoesNotExist as exc:
        raise Http404 from exc


def alert_posts(alert: Alert) -> QuerySet[Post]:
    return alert.posts.all().order_by("-published_at", "-id")


def alert_open_count_for_user(*, user: User | Any) -> int:
    return alert_list_for_user(user=user, unacknowledged=True).count()


# --- clusters -----------------------------------------------------------------------


def cluster_list_for_user(*, user: User | Any) -> QuerySet[Cluster]:
    if not may_view(user):
        return Cluster.objects.none()
    return Cluster.objects.filter(is_coordinated=True).order_by("-last_seen", "-pk")


def cluster_get_for_user(*, user: User | Any, cluster_id: int) -> Cluster:
    _require_view(user)
    try:
        return Cluster.objects.get(pk=cluster_id)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class ClusterView:
    accounts: list[dict[str, Any]]
    #: minute (UTC) -> posts, over the cluster's life
    timeline: list[tuple[datetime, int]]
    step_minutes: int
    languages: list[tuple[str, int]]


def cluster_detail(cluster: Cluster) -> ClusterView:
    rows = list(
        Post.objects.filter(cluster=cluster)
        .order_by("published_at")
        .values("author_handle", "author_name", "published_at", "reach", "language")[:5000]
    )
    accounts: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = accounts.setdefault(
            row["author_handle"],
            {
                "handle": row["author_handle"],
                "name": row["author_name"],
                "posts": 0,
                "first": row["published_at"],
                "reach": 0,
            },
        )
        entry["posts"] += 1
        entry["reach"] = max(entry["reach"], row["reach"])
    span = (cluster.last_seen - cluster.first_seen).total_seconds() / 60
    step = 1 if span <= 120 else 5 if span <= 600 else 60
    counts: Counter[datetime] = Counter()
    for row in rows:
        moment = row["published_at"].replace(second=0, microsecond=0)
        moment -= timedelta(minutes=moment.minute % step)
        counts[moment] += 1
    timeline = []
    if rows:
        moment = min(counts)
        last = max(counts)
        while moment <= last:
            timeline.append((moment, counts.get(moment, 0)))
            moment += timedelta(minutes=step)
    languages = Counter(row["language"] for row in rows).most_common()
    return ClusterView(
        accounts=sorted(accounts.values(), key=lambda a: a["first"]),
        timeline=timeline,
        step_minutes=step,
        languages=languages,
    )


# --- statements ---------------------------------------------------------------------


def statement_list_for_user(*, user: User | Any) -> QuerySet[Statement]:
    if not may_view(user):
        return Statement.objects.none()
    return Statement.objects.annotate(reaction_count=Count("reactions")).order_by(
        "-published_at", "-pk"
    )


def statement_get_for_user(*, user: User | Any, statement_id: int) -> Statement:
    _require_view(user)
    try:
        return Statement.objects.get(pk=statement_id)
    except Statement.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class Reaction:
    """How the public reacted to a statement, hour by hour after publication."""

    hours: int
    volume: list[int]
    sentiment: list[float | None]
    negative: list[int]
    total: int
    peak_hour: int | None  # hours after publication (bucket index) of the busiest hour
    peak_posts: int
    sentiment_mean: float | None
    first_day: int
    languages: list[tuple[str, int]]
    countries: list[tuple[str, int]]


def statement_reaction(statement: Statement, *, now: datetime | None = None) -> Reaction:
    """Volume and sentiment curves in hours after publication (up to now)."""
    now = now or timezone.now()
    elapsed = max(0, int((now - statement.published_at).total_seconds() // 3600) + 1)
    hours = max(1, min(statement.follow_hours, elapsed))
    volume = [0] * hours
    negative = [0] * hours
    sums = [0.0] * hours
    languages: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    rows = (
        StatementPost.objects.filter(statement=statement)
        .values_list("post__published_at", "post__sentiment", "post__sentiment_label")
        .order_by()
    )
    langs = (
        StatementPost.objects.filter(statement=statement)
        .values("post__language")
        .annotate(n=Count("id"))
    )
    ctry = (
        StatementPost.objects.filter(statement=statement)
        .values("post__country")
        .annotate(n=Count("id"))
    )
    first_day = 0
    for published_at, sentiment, label in rows.iterator(chunk_size=5000):
        offset = (published_at - statement.published_at).total_seconds()
        if offset < 0:
            continue
        index = int(offset // 3600)
        if offset < 86400:
            first_day += 1
        if index >= hours:
            continue
        volume[index] += 1
        sums[index] += float(sentiment)
        if label == "neg":
            negative[index] += 1
    for row in langs:
        languages[row["post__language"] or ""] += int(row["n"])
    for row in ctry:
        countries[row["post__country"] or ""] += int(row["n"])
    total = sum(volume)
    peak_posts = max(volume) if volume else 0
    peak_hour = volume.index(peak_posts) if peak_posts else None
    return Reaction(
        hours=hours,
        volume=volume,
        sentiment=[round(sums[i] / volume[i], 3) if volume[i] else None for i in range(hours)],
        negative=negative,
        total=total,
        peak_hour=peak_hour,
        peak_posts=peak_posts,
        sentiment_mean=round(sum(sums) / total, 3) if total else None,
        first_day=first_day,
        languages=languages.most_common(),
        countries=countries.most_common(),
    )


def statement_top_responses(statement: Statement, *, limit: int = 10) -> list[Post]:
    """The most-reached reactions (near-duplicates left out)."""
    return list(
        Post.objects.filter(
            pk__in=StatementPost.objects.filter(statement=statement).values("post_id"),
            is_near_duplicate=False,
        ).order_by("-reach", "published_at")[:limit]
    )


def statement_reactions_for_user(*, user: User | Any, statement: Statement) -> QuerySet[Post]:
    if not may_view(user):
        return Post.objects.none()
    return Post.objects.filter(
        pk__in=StatementPost.objects.filter(statement=statement).values("post_id")
    ).order_by("published_at", "id")


def statement_comparison(
    statement: Statement, *, now: datetime | None = None, limit: int = 5
) -> list[tuple[Statement, Reaction]]:
    """This statement and the ones before it, each with its reaction (newest first)."""
    earlier = Statement.objects.filter(published_at__lte=statement.published_at).order_by(
        "-published_at", "-pk"
    )[: limit + 1]
    return [(s, statement_reaction(s, now=now)) for s in earlier]


# --- claims -------------------------------------------------------------------------


def claim_list_for_user(*, user: User | Any) -> QuerySet[Claim]:
    if not may_view(user):
        return Claim.objects.none()
    return Claim.objects.annotate(link_count=Count("links")).order_by("-created_at", "-pk")


def claim_get_for_user(*, user: User | Any, claim_id: int) -> Claim:
    _require_view(user)
    try:
        return Claim.objects.get(pk=claim_id)
    except Claim.DoesNotExist as exc:
        raise Http404 from exc


def claim_links_for_user(*, user: User | Any, claim: Claim) -> QuerySet[ClaimPost]:
    if not may_view(user):
        return ClaimPost.objects.none()
    return (
        ClaimPost.objects.filter(claim=claim)
        .select_related("post", "linked_by")
        .order_by("-published_at", "-pk")
    )


@dataclass
class Spread:
    days: list[datetime]
    posts: list[int]
    cumulative: list[int]
    accounts: int
    total: int
    reach: int
    first: datetime | None
    languages: list[tuple[str, int]]


def claim_spread(claim: Claim) -> Spread:
    """Posts spreading the claim per HQ-local day, and their running total."""
    rows = list(
        ClaimPost.objects.filter(claim=claim)
        .values_list("published_at", "post__author_handle", "post__reach", "post__language")
        .order_by("published_at")
    )
    if not rows:
        return Spread([], [], [], 0, 0, 0, None, [])
    per_day: Counter[datetime] = Counter(bucket_of(row[0], "day") for row in rows)
    first_day, last_day = min(per_day), max(per_day)
    days = _bucket_starts(first_day, last_day + timedelta(hours=1), "day")
    posts = [per_day.get(day, 0) for day in days]
    cumulative = []
    running = 0
    for n in posts:
        running += n
        cumulative.append(running)
    return Spread(
        days=days,
        posts=posts,
        cumulative=cumulative,
        accounts=len({row[1] for row in rows if row[1]}),
        total=len(rows),
        reach=sum(int(row[2] or 0) for row in rows),
        first=rows[0][0],
        languages=Counter(row[3] for row in rows).most_common(),
    )


def open_items_for_user(*, user: User | Any) -> dict[str, int]:
    """Counts for the tabs: open alerts, coordinated clusters, claims, statements."""
    if not may_view(user):
        return {}
    return {
        "alerts": alert_open_count_for_user(user=user),
        "clusters": Cluster.objects.filter(is_coordinated=True).count(),
        "claims": Claim.objects.filter(is_active=True).count(),
        "statements": Statement.objects.count(),
    }


def post_search_for_claim(*, user: User | Any, claim: Claim, query: str) -> list[Post]:
    """Posts an analyst may link by hand: text search, newest first, not yet linked."""
    if not may_view(user) or not query.strip():
        return []
    qs = Post.objects.exclude(pk__in=ClaimPost.objects.filter(claim=claim).values("post_id"))
    condition = Q()
    for word in query.split()[:6]:
        condition &= Q(text__icontains=word)
    return list(qs.filter(condition).order_by("-published_at")[:20])
