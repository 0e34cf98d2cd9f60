"""Reads of the operations rooms module, every one checked against
:mod:`sifara.core.policy` with the viewer. A room the viewer is not a member of
answers the same as a room that does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sifara.core import crypto, policy
from sifara.core.errors import NotFoundError
from sifara.directory.models import User
from sifara.rooms.checklists import PHASE_ORDER
from sifara.rooms.models import (
    ChecklistItem,
    EntryKind,
    GuestAccount,
    OperationsRoom,
    Phase,
    RoomCable,
    RoomEntry,
    RoomMember,
    RoomRole,
    RoomTask,
)


def room_not_found() -> NotFoundError:
    return NotFoundError(_("This operations room does not exist or you are not a member of it."))


def room_role_for_user(*, user: User | Any, room: OperationsRoom) -> str | None:
    """The viewer's per-room role, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    role: str | None = (
        RoomMember.objects.filter(room=room, user=user).values_list("role", flat=True).first()
    )
    return role


def room_list_for_user(*, user: User, status: str | None = None) -> QuerySet[OperationsRoom]:
    """Rooms the user is a member of (newest first)."""
    if not policy.is_active_account(user):
        return OperationsRoom.objects.none()
    rooms = OperationsRoom.objects.filter(members__user=user).select_related("lead_unit")
    if status:
        rooms = rooms.filter(status=status)
    return rooms.order_by("status", "-created_at").distinct()


def room_get_for_user(*, user: User | Any, room_id: int) -> tuple[OperationsRoom, str]:
    """The room and the viewer's role in it; 404 unless the viewer is a member."""
    room = (
        OperationsRoom.objects.select_related("lead_unit", "opened_by").filter(pk=room_id).first()
    )
    if room is None:
        raise room_not_found()
    role = room_role_for_user(user=user, room=room)
    if not policy.may_see_room(user, room_role=role):
        raise room_not_found()
    assert role is not None
    return room, role


def user_is_room_guest_only(*, user: User | Any) -> bool:
    """An outside guest: no membership in any active unit, and an account made
    by a room invitation or a guest seat in some room."""
    if not policy.is_active_account(user) or policy.memberships(user):
        return False
    return (
        GuestAccount.objects.filter(user=user).exists()
        or RoomMember.objects.filter(user=user, role=RoomRole.GUEST).exists()
    )


# --- timeline -----------------------------------------------------------------------


@dataclass
class EntryView:
    entry: RoomEntry
    text: str
    readable: bool = True

    @property
    def pk(self) -> int:
        return int(self.entry.pk)


def entry_text(entry: RoomEntry, room: OperationsRoom) -> tuple[str, bool]:
    """The entry's text (decrypted if classified) and whether it could be read."""
    if entry.body_encrypted is None:
        return entry.body, True
    if room.data_key is None:
        return "", False
    try:
        return (
            crypto.decrypt_text(
                bytes(entry.body_encrypted),
                key=room.data_key,
                context=entry_context(room_id=room.pk, entry_id=entry.pk),
            ),
            True,
        )
    except crypto.DecryptionError:
        return "", False


def entry_context(*, room_id: int, entry_id: int) -> bytes:
    return f"rooms:{room_id}:entry:{entry_id}:body".encode()


def entry_list_for_user(
    *,
    user: User | Any,
    room: OperationsRoom,
    after_id: int | None = None,
    kinds: list[str] | None = None,
    limit: int | None = None,
) -> list[EntryView]:
    """Timeline entries the viewer may read (membership and clearance), newest first."""
    role = room_role_for_user(user=user, room=room)
    if not policy.may_see_room(user, room_role=role):
        raise room_not_found()
    entries = (
        RoomEntry.objects.filter(room=room, classification__lte=int(user.clearance))
        .select_related("author")
        .order_by("-created_at", "-id")
    )
    if after_id is not None:
        entries = entries.filter(pk__gt=after_id)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if limit is not None:
        entries = entries[:limit]
    rows = list(entries)
    lookup = EventLookup.for_codes(room, [e.body for e in rows if e.kind == EntryKind.EVENT])
    views = []
    for entry in rows:
        if not policy.may_see_room_entry(user, room_role=role, classification=entry.classification):
            continue
        if entry.kind == EntryKind.EVENT:
            text, readable = describe_event(entry.body, lookup=lookup), True
        else:
            text, readable = entry_text(entry, room)
        views.append(EntryView(entry=entry, text=text, readable=readable))
    return views


@dataclass
class EventLookup:
    """People, tasks and checklist items named by a batch of room events,
    fetched in three queries (and only within the room)."""

    people: dict[int, User] = field(default_factory=dict)
    tasks: dict[int, RoomTask] = field(default_factory=dict)
    items: dict[int, ChecklistItem] = field(default_factory=dict)

    @classmethod
    def for_codes(cls, room: OperationsRoom, codes: list[str]) -> EventLookup:
        people, tasks, items = set(), set(), set()
        for code in codes:
            name, _sep, rest = code.partition(":")
            first = rest.split(":")[0] if rest else ""
            if not first.isdigit():
                continue
            if name in {"member_added", "member_removed"}:
                people.add(int(first))
            elif name in {"task_created", "task_done"}:
                tasks.add(int(first))
            elif name in {"checklist_done", "checklist_undone"}:
                items.add(int(first))
        return cls(
            people={u.pk: u for u in User.objects.filter(pk__in=people)} if people else {},
            tasks={
                t.pk: t
                for t in RoomTask.objects.filter(room=room, pk__in=tasks).select_related("owner")
            }
            if tasks
            else {},
            items={i.pk: i for i in ChecklistItem.objects.filter(room=room, pk__in=items)}
            if items
            else {},
        )


def describe_event(code: str, *, lookup: EventLookup) -> str:
    """A room event (stored as a code such as ``task_done:12``) in the active language."""
    name, _sep, rest = code.partition(":")
    parts = rest.split(":") if rest else []
    key = int(parts[0]) if parts and parts[0].isdigit() else 0
    if name == "opened":
        return _("opened the room")
    if name == "closed":
        return _("closed the room; its record is now read-only")
    if name == "member_added" and len(parts) == 2:
        person = lookup.people.get(key)
        role = RoomRole(parts[1]).label if parts[1] in RoomRole.values else parts[1]
        return _("added %(name)s as %(role)s") % {
            "name": person.display_name if person else "—",
            "role": role,
        }
    if name == "member_removed" and parts:
        person = lookup.people.get(key)
        return _("removed %(name)s from the room") % {
            "name": person.display_name if person else "—"
        }
    if name in {"task_created", "task_done"} and parts:
        task = lookup.tasks.get(key)
        title = task.title if task else "—"
        if name == "task_created":
            return _("assigned a task to %(owner)s: %(title)s") % {
                "owner": task.owner.display_name if task else "—",
                "title": title,
            }
        return _("completed a task: %(title)s") % {"title": title}
    if name in {"checklist_done", "checklist_undone"} and parts:
        item = lookup.items.get(key)
        text = item.text if item else "—"
        if name == "checklist_done":
            return _("ticked a checklist item: %(item)s") % {"item": text}
        return _("reopened a checklist item: %(item)s") % {"item": text}
    if name == "cable_linked":
        return _("linked a cable to the room")
    return code


def entry_latest_id(*, room: OperationsRoom) -> int:
    """The newest entry id of the room (all levels): the poller's cursor."""
    latest = RoomEntry.objects.filter(room=room).order_by("-id").values_list("id", flat=True)
    return int(latest.first() or 0)


# --- tasks, checklist, members -------------------------------------------------------


@dataclass
class TaskView:
    task: RoomTask
    overdue: bool


def task_list_for_user(
    *, user: User | Any, room: OperationsRoom, now: datetime | None = None
) -> list[TaskView]:
    """The room's tasks (open ones first, by deadline); overdue marked against ``now``."""
    role = room_role_for_user(user=user, room=room)
    if not policy.may_see_room(user, room_role=role):
        raise room_not_found()
    moment = now or timezone.now()
    tasks = RoomTask.objects.filter(room=room).select_related("owner", "done_by")
    return [
        TaskView(task=task, overdue=task.done_at is None and task.due_at < moment) for task in tasks
    ]


@dataclass
class PhaseView:
    phase: str
    label: str
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done_at is not None)


def checklist_for_user(*, user: User | Any, room: OperationsRoom) -> list[PhaseView]:
    role = room_role_for_user(user=user, room=room)
    if not policy.may_see_room(user, room_role=role):
        raise room_not_found()
    phases = {phase: PhaseView(phase=phase, label=str(Phase(phase).label)) for phase in PHASE_ORDER}
    for item in ChecklistItem.objects.filter(room=room).select_related("done_by"):
        phases[Phase(item.phase)].items.append(item)
    return [view for view in phases.values() if view.items]


def member_list_for_user(*, user: User | Any, room: OperationsRoom) -> list[RoomMember]:
    role = room_role_for_user(user=user, room=room)
    if not policy.may_see_room(user, room_role=role):
        raise room_not_found()
    order = {RoomRole.OWNER: 0, RoomRole.MEMBER: 1, RoomRole.GUEST: 2}
    members = list(RoomMember.objects.filter(room=room).select_related("user", "unit"))
    return sorted(members, key=lambda m: (order.get(RoomRole(m.role), 3), m.created_at))


def task_get_for_user(*, user: User | Any, room: OperationsRoom, task_id: int) -> RoomTask:
    role = room_role_for_user(user=user, room=room)
    task = RoomTask.objects.filter(room=room, pk=task_id).select_related("owner").first()
    if task is None or not policy.may_see_room(user, room_role=role):
        raise NotFoundError(_("This task does not exist in this room."))
    return task


def checklist_item_get_for_user(
    *, user: User | Any, room: OperationsRoom, item_id: int
) -> ChecklistItem:
    role = room_role_for_user(user=user, room=room)
    item = ChecklistItem.objects.filter(room=room, pk=item_id).first()
    if item is None or not policy.may_see_room(user, room_role=role):
        raise NotFoundError(_("This checklist item does not exist in this room."))
    return item


def staff_candidates_for_room(*, room: OperationsRoom) -> QuerySet[User]:
    """Active people with a role in an active unit who are not yet members."""
    return (
        User.objects.filter(is_active=True, memberships__unit__is_active=True)
        .exclude(room_memberships__room=room)
        .distinct()
        .order_by("username")
    )


# --- linked cables --------------------------------------------------------------------


@dataclass
class LinkedCableView:
    link_id: int
    visible: bool
    cable: Any = None
    subject: str = ""
    linked_at: datetime | None = None


def linked_cables_for_user(*, user: User | Any, room: OperationsRoom) -> list[LinkedCableView]:
    """Cables linked to the room; one the viewer may not see (per the cables
    module's own selector) is a neutral placeholder, never its subject."""
    from sifara.cables.selectors import cable_list_for_user

    role = room_role_for_user(user=user, room=room)
    if not policy.may_see_room(user, room_role=role):
        raise room_not_found()
    links = list(RoomCable.objects.filter(room=room).order_by("created_at", "id"))
    if not links:
        return []
    visible = {
        cable.pk: cable
        for cable in cable_list_for_user(user=user).filter(pk__in=[link.cable_id for link in links])
    }
    views = []
    for link in links:
        cable = visible.get(link.cable_id)
        views.append(
            LinkedCableView(
                link_id=link.pk,
                visible=cable is not None,
                cable=cable,
                subject=cable_subject(cable) if cable is not None else "",
                linked_at=link.created_at,
            )
        )
    return views


def cable_subject(cable: Any) -> str:
    """A visible cable's subject (decrypted by the cables module when classified)."""
    try:
        from sifara.cables.content import subject_or_none
    except ImportError:  # pragma: no cover - the cables module's helper moved
        return str(getattr(cable, "subject_text", "") or "")
    return subject_or_none(cable) or ""


def linkable_cable_for_user(*, user: User | Any, reference: str) -> Any:
    """A released cable the user may see, found by its reference, or None."""
    from sifara.cables.selectors import cable_list_for_user

    reference = (reference or "").strip()
    if not reference:
        return None
    return cable_list_for_user(user=user).filter(reference__iexact=reference).first()


def member_get_for_user(*, user: User | Any, room: OperationsRoom, member_id: int) -> RoomMember:
    role = room_role_for_user(user=user, room=room)
    member = RoomMember.objects.filter(room=room, pk=member_id).select_related("user").first()
    if member is None or not policy.may_see_room(user, room_role=role):
        raise NotFoundError(_("This person is not a member of this room."))
    return member
