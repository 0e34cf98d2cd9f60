"""Writes of the operations rooms module.

Each service checks :mod:`sifara.core.policy`, validates, writes in one
transaction and records one audit event. Refusals a user can cause raise
:class:`ApplicationError` with a translated message; security-relevant ones
(closed room, above the ceiling or the author's clearance, a task owner outside
the room, a guest trying a member's action) are audited as
``rooms.write_refused`` *before* raising, so the refusal survives the rollback.
Audit details carry ids, levels and counts, never titles or text.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sifara import audit
from sifara.core import crypto, policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.core.models import Classification, DataKey
from sifara.directory.models import Unit, UnitKind, User
from sifara.rooms.checklists import checklist_template
from sifara.rooms.models import (
    ChecklistItem,
    EntryKind,
    GuestAccount,
    OperationsRoom,
    RoomCable,
    RoomEntry,
    RoomKind,
    RoomMember,
    RoomRole,
    RoomStatus,
    RoomTask,
)
from sifara.rooms.selectors import entry_context, linkable_cable_for_user, room_role_for_user

MAX_TEXT = 4000
MAX_TASK = 300
DATA_KEY_PURPOSE = "rooms.room"


def _refuse(
    *,
    actor: User | Any,
    room: OperationsRoom,
    reason: str,
    message: str,
    request: HttpRequest | None,
    status_code: int = 400,
    details: dict[str, Any] | None = None,
) -> ApplicationError:
    """Audit a refused write and return the error to raise."""
    audit.record(
        actor=actor,
        action="rooms.write_refused",
        target=room,
        details={"reason": reason, **(details or {})},
        request=request,
    )
    if status_code == 403:
        return PermissionDeniedError(message, code=reason)
    return ApplicationError(message, code=reason, status_code=status_code)


def refuse_closed_room(
    actor: User | Any, room: OperationsRoom, request: HttpRequest | None
) -> ApplicationError:
    return _refuse(
        actor=actor,
        room=room,
        reason="room_closed",
        message=_("This room is closed. Its record is read-only."),
        request=request,
        status_code=409,
    )


def _event(room: OperationsRoom, actor: User | None, text: str) -> RoomEntry:
    """An unclassified room event on the timeline (who joined, what was done)."""
    return RoomEntry.objects.create(room=room, kind=EntryKind.EVENT, author=actor, body=text)


def _room_key(room: OperationsRoom) -> DataKey:
    if room.data_key is None:
        room.data_key = crypto.new_data_key(purpose=DATA_KEY_PURPOSE)
        room.save(update_fields=["data_key", "updated_at"])
    return room.data_key


# --- rooms ---------------------------------------------------------------------------


def room_open(
    *,
    actor: User,
    title: str,
    kind: str,
    ceiling: int,
    lead_unit: Unit,
    summary: str = "",
    request: HttpRequest | None = None,
) -> OperationsRoom:
    """Open a room; the actor becomes its owner; the checklist comes from the template."""
    if not policy.may_open_room(actor):
        raise PermissionDeniedError(_("You may not open operations rooms."))
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ApplicationError(
            _("Give the room a title."), details={"title": [_("This field is required.")]}
        )
    if kind not in RoomKind.values:
        raise ApplicationError(_("Choose the kind of crisis."), details={"kind": [_("Not valid.")]})
    ceiling = int(Classification(int(ceiling)))
    if ceiling > int(actor.clearance):
        raise ApplicationError(
            _("The ceiling cannot be above your own clearance."),
            details={"ceiling": [_("Above your clearance.")]},
        )
    if lead_unit.kind != UnitKind.HQ_DEPARTMENT or lead_unit.pk not in policy.unit_ids(actor):
        raise ApplicationError(
            _("The lead unit must be an HQ department you belong to."),
            details={"lead_unit": [_("Not one of your HQ departments.")]},
        )
    with transaction.atomic():
        room = OperationsRoom.objects.create(
            title=title,
            kind=kind,
            ceiling=ceiling,
            lead_unit=lead_unit,
            summary=(summary or "").strip()[:MAX_TEXT],
            opened_by=actor,
        )
        room.reference = f"OPS-{timezone.now():%Y}-{room.pk:04d}"
        room.save(update_fields=["reference", "updated_at"])
        RoomMember.objects.create(
            room=room, user=actor, role=RoomRole.OWNER, unit=lead_unit, added_by=actor
        )
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(room=room, phase=phase, position=index, text_en=en, text_ar=ar)
                for index, (phase, en, ar) in enumerate(checklist_template(kind), start=1)
            ]
        )
        _event(room, actor, "opened")
        audit.record(
            actor=actor,
            action="rooms.room_opened",
            target=room,
            details={"kind": kind, "ceiling": ceiling, "lead_unit": lead_unit.pk},
            request=request,
        )
    return room


def room_member_add(
    *,
    actor: User,
    room: OperationsRoom,
    person: User,
    role: str = RoomRole.MEMBER,
    request: HttpRequest | None = None,
) -> RoomMember:
    """Add ministry staff (owner or member) or an existing guest account (guest)."""
    actor_role = room_role_for_user(user=actor, room=room)
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_manage_room(actor, room_role=actor_role, room_is_open=room.is_open):
        raise _refuse(
            actor=actor,
            room=room,
            reason="not_owner",
            message=_("Only the room's owners add members."),
            request=request,
            status_code=403,
        )
    if not person.is_active:
        raise ApplicationError(_("This account is deactivated."))
    staff = policy.memberships(person)
    if not staff:
        role = RoomRole.GUEST
        if not policy.may_invite_guest(actor, room_role=actor_role, room_is_open=room.is_open):
            raise PermissionDeniedError(_("You may not invite outside guests."))
    elif role not in {RoomRole.OWNER, RoomRole.MEMBER}:
        raise ApplicationError(_("Ministry staff join as owner or member."))
    if RoomMember.objects.filter(room=room, user=person).exists():
        raise ApplicationError(
            _("%(name)s is already a member of this room.") % {"name": person.display_name}
        )
    primary = next((m for m in staff if m.is_primary), staff[0] if staff else None)
    with transaction.atomic():
        if role == RoomRole.GUEST:
            GuestAccount.objects.get_or_create(user=person, defaults={"invited_by": actor})
        member = RoomMember.objects.create(
            room=room,
            user=person,
            role=role,
            unit=primary.unit if primary else None,
            added_by=actor,
        )
        _event(room, actor, f"member_added:{person.pk}:{role}")
        audit.record(
            actor=actor,
            action="rooms.member_added",
            target=room,
            details={"user": person.pk, "role": role},
            request=request,
        )
    return member


def room_member_remove(
    *, actor: User, room: OperationsRoom, member: RoomMember, request: HttpRequest | None = None
) -> None:
    """An owner takes someone out of the room (their entries stay). The last
    owner cannot be removed."""
    actor_role = room_role_for_user(user=actor, room=room)
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_manage_room(actor, room_role=actor_role, room_is_open=True):
        raise _refuse(
            actor=actor,
            room=room,
            reason="not_owner",
            message=_("Only the room's owners remove members."),
            request=request,
            status_code=403,
        )
    if member.room_id != room.pk:
        raise ApplicationError(_("This person is not a member of this room."), status_code=404)
    with transaction.atomic():
        owners = RoomMember.objects.select_for_update().filter(room=room, role=RoomRole.OWNER)
        if member.role == RoomRole.OWNER and owners.count() <= 1:
            raise ApplicationError(_("A room keeps at least one owner."))
        person_id, role = member.user_id, member.role
        member.delete()
        _event(room, actor, f"member_removed:{person_id}:{role}")
        audit.record(
            actor=actor,
            action="rooms.member_removed",
            target=room,
            details={"user": person_id, "role": role},
            request=request,
        )


def room_guest_invite(
    *,
    actor: User,
    room: OperationsRoom,
    username: str,
    full_name_en: str,
    full_name_ar: str,
    organisation: str,
    clearance: int,
    email: str = "",
    preferred_language: str = "en",
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create a vetted outside expert's account (no unit: no capability anywhere)
    and make them a guest of this room. Returns the account and a one-time
    password, shown once; the guest changes it and enrols an authenticator at
    first sign-in, like everyone."""
    from sifara.identity.services import temporary_password

    actor_role = room_role_for_user(user=actor, room=room)
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_invite_guest(actor, room_role=actor_role, room_is_open=room.is_open):
        raise _refuse(
            actor=actor,
            room=room,
            reason="not_allowed_to_invite",
            message=_("You may not invite outside guests to this room."),
            request=request,
            status_code=403,
        )
    username = (username or "").strip()
    clearance = int(Classification(int(clearance)))
    if clearance > room.ceiling:
        raise ApplicationError(
            _("A guest's clearance cannot be above the room's ceiling."),
            details={"clearance": [_("Above the room's ceiling.")]},
        )
    if not username:
        raise ApplicationError(
            _("Choose a user name."), details={"username": [_("This field is required.")]}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(
            _("The user name “%(name)s” is already taken.") % {"name": username},
            details={"username": [_("Already taken.")]},
        )
    temporary = temporary_password()
    with transaction.atomic():
        guest = User(
            username=username,
            email=email,
            full_name_en=full_name_en.strip(),
            full_name_ar=full_name_ar.strip(),
            job_title_en=organisation.strip(),
            job_title_ar=organisation.strip(),
            clearance=clearance,
            preferred_language=preferred_language if preferred_language in {"ar", "en"} else "en",
            must_change_password=True,
        )
        guest.set_password(temporary)
        guest.full_clean(exclude=["password"])
        guest.save()
        GuestAccount.objects.create(
            user=guest, organisation=organisation.strip()[:200], invited_by=actor
        )
        member = RoomMember.objects.create(
            room=room,
            user=guest,
            role=RoomRole.GUEST,
            organisation=organisation.strip()[:200],
            added_by=actor,
        )
        _event(room, actor, f"member_added:{guest.pk}:guest")
        audit.record(
            actor=actor,
            action="rooms.guest_invited",
            target=room,
            details={"user": guest.pk, "clearance": clearance, "member": member.pk},
            request=request,
        )
    return guest, temporary


def room_close(
    *,
    actor: User,
    room: OperationsRoom,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> OperationsRoom:
    """Close the room: from now on it is a read-only record."""
    role = room_role_for_user(user=actor, room=room)
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_manage_room(actor, room_role=role, room_is_open=True):
        raise _refuse(
            actor=actor,
            room=room,
            reason="not_owner",
            message=_("Only the room's owners close it."),
            request=request,
            status_code=403,
        )
    with transaction.atomic():
        room = OperationsRoom.objects.select_for_update().get(pk=room.pk)
        if not room.is_open:
            raise ApplicationError(
                _("This room is closed. Its record is read-only."), status_code=409
            )
        _event(room, actor, "closed")
        room.status = RoomStatus.CLOSED
        room.closed_at = now or timezone.now()
        room.closed_by = actor
        room.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        audit.record(
            actor=actor,
            action="rooms.room_closed",
            target=room,
            details={
                "entries": room.entries.count(),
                "tasks_open": room.tasks.filter(done_at__isnull=True).count(),
            },
            request=request,
        )
    return room


# --- timeline ------------------------------------------------------------------------


def entry_post(
    *,
    actor: User,
    room: OperationsRoom,
    kind: str,
    text: str,
    classification: int = Classification.UNCLASSIFIED,
    idempotency_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> RoomEntry:
    """Add a message, decision or status update to the timeline.

    Text is stored as plain text (escaped wherever it is shown); classified text
    is encrypted with the room's data key. Submitting the same form twice
    (same ``idempotency_key``) returns the first entry and adds nothing.
    """
    role = room_role_for_user(user=actor, room=room)
    if role is None:
        raise PermissionDeniedError(_("You are not a member of this room."))
    if idempotency_key is not None:
        existing = RoomEntry.objects.filter(room=room, idempotency_key=idempotency_key).first()
        if existing is not None and existing.author_id == actor.pk:
            return existing
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if kind not in {EntryKind.MESSAGE, EntryKind.DECISION, EntryKind.STATUS}:
        raise ApplicationError(
            _("Choose what kind of entry this is."), details={"kind": [_("Not valid.")]}
        )
    if kind == EntryKind.DECISION and not policy.may_decide_in_room(
        actor, room_role=role, room_is_open=True
    ):
        raise _refuse(
            actor=actor,
            room=room,
            reason="guest_decision",
            message=_("Guests cannot record decisions."),
            request=request,
            status_code=403,
        )
    try:
        level = int(Classification(int(classification)))
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("Choose a classification.")) from exc
    if level > room.ceiling:
        raise _refuse(
            actor=actor,
            room=room,
            reason="above_ceiling",
            message=_(
                "This room's ceiling is %(ceiling)s. Entries above it belong in a cable, not here."
            )
            % {"ceiling": Classification(room.ceiling).label},
            request=request,
            details={"classification": level, "ceiling": room.ceiling},
        )
    if not policy.has_clearance(actor, level):
        raise _refuse(
            actor=actor,
            room=room,
            reason="above_clearance",
            message=_("You cannot post above your own clearance."),
            request=request,
            status_code=403,
            details={"classification": level},
        )
    clean = (text or "").replace("\x00", "").strip()
    if not clean:
        raise ApplicationError(
            _("Write something first."), details={"text": [_("This field is required.")]}
        )
    if len(clean) > MAX_TEXT:
        raise ApplicationError(
            _("The text is too long (at most %(limit)s characters).") % {"limit": MAX_TEXT},
            details={"text": [_("Too long.")]},
        )
    try:
        with transaction.atomic():
            entry = RoomEntry.objects.create(
                room=room,
                kind=kind,
                classification=level,
                author=actor,
                body="" if level > Classification.UNCLASSIFIED else clean,
                idempotency_key=idempotency_key,
            )
            if level > Classification.UNCLASSIFIED:
                key = _room_key(room)
                entry.body_encrypted = crypto.encrypt_text(
                    clean, key=key, context=entry_context(room_id=room.pk, entry_id=entry.pk)
                )
                entry.save(update_fields=["body_encrypted", "updated_at"])
            audit.record(
                actor=actor,
                action="rooms.entry_posted",
                target=entry,
                details={"room": room.pk, "kind": kind, "classification": level},
                request=request,
            )
    except IntegrityError:
        # A concurrent duplicate submit won the race: show the first one.
        existing = RoomEntry.objects.filter(room=room, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return entry


# --- tasks ---------------------------------------------------------------------------


def task_create(
    *,
    actor: User,
    room: OperationsRoom,
    title: str,
    owner: User,
    due_at: datetime,
    idempotency_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> RoomTask:
    role = room_role_for_user(user=actor, room=room)
    if role is None:
        raise PermissionDeniedError(_("You are not a member of this room."))
    if idempotency_key is not None:
        existing = RoomTask.objects.filter(room=room, idempotency_key=idempotency_key).first()
        if existing is not None and existing.created_by_id == actor.pk:
            return existing
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_decide_in_room(actor, room_role=role, room_is_open=True):
        raise _refuse(
            actor=actor,
            room=room,
            reason="guest_task",
            message=_("Guests cannot assign tasks."),
            request=request,
            status_code=403,
        )
    title = " ".join((title or "").split())
    if not title:
        raise ApplicationError(
            _("Describe the task."), details={"title": [_("This field is required.")]}
        )
    if len(title) > MAX_TASK:
        raise ApplicationError(
            _("The task is too long (at most %(limit)s characters).") % {"limit": MAX_TASK},
            details={"title": [_("Too long.")]},
        )
    if room_role_for_user(user=owner, room=room) is None or not owner.is_active:
        raise _refuse(
            actor=actor,
            room=room,
            reason="owner_not_member",
            message=_("The task's owner must be a member of this room."),
            request=request,
            details={"owner": owner.pk},
        )
    if timezone.is_naive(due_at):
        raise ApplicationError(_("Give the deadline with its time zone."))
    try:
        with transaction.atomic():
            task = RoomTask.objects.create(
                room=room,
                title=title,
                owner=owner,
                due_at=due_at,
                created_by=actor,
                idempotency_key=idempotency_key,
            )
            _event(room, actor, f"task_created:{task.pk}")
            audit.record(
                actor=actor,
                action="rooms.task_created",
                target=task,
                details={"room": room.pk, "owner": owner.pk},
                request=request,
            )
    except IntegrityError:
        existing = RoomTask.objects.filter(room=room, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return task


def task_complete(
    *,
    actor: User,
    task: RoomTask,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> RoomTask:
    """The task's owner, or any owner/member, marks it done (idempotent)."""
    room = task.room
    role = room_role_for_user(user=actor, room=room)
    if role is None:
        raise PermissionDeniedError(_("You are not a member of this room."))
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if task.owner_id != actor.pk and not policy.may_decide_in_room(
        actor, room_role=role, room_is_open=True
    ):
        raise PermissionDeniedError(_("Only the task's owner or a room member marks it done."))
    if task.done_at is not None:
        return task
    with transaction.atomic():
        task.done_at = now or timezone.now()
        task.done_by = actor
        task.save(update_fields=["done_at", "done_by", "updated_at"])
        _event(room, actor, f"task_done:{task.pk}")
        audit.record(
            actor=actor,
            action="rooms.task_completed",
            target=task,
            details={"room": room.pk},
            request=request,
        )
    return task


# --- checklist -----------------------------------------------------------------------


def checklist_item_set(
    *,
    actor: User,
    item: ChecklistItem,
    done: bool,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ChecklistItem:
    """Tick or untick a checklist item (idempotent)."""
    room = item.room
    role = room_role_for_user(user=actor, room=room)
    if role is None:
        raise PermissionDeniedError(_("You are not a member of this room."))
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_decide_in_room(actor, room_role=role, room_is_open=True):
        raise PermissionDeniedError(_("Guests cannot change the checklist."))
    if (item.done_at is not None) == done:
        return item
    with transaction.atomic():
        item.done_at = (now or timezone.now()) if done else None
        item.done_by = actor if done else None
        item.save(update_fields=["done_at", "done_by", "updated_at"])
        _event(room, actor, f"checklist_{'done' if done else 'undone'}:{item.pk}")
        audit.record(
            actor=actor,
            action="rooms.checklist_updated",
            target=item,
            details={"room": room.pk, "done": done},
            request=request,
        )
    return item


# --- linked cables ---------------------------------------------------------------------


def cable_link(
    *,
    actor: User,
    room: OperationsRoom,
    reference: str,
    request: HttpRequest | None = None,
) -> RoomCable:
    """Link a released cable the actor may see to the room (idempotent).

    Linking shares nothing: each member still sees the cable only if the
    cables module lets them; the others see a placeholder.
    """
    role = room_role_for_user(user=actor, room=room)
    if role is None:
        raise PermissionDeniedError(_("You are not a member of this room."))
    if not room.is_open:
        raise refuse_closed_room(actor, room, request)
    if not policy.may_decide_in_room(actor, room_role=role, room_is_open=True):
        raise _refuse(
            actor=actor,
            room=room,
            reason="guest_cable_link",
            message=_("Guests cannot link cables."),
            request=request,
            status_code=403,
        )
    cable = linkable_cable_for_user(user=actor, reference=reference)
    if cable is None:
        raise ApplicationError(
            _("No released cable with this reference that you may read."),
            details={"reference": [_("Not found.")]},
        )
    existing = RoomCable.objects.filter(room=room, cable=cable).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        link = RoomCable.objects.create(room=room, cable=cable, linked_by=actor)
        _event(room, actor, f"cable_linked:{link.pk}")
        audit.record(
            actor=actor,
            action="rooms.cable_linked",
            target=room,
            details={"cable": cable.pk, "classification": int(cable.classification)},
            request=request,
        )
    return link


def room_access_refused(*, actor: User, room_id: int, request: HttpRequest | None = None) -> None:
    """Record that a signed-in person asked for an existing room they are not a
    member of (they are answered 404, like for a room that does not exist)."""
    room = OperationsRoom.objects.filter(pk=room_id).first()
    if room is None:
        return
    audit.record(
        actor=actor,
        action="rooms.access_refused",
        target=room,
        details={"reason": "not_member", "path": request.path[:200] if request else ""},
        request=request,
    )
