"""DRF authentication: hashed, scoped, expiring, revocable API tokens; and
sessions only once two-factor is verified."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer sfr_<prefix>_<secret>``."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Malformed API token.")) from exc
        from sifara.identity.services import api_token_authenticate

        django_request: HttpRequest = request._request
        token = api_token_authenticate(raw=raw, request=django_request)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Session auth (with CSRF) that accepts only a two-factor-verified session."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if not getattr(user, "is_verified", lambda: False)():
            return None
        return result
