"""API of listening analysis: alerts (read), claims with their ClaimReview JSON-LD.

Read-only, scope ``listening:read`` (analysts and digital officers). Alerts are
those of the caller's units, exactly as on the pages; the same selectors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara.analysis import claimreview, selectors, services
from sifara.analysis.models import Alert, AlertKind, Claim, ClaimRating
from sifara.core.errors import ApplicationError
from sifara.core.types import acting_user
from sifara.identity.permissions import IsVerifiedUser, ScopePermission


class ListeningAlertSerializer(serializers.ModelSerializer[Alert]):
    kind = serializers.CharField(read_only=True, help_text=", ".join(AlertKind.values))
    rule = serializers.CharField(source="rule.name", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    summary = serializers.SerializerMethodField()
    post_ids = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "unit_code",
            "kind",
            "fired_at",
            "window_start",
            "window_end",
            "observed",
            "expected",
            "summary",
            "acknowledged_at",
            "post_ids",
        ]
        read_only_fields = fields

    def get_summary(self, alert: Alert) -> str:
        return services.alert_summary(alert)

    def get_post_ids(self, alert: Alert) -> list[int]:
        return list(alert.posts.order_by("-published_at").values_list("id", flat=True))


class ListeningClaimSerializer(serializers.ModelSerializer[Claim]):
    rating = serializers.CharField(read_only=True, help_text=", ".join(ClaimRating.values))
    linked_posts = serializers.IntegerField(source="link_count", read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "title",
            "claim_ar",
            "claim_en",
            "rating",
            "rebuttal_ar",
            "rebuttal_en",
            "rebuttal_url",
            "rebutted_at",
            "first_seen_url",
            "first_seen_at",
            "linked_posts",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Listening alerts of my units (filter: open=1, kind)"),
    retrieve=extend_schema(summary="One listening alert of my units"),
)
class ListeningAlertViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Alert]
):
    serializer_class = ListeningAlertSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "listening:read"}

    def get_queryset(self) -> QuerySet[Alert]:
        params = self.request.query_params
        kind = params.get("kind", "")
        return selectors.alert_list_for_user(
            user=acting_user(self.request),
            unacknowledged=params.get("open", "") in {"1", "true"},
            kind=kind if kind in AlertKind.values else "",
        )

    def get_object(self) -> Alert:
        return selectors.alert_get_for_user(
            user=acting_user(self.request), alert_id=int(self.kwargs["pk"])
        )


@extend_schema_view(
    list=extend_schema(summary="Claims (false or misleading narratives) and their rebuttals"),
    retrieve=extend_schema(summary="One claim"),
)
class ListeningClaimViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Claim]
):
    serializer_class = ListeningClaimSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "listening:read"}

    def get_queryset(self) -> QuerySet[Claim]:
        return selectors.claim_list_for_user(user=acting_user(self.request))

    def get_object(self) -> Claim:
        claim = selectors.claim_get_for_user(
            user=acting_user(self.request), claim_id=int(self.kwargs["pk"])
        )
        claim.link_count = claim.links.count()  # type: ignore[attr-defined]
        return claim

    @extend_schema(
        summary="The claim's rebuttal as schema.org ClaimReview JSON-LD",
        parameters=[
            OpenApiParameter("language", str, enum=list(claimreview.LANGUAGES), required=True)
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], url_path="claimreview")
    def claimreview(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        language = request.query_params.get("language", "")
        if language not in claimreview.LANGUAGES:
            message = _("Choose Arabic or English.")
            raise ApplicationError(message, details={"language": [message]})
        return Response(claimreview.claim_review(claim, language=language))


def register(router: DefaultRouter) -> None:
    """Register this module's API views on ``router``."""
    router.register("listening/alerts", ListeningAlertViewSet, basename="listening-alert")
    router.register("listening/claims", ListeningClaimViewSet, basename="listening-claim")
