"""The registry in Django's admin.

Platforms are configuration: administrators (superusers with a verified
second factor) may add one here. Everything else is read-only: changes go
through the registry pages and API, which check policy and write the audit
trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sifara.accounts.models import (
    AccountAudit,
    OfficialAccount,
    PersonalAccount,
    Platform,
    PlatformUsage,
    SecurityPosture,
)
from sifara.directory.admin import ReadOnlyAdmin


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin[Platform]):
    list_display = ("code", "name_en", "name_ar", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_en", "name_ar")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts refer to platforms; deactivate instead


@admin.register(OfficialAccount)
class OfficialAccountAdmin(ReadOnlyAdmin):
    list_display = ("handle", "platform", "unit", "kind", "status", "platform_verified")
    list_filter = ("platform", "status", "kind")
    search_fields = ("handle", "display_name_en", "display_name_ar", "unit__code")


@admin.register(SecurityPosture)
class SecurityPostureAdmin(ReadOnlyAdmin):
    list_display = ("account", "risk_score", "two_factor_enabled", "last_audit_on")
    ordering = ("-risk_score",)


@admin.register(AccountAudit)
class AccountAuditAdmin(ReadOnlyAdmin):
    list_display = ("account", "audited_on", "auditor", "passed")


@admin.register(PlatformUsage)
class PlatformUsageAdmin(ReadOnlyAdmin):
    list_display = ("country", "platform", "share_percent", "source", "as_of")
    list_filter = ("platform",)


@admin.register(PersonalAccount)
class PersonalAccountAdmin(ReadOnlyAdmin):
    list_display = ("handle", "platform", "person")
