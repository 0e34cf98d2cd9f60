"""Cables API: read with ``cables:read``; release, recall and acknowledge with
``cables:write``. Same selectors and services as the pages; every read of a
cable is audited, and an altered or unreadable cable says so."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara.cables import content, selectors, services
from sifara.cables.handling import precedence_code
from sifara.cables.models import Cable, CableStatus
from sifara.core.models import Classification
from sifara.core.types import acting_user
from sifara.identity.permissions import IsVerifiedUser, ScopePermission


class CableSummarySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text="draft, released, recalled")
    classification = serializers.IntegerField(help_text="0 unclassified … 3 secret")
    precedence = serializers.CharField(help_text="ROUTINE, IMMEDIATE, NIACT IMMEDIATE, FLASH")
    captions = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    drafting_unit = serializers.CharField(help_text="unit code")
    released_at = serializers.DateTimeField(allow_null=True)
    subject = serializers.CharField(allow_null=True, help_text="null when unreadable")


class ParagraphSerializer(serializers.Serializer[Any]):
    mark = serializers.IntegerField(help_text="portion mark: 0 unclassified … 3 secret")
    text = serializers.CharField(help_text="sanitised HTML")


class AttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class DeliverySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(help_text="unit code")
    kind = serializers.CharField(help_text="action, info")
    state = serializers.CharField(help_text="delivered, read, awaiting, overdue, acknowledged")
    delivered_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.ListField(child=serializers.CharField())
    escalated_at = serializers.DateTimeField(allow_null=True)


class CableDetailSerializer(CableSummarySerializer):
    integrity = serializers.CharField(help_text="intact, altered, unreadable, unsigned (draft)")
    paragraphs = ParagraphSerializer(many=True)
    action_units = serializers.ListField(child=serializers.CharField())
    info_units = serializers.ListField(child=serializers.CharField())
    in_reply_to = serializers.IntegerField(allow_null=True)
    references = serializers.ListField(child=serializers.CharField())
    attachments = AttachmentSerializer(many=True)
    deliveries = DeliverySerializer(many=True)


class AcknowledgeResultSerializer(serializers.Serializer[Any]):
    acknowledged_units = serializers.ListField(child=serializers.CharField())


def _summary(cable: Cable, subject: str | None) -> dict[str, Any]:
    return {
        "id": cable.pk,
        "reference": cable.reference,
        "status": cable.status,
        "classification": cable.classification,
        "precedence": precedence_code(cable.precedence),
        "captions": cable.captions,
        "tags": list(cable.tags),
        "drafting_unit": cable.drafting_unit.code,
        "released_at": cable.released_at,
        "subject": subject,
    }


def _detail(user: Any, opened: content.OpenedCable) -> dict[str, Any]:
    cable = opened.cable
    deliveries = list(cable.deliveries.select_related("unit"))
    board = selectors.delivery_board_for_user(user=user, cable=cable) or []
    visible_refs = selectors.cable_list_for_user(user=user).filter(
        pk__in=cable.references.values("pk")
    )
    return {
        **_summary(cable, opened.subject if opened.readable else None),
        "integrity": opened.integrity,
        "paragraphs": opened.paragraphs,
        "action_units": [d.unit.code for d in deliveries if d.kind == "action"],
        "info_units": [d.unit.code for d in deliveries if d.kind == "info"],
        "in_reply_to": (
            cable.in_reply_to_id
            if cable.in_reply_to_id
            and selectors.cable_list_for_user(user=user).filter(pk=cable.in_reply_to_id).exists()
            else None
        ),
        "references": [r for r in visible_refs.values_list("reference", flat=True) if r],
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in cable.attachments.defer("content")
        ],
        "deliveries": [
            {
                "unit": row.delivery.unit.code,
                "kind": row.delivery.kind,
                "state": row.state,
                "delivered_at": row.delivery.delivered_at,
                "due_at": row.delivery.due_at,
                "acknowledged_at": row.delivery.acknowledged_at,
                "acknowledged_by": [a.user.get_username() for a in row.acknowledgements],
                "escalated_at": row.delivery.escalated_at,
            }
            for row in board
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="Cables you may read (filters: status, precedence, classification, TAG, …)",
        parameters=[
            OpenApiParameter("status", str, description="draft, released, recalled"),
            OpenApiParameter("precedence", int, description="0 routine … 3 flash"),
            OpenApiParameter("classification", int, description="0 … 3"),
            OpenApiParameter("tag", str),
            OpenApiParameter("country", str),
            OpenApiParameter("ack", str, description="pending, overdue, acknowledged"),
        ],
        responses=CableSummarySerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One cable, decrypted and verified (audited)", responses=CableDetailSerializer
    ),
)
class CableViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Cable]
):
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "cables:read", "write": "cables:write"}
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = CableSummarySerializer

    def get_queryset(self) -> QuerySet[Cable]:
        params = self.request.query_params
        filters = selectors.CableFilters(
            tag=params.get("tag", "")[:8].upper(),
            country=params.get("country", "")[:2].upper(),
            precedence=_small_int(params.get("precedence")),
            classification=_small_int(params.get("classification")),
            ack=params.get("ack", "") if params.get("ack") in selectors.ACK_STATES else "",
        )
        cables = selectors.filter_cables(
            selectors.cable_list_for_user(user=acting_user(self.request)), filters
        )
        status = params.get("status", "")
        if status in CableStatus.values:
            cables = cables.filter(status=status)
        return cables.select_related("drafting_unit", "data_key").order_by("-released_at", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        items = page if page is not None else list(self.get_queryset()[:50])
        data = [_summary(c, content.subject_or_none(c)) for c in items]
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting_user(request)
        opened = selectors.cable_open_for_user(user=user, cable_id=int(self.kwargs["pk"]))
        services.cable_read(
            actor=user, cable=opened.cable, integrity=opened.integrity, request=request
        )
        return Response(_detail(user, opened))

    @extend_schema(
        summary="Acknowledge a released cable for your addressee units (one tap)",
        request=None,
        responses=AcknowledgeResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        deliveries = services.cable_acknowledge(
            actor=acting_user(request), cable_id=int(pk or 0), request=request
        )
        return Response({"acknowledged_units": [d.unit.code for d in deliveries]})

    @extend_schema(
        summary="Release a cleared draft (release authority needed)",
        request=None,
        responses=CableSummarySerializer,
    )
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        cable = services.cable_release(
            actor=acting_user(request), cable_id=int(pk or 0), request=request
        )
        return Response(_summary(cable, content.subject_or_none(cable)))

    @extend_schema(
        summary="Recall a released cable (release authority needed)",
        request=None,
        responses=CableSummarySerializer,
    )
    @action(detail=True, methods=["post"])
    def recall(self, request: Request, pk: str | None = None) -> Response:
        cable = services.cable_recall(
            actor=acting_user(request), cable_id=int(pk or 0), request=request
        )
        return Response(_summary(cable, content.subject_or_none(cable)))


def _small_int(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 1:
        return None
    number = int(value)
    return number if number <= Classification.SECRET else None


def register(router: DefaultRouter) -> None:
    """Register this module's API views on ``router``."""
    router.register("cables", CableViewSet, basename="cable")
