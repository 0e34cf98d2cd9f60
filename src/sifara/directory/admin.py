"""The directory in Django's admin: read-only.

Changes to units, people, roles and clearances go through the directory pages
and API, which call the services that check policy and write the audit trail.
The admin (superusers with a verified second factor) is for inspection only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from sifara.directory.models import Country, Membership, Unit, User


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_en", "name_ar", "kind", "host_country", "timezone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_en", "name_ar", "city_en", "city_ar")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = (
        "username",
        "full_name_en",
        "full_name_ar",
        "clearance",
        "is_active",
        "last_login",
    )
    list_filter = ("clearance", "is_active")
    search_fields = ("username", "full_name_en", "full_name_ar", "email")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "unit", "role", "is_primary")
    list_filter = ("role",)


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("code", "alpha3", "name_en", "name_ar")
    search_fields = ("code", "name_en", "name_ar")


# Sifara's permissions come from roles in units (core.policy), not Django groups.
admin.site.unregister(Group)
