"""Reads of the cables module. Every read is checked by ``core.policy``:
invisible and non-existent cables answer the same (404).

Used by other modules (operations rooms): :func:`cable_list_for_user` and
:func:`cable_get_for_user`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sifara.cables import content
from sifara.cables.handling import current
from sifara.cables.models import (
    Acknowledgement,
    AddresseeKind,
    Cable,
    CableStatus,
    Clearance,
    ClearanceStatus,
    Delivery,
    DutyOfficer,
    Notice,
)
from sifara.cables.services import may_release, may_see
from sifara.core import policy
from sifara.core import search as search_facade
from sifara.core.errors import NotFoundError
from sifara.directory.models import Unit, User

ACK_STATES = ("pending", "acknowledged", "overdue")


def cable_list_for_user(*, user: User | Any) -> QuerySet[Cable]:
    """Every cable ``user`` may see (drafts of their units included)."""
    return Cable.objects.filter(policy.cable_visibility_q(user))


def cable_get_for_user(*, user: User | Any, cable_id: int) -> Cable:
    """One cable ``user`` may see, or :class:`NotFoundError` (404) — the same
    answer for a cable that does not exist and one that is not visible."""
    cable = (
        cable_list_for_user(user=user)
        .select_related(
            "drafting_unit",
            "drafter",
            "released_by",
            "recalled_by",
            "data_key",
            "signing_key",
            "signing_key__data_key",
            "in_reply_to",
        )
        .filter(pk=cable_id)
        .first()
    )
    if cable is None:
        raise NotFoundError(_("No such cable."))
    return cable


def cable_open_for_user(*, user: User | Any, cable_id: int) -> content.OpenedCable:
    """Decrypted and verified content of one visible cable (see content.open_cable)."""
    return content.open_cable(cable_get_for_user(user=user, cable_id=cable_id))


# --- Filters -------------------------------------------------------------------


@dataclass
class CableFilters:
    tag: str = ""
    country: str = ""
    precedence: int | None = None
    classification: int | None = None
    sender_id: int | None = None
    addressee_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    ack: str = ""
    kind: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def filter_cables(
    cables: QuerySet[Cable], filters: CableFilters, *, now: datetime | None = None
) -> QuerySet[Cable]:
    """Plain database filters on a (visible) cable queryset."""
    moment = current(now)
    if filters.tag:
        cables = cables.filter(tags_index__contains=f" {filters.tag.upper()} ")
    if filters.country:
        cables = cables.filter(tags_index__contains=f" {filters.country.upper()} ")
    if filters.precedence is not None:
        cables = cables.filter(precedence=filters.precedence)
    if filters.classification is not None:
        cables = cables.filter(classification=filters.classification)
    if filters.sender_id:
        cables = cables.filter(drafting_unit_id=filters.sender_id)
    if filters.addressee_id:
        cables = cables.filter(
            Exists(Delivery.objects.filter(cable=OuterRef("pk"), unit_id=filters.addressee_id))
        )
    if filters.date_from:
        cables = cables.filter(released_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        cables = cables.filter(released_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.ack in ACK_STATES:
        waiting = Delivery.objects.filter(
            cable=OuterRef("pk"), requires_ack=True, acknowledged_at__isnull=True
        )
        if filters.ack == "acknowledged":
            cables = cables.filter(
                Exists(Delivery.objects.filter(cable=OuterRef("pk"), requires_ack=True)),
                ~Exists(waiting),
            )
        elif filters.ack == "pending":
            cables = cables.filter(Exists(waiting), status=CableStatus.RELEASED)
        else:
            cables = cables.filter(
                Exists(waiting.filter(due_at__lt=moment)), status=CableStatus.RELEASED
            )
    return cables


def filter_deliveries(
    deliveries: QuerySet[Delivery], filters: CableFilters, *, now: datetime | None = None
) -> QuerySet[Delivery]:
    """The same filters on an inbox (one unit's deliveries; fields copied at release)."""
    moment = current(now)
    if filters.tag:
        deliveries = deliveries.filter(tags_index__contains=f" {filters.tag.upper()} ")
    if filters.country:
        deliveries = deliveries.filter(tags_index__contains=f" {filters.country.upper()} ")
    if filters.precedence is not None:
        deliveries = deliveries.filter(precedence=filters.precedence)
    if filters.classification is not None:
        deliveries = deliveries.filter(classification=filters.classification)
    if filters.sender_id:
        deliveries = deliveries.filter(sender_unit_id=filters.sender_id)
    if filters.date_from:
        deliveries = deliveries.filter(delivered_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        deliveries = deliveries.filter(
            delivered_at__lt=_day_start(filters.date_to + timedelta(days=1))
        )
    if filters.kind in AddresseeKind.values:
        deliveries = deliveries.filter(kind=filters.kind)
    if filters.ack == "acknowledged":
        deliveries = deliveries.filter(acknowledged_at__isnull=False)
    elif filters.ack == "pending":
        # ``__in=[True]`` compiles to an equality SQLite can use in the
        # (unit, requires_ack, acknowledged_at, delivered_at) index.
        deliveries = deliveries.filter(requires_ack__in=[True], acknowledged_at__isnull=True)
    elif filters.ack == "overdue":
        deliveries = deliveries.filter(
            requires_ack__in=[True], acknowledged_at__isnull=True, due_at__lt=moment
        )
    return deliveries


# --- Inbox, drafts, sent ----------------------------------------------------------


def inbox_units_for_user(*, user: User | Any) -> list[Unit]:
    """The units whose inbox the user reads (their active units), primary first."""
    if not policy.can(user, "cables.view"):
        return []
    seen: dict[int, Unit] = {}
    for m in sorted(policy.memberships(user), key=lambda m: (not m.is_primary, m.unit.name_en)):
        seen.setdefault(m.unit_id, m.unit)
    return list(seen.values())


def inbox_for_user(
    *,
    user: User | Any,
    unit_id: int,
    filters: CableFilters | None = None,
    now: datetime | None = None,
) -> QuerySet[Delivery]:
    """One unit's inbox as the user may read it, newest first (404 if the user
    is not a member of the unit)."""
    if unit_id not in {u.pk for u in inbox_units_for_user(user=user)}:
        raise NotFoundError(_("No such inbox."))
    deliveries = Delivery.objects.filter(policy.cable_inbox_q(user, unit_id=unit_id))
    deliveries = filter_deliveries(deliveries, filters or CableFilters(), now=now)
    return (
        deliveries.select_related("cable", "cable__data_key", "cable__drafting_unit")
        .only(*INBOX_COLUMNS)
        .order_by("-delivered_at", "-id")
    )


#: What an inbox row shows (loading only these keeps a page of 25 cheap).
INBOX_COLUMNS = (
    "id",
    "cable_id",
    "unit_id",
    "kind",
    "delivered_at",
    "classification",
    "precedence",
    "requires_ack",
    "acknowledged_at",
    "due_at",
    "cable__id",
    "cable__reference",
    "cable__status",
    "cable__classification",
    "cable__precedence",
    "cable__tags",
    "cable__subject_text",
    "cable__subject_sealed",
    "cable__data_key_id",
    "cable__drafting_unit_id",
    "cable__drafting_unit__id",
    "cable__drafting_unit__kind",
    "cable__drafting_unit__code",
    "cable__drafting_unit__name_en",
    "cable__drafting_unit__name_ar",
    "cable__drafting_unit__city_en",
    "cable__drafting_unit__city_ar",
    "cable__drafting_unit__timezone",
    "cable__data_key__id",
    "cable__data_key__uid",
    "cable__data_key__master_key_id",
    "cable__data_key__wrapped",
)


def drafts_for_user(*, user: User | Any) -> QuerySet[Cable]:
    """Drafts the user may see: their units' drafts and drafts they were asked to clear."""
    return (
        cable_list_for_user(user=user)
        .filter(status=CableStatus.DRAFT)
        .select_related("drafting_unit", "drafter", "data_key")
        .order_by("-updated_at")
    )


def clearances_pending_for_user(*, user: User | Any) -> QuerySet[Clearance]:
    # A clearer reads the draft through the personal route of the cable rule
    # (policy.may_see_cable): clearance and the cables.view capability suffice.
    if not policy.can(user, "cables.view"):
        return Clearance.objects.none()
    return Clearance.objects.filter(
        clearer=user,
        status=ClearanceStatus.PENDING,
        cable__status=CableStatus.DRAFT,
        cable__classification__lte=int(user.clearance),
    ).select_related("cable", "cable__drafting_unit", "cable__data_key", "requested_by")


def sent_for_user(
    *, user: User | Any, filters: CableFilters | None = None, now: datetime | None = None
) -> QuerySet[Cable]:
    """Cables released by the user's units (or by the user), with acknowledgement counts."""
    mine = sorted(policy.unit_ids(user))
    cables = (
        cable_list_for_user(user=user)
        .filter(Q(drafting_unit_id__in=mine) | Q(released_by_id=user.pk))
        .exclude(status=CableStatus.DRAFT)
    )
    cables = filter_cables(cables, filters or CableFilters(), now=now)
    return (
        cables.select_related("drafting_unit", "data_key")
        .annotate(
            ack_required=Count("deliveries", filter=Q(deliveries__requires_ack=True)),
            ack_done=Count(
                "deliveries",
                filter=Q(deliveries__requires_ack=True, deliveries__acknowledged_at__isnull=False),
            ),
            ack_overdue=Count(
                "deliveries",
                filter=Q(
                    deliveries__requires_ack=True,
                    deliveries__acknowledged_at__isnull=True,
                    deliveries__due_at__lt=current(now),
                ),
            ),
        )
        .order_by("-released_at", "-id")
    )


# --- One cable: thread, acknowledgements, actions ---------------------------------


def thread_for_user(*, user: User | Any, cable: Cable) -> list[Cable]:
    """The whole exchange the cable belongs to, as far as the user may see it:
    from the first cable down through every reply, in release order."""
    visible = cable_list_for_user(user=user).exclude(status=CableStatus.DRAFT)
    root = cable
    hops = 0
    while root.in_reply_to_id is not None and hops < 50:
        parent = visible.filter(pk=root.in_reply_to_id).first()
        if parent is None:
            break
        root, hops = parent, hops + 1
    thread = [root]
    frontier = [root.pk]
    while frontier and len(thread) < 200:
        children = list(
            visible.filter(in_reply_to_id__in=frontier).select_related("drafting_unit", "data_key")
        )
        thread.extend(children)
        frontier = [c.pk for c in children]
    if len(thread) == 1 and cable.status != CableStatus.DRAFT:
        return []
    return sorted(thread, key=lambda c: (c.released_at or timezone.now(), c.pk))


@dataclass
class DeliveryRow:
    delivery: Delivery
    acknowledgements: list[Acknowledgement]
    overdue: bool
    state: str
    local_tz: str


def unit_timezone(unit: Unit | None) -> str:
    return (
        unit.timezone if unit is not None and unit.timezone else ""
    ) or settings.SIFARA_HQ_TIMEZONE


def delivery_board_for_user(
    *, user: User | Any, cable: Cable, now: datetime | None = None
) -> list[DeliveryRow] | None:
    """Who has the cable, who read and acknowledged it and when, who is overdue.
    Shown to the drafting side (drafting unit, drafter, releaser); addressees
    see only their own units' rows. None for drafts."""
    if cable.status == CableStatus.DRAFT:
        return None
    moment = current(now)
    drafting_side = (
        cable.drafting_unit_id in policy.unit_ids(user)
        or cable.drafter_id == user.pk
        or cable.released_by_id == user.pk
    )
    deliveries = cable.deliveries.select_related("unit", "acknowledged_by")
    if not drafting_side:
        deliveries = deliveries.filter(unit_id__in=policy.unit_ids(user))
    acks: dict[int, list[Acknowledgement]] = {}
    for ack in Acknowledgement.objects.filter(delivery__cable=cable).select_related("user"):
        acks.setdefault(ack.delivery_id, []).append(ack)
    rows = []
    for d in deliveries:
        overdue = bool(
            d.requires_ack
            and d.acknowledged_at is None
            and d.due_at is not None
            and d.due_at < moment
            and cable.status == CableStatus.RELEASED
        )
        if d.acknowledged_at is not None:
            state = "acknowledged"
        elif overdue:
            state = "overdue"
        elif d.requires_ack:
            state = "awaiting"
        elif d.first_read_at is not None:
            state = "read"
        else:
            state = "delivered"
        rows.append(DeliveryRow(d, acks.get(d.pk, []), overdue, state, unit_timezone(d.unit)))
    return rows


def my_deliveries(*, user: User | Any, cable: Cable) -> list[Delivery]:
    """The deliveries of ``cable`` to the user's units that the user may acknowledge."""
    return [
        d
        for d in cable.deliveries.filter(
            unit_id__in=policy.unit_ids(user), delivered_at__isnull=False
        ).select_related("unit")
        if policy.may_acknowledge_cable(user, unit_id=d.unit_id)
    ]


def user_has_acknowledged(*, user: User | Any, cable: Cable) -> bool:
    return Acknowledgement.objects.filter(delivery__cable=cable, user=user).exists()


@dataclass
class CableActions:
    can_edit: bool
    can_release: bool
    can_recall: bool
    can_clear: bool
    can_acknowledge: bool
    has_acknowledged: bool
    can_reply: bool
    can_grant: bool
    pending_clearances: int


def actions_for_user(*, user: User | Any, cable: Cable) -> CableActions:
    draft = cable.status == CableStatus.DRAFT
    editable = draft and policy.may_draft_cable(user, unit_id=cable.drafting_unit_id)
    mine = my_deliveries(user=user, cable=cable) if cable.status == CableStatus.RELEASED else []
    pending = cable.clearances.filter(status=ClearanceStatus.PENDING).count() if draft else 0
    return CableActions(
        can_edit=editable,
        can_release=draft and may_release(user, cable),
        can_recall=cable.status == CableStatus.RELEASED and may_release(user, cable),
        can_clear=draft
        and cable.clearances.filter(clearer=user, status=ClearanceStatus.PENDING).exists(),
        can_acknowledge=bool(mine),
        has_acknowledged=bool(mine) and user_has_acknowledged(user=user, cable=cable),
        can_reply=cable.status != CableStatus.DRAFT and policy.can(user, "cables.draft"),
        can_grant=cable.status != CableStatus.DRAFT and may_release(user, cable),
        pending_clearances=pending,
    )


def duty_roster_for_unit(*, user: User | Any, unit_id: int) -> list[DutyOfficer]:
    if unit_id not in policy.unit_ids(user):
        raise NotFoundError(_("No such unit."))
    return list(DutyOfficer.objects.filter(unit_id=unit_id).select_related("user"))


def notices_for_user(*, user: User | Any, limit: int = 20) -> list[Notice]:
    return list(
        Notice.objects.filter(user=user)
        .select_related("delivery__cable__drafting_unit")
        .order_by("-created_at", "-id")[:limit]
    )


# --- Search -----------------------------------------------------------------------


@dataclass
class SearchPage:
    cables: list[Cable]
    total: int


def cable_search_for_user(
    *,
    user: User | Any,
    query: str,
    filters: CableFilters | None = None,
    limit: int = 25,
    offset: int = 0,
    now: datetime | None = None,
) -> SearchPage:
    """Text (through the blind index, see cables.search) and plain database
    filters, only over cables the user may see. With no words, the filters
    alone list cables, newest first."""
    from sifara.cables.search import KIND, query_tokens

    visible = filter_cables(
        cable_list_for_user(user=user).exclude(status=CableStatus.DRAFT),
        filters or CableFilters(),
        now=now,
    )
    words = query_tokens(query) if query.strip() else ""
    if query.strip() and not words:
        return SearchPage([], 0)
    if not words:
        total = visible.count()
        page = list(
            visible.select_related("drafting_unit", "data_key").order_by("-released_at", "-id")[
                offset : offset + limit
            ]
        )
        return SearchPage(page, total)
    results = search_facade.search(
        kind=KIND,
        query=words,
        restrict_to=visible.values("id"),
        limit=limit,
        offset=offset,
        count_facets=False,
    )
    ids = [hit.object_id for hit in results.hits]
    by_id = Cable.objects.select_related("drafting_unit", "data_key").in_bulk(ids)
    return SearchPage([by_id[i] for i in ids if i in by_id], results.total)


__all__ = [
    "CableFilters",
    "cable_get_for_user",
    "cable_list_for_user",
    "may_see",
]
