"""API of the operations rooms module, registered on the one router in ``sifara.api``.

Read-only, scope ``rooms:read``: the rooms the caller is a member of and, for
one room, the timeline entries the caller is cleared for, the tasks and the
checklist. Guests hold no capability and therefore no API access. Reading one
room is audited like opening its page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara import audit
from sifara.core.types import acting_user
from sifara.identity.permissions import IsVerifiedUser, ScopePermission
from sifara.rooms import selectors
from sifara.rooms.models import OperationsRoom


class RoomSerializer(serializers.ModelSerializer[OperationsRoom]):
    kind = serializers.CharField(read_only=True, help_text="evacuation, hostage, summit, ...")
    status = serializers.CharField(read_only=True, help_text="open, closed")
    ceiling = serializers.IntegerField(
        read_only=True, help_text="0 unclassified … 3 secret: no entry is above it"
    )
    lead_unit_code = serializers.CharField(source="lead_unit.code", read_only=True)

    class Meta:
        model = OperationsRoom
        fields = [
            "id",
            "reference",
            "title",
            "kind",
            "status",
            "ceiling",
            "lead_unit_code",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="entry.pk")
    kind = serializers.CharField(source="entry.kind", help_text="message, decision, status, event")
    classification = serializers.IntegerField(source="entry.classification")
    author = serializers.CharField(source="entry.author.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField(source="entry.created_at")
    text = serializers.CharField()
    readable = serializers.BooleanField()


class TaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="task.pk")
    title = serializers.CharField(source="task.title")
    owner = serializers.CharField(source="task.owner.username")
    due_at = serializers.DateTimeField(source="task.due_at")
    done_at = serializers.DateTimeField(source="task.done_at", allow_null=True)
    overdue = serializers.BooleanField()


class ChecklistItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    phase = serializers.CharField(help_text="triage, respond, recover, review")
    text_en = serializers.CharField()
    text_ar = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)


class RoomDetailSerializer(RoomSerializer):
    role = serializers.CharField(read_only=True, help_text="owner, member, guest")
    entries = EntrySerializer(many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    checklist = ChecklistItemSerializer(many=True, read_only=True)

    class Meta(RoomSerializer.Meta):
        fields = [*RoomSerializer.Meta.fields, "role", "entries", "tasks", "checklist"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="The operations rooms I am a member of", responses=RoomSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary="One room: the entries I am cleared for, tasks and checklist (audited)",
        responses=RoomDetailSerializer,
    ),
)
class OperationsRoomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[OperationsRoom],
):
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "rooms:read"}
    serializer_class = RoomSerializer

    def get_queryset(self) -> QuerySet[OperationsRoom]:
        return selectors.room_list_for_user(user=acting_user(self.request))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting_user(request)
        room, role = selectors.room_get_for_user(user=user, room_id=int(kwargs["pk"]))
        entries = selectors.entry_list_for_user(user=user, room=room)
        payload = {
            **RoomSerializer(room).data,
            "role": role,
            "entries": EntrySerializer(entries, many=True).data,
            "tasks": TaskSerializer(
                selectors.task_list_for_user(user=user, room=room, now=timezone.now()), many=True
            ).data,
            "checklist": ChecklistItemSerializer(
                [
                    item
                    for phase in selectors.checklist_for_user(user=user, room=room)
                    for item in phase.items
                ],
                many=True,
            ).data,
        }
        audit.record(
            actor=user,
            action="rooms.room_read_api",
            target=room,
            details={
                "entries": len(entries),
                "top_classification": max((v.entry.classification for v in entries), default=0),
            },
            request=request,
        )
        return Response(payload)


def register(router: DefaultRouter) -> None:
    """Register this module's API views on ``router``."""
    router.register("rooms", OperationsRoomViewSet, basename="rooms")
