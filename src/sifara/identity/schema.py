"""OpenAPI description of the two ways to call the API (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "sifara.identity.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sfr_<prefix>_<secret>",
            "description": "Personal API token, created on the API tokens page.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "sifara.identity.authentication.VerifiedSessionAuthentication"
    name = "verifiedSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Browser session after password and two-factor sign-in (CSRF applies).",
        }
