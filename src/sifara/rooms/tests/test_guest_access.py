"""Outside guests see nothing beyond their rooms: every other URL family
answers 403 or 404 (the dashboard sends them to their rooms)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sifara.identity import services as identity_services

pytestmark = pytest.mark.django_db

# (url name, kwargs) of every page family a guest must not reach.
FAMILIES: list[tuple[str, dict[str, Any]]] = [
    ("directory:unit_list", {}),
    ("directory:unit_detail", {"unit_id": 1}),
    ("directory:person_list", {}),
    ("directory:person_detail", {"person_id": 1}),
    ("directory:person_create", {}),
    ("audit:event_list", {}),
    ("audit:event_export", {}),
    ("audit:chain_status", {}),
    ("accounts:registry", {}),
    ("accounts:security_board", {}),
    ("accounts:guide_index", {}),
    ("accounts:personal_list", {}),
    ("accounts:account_detail", {"account_id": 1}),
    ("accounts_review:queue", {}),
    ("identity:person_reset", {"person_id": 1}),
    ("cables:inbox", {}),
    ("cables:create", {}),
    ("cables:search", {}),
    ("cables:detail", {"cable_id": 1}),
    ("archive:search", {}),
    ("analysis:dashboard", {}),
    ("listening:source_list", {}),
    ("listening:watch_topic_list", {}),
    ("cable-list", {}),
    ("agreement-list", {}),
    ("listening-alert-list", {}),
    ("listening-post-list", {}),
    ("unit-list", {}),
    ("person-list", {}),
    ("country-list", {}),
    ("audit-event-list", {}),
    ("official-account-list", {}),
    ("api-token-list", {}),
    ("rooms-list", {}),
]


def _urls() -> list[Any]:
    return [pytest.param(name, reverse(name, kwargs=kwargs), id=name) for name, kwargs in FAMILIES]


@pytest.fixture
def guest_client(world: Any, verified_client: Any) -> Any:
    guest = world.guest
    guest.must_change_password = False
    guest.save(update_fields=["must_change_password"])
    return verified_client(guest)


@pytest.mark.parametrize(("name", "url"), _urls())
def test_guest_is_refused_everywhere_else(guest_client: Any, name: str, url: str) -> None:
    response = guest_client.get(url)
    assert response.status_code in {403, 404}, (url, response.status_code)


def test_guest_dashboard_lands_on_their_rooms(world: Any, guest_client: Any) -> None:
    response = guest_client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("rooms:room_list")
    page = guest_client.get(reverse("rooms:room_list")).content.decode()
    assert world.room.reference in page
    assert world.other_room.reference not in page
    # The navigation offers nothing but their rooms.
    assert reverse("directory:unit_list") not in page
    assert reverse("accounts:registry") not in page


def test_guest_reaches_only_their_own_room(world: Any, guest_client: Any) -> None:
    own = guest_client.get(reverse("rooms:room_detail", kwargs={"room_id": world.room.pk}))
    assert own.status_code == 200
    other = guest_client.get(reverse("rooms:room_detail", kwargs={"room_id": world.other_room.pk}))
    assert other.status_code == 404
    assert guest_client.get(reverse("rooms:room_new")).status_code == 403
    export = guest_client.get(reverse("rooms:export_pdf", kwargs={"room_id": world.room.pk}))
    assert export.status_code == 403


def test_guest_gets_no_api_token_scopes(world: Any) -> None:
    from sifara.core import policy

    assert policy.allowed_scopes(world.guest) == []
    with pytest.raises(Exception):  # noqa: B017 - any refusal, no token is created
        identity_services.api_token_create(
            user=world.guest, name="x", scopes=["rooms:read"], days=1
        )


def test_staff_dashboard_is_unchanged(world: Any, verified_client: Any) -> None:
    response = verified_client(world.member).get(reverse("core:dashboard"))
    assert response.status_code == 200


def test_invited_guest_must_enrol_two_factor_at_first_sign_in(world: Any, client: Any) -> None:
    from sifara.rooms import services

    guest, temporary = services.room_guest_invite(
        actor=world.owner,
        room=world.room,
        username="guest.first",
        full_name_en="First Login",
        full_name_ar="",
        organisation="University",
        clearance=0,
    )
    response = client.post(
        reverse("identity:login"), {"username": "guest.first", "password": temporary}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:otp")
    assert client.get(reverse("identity:otp"))["Location"] == reverse("identity:otp_enrol")
    # Not verified yet: the room itself is out of reach.
    rooms = client.get(reverse("rooms:room_list"))
    assert rooms.status_code == 302
    assert guest.must_change_password is True


def test_guest_removed_from_every_room_stays_confined(world: Any, guest_client: Any) -> None:
    from sifara.rooms import services
    from sifara.rooms.models import RoomMember

    seat = RoomMember.objects.get(room=world.room, user=world.guest)
    services.room_member_remove(actor=world.owner, room=world.room, member=seat)
    assert guest_client.get(reverse("directory:unit_list")).status_code == 404
    assert guest_client.get(reverse("core:dashboard"))["Location"] == reverse("rooms:room_list")
    page = guest_client.get(reverse("rooms:room_list")).content.decode()
    assert world.room.reference not in page
    room_url = reverse("rooms:room_detail", kwargs={"room_id": world.room.pk})
    assert guest_client.get(room_url).status_code == 404
