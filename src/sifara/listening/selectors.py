"""Reads of the listening module (permission-checked; others get 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from sifara.core import policy
from sifara.core.errors import NotFoundError
from sifara.directory.models import User
from sifara.listening.models import Post, SkippedItem, Source, WatchTerm, WatchTopic
from sifara.listening.services import FLAG_AFTER_FAILURES

OK, IDLE, BACKING_OFF, FLAGGED, INACTIVE = "ok", "idle", "backing_off", "flagged", "inactive"


@dataclass(frozen=True)
class SourceHealth:
    state: str  # ok, idle, backing_off, flagged, inactive
    lag: timedelta | None  # now - last item
    retry_in: timedelta | None


def source_health(*, source: Source, now: datetime) -> SourceHealth:
    """How a source is doing, as the sources page shows it."""
    lag = now - source.last_item_at if source.last_item_at else None
    retry_in = (
        source.next_attempt_at - now
        if source.next_attempt_at and source.next_attempt_at > now
        else None
    )
    if not source.is_active:
        state = INACTIVE
    elif source.consecutive_failures >= FLAG_AFTER_FAILURES:
        state = FLAGGED
    elif source.consecutive_failures:
        state = BACKING_OFF
    elif source.last_success_at is None and source.last_item_at is None:
        state = IDLE
    else:
        state = OK
    return SourceHealth(state=state, lag=lag, retry_in=retry_in)


def _require_view(user: User) -> None:
    if not policy.can(user, "listening.view"):
        raise NotFoundError(gettext("Not found."))


def source_list_for_user(*, user: User) -> QuerySet[Source]:
    _require_view(user)
    return Source.objects.order_by("title")


def source_get_for_user(*, user: User, source_id: int) -> Source:
    _require_view(user)
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise NotFoundError(gettext("Not found."))
    return source


def skipped_for_source(*, user: User, source: Source, limit: int = 50) -> list[SkippedItem]:
    _require_view(user)
    return list(source.skipped.order_by("-created_at", "-id")[:limit])


def watch_topic_list_for_user(*, user: User) -> QuerySet[WatchTopic]:
    _require_view(user)
    return WatchTopic.objects.select_related("owner_unit").prefetch_related("terms")


def watch_topic_get_for_user(*, user: User, topic_id: int) -> WatchTopic:
    topic = watch_topic_list_for_user(user=user).filter(pk=topic_id).first()
    if topic is None:
        raise NotFoundError(gettext("Not found."))
    return topic


def watch_topic_rows_for_user(*, user: User, since: datetime) -> QuerySet[WatchTopic]:
    """Topics with ``term_count`` and ``recent_matches`` (posts matched since ``since``)."""
    return watch_topic_list_for_user(user=user).annotate(
        term_count=Count("terms", distinct=True),
        recent_matches=Count("matches", filter=Q(matches__published_at__gte=since), distinct=True),
    )


def watch_term_get_for_user(*, user: User, topic: WatchTopic, term_id: int) -> WatchTerm:
    _require_view(user)
    term = WatchTerm.objects.filter(topic=topic, pk=term_id).first()
    if term is None:
        raise NotFoundError(gettext("Not found."))
    return term


def post_list_for_user(
    *,
    user: User,
    published_from: datetime | None = None,
    published_to: datetime | None = None,
    language: str = "",
    topic_id: int | None = None,
    sentiment: str = "",
    country: str = "",
) -> QuerySet[Post]:
    """Posts, newest first, narrowed by the given filters (empty ones are ignored)."""
    _require_view(user)
    posts = Post.objects.select_related("source").order_by("-published_at", "-id")
    if published_from is not None:
        posts = posts.filter(published_at__gte=published_from)
    if published_to is not None:
        posts = posts.filter(published_at__lt=published_to)
    if language:
        posts = posts.filter(language=language)
    if sentiment:
        posts = posts.filter(sentiment_label=sentiment)
    if country:
        posts = posts.filter(country=country.upper())
    if topic_id is not None:
        posts = posts.filter(matches__topic_id=topic_id)
    return posts
