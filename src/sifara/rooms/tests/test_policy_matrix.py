"""Policy matrix for operations rooms: membership × clearance × room state,
through the real selectors and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sifara.audit.models import AuditEvent
from sifara.core import policy
from sifara.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from sifara.rooms import selectors, services
from sifara.rooms.models import RoomEntry

pytestmark = pytest.mark.django_db


def _client(verified_client: Any, user: Any) -> Any:
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    return verified_client(user)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("owner", True),
        ("member", True),
        ("guest", True),
        ("outsider", False),
        ("other_guest", False),
    ],
)
def test_only_members_see_the_room(world: Any, verified_client: Any, who: str, sees: bool) -> None:
    user = getattr(world, who)
    listed = world.room in selectors.room_list_for_user(user=user)
    assert listed is sees
    response = _client(verified_client, user).get(
        reverse("rooms:room_detail", kwargs={"room_id": world.room.pk})
    )
    assert response.status_code == (200 if sees else 404)
    if not sees:
        with pytest.raises(NotFoundError):
            selectors.room_get_for_user(user=user, room_id=world.room.pk)


def test_missing_and_invisible_rooms_answer_the_same(world: Any, verified_client: Any) -> None:
    client = _client(verified_client, world.outsider)
    invisible = client.get(reverse("rooms:room_detail", kwargs={"room_id": world.room.pk}))
    missing = client.get(reverse("rooms:room_detail", kwargs={"room_id": 999999}))
    assert invisible.status_code == missing.status_code == 404
    for name in ("timeline", "export_pdf", "export_html"):
        url = reverse(f"rooms:{name}", kwargs={"room_id": world.room.pk})
        assert client.get(url).status_code == 404
    posted = client.post(
        reverse("rooms:entry_post", kwargs={"room_id": world.room.pk}),
        {"kind": "message", "classification": 0, "text": "let me in"},
    )
    assert posted.status_code == 404
    assert not RoomEntry.objects.filter(author=world.outsider).exists()


@pytest.mark.parametrize(
    ("who", "level", "sees"),
    [
        ("owner", 2, True),  # SECRET clearance
        ("member", 1, True),  # RESTRICTED clearance
        ("member", 2, False),
        ("guest", 0, True),  # UNCLASSIFIED guest
        ("guest", 1, False),
        ("guest", 2, False),
    ],
)
def test_entries_need_clearance(
    world: Any, verified_client: Any, who: str, level: int, sees: bool
) -> None:
    marker = f"entry-at-level-{level}-marker"
    services.entry_post(
        actor=world.owner, room=world.room, kind="message", text=marker, classification=level
    )
    user = getattr(world, who)
    texts = [view.text for view in selectors.entry_list_for_user(user=user, room=world.room)]
    assert (marker in texts) is sees
    page = _client(verified_client, user).get(
        reverse("rooms:room_detail", kwargs={"room_id": world.room.pk})
    )
    assert (marker in page.content.decode()) is sees


def test_cleared_entries_are_encrypted_at_rest(world: Any) -> None:
    entry = services.entry_post(
        actor=world.owner,
        room=world.room,
        kind="decision",
        text="Charter two aircraft",
        classification=2,
    )
    entry.refresh_from_db()
    assert entry.body == ""
    assert b"Charter" not in bytes(entry.body_encrypted or b"")
    # Bound to its room and entry: moved to another entry it does not decrypt.
    other = services.entry_post(
        actor=world.owner, room=world.room, kind="message", text="x", classification=1
    )
    RoomEntry.objects.filter(pk=other.pk).update(body_encrypted=entry.body_encrypted)
    views = {v.pk: v for v in selectors.entry_list_for_user(user=world.owner, room=world.room)}
    assert views[entry.pk].text == "Charter two aircraft"
    assert views[other.pk].readable is False


def test_unclassified_entry_stays_plain(world: Any) -> None:
    entry = services.entry_post(
        actor=world.guest, room=world.room, kind="message", text="Roads to the port are open"
    )
    entry.refresh_from_db()
    assert entry.body == "Roads to the port are open"
    assert entry.body_encrypted is None


def test_guest_holds_no_capability_and_cannot_decide(world: Any) -> None:
    assert policy.memberships(world.guest) == []
    for capability in policy.CAPABILITIES:
        assert not policy.can(world.guest, capability)
    assert not policy.may_open_room(world.guest)
    with pytest.raises(PermissionDeniedError):
        services.entry_post(actor=world.guest, room=world.room, kind="decision", text="We go")
    assert AuditEvent.objects.filter(
        action="rooms.write_refused", details__reason="guest_decision"
    ).exists()


def test_member_at_a_mission_only_cannot_open_rooms(world: Any) -> None:
    assert policy.may_open_room(world.owner)
    assert not policy.may_open_room(world.member)  # diplomat, but at an embassy
    with pytest.raises(PermissionDeniedError):
        services.room_open(
            actor=world.member, title="x", kind="other", ceiling=0, lead_unit=world.unit
        )


def test_closed_room_is_read_only(world: Any, verified_client: Any) -> None:
    services.room_close(actor=world.owner, room=world.room)
    world.room.refresh_from_db()
    before = RoomEntry.objects.count()
    with pytest.raises(ApplicationError) as excinfo:
        services.entry_post(actor=world.member, room=world.room, kind="message", text="late")
    assert excinfo.value.status_code == 409
    assert RoomEntry.objects.count() == before
    assert AuditEvent.objects.filter(
        action="rooms.write_refused", details__reason="room_closed"
    ).exists()
    client = _client(verified_client, world.member)
    page = client.get(reverse("rooms:room_detail", kwargs={"room_id": world.room.pk}))
    assert page.status_code == 200
    assert 'data-testid="entry-form"' not in page.content.decode()
    assert 'data-testid="room-closed"' in page.content.decode()
    response = client.post(
        reverse("rooms:entry_post", kwargs={"room_id": world.room.pk}),
        {"kind": "message", "classification": 0, "text": "late again"},
    )
    assert response.status_code == 409
    assert "read-only" in response.content.decode()
    assert RoomEntry.objects.count() == before


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
def test_every_room_url_answers_404_to_non_members(
    world: Any, verified_client: Any, who: str
) -> None:
    from sifara.rooms.models import ChecklistItem, RoomTask

    task = services.task_create(
        actor=world.owner,
        room=world.room,
        title="Call the airline",
        owner=world.member,
        due_at=world.room.created_at,
    )
    item = ChecklistItem.objects.filter(room=world.room).first()
    assert item is not None
    client = _client(verified_client, getattr(world, who))
    room = {"room_id": world.room.pk}
    gets = ["room_detail", "timeline", "export_pdf", "export_html", "member_add", "guest_invite"]
    for name in gets:
        assert client.get(reverse(f"rooms:{name}", kwargs=room)).status_code == 404, name
    posts = [
        ("entry_post", room),
        ("task_create", room),
        ("task_done", {**room, "task_id": task.pk}),
        ("checklist_set", {**room, "item_id": item.pk}),
        ("member_add", room),
        ("guest_invite", room),
        ("cable_link", room),
        ("room_close", room),
    ]
    for name, kwargs in posts:
        assert (
            client.post(reverse(f"rooms:{name}", kwargs=kwargs), {"done": "1"}).status_code == 404
        )
    task.refresh_from_db()
    item.refresh_from_db()
    world.room.refresh_from_db()
    assert task.done_at is None and item.done_at is None and world.room.is_open
    assert RoomTask.objects.filter(room=world.room).count() == 1


def test_a_task_of_another_room_is_not_reachable_through_mine(
    world: Any, verified_client: Any
) -> None:
    other_owner = world.other_room.opened_by
    task = services.task_create(
        actor=other_owner,
        room=world.other_room,
        title="Other room's task",
        owner=other_owner,
        due_at=world.room.created_at,
    )
    client = _client(verified_client, world.owner)
    url = reverse("rooms:task_done", kwargs={"room_id": world.room.pk, "task_id": task.pk})
    assert client.post(url).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_administrators_and_liaisons_do_not_open_rooms(world: Any, admin_user: Any) -> None:
    from sifara.directory.models import Membership
    from sifara.directory.tests.factories import UnitFactory

    assert not policy.may_open_room(admin_user)
    ministry = UnitFactory(code="pm-x", kind="partner_ministry", name_en="X", name_ar="س")
    liaison = world.outsider.__class__.objects.create(username="liaison.x", clearance=2)
    Membership.objects.create(user=liaison, unit=ministry, role="liaison", is_primary=True)
    assert not policy.may_open_room(liaison)


def test_non_member_attempts_are_audited_without_leaking(world: Any, verified_client: Any) -> None:
    client = _client(verified_client, world.outsider)
    client.get(reverse("rooms:room_detail", kwargs={"room_id": world.room.pk}))
    client.get(reverse("rooms:room_detail", kwargs={"room_id": 999999}))
    events = AuditEvent.objects.filter(action="rooms.access_refused")
    assert events.count() == 1
    assert events.get().target_id == str(world.room.pk)
