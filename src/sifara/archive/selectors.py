"""Reads of the archive, permission-checked through :mod:`sifara.core.policy`.
Not-visible and not-existing answer the same (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sifara.archive.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementParty,
    AgreementRelation,
    ArchiveFile,
    Reminder,
    ReminderKind,
    Topic,
)
from sifara.core import policy
from sifara.core.models import Classification
from sifara.directory.models import Country, Unit, UnitKind, User

FACETS = ("country", "ministry", "topic", "type", "status", "year")


def agreement_visible_q(user: User) -> Q:
    """The query form of :func:`sifara.core.policy.may_see_agreement`."""
    if not policy.can(user, "archive.view"):
        return Q(pk__in=[])
    mine = list(policy.unit_ids(user))
    by_ministry = Q(
        pk__in=Agreement.ministries.through.objects.filter(unit_id__in=mine).values("agreement_id")
    )
    cleared = Q(classification__lte=int(user.clearance))
    if not policy.archive_sees_all_unclassified(user):
        return cleared & by_ministry
    granted = Q(
        pk__in=Agreement.granted_users.through.objects.filter(user_id=user.pk).values(
            "agreement_id"
        )
    )
    need_to_know = Q(owner_unit_id__in=mine) | by_ministry | granted
    return cleared & (Q(classification=Classification.UNCLASSIFIED) | need_to_know)


def agreements_for_user(*, user: User) -> QuerySet[Agreement]:
    return Agreement.objects.filter(agreement_visible_q(user))


def _may_see(user: User, agreement: Agreement, classification: int | None = None) -> bool:
    return policy.may_see_agreement(
        user,
        classification=int(
            classification if classification is not None else agreement.classification
        ),
        owner_unit_id=agreement.owner_unit_id,
        ministry_unit_ids=[u.pk for u in agreement.ministries.all()],
        granted_user_ids=[u.pk for u in agreement.granted_users.all()],
    )


def agreement_list_for_user(
    *,
    user: User,
    country: str = "",
    ministry: str = "",
    topic: str = "",
    kind: str = "",
    status: str = "",
    year: str = "",
) -> QuerySet[Agreement]:
    """Visible agreements with optional filters (codes as in the search facets)."""
    qs = agreements_for_user(user=user)
    if country:
        qs = qs.filter(
            pk__in=AgreementParty.objects.filter(country_id=country.upper()[:2]).values(
                "agreement_id"
            )
        )
    if ministry:
        qs = qs.filter(
            pk__in=Agreement.ministries.through.objects.filter(unit__code=ministry).values(
                "agreement_id"
            )
        )
    if topic:
        qs = qs.filter(
            pk__in=Agreement.topics.through.objects.filter(topic__code=topic).values("agreement_id")
        )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year.isdigit() and len(year) == 4:
        qs = qs.filter(signed_on__year=int(year))
    return (
        qs.select_related("owner_unit")
        .prefetch_related("parties__country", "ministries", "topics")
        .order_by("-signed_on", "-id")
    )


def agreement_get_for_user(*, user: User, agreement_id: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related("owner_unit", "created_by")
        .prefetch_related("ministries", "topics", "granted_users")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not _may_see(user, agreement):
        raise Http404
    return agreement


def files_for_user(*, user: User, agreement: Agreement) -> list[ArchiveFile]:
    """The agreement's files the user may see (the higher classification counts)."""
    return [
        f
        for f in agreement.files.select_related("uploaded_by").order_by("role", "language", "id")
        if _may_see(user, agreement, max(int(f.classification), int(agreement.classification)))
    ]


def file_get_for_user(*, user: User, file_id: int) -> ArchiveFile:
    archive_file = (
        ArchiveFile.objects.select_related("agreement", "data_key")
        .prefetch_related("agreement__ministries", "agreement__granted_users")
        .filter(pk=file_id)
        .first()
    )
    if archive_file is None:
        raise Http404
    level = max(int(archive_file.classification), int(archive_file.agreement.classification))
    if not _may_see(user, archive_file.agreement, level):
        raise Http404
    return archive_file


def parties_of(agreement: Agreement) -> list[AgreementParty]:
    return list(agreement.parties.select_related("country").prefetch_related("actions"))


@dataclass
class RelatedAgreement:
    kind: str
    label: str
    agreement: Agreement
    outgoing: bool


def relations_for_user(*, user: User, agreement: Agreement) -> list[RelatedAgreement]:
    """Relations to agreements the user may also see."""
    visible = agreements_for_user(user=user).values("pk")
    out: list[RelatedAgreement] = []
    for rel in AgreementRelation.objects.filter(
        source=agreement, target__in=visible
    ).select_related("target"):
        out.append(RelatedAgreement(rel.kind, rel.get_kind_display(), rel.target, True))
    for rel in AgreementRelation.objects.filter(
        target=agreement, source__in=visible
    ).select_related("source"):
        out.append(RelatedAgreement(rel.kind, rel.get_kind_display(), rel.source, False))
    return out


def topic_list(*, active_only: bool = True) -> QuerySet[Topic]:
    qs = Topic.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def partner_ministries() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.PARTNER_MINISTRY, is_active=True).order_by("name_en")


def ministry_get(*, unit_id: int) -> Unit:
    unit = partner_ministries().filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def country_get(*, code: str) -> Country:
    country = Country.objects.filter(code=code.upper()[:2]).first()
    if country is None:
        raise Http404
    return country


# --- Search -----------------------------------------------------------------------


@dataclass
class SearchRow:
    agreement: Agreement
    score: float
    snippet: str
    files: list[str]


@dataclass
class SearchPage:
    rows: list[SearchRow]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def agreement_search_for_user(
    *,
    user: User | None,
    query: str,
    facets: dict[str, list[str]] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Search the agreements ``user`` may see (through :mod:`sifara.core.search`).

    ``user`` None is the operator's CLI without ``--user`` (full rights)."""
    from sifara.core import search

    restrict = (
        agreements_for_user(user=user).values_list("pk", flat=True) if user is not None else None
    )
    wanted = {k: [v for v in vs if v] for k, vs in (facets or {}).items() if k in FACETS}
    results = search.search(
        kind="agreement",
        query=query,
        facets={k: v for k, v in wanted.items() if v},
        restrict_to=restrict,
        limit=limit,
        offset=offset,
    )
    ids = [hit.object_id for hit in results.hits]
    agreements = Agreement.objects.prefetch_related(
        "ministries", "granted_users", "parties__country"
    ).in_bulk(ids)
    rows = []
    for hit in results.hits:
        agreement = agreements.get(hit.object_id)
        if agreement is None:
            continue  # removed since it was indexed
        names = (
            [f.original_name for f in files_for_user(user=user, agreement=agreement)]
            if user is not None
            else list(agreement.files.order_by("id").values_list("original_name", flat=True))
        )
        rows.append(
            SearchRow(agreement=agreement, score=hit.score, snippet=hit.snippet, files=names)
        )
    return SearchPage(rows=rows, total=results.total, facets=results.facets)


# --- Timeline and deadlines -------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    kind: str  # "signature" | "expiry"
    agreement: Agreement


def timeline_for_user(*, user: User, year_from: int, year_to: int) -> list[TimelineEvent]:
    qs = agreements_for_user(user=user)
    events: list[TimelineEvent] = []
    for agreement in qs.filter(signed_on__year__gte=year_from, signed_on__year__lte=year_to):
        assert agreement.signed_on is not None
        events.append(TimelineEvent(agreement.signed_on, "signature", agreement))
    for agreement in qs.filter(expires_on__year__gte=year_from, expires_on__year__lte=year_to):
        assert agreement.expires_on is not None
        events.append(TimelineEvent(agreement.expires_on, "expiry", agreement))
    events.sort(key=lambda e: (e.on, e.kind, e.agreement.pk))
    return events


@dataclass(frozen=True)
class DueItem:
    agreement: Agreement
    kind: str
    due_on: date
    days_left: int

    @property
    def kind_label(self) -> str:
        return str(ReminderKind(self.kind).label)


def deadlines_for_user(*, user: User, days: int, today: date | None = None) -> list[DueItem]:
    """Expiries and renewal-notice deadlines within ``days`` of ``today``."""
    today = today or timezone.localdate()
    until = today + timedelta(days=days)
    qs = (
        agreements_for_user(user=user)
        .filter(status__in=LIVE_STATUSES, expires_on__gte=today)
        .select_related("owner_unit")
    )
    items: list[DueItem] = []
    for agreement in qs:
        assert agreement.expires_on is not None
        if agreement.expires_on <= until:
            items.append(
                DueItem(
                    agreement,
                    ReminderKind.EXPIRY,
                    agreement.expires_on,
                    (agreement.expires_on - today).days,
                )
            )
        notice = agreement.notice_deadline
        if notice is not None and today <= notice <= until:
            items.append(DueItem(agreement, ReminderKind.NOTICE, notice, (notice - today).days))
    items.sort(key=lambda i: (i.due_on, i.agreement.pk))
    return items


def reminders_for_user(*, user: User, limit: int = 50) -> list[Reminder]:
    """Reminders sent about agreements the user may see (the in-app list)."""
    visible = agreements_for_user(user=user).values("pk")
    return list(
        Reminder.objects.filter(agreement__in=visible)
        .select_related("agreement")
        .order_by("-sent_on", "due_on", "-id")[:limit]
    )


def summary_counts(*, user: User) -> dict[str, Any]:
    qs = agreements_for_user(user=user)
    return {"total": qs.count(), "in_force": qs.filter(status="in_force").count()}
