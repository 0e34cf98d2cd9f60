"""The audit trail in the Django admin: read-only, for administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sifara.audit.models import AuditEvent
from sifara.core import policy


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = (
        "seq",
        "occurred_at",
        "actor_label",
        "action",
        "target_type",
        "target_label",
        "source_ip",
    )
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "action", "target_label")
    date_hierarchy = "occurred_at"
    ordering = ("-seq",)
    list_per_page = 100
    show_full_result_count = False
    readonly_fields = tuple(field.name for field in AuditEvent._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can(request.user, "audit.view") or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can(request.user, "audit.view") or super().has_module_permission(request)
