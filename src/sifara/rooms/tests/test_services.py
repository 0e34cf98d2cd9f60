"""Checklist, tasks, timeline writes and their refusals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from sifara.audit.models import AuditEvent
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.rooms import selectors, services
from sifara.rooms.checklists import checklist_template
from sifara.rooms.models import ChecklistItem, RoomEntry, RoomTask
from sifara.rooms.tests.factories import open_room

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_checklist_comes_from_the_template_in_phase_order(world: Any) -> None:
    items = list(ChecklistItem.objects.filter(room=world.room))
    template = checklist_template("evacuation")
    assert [(i.phase, i.text_en, i.text_ar) for i in items] == [tuple(t) for t in template]
    phases = selectors.checklist_for_user(user=world.member, room=world.room)
    assert [p.phase for p in phases] == ["triage", "respond", "recover", "review"]
    assert any("consular hotline" in i.text_en for i in items)  # evacuation-specific
    summit = open_room(owner=world.owner, unit=world.unit, kind="summit", title="Summit")
    summit_texts = list(ChecklistItem.objects.filter(room=summit).values_list("text_en", flat=True))
    assert "Open the consular hotline" not in summit_texts
    assert "Confirm the delegation list and accreditation" in summit_texts


def test_ticking_a_checklist_item_is_recorded(world: Any) -> None:
    item = ChecklistItem.objects.filter(room=world.room).first()
    assert item is not None
    services.checklist_item_set(actor=world.member, item=item, done=True, now=NOW)
    item.refresh_from_db()
    assert item.done_at == NOW and item.done_by == world.member
    phases = selectors.checklist_for_user(user=world.owner, room=world.room)
    assert phases[0].done == 1
    with pytest.raises(PermissionDeniedError):
        services.checklist_item_set(actor=world.guest, item=item, done=False)
    texts = [v.text for v in selectors.entry_list_for_user(user=world.owner, room=world.room)]
    assert any(item.text in t for t in texts)


def test_tasks_with_deadlines_are_marked_overdue_by_the_clock(world: Any) -> None:
    early = services.task_create(
        actor=world.owner,
        room=world.room,
        title="Book the charter",
        owner=world.member,
        due_at=NOW - timedelta(hours=1),
    )
    later = services.task_create(
        actor=world.owner,
        room=world.room,
        title="Brief the press",
        owner=world.guest,
        due_at=NOW + timedelta(hours=6),
    )
    views = {
        v.task.pk: v
        for v in selectors.task_list_for_user(user=world.guest, room=world.room, now=NOW)
    }
    assert views[early.pk].overdue is True
    assert views[later.pk].overdue is False
    tomorrow = NOW + timedelta(days=1)
    views = {
        v.task.pk: v
        for v in selectors.task_list_for_user(user=world.guest, room=world.room, now=tomorrow)
    }
    assert views[later.pk].overdue is True
    # The owner (a guest) may mark their own task done; done tasks are never overdue.
    services.task_complete(actor=world.guest, task=later, now=NOW)
    views = {
        v.task.pk: v
        for v in selectors.task_list_for_user(user=world.guest, room=world.room, now=tomorrow)
    }
    assert views[later.pk].overdue is False


def test_task_owner_must_be_a_member(world: Any) -> None:
    before = RoomTask.objects.count()
    with pytest.raises(ApplicationError) as excinfo:
        services.task_create(
            actor=world.owner,
            room=world.room,
            title="Call the airline",
            owner=world.outsider,
            due_at=NOW,
        )
    assert "member of this room" in str(excinfo.value.message)
    assert RoomTask.objects.count() == before
    assert AuditEvent.objects.filter(
        action="rooms.write_refused", details__reason="owner_not_member"
    ).exists()


def test_guests_cannot_assign_tasks(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.task_create(
            actor=world.guest, room=world.room, title="x", owner=world.guest, due_at=NOW
        )


def test_entry_above_the_ceiling_is_refused_and_audited(world: Any) -> None:
    before = RoomEntry.objects.count()
    with pytest.raises(ApplicationError) as excinfo:
        services.entry_post(
            actor=world.owner, room=world.room, kind="message", text="too high", classification=3
        )
    assert "ceiling" in str(excinfo.value.message)
    assert RoomEntry.objects.count() == before
    event = AuditEvent.objects.get(action="rooms.write_refused", details__reason="above_ceiling")
    assert "too high" not in str(event.details)


def test_entry_above_own_clearance_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.entry_post(
            actor=world.member, room=world.room, kind="message", text="x", classification=2
        )


def test_duplicate_submit_creates_one_entry(world: Any, verified_client: Any) -> None:
    key = uuid.uuid4()
    first = services.entry_post(
        actor=world.member, room=world.room, kind="message", text="Once", idempotency_key=key
    )
    second = services.entry_post(
        actor=world.member, room=world.room, kind="message", text="Once", idempotency_key=key
    )
    assert first.pk == second.pk
    client = verified_client(world.member)
    data = {
        "kind": "message",
        "classification": 0,
        "text": "Twice?",
        "idempotency_key": uuid.uuid4(),
    }
    url = reverse("rooms:entry_post", kwargs={"room_id": world.room.pk})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert RoomEntry.objects.filter(room=world.room, body="Twice?").count() == 1


def test_duplicate_task_submit_creates_one_task(world: Any) -> None:
    key = uuid.uuid4()
    for _ in range(2):
        services.task_create(
            actor=world.owner,
            room=world.room,
            title="Once only",
            owner=world.member,
            due_at=NOW,
            idempotency_key=key,
        )
    assert RoomTask.objects.filter(title="Once only").count() == 1


def test_malicious_html_is_shown_as_text(world: Any, verified_client: Any) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client = verified_client(world.member)
    url = reverse("rooms:entry_post", kwargs={"room_id": world.room.pk})
    client.post(url, {"kind": "message", "classification": 0, "text": payload})
    page = client.get(reverse("rooms:room_detail", kwargs={"room_id": world.room.pk}))
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_empty_or_too_long_text_is_refused(world: Any, text: str) -> None:
    before = RoomEntry.objects.count()
    with pytest.raises(ApplicationError):
        services.entry_post(actor=world.member, room=world.room, kind="message", text=text)
    assert RoomEntry.objects.count() == before


def test_form_errors_are_translated_and_nothing_is_saved(world: Any, verified_client: Any) -> None:
    client = verified_client(world.owner)
    url = reverse("rooms:entry_post", kwargs={"room_id": world.room.pk})
    before = RoomEntry.objects.count()
    response = client.post(
        url, {"kind": "message", "classification": 3, "text": "above"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert response.status_code == 400
    assert RoomEntry.objects.count() == before
    response = client.post(url, {"kind": "message", "classification": "junk", "text": "x"})
    assert response.status_code == 400
    assert RoomEntry.objects.count() == before


def test_task_form_refuses_non_member_owner(world: Any, verified_client: Any) -> None:
    client = verified_client(world.owner)
    response = client.post(
        reverse("rooms:task_create", kwargs={"room_id": world.room.pk}),
        {"title": "Call", "owner": world.outsider.pk, "due_at": "2026-11-23T10:00"},
    )
    assert response.status_code == 400
    assert "member of this room" in response.content.decode()
    assert not RoomTask.objects.filter(title="Call").exists()


def test_guest_invite_creates_an_account_without_units(world: Any, verified_client: Any) -> None:
    from sifara.directory.models import User

    client = verified_client(world.owner)
    response = client.post(
        reverse("rooms:guest_invite", kwargs={"room_id": world.room.pk}),
        {
            "username": "guest.new",
            "full_name_en": "New Guest",
            "full_name_ar": "",
            "organisation": "Red Crescent",
            "email": "",
            "clearance": 0,
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    guest = User.objects.get(username="guest.new")
    assert guest.must_change_password is True
    assert not guest.memberships.exists()
    assert 'data-testid="temporary-password"' in response.content.decode()
    assert AuditEvent.objects.filter(action="rooms.guest_invited").exists()
    # A guest's clearance cannot exceed the ceiling; members cannot invite.
    with pytest.raises(ApplicationError):
        services.room_guest_invite(
            actor=world.owner,
            room=world.room,
            username="guest.high",
            full_name_en="x",
            full_name_ar="",
            organisation="x",
            clearance=3,
        )
    with pytest.raises(PermissionDeniedError):
        services.room_guest_invite(
            actor=world.member,
            room=world.room,
            username="guest.by.member",
            full_name_en="x",
            full_name_ar="",
            organisation="x",
            clearance=0,
        )
    assert not User.objects.filter(username__in=["guest.high", "guest.by.member"]).exists()


def test_timeline_poll_returns_new_entries_and_audits_classified_reads(
    world: Any, verified_client: Any
) -> None:
    client = verified_client(world.owner)
    cursor = selectors.entry_latest_id(room=world.room)
    url = reverse("rooms:timeline", kwargs={"room_id": world.room.pk})
    empty = client.get(url, {"after": cursor}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200
    assert "hx-swap-oob" not in empty.content.decode()
    assert not AuditEvent.objects.filter(action="rooms.entries_read").exists()
    services.entry_post(
        actor=world.member, room=world.room, kind="status", text="Convoy left", classification=1
    )
    fresh = client.get(url, {"after": cursor}, HTTP_HX_REQUEST="true").content.decode()
    assert "Convoy left" in fresh
    assert 'hx-swap-oob="afterbegin:#timeline"' in fresh
    assert f"after={cursor}" not in fresh  # the poller moved on
    assert AuditEvent.objects.filter(action="rooms.entries_read").exists()
    # The guest polling sees the room events but not the RESTRICTED status.
    guest = world.guest
    guest.must_change_password = False
    guest.save()
    as_guest = verified_client(guest).get(url, {"after": cursor}).content.decode()
    assert "Convoy left" not in as_guest


def test_open_room_through_the_page(world: Any, verified_client: Any) -> None:
    client = verified_client(world.owner)
    response = client.post(
        reverse("rooms:room_new"),
        {"title": "Hostage case", "kind": "hostage", "ceiling": 3, "lead_unit": world.unit.pk},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="rooms.room_opened").count() >= 3
    member = verified_client(world.member)
    assert member.get(reverse("rooms:room_new")).status_code == 403


def test_polling_stops_once_the_room_is_closed(world: Any, verified_client: Any) -> None:
    client = verified_client(world.member)
    url = reverse("rooms:timeline", kwargs={"room_id": world.room.pk})
    cursor = selectors.entry_latest_id(room=world.room)
    assert 'id="timeline-poller"' in client.get(url, {"after": cursor}).content.decode()
    services.room_close(actor=world.owner, room=world.room)
    last = client.get(url, {"after": cursor}).content.decode()
    assert 'id="timeline-poller"' not in last
    assert 'hx-swap-oob="afterbegin:#timeline"' in last  # the closing event still arrives


def test_open_room_page_polls_and_closed_room_page_does_not(
    world: Any, verified_client: Any, settings: Any
) -> None:
    settings.SIFARA_ROOMS_POLL_SECONDS = 7
    client = verified_client(world.member)
    url = reverse("rooms:room_detail", kwargs={"room_id": world.room.pk})
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 7s"' in html
    services.room_close(actor=world.owner, room=world.room)
    assert "hx-trigger" not in client.get(url).content.decode()


def test_owner_removes_a_member_who_then_loses_access(world: Any, verified_client: Any) -> None:
    from sifara.rooms.models import RoomMember

    member = RoomMember.objects.get(room=world.room, user=world.guest)
    client = verified_client(world.owner)
    url = reverse("rooms:member_remove", kwargs={"room_id": world.room.pk, "member_id": member.pk})
    assert client.post(url).status_code == 302
    assert not RoomMember.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(action="rooms.member_removed").exists()
    assert world.room not in selectors.room_list_for_user(user=world.guest)
    # The last owner stays; members cannot remove anyone.
    owner_seat = RoomMember.objects.get(room=world.room, user=world.owner)
    with pytest.raises(ApplicationError):
        services.room_member_remove(actor=world.owner, room=world.room, member=owner_seat)
    with pytest.raises(PermissionDeniedError):
        services.room_member_remove(actor=world.member, room=world.room, member=owner_seat)
