"""Pages of the operations rooms module. Thin: forms in, services and
selectors out. A room the viewer is not a member of answers 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sifara import audit
from sifara.core import policy
from sifara.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from sifara.core.forms import apply_application_error
from sifara.core.models import Classification
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory.models import User
from sifara.rooms import export, selectors, services
from sifara.rooms.forms import (
    CableLinkForm,
    EntryForm,
    GuestInviteForm,
    MemberAddForm,
    RoomOpenForm,
    TaskForm,
)
from sifara.rooms.models import OperationsRoom, RoomRole, RoomStatus

#: Entries shown on the room page; the situation log holds them all.
TIMELINE_PAGE = 100


def _get_room(request: AuthenticatedHttpRequest, room_id: int) -> tuple[OperationsRoom, str]:
    """The room and the viewer's role; 404 otherwise, audited when the room exists."""
    try:
        return selectors.room_get_for_user(user=request.user, room_id=room_id)
    except NotFoundError:
        services.room_access_refused(actor=request.user, room_id=room_id, request=request)
        raise


@login_required
@require_GET
def room_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rooms = selectors.room_list_for_user(user=request.user)
    context = {
        "open_rooms": [r for r in rooms if r.status == RoomStatus.OPEN],
        "closed_rooms": [r for r in rooms if r.status == RoomStatus.CLOSED],
        "can_open": policy.may_open_room(request.user),
        "is_guest": selectors.user_is_room_guest_only(user=request.user),
    }
    return render(request, "rooms/room_list.html", context)


@login_required
def room_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.may_open_room(request.user):
        raise PermissionDeniedError(_("You may not open operations rooms."))
    form = RoomOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_open(actor=request.user, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Room %(ref)s is open.") % {"ref": room.reference})
            return redirect("rooms:room_detail", room_id=room.pk)
    return render(request, "rooms/room_form.html", {"form": form})


def _room_context(
    request: AuthenticatedHttpRequest,
    room: OperationsRoom,
    role: str,
    *,
    entry_form: EntryForm | None = None,
    task_form: TaskForm | None = None,
    link_form: CableLinkForm | None = None,
) -> dict[str, Any]:
    user = request.user
    is_open = room.is_open
    members = selectors.member_list_for_user(user=user, room=room)
    entries = selectors.entry_list_for_user(user=user, room=room, limit=TIMELINE_PAGE + 1)
    member_people = User.objects.filter(pk__in=[m.user_id for m in members])
    if task_form is not None:
        # A re-shown form offers the room's members only, whatever it validated against.
        owner_field = task_form.fields["owner"]
        owner_field.queryset = member_people  # type: ignore[attr-defined]
    return {
        "room": room,
        "role": role,
        "role_label": RoomRole(role).label,
        "entries": entries[:TIMELINE_PAGE],
        "timeline_truncated": len(entries) > TIMELINE_PAGE,
        "timeline_page": TIMELINE_PAGE,
        "cursor": selectors.entry_latest_id(room=room),
        "tasks": selectors.task_list_for_user(user=user, room=room),
        "checklist": selectors.checklist_for_user(user=user, room=room),
        "members": members,
        "linked_cables": selectors.linked_cables_for_user(user=user, room=room),
        "can_post": policy.may_post_in_room(user, room_role=role, room_is_open=is_open),
        "can_decide": policy.may_decide_in_room(user, room_role=role, room_is_open=is_open),
        "can_manage": policy.may_manage_room(user, room_role=role, room_is_open=is_open),
        "can_invite": policy.may_invite_guest(user, room_role=role, room_is_open=is_open),
        "can_export": policy.may_export_room(user, room_role=role),
        "entry_form": entry_form
        or EntryForm(
            ceiling=room.ceiling,
            clearance=int(user.clearance),
            guest=role == RoomRole.GUEST,
        ),
        "task_form": task_form or TaskForm(owners=member_people),
        "link_form": link_form or CableLinkForm(),
        "poll_seconds": settings.SIFARA_ROOMS_POLL_SECONDS,
        "ceiling_label": Classification(room.ceiling).label,
    }


@login_required
@require_GET
def room_detail(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    context = _room_context(request, room, role)
    audit.record(
        actor=request.user,
        action="rooms.room_viewed",
        target=room,
        details={
            "entries": len(context["entries"]),
            "top_classification": max(
                (v.entry.classification for v in context["entries"]), default=0
            ),
        },
        request=request,
    )
    return render(request, "rooms/room_detail.html", context)


@login_required
@require_GET
def timeline(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    """HTMX poll: entries newer than ``after`` (prepended out of band) and a
    fresh poller carrying the new cursor. Classified entries delivered are
    audited; an empty poll is not."""
    room, _role = _get_room(request, room_id)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    entries = selectors.entry_list_for_user(
        user=request.user, room=room, after_id=after, limit=TIMELINE_PAGE
    )
    classified = [v for v in entries if v.entry.classification > Classification.UNCLASSIFIED]
    if classified:
        audit.record(
            actor=request.user,
            action="rooms.entries_read",
            target=room,
            details={
                "entries": [v.pk for v in classified],
                "top_classification": max(v.entry.classification for v in classified),
            },
            request=request,
        )
    context = {
        "room": room,
        "entries": entries,
        "cursor": selectors.entry_latest_id(room=room),
        "poll_seconds": settings.SIFARA_ROOMS_POLL_SECONDS,
        "oob": True,
    }
    return render(request, "rooms/partials/timeline_poll.html", context)


def _bad(
    request: AuthenticatedHttpRequest,
    room: OperationsRoom,
    role: str,
    exc: ApplicationError | None = None,
    **forms: Any,
) -> HttpResponse:
    if exc is not None:
        messages.error(request, str(exc.message))
    context = _room_context(request, room, role, **forms)
    status = exc.status_code if exc is not None else 400
    return render(request, "rooms/room_detail.html", context, status=status)


@login_required
@require_POST
def entry_post(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    form = EntryForm(
        request.POST,
        ceiling=room.ceiling,
        clearance=int(request.user.clearance),
        guest=role == RoomRole.GUEST,
    )
    # The level is checked by the service (ceiling, clearance, audited), not by
    # the form's narrowed choices, so that a forged level is refused and recorded.
    level = form.fields["classification"]
    level.choices = Classification.choices  # type: ignore[attr-defined]
    kind = form.fields["kind"]
    kind.choices = [("message", ""), ("decision", ""), ("status", "")]  # type: ignore[attr-defined]
    if not form.is_valid():
        if not room.is_open:
            return _bad(
                request, room, role, services.refuse_closed_room(request.user, room, request)
            )
        return _bad(request, room, role, entry_form=form)
    try:
        services.entry_post(
            actor=request.user,
            room=room,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            classification=form.cleaned_data["classification"],
            idempotency_key=form.cleaned_data.get("idempotency_key"),
            request=request,
        )
    except ApplicationError as exc:
        apply_application_error(form, exc, message_field="text")
        return _bad(request, room, role, exc, entry_form=form)
    return redirect("rooms:room_detail", room_id=room.pk)


@login_required
@require_POST
def task_create(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    form = TaskForm(request.POST, owners=User.objects.filter(is_active=True))
    if not form.is_valid():
        if not room.is_open:
            return _bad(
                request, room, role, services.refuse_closed_room(request.user, room, request)
            )
        return _bad(request, room, role, task_form=form)
    try:
        services.task_create(
            actor=request.user,
            room=room,
            title=form.cleaned_data["title"],
            owner=form.cleaned_data["owner"],
            due_at=form.cleaned_data["due_at"],
            idempotency_key=form.cleaned_data.get("idempotency_key"),
            request=request,
        )
    except ApplicationError as exc:
        apply_application_error(form, exc, message_field="owner")
        return _bad(request, room, role, exc, task_form=form)
    messages.success(request, _("Task assigned."))
    return redirect("rooms:room_detail", room_id=room.pk)


@login_required
@require_POST
def task_done(request: AuthenticatedHttpRequest, room_id: int, task_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    task = selectors.task_get_for_user(user=request.user, room=room, task_id=task_id)
    try:
        services.task_complete(actor=request.user, task=task, request=request)
    except ApplicationError as exc:
        return _bad(request, room, role, exc)
    return redirect("rooms:room_detail", room_id=room.pk)


@login_required
@require_POST
def checklist_set(request: AuthenticatedHttpRequest, room_id: int, item_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    item = selectors.checklist_item_get_for_user(user=request.user, room=room, item_id=item_id)
    done = request.POST.get("done") == "1"
    try:
        services.checklist_item_set(actor=request.user, item=item, done=done, request=request)
    except ApplicationError as exc:
        return _bad(request, room, role, exc)
    return redirect(f"{room_url(room)}#checklist")


def room_url(room: OperationsRoom) -> str:
    from django.urls import reverse

    return reverse("rooms:room_detail", kwargs={"room_id": room.pk})


@login_required
def member_add(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    if not policy.may_manage_room(request.user, room_role=role, room_is_open=room.is_open):
        raise PermissionDeniedError(_("Only the owners of an open room add members."))
    form = MemberAddForm(
        request.POST or None, candidates=selectors.staff_candidates_for_room(room=room)
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.room_member_add(
                actor=request.user,
                room=room,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc, message_field="person")
        else:
            messages.success(
                request,
                _("%(name)s joined the room.") % {"name": member.user.display_name},
            )
            return redirect("rooms:room_detail", room_id=room.pk)
    return render(request, "rooms/member_form.html", {"room": room, "form": form})


@login_required
def guest_invite(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    if not policy.may_invite_guest(request.user, room_role=role, room_is_open=room.is_open):
        raise PermissionDeniedError(_("You may not invite outside guests to this room."))
    form = GuestInviteForm(request.POST or None, ceiling=room.ceiling)
    if request.method == "POST" and form.is_valid():
        try:
            guest, temporary = services.room_guest_invite(
                actor=request.user, room=room, request=request, **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            response = render(
                request,
                "rooms/guest_created.html",
                {"room": room, "guest": guest, "temporary_password": temporary},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "rooms/guest_form.html", {"room": room, "form": form})


@login_required
@require_POST
def room_close(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    try:
        services.room_close(actor=request.user, room=room, request=request)
    except ApplicationError as exc:
        return _bad(request, room, role, exc)
    messages.success(
        request, _("The room is closed. Export its situation log with the buttons at the top.")
    )
    return redirect("rooms:room_detail", room_id=room.pk)


def _export(request: AuthenticatedHttpRequest, room_id: int, fmt: str) -> HttpResponse:
    room, _role = _get_room(request, room_id)
    data = export.situation_log_export(actor=request.user, room=room, fmt=fmt, request=request)
    content_type = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    # Both are downloads: the HTML log is a self-contained file (its own
    # stylesheet), which the site's strict CSP would not style if shown inline.
    response["Content-Disposition"] = f'attachment; filename="{export.filename(room, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_pdf(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    return _export(request, room_id, "pdf")


@login_required
@require_GET
def export_html(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    return _export(request, room_id, "html")


@login_required
@require_POST
def cable_link(request: AuthenticatedHttpRequest, room_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    form = CableLinkForm(request.POST)
    if not form.is_valid():
        return _bad(request, room, role, link_form=form)
    try:
        services.cable_link(
            actor=request.user,
            room=room,
            reference=form.cleaned_data["reference"],
            request=request,
        )
    except ApplicationError as exc:
        apply_application_error(form, exc, message_field="reference")
        return _bad(request, room, role, exc, link_form=form)
    messages.success(request, _("Cable linked to the room."))
    return redirect(f"{room_url(room)}#cables")


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, room_id: int, member_id: int) -> HttpResponse:
    room, role = _get_room(request, room_id)
    member = selectors.member_get_for_user(user=request.user, room=room, member_id=member_id)
    try:
        services.room_member_remove(actor=request.user, room=room, member=member, request=request)
    except ApplicationError as exc:
        return _bad(request, room, role, exc)
    messages.success(
        request,
        _("%(name)s no longer has access to this room.") % {"name": member.user.display_name},
    )
    return redirect(f"{room_url(room)}#members")
