"""DRF permissions: verified user, and token scopes mapped to policy capabilities."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from sifara.core import policy
from sifara.identity.models import ApiToken


class IsVerifiedUser(permissions.BasePermission):
    """Authenticated by an active API token or a two-factor-verified session."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class ScopePermission(permissions.BasePermission):
    """Views declare ``required_scopes = {"read": "directory:read", "write": "directory:write"}``.

    A token must carry the scope; token or session, the user must also hold the
    capability behind the scope *now* (roles may have changed since the token
    was created).
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        scopes: dict[str, str] = getattr(view, "required_scopes", {})
        kind = "read" if request.method in permissions.SAFE_METHODS else "write"
        scope = scopes.get(kind)
        if scope is None:
            return False
        if isinstance(request.auth, ApiToken) and scope not in request.auth.scopes:
            return False
        return policy.can(request.user, policy.TOKEN_SCOPES[scope])
