"""Registry API: read with ``accounts:read`` (every verified staff member),
write with ``accounts:write`` (digital officers and administrators). Same
services and selectors as the pages; security posture appears only for
callers allowed to see it."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet, TextChoices
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara.accounts import selectors, services
from sifara.accounts.models import AccountKind, AccountStatus, OfficialAccount, Platform
from sifara.core import policy
from sifara.core.types import acting_user
from sifara.directory.models import Unit, User
from sifara.identity.permissions import IsVerifiedUser, ScopePermission


class PostureSerializer(serializers.Serializer[Any]):
    two_factor_enabled = serializers.BooleanField()
    recovery_email_institutional = serializers.BooleanField()
    recovery_phone_institutional = serializers.BooleanField()
    people_with_access = serializers.IntegerField()
    last_password_rotation = serializers.DateField(allow_null=True)
    login_alerts_enabled = serializers.BooleanField()
    last_audit_on = serializers.DateField(allow_null=True)
    risk_score = serializers.IntegerField()
    audit_overdue = serializers.BooleanField()
    risk_factors = serializers.ListField(child=serializers.DictField())


def _choice_field(choices: type[TextChoices], **kwargs: Any) -> serializers.RegexField:
    """A choice as a plain string with a pattern. (A ChoiceField would become a
    named enum in the schema, colliding with the directory's ``kind`` and other
    modules' ``status`` enums.)"""
    values = "|".join(re.escape(v) for v in choices.values)
    return serializers.RegexField(
        rf"^({values})$",
        help_text=", ".join(choices.values),
        error_messages={
            "invalid": format_lazy(_("Choose one of: {values}"), values=", ".join(choices.values))
        },
        **kwargs,
    )


class OfficialAccountSerializer(serializers.ModelSerializer[OfficialAccount]):
    kind = serializers.CharField(read_only=True, help_text=", ".join(AccountKind.values))
    status = serializers.CharField(read_only=True, help_text=", ".join(AccountStatus.values))
    platform = serializers.SlugRelatedField[Platform](slug_field="code", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    custodians = serializers.SerializerMethodField()

    class Meta:
        model = OfficialAccount
        fields = [
            "id",
            "platform",
            "handle",
            "handle_display",
            "profile_url",
            "platform_account_id",
            "display_name_ar",
            "display_name_en",
            "office_title_ar",
            "office_title_en",
            "unit",
            "unit_code",
            "kind",
            "status",
            "documented_on",
            "platform_verified",
            "platform_verified_on",
            "account_created_on",
            "custodians",
            "bio",
            "website",
            "profile_image_phash",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_custodians(self, account: OfficialAccount) -> list[str]:
        """User names of the custodians the caller may see in the directory."""
        request = self.context.get("request")
        if request is None:
            return []
        return [
            u.get_username()
            for u in selectors.custodians_for_user(user=acting_user(request), account=account)
        ]


class OfficialAccountWithPostureSerializer(OfficialAccountSerializer):
    posture = serializers.SerializerMethodField()

    class Meta(OfficialAccountSerializer.Meta):
        fields = [*OfficialAccountSerializer.Meta.fields, "posture"]
        read_only_fields = fields

    @extend_schema(responses=PostureSerializer)
    def get_posture(self, account: OfficialAccount) -> dict[str, Any] | None:
        request = self.context.get("request")
        if request is None:
            return None
        view = selectors.posture_get_for_user(
            user=acting_user(request), account=account, with_audits=False
        )
        p = view.posture
        return {
            "two_factor_enabled": p.two_factor_enabled,
            "recovery_email_institutional": p.recovery_email_institutional,
            "recovery_phone_institutional": p.recovery_phone_institutional,
            "people_with_access": p.people_with_access,
            "last_password_rotation": p.last_password_rotation,
            "login_alerts_enabled": p.login_alerts_enabled,
            "last_audit_on": p.last_audit_on,
            "risk_score": view.score,
            "audit_overdue": view.audit_overdue,
            "risk_factors": [
                {"code": f.code, "label": str(f.label), "points": f.points} for f in view.factors
            ],
        }


class OfficialAccountWriteSerializer(serializers.Serializer[Any]):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    platform = serializers.SlugRelatedField(
        slug_field="code", queryset=Platform.objects.filter(is_active=True)
    )
    handle = serializers.CharField(max_length=500)
    kind = _choice_field(AccountKind, default=AccountKind.INSTITUTIONAL)
    status = _choice_field(AccountStatus, default=AccountStatus.PENDING)
    profile_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    platform_account_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    display_name_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    display_name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    office_title_ar = serializers.CharField(max_length=200, required=False, allow_blank=True)
    office_title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    platform_verified = serializers.BooleanField(required=False)
    platform_verified_on = serializers.DateField(required=False, allow_null=True)
    account_created_on = serializers.DateField(required=False, allow_null=True)
    bio = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    website = serializers.URLField(max_length=500, required=False, allow_blank=True)
    custodians = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), many=True, required=False
    )


@extend_schema_view(
    list=extend_schema(
        summary="List official accounts (filters: unit, platform, status, kind, q)",
        responses=OfficialAccountWithPostureSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One official account (posture only for digital officers and administrators)",
        responses=OfficialAccountWithPostureSerializer,
    ),
    create=extend_schema(
        summary="Record an official account (digital officers, administrators)",
        request=OfficialAccountWriteSerializer,
        responses=OfficialAccountSerializer,
    ),
    partial_update=extend_schema(
        summary="Change an official account (digital officers, administrators)",
        request=OfficialAccountWriteSerializer,
        responses=OfficialAccountSerializer,
    ),
)
class OfficialAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[OfficialAccount],
):
    lookup_value_regex = r"\d{1,18}"
    permission_classes = [IsVerifiedUser, ScopePermission]
    required_scopes = {"read": "accounts:read", "write": "accounts:write"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.request is not None and policy.can(
            acting_user(self.request), "accounts.view_posture"
        ):
            return OfficialAccountWithPostureSerializer
        return OfficialAccountSerializer

    def get_queryset(self) -> QuerySet[OfficialAccount]:
        params = self.request.query_params
        unit = params.get("unit", "")
        return selectors.official_account_list_for_user(
            user=acting_user(self.request),
            unit_id=int(unit) if unit.isdigit() and len(unit) <= 18 else None,
            platform=params.get("platform", "")[:40],
            status=params.get("status", ""),
            kind=params.get("kind", ""),
            query=params.get("q", "")[:100],
        ).prefetch_related("custodians")

    def get_object(self) -> OfficialAccount:
        return selectors.official_account_get_for_user(
            user=acting_user(self.request), account_id=int(self.kwargs["pk"])
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = OfficialAccountWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        account = services.official_account_create(
            actor=acting_user(request),
            platform=data.pop("platform"),
            handle=data.pop("handle"),
            status=data.pop("status"),
            custodians=list(data.pop("custodians", [])),
            **data,
        )
        return Response(self.get_serializer(account).data, status=201)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        account = self.get_object()
        serializer = OfficialAccountWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        custodians = data.pop("custodians", None)
        account = services.official_account_update(
            actor=acting_user(request),
            account=account,
            platform=data.pop("platform", None),
            handle=data.pop("handle", None),
            status=data.pop("status", None),
            custodians=list(custodians) if custodians is not None else None,
            **data,
        )
        return Response(self.get_serializer(account).data)


def register(router: DefaultRouter) -> None:
    router.register("official-accounts", OfficialAccountViewSet, basename="official-account")
