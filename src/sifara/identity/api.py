"""Identity API: the caller's own API tokens (list, one, revoke).

Only a two-factor-verified *session* may manage tokens: a token cannot list
or revoke tokens, so a leaked token cannot be used to hide itself or others.
Tokens are created on the page, where the value is shown once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from sifara.identity import selectors, services
from sifara.identity.models import ApiToken
from sifara.identity.permissions import IsVerifiedUser


class SessionOnly(permissions.BasePermission):
    """Refuse callers authenticated by an API token."""

    message = _("API tokens cannot manage API tokens; sign in to the web application.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(request.auth, ApiToken)


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "is_active",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List the caller's API tokens"),
    retrieve=extend_schema(summary="One of the caller's API tokens"),
    destroy=extend_schema(summary="Revoke one of the caller's API tokens"),
)
class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    serializer_class = ApiTokenSerializer
    permission_classes = [IsVerifiedUser, SessionOnly]
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.api_token_list_for_user(user=self.request.user)

    def get_object(self) -> ApiToken:
        return selectors.api_token_get_for_user(
            user=self.request.user, token_id=int(self.kwargs["pk"])
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = self.get_object()
        services.api_token_revoke(actor=request.user, token=token, request=request._request)
        return Response(self.get_serializer(token).data)


def register(router: DefaultRouter) -> None:
    router.register("tokens", ApiTokenViewSet, basename="api-token")
