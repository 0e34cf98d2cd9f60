"""Reads of the directory, permission-checked through :mod:`sifara.core.policy`."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sifara.core import i18n, policy
from sifara.core.text import query_terms
from sifara.directory.models import MISSION_KINDS, Country, Membership, Unit, UnitKind, User


def unit_list_for_user(
    *,
    user: User,
    kind: str = "",
    country: str = "",
    query: str = "",
    include_inactive: bool = False,
) -> QuerySet[Unit]:
    if not policy.can(user, "directory.view"):
        return Unit.objects.none()
    qs = Unit.objects.select_related("host_country", "parent").annotate(
        member_count=Count("memberships__user", distinct=True)
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if kind == "mission":
        qs = qs.filter(kind__in=MISSION_KINDS)
    elif kind in UnitKind.values:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(Q(host_country_id=country.upper()) | Q(accredited_countries=country.upper()))
    for term in query_terms(query):
        qs = qs.filter(
            Q(name_en__icontains=term)
            | Q(name_ar__icontains=term)
            | Q(city_en__icontains=term)
            | Q(city_ar__icontains=term)
            | Q(code__icontains=term)
            | Q(host_country__name_en__icontains=term)
            | Q(host_country__name_ar__icontains=term)
        )
    return qs.distinct().order_by("kind", "name_en")


def unit_get_for_user(*, user: User, unit_id: int) -> Unit:
    if not policy.can(user, "directory.view"):
        raise Http404
    try:
        return (
            Unit.objects.select_related("host_country", "parent")
            .prefetch_related("accredited_countries", "children")
            .get(pk=unit_id)
        )
    except Unit.DoesNotExist as exc:
        raise Http404 from exc


def unit_members_for_user(*, user: User, unit: Unit) -> list[Membership]:
    members = list(
        Membership.objects.filter(unit=unit, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return [m for m in members if policy.may_view_person(user, m.user)]


def person_list_for_user(
    *, user: User, query: str = "", unit_id: int | None = None, role: str = ""
) -> QuerySet[User]:
    if not policy.can(user, "directory.view"):
        return User.objects.none()
    qs = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
    )
    if not policy.can(user, "directory.view_all_people"):
        qs = qs.filter(Q(pk=user.pk) | Q(memberships__unit_id__in=policy.unit_ids(user)))
    if unit_id:
        qs = qs.filter(memberships__unit_id=unit_id)
    if role:
        qs = qs.filter(memberships__role=role)
    for term in query_terms(query):
        qs = qs.filter(
            Q(username__icontains=term)
            | Q(full_name_en__icontains=term)
            | Q(full_name_ar__icontains=term)
            | Q(email__icontains=term)
        )
    return qs.distinct().order_by("username")


def person_get_for_user(*, user: User, person_id: int) -> User:
    try:
        person = User.objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
        ).get(pk=person_id)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    if not policy.may_view_person(user, person):
        raise Http404
    return person


def country_list() -> QuerySet[Country]:
    return Country.objects.all()


def clock(zone: str) -> dict[str, Any]:
    now = timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(zone))
    return {
        "zone": zone,
        "time": i18n.format_time(now, zone),
        "date": i18n.format_date(local.replace(tzinfo=None)),
        "offset": i18n.utc_offset_label(zone, now),
    }


def dashboard_for_user(*, user: User) -> dict[str, Any]:
    memberships = policy.memberships(user)
    primary = next(
        (m for m in memberships if m.is_primary), memberships[0] if memberships else None
    )
    hq_zone = settings.SIFARA_HQ_TIMEZONE
    clocks = [{"label_key": "hq", **clock(hq_zone)}]
    seen = {hq_zone}
    for membership in memberships:
        unit = membership.unit
        if unit.timezone and unit.timezone not in seen:
            seen.add(unit.timezone)
            clocks.append({"label_key": "unit", "unit": unit, **clock(unit.timezone)})
    counts = {
        "missions": Unit.objects.filter(kind__in=MISSION_KINDS, is_active=True).count(),
        "departments": Unit.objects.filter(kind=UnitKind.HQ_DEPARTMENT, is_active=True).count(),
        "partners": Unit.objects.filter(kind=UnitKind.PARTNER_MINISTRY, is_active=True).count(),
        "countries": Unit.objects.filter(kind__in=MISSION_KINDS, is_active=True)
        .values("host_country")
        .distinct()
        .count(),
    }
    return {
        "memberships": memberships,
        "primary": primary,
        "clocks": clocks,
        "counts": counts,
        "roles": sorted({m.get_role_display() for m in memberships}),
    }
