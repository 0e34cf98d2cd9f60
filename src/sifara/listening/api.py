"""API of the listening module, registered on the one router in ``sifara.api``.

Read-only, scope ``listening:read`` (analysts and digital officers): sources with
their health, posts (filterable, cursor-paginated), and watch-list topics with
their terms. Every read goes through the listening selectors, as on the pages.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework.routers import DefaultRouter

from sifara.core.errors import ApplicationError, NotFoundError
from sifara.core.types import acting_user
from sifara.identity.permissions import IsVerifiedUser, ScopePermission
from sifara.listening import selectors
from sifara.listening.models import Platform, Post, Source, WatchTerm, WatchTopic

SENTIMENTS = ("neg", "neu", "pos")


class SourceHealthSerializer(serializers.Serializer[selectors.SourceHealth]):
    state = serializers.ChoiceField(
        choices=[
            selectors.OK,
            selectors.IDLE,
            selectors.BACKING_OFF,
            selectors.FLAGGED,
            selectors.INACTIVE,
        ],
        read_only=True,
    )
    lag_s = serializers.SerializerMethodField(help_text="Seconds since the last item.")
    retry_in_s = serializers.SerializerMethodField(help_text="Seconds until the next attempt.")

    def get_lag_s(self, health: selectors.SourceHealth) -> int | None:
        return int(health.lag.total_seconds()) if health.lag is not None else None

    def get_retry_in_s(self, health: selectors.SourceHealth) -> int | None:
        return int(health.retry_in.total_seconds()) if health.retry_in is not None else None


class ListeningSourceSerializer(serializers.ModelSerializer[Source]):
    health = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "title",
            "platform",
            "is_active",
            "poll_interval_s",
            "last_item_at",
            "last_success_at",
            "last_error_at",
            "last_error",
            "consecutive_failures",
            "next_attempt_at",
            "items_total",
            "items_skipped",
            "health",
        ]
        read_only_fields = fields

    @extend_schema_field(SourceHealthSerializer)
    def get_health(self, source: Source) -> dict[str, object]:
        health = selectors.source_health(source=source, now=timezone.now())
        return dict(SourceHealthSerializer(health).data)


class ListeningPostSerializer(serializers.ModelSerializer[Post]):
    source_name = serializers.CharField(source="source.name", read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "source_name",
            "platform",
            "external_id",
            "url",
            "author_handle",
            "author_name",
            "text",
            "language",
            "sentiment",
            "sentiment_label",
            "country",
            "published_at",
            "reach",
            "is_near_duplicate",
            "cluster",
        ]
        read_only_fields = fields


class WatchTermSerializer(serializers.ModelSerializer[WatchTerm]):
    class Meta:
        model = WatchTerm
        fields = ["id", "text", "is_high_priority"]
        read_only_fields = fields


class WatchTopicSerializer(serializers.ModelSerializer[WatchTopic]):
    owner_unit_code = serializers.CharField(source="owner_unit.code", read_only=True)
    terms = WatchTermSerializer(many=True, read_only=True)

    class Meta:
        model = WatchTopic
        fields = ["id", "name_ar", "name_en", "owner_unit_code", "is_active", "terms"]
        read_only_fields = fields


class PostCursorPagination(CursorPagination):
    ordering = ("-published_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema_view(
    list=extend_schema(summary="Listening sources with their health"),
    retrieve=extend_schema(summary="One listening source with its health"),
)
class ListeningSourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Source],
):
    serializer_class = ListeningSourceSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "listening:read"}
    pagination_class = LimitOffsetPagination

    def get_queryset(self) -> QuerySet[Source]:
        return selectors.source_list_for_user(user=acting_user(self.request))

    def get_object(self) -> Source:
        return selectors.source_get_for_user(
            user=acting_user(self.request), source_id=int(self.kwargs["pk"])
        )


def _when(value: str, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        message = _("Give a date and time such as 2026-11-20T09:30:00Z.")
        raise ApplicationError(message, details={name: [message]})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


_POST_FILTERS = [
    OpenApiParameter("published_after", OpenApiTypes.DATETIME, description="Inclusive."),
    OpenApiParameter("published_before", OpenApiTypes.DATETIME, description="Exclusive."),
    OpenApiParameter("language", str, description="Language code, e.g. ar or en."),
    OpenApiParameter("topic", int, description="Watch-list topic id: posts matching it."),
    OpenApiParameter("sentiment", str, enum=list(SENTIMENTS)),
    OpenApiParameter("country", str, description="ISO 3166 two-letter code."),
    OpenApiParameter("platform", str, enum=list(Platform.values)),
]


@extend_schema_view(
    list=extend_schema(
        summary="Posts, newest first (cursor-paginated; follow `next`)",
        parameters=_POST_FILTERS,
    ),
    retrieve=extend_schema(summary="One post"),
)
class ListeningPostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Post],
):
    serializer_class = ListeningPostSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "listening:read"}
    pagination_class = PostCursorPagination

    def get_queryset(self) -> QuerySet[Post]:
        params = self.request.query_params
        sentiment = params.get("sentiment", "")
        if sentiment and sentiment not in SENTIMENTS:
            message = _("Choose neg, neu or pos.")
            raise ApplicationError(message, details={"sentiment": [message]})
        topic = params.get("topic", "")
        if topic and not (topic.isdigit() and len(topic) <= 18):
            message = _("Give a topic id.")
            raise ApplicationError(message, details={"topic": [message]})
        posts = selectors.post_list_for_user(
            user=acting_user(self.request),
            published_from=_when(params.get("published_after", ""), "published_after"),
            published_to=_when(params.get("published_before", ""), "published_before"),
            language=params.get("language", "")[:8],
            topic_id=int(topic) if topic else None,
            sentiment=sentiment,
            country=params.get("country", "")[:2],
        )
        platform = params.get("platform", "")
        if platform:
            posts = posts.filter(platform=platform)
        return posts

    def get_object(self) -> Post:
        post = selectors.post_list_for_user(user=acting_user(self.request)).filter(
            pk=int(self.kwargs["pk"])
        )
        found = post.first()
        if found is None:
            raise NotFoundError(_("Not found."))
        return found


@extend_schema_view(
    list=extend_schema(summary="Watch-list topics with their terms"),
    retrieve=extend_schema(summary="One watch-list topic with its terms"),
)
class WatchTopicViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[WatchTopic],
):
    serializer_class = WatchTopicSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "listening:read"}
    pagination_class = LimitOffsetPagination

    def get_queryset(self) -> QuerySet[WatchTopic]:
        return selectors.watch_topic_list_for_user(user=acting_user(self.request)).order_by(
            "name_en", "id"
        )

    def get_object(self) -> WatchTopic:
        return selectors.watch_topic_get_for_user(
            user=acting_user(self.request), topic_id=int(self.kwargs["pk"])
        )


def register(router: DefaultRouter) -> None:
    """Register this module's API views on ``router``."""
    router.register("listening/sources", ListeningSourceViewSet, basename="listening-source")
    router.register("listening/posts", ListeningPostViewSet, basename="listening-post")
    router.register("listening/watch-topics", WatchTopicViewSet, basename="listening-watch-topic")
