"""Directory API: read for every verified user with ``directory:read``; write
for administrators with ``directory:write``. Same policy as the pages."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara.core.types import acting_user
from sifara.directory import selectors, services
from sifara.directory.models import Country, Membership, Role, Unit, User
from sifara.identity.permissions import IsVerifiedUser, ScopePermission


class CountrySerializer(serializers.ModelSerializer[Country]):
    class Meta:
        model = Country
        fields = ["code", "alpha3", "name_en", "name_ar"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    host_country = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Country.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown country code “{value}”.")},
    )
    accredited_countries = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Country.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Unknown country code “{value}”.")},
    )
    parent = serializers.PrimaryKeyRelatedField[Unit](  # type: ignore[assignment]
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    timezone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    working_languages = serializers.ListField(
        child=serializers.RegexField(r"^[a-z]{2,3}$"), required=False
    )
    weekend_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "kind",
            "name_en",
            "name_ar",
            "parent",
            "host_country",
            "city_en",
            "city_ar",
            "timezone",
            "organisation",
            "working_languages",
            "weekend_days",
            "accredited_countries",
            "starts_on",
            "ends_on",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_timezone(self, value: str) -> str:
        if value and value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(
                _("“%(value)s” is not an IANA time zone.") % {"value": value}
            )
        return value


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "unit", "unit_code", "role", "is_primary"]


class PersonSerializer(serializers.ModelSerializer[User]):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name_en",
            "full_name_ar",
            "job_title_en",
            "job_title_ar",
            "email",
            "clearance",
            "is_active",
            "memberships",
        ]
        read_only_fields = fields


class MembershipGrantSerializer(serializers.Serializer[Any]):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)
    is_primary = serializers.BooleanField(default=False)


@extend_schema_view(
    list=extend_schema(
        summary="List units (HQ departments, missions, partner ministries, delegations)"
    ),
    retrieve=extend_schema(summary="One unit"),
    create=extend_schema(summary="Create a unit (administrators)"),
    partial_update=extend_schema(summary="Change a unit (administrators)"),
)
class UnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Unit],
):
    serializer_class = UnitSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "directory:read", "write": "directory:write"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Unit]:
        params = self.request.query_params
        return selectors.unit_list_for_user(
            user=acting_user(self.request),
            kind=params.get("kind", ""),
            country=params.get("country", ""),
            query=params.get("q", "")[:100],
        ).prefetch_related("accredited_countries")

    def get_object(self) -> Unit:
        return selectors.unit_get_for_user(
            user=acting_user(self.request), unit_id=int(self.kwargs["pk"])
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        countries = data.pop("accredited_countries", [])
        unit = services.unit_create(
            actor=acting_user(request), accredited_countries=countries, **data
        )
        return Response(self.get_serializer(unit).data, status=201)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()
        serializer = self.get_serializer(unit, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        countries = data.pop("accredited_countries", None)
        unit = services.unit_update(
            actor=acting_user(request), unit=unit, accredited_countries=countries, **data
        )
        return Response(self.get_serializer(unit).data)


@extend_schema_view(
    list=extend_schema(summary="List people visible to the caller"),
    retrieve=extend_schema(summary="One person"),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet[User]):
    serializer_class = PersonSerializer
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "directory:read", "write": "directory:write"}

    def get_queryset(self) -> QuerySet[User]:
        params = self.request.query_params
        return selectors.person_list_for_user(
            user=acting_user(self.request),
            query=params.get("q", "")[:100],
            role=params.get("role", ""),
        )

    def get_object(self) -> User:
        return selectors.person_get_for_user(
            user=acting_user(self.request), person_id=int(self.kwargs["pk"])
        )


class CountryViewSet(viewsets.ReadOnlyModelViewSet[Country]):
    serializer_class = CountrySerializer
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "directory:read"}
    queryset = Country.objects.all()
    pagination_class = None


def register(router: DefaultRouter) -> None:
    router.register("units", UnitViewSet, basename="unit")
    router.register("people", PersonViewSet, basename="person")
    router.register("countries", CountryViewSet, basename="country")
