"""Public verification API (no login): ``GET /api/v1/public/verify/?q=…&platform=…``.

Answers ``{"result": "official"|"impersonator"|"not_found", "reference": …,
"matches": […]}`` with public fields only. Unusable input answers 400 in the
uniform error format with code ``invalid_account_reference``. Throttled per
client address twice: the site-wide anonymous rate and a tighter scoped one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from sifara.accounts import public_selectors as selectors

#: Default for the scoped throttle when ``DEFAULT_THROTTLE_RATES`` has no ``public_verify``.
DEFAULT_RATE = "30/min"


class PublicVerifyThrottle(SimpleRateThrottle):
    """Per client address, whoever the caller is (the endpoint authenticates no one)."""

    scope = "public_verify"

    def get_rate(self) -> str | None:
        rate = self.THROTTLE_RATES.get(self.scope)
        return str(rate or getattr(settings, "SIFARA_PUBLIC_VERIFY_API_RATE", DEFAULT_RATE))

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# --- serializers (read-only projections of public_selectors' dataclasses) ---------------
# Enumerations are documented inline so their names never collide with other modules' enums.


@extend_schema_field({"type": "string", "enum": [r.value for r in selectors.VerifyResult]})
class _ResultField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": [k.value for k in selectors.MatchKind]})
class _MatchKindField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ["documented", "suspended", "retired"]})
class _PublicStatusField(serializers.CharField):
    pass


class PublicUnitSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    kind = serializers.CharField()
    name_en = serializers.CharField()
    name_ar = serializers.CharField()


class PublicAccountSerializer(serializers.Serializer[Any]):
    unit = PublicUnitSerializer()
    platform = serializers.CharField(source="platform.code")
    platform_name_en = serializers.CharField(source="platform.name_en")
    platform_name_ar = serializers.CharField(source="platform.name_ar")
    handle = serializers.CharField()
    profile_url = serializers.CharField()
    kind = serializers.CharField()
    display_name_en = serializers.CharField()
    display_name_ar = serializers.CharField()
    office_title_en = serializers.CharField()
    office_title_ar = serializers.CharField()
    platform_verified = serializers.BooleanField()
    platform_verified_on = serializers.DateField(allow_null=True)
    documented_on = serializers.DateField(allow_null=True)
    status = _PublicStatusField()


class PublicImpersonatorSerializer(serializers.Serializer[Any]):
    platform = serializers.CharField(source="platform.code")
    handle = serializers.CharField()
    reported_on = serializers.DateField(allow_null=True)
    removed = serializers.BooleanField()
    imitates = PublicAccountSerializer(allow_null=True)


class VerifyMatchSerializer(serializers.Serializer[Any]):
    kind = _MatchKindField()
    account = PublicAccountSerializer(allow_null=True)
    impersonator = PublicImpersonatorSerializer(allow_null=True)


class PublicReferenceSerializer(serializers.Serializer[Any]):
    platform = serializers.CharField(allow_null=True)
    handle = serializers.CharField()
    by_id = serializers.BooleanField()


class VerifyResponseSerializer(serializers.Serializer[Any]):
    result = _ResultField()
    reference = PublicReferenceSerializer()
    matches = VerifyMatchSerializer(many=True)


class PublicErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class PublicErrorSerializer(serializers.Serializer[Any]):
    error = PublicErrorDetailSerializer()


class _OneAnswerSchema(AutoSchema):
    """The ``list`` route answers one object, not a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class PublicVerifyViewSet(viewsets.ViewSet):
    """Is this account official? Public, unauthenticated, throttled."""

    schema = _OneAnswerSchema()

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle, PublicVerifyThrottle]

    @extend_schema(
        operation_id="public_verify",
        summary="Is this account official?",
        description=(
            "Public and unauthenticated. `q` is a profile link or a handle in any usual "
            "form (`@handle`, `x.com/handle`, `twitter.com/handle?s=20`, `t.me/handle`, "
            "mobile and share links); `platform` (a platform code such as `x`) is needed "
            "only to narrow a bare handle, which is otherwise looked up on every platform. "
            "`result` is `official` when any match is a documented account, else "
            "`impersonator` when any is a confirmed impersonator, else `not_found` "
            "(suspended and retired accounts appear as `former_official` matches)."
        ),
        auth=[],
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                description="Profile link or handle.",
            ),
            OpenApiParameter(
                "platform",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description="Platform code for a bare handle.",
            ),
        ],
        responses={
            200: VerifyResponseSerializer,
            400: OpenApiResponse(
                PublicErrorSerializer, description="Unusable input (`invalid_account_reference`)."
            ),
            429: OpenApiResponse(PublicErrorSerializer, description="Too many requests."),
        },
        tags=["public"],
    )
    def list(self, request: Request) -> Response:
        outcome = selectors.account_verify(
            text=str(request.query_params.get("q", ""))[:2000],
            platform=str(request.query_params.get("platform", ""))[:60] or None,
        )
        return Response(VerifyResponseSerializer(outcome).data)


def register(router: DefaultRouter) -> None:
    router.register("public/verify", PublicVerifyViewSet, basename="public-verify")
