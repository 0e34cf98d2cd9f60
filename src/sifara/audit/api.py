"""Audit trail API: read-only, for administrators with the ``audit:read`` scope.

Reading the trail through the API is itself audited, like the CSV export.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara import audit
from sifara.audit import selectors
from sifara.audit.models import AuditEvent
from sifara.core.types import acting_user
from sifara.identity.permissions import IsVerifiedUser, ScopePermission


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "source_ip",
            "details",
            "hash",
        ]
        read_only_fields = fields


class AuditFilterSerializer(serializers.Serializer[Any]):
    actor = serializers.CharField(required=False, max_length=150, default="")
    action = serializers.CharField(required=False, max_length=80, default="")
    target_type = serializers.CharField(required=False, max_length=80, default="")
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, max_length=100, default="")


@extend_schema(
    summary="Audit events, newest first (administrators)",
    parameters=[
        OpenApiParameter(name, str, required=False)
        for name in ("actor", "action", "target_type", "date_from", "date_to", "q")
    ],
)
class AuditEventViewSet(viewsets.GenericViewSet[AuditEvent]):
    serializer_class = AuditEventSerializer
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "audit:read"}

    def get_queryset(self) -> QuerySet[AuditEvent]:
        filters = AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        return selectors.event_list_for_user(
            user=acting_user(self.request),
            actor=data["actor"],
            action=data["action"],
            target_type=data["target_type"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            query=data["q"],
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        audit.record(
            actor=request.user,
            action="audit.read_api",
            details={k: v for k, v in request.query_params.items() if k != "offset"},
            request=request._request,
        )
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)


def register(router: DefaultRouter) -> None:
    router.register("audit-events", AuditEventViewSet, basename="audit-event")
