"""The rooms API: members only, entries filtered by clearance, audited reads."""

from __future__ import annotations

from typing import Any

import pytest

from sifara.audit.models import AuditEvent
from sifara.identity import services as identity_services
from sifara.rooms import services

pytestmark = pytest.mark.django_db


def test_members_list_and_read_their_rooms(world: Any, verified_client: Any) -> None:
    services.entry_post(
        actor=world.owner, room=world.room, kind="decision", text="Go", classification=2
    )
    client = verified_client(world.member)
    listed = client.get("/api/v1/rooms/").json()
    ids = (
        [room["id"] for room in listed["results"]]
        if "results" in listed
        else [room["id"] for room in listed]
    )
    assert ids == [world.room.pk]
    detail = client.get(f"/api/v1/rooms/{world.room.pk}/").json()
    assert detail["reference"] == world.room.reference
    assert detail["role"] == "member"
    assert "Go" not in [entry["text"] for entry in detail["entries"]]  # above clearance
    assert len(detail["checklist"]) > 0
    assert AuditEvent.objects.filter(action="rooms.room_read_api").exists()
    owner = verified_client(world.owner).get(f"/api/v1/rooms/{world.room.pk}/").json()
    assert "Go" in [entry["text"] for entry in owner["entries"]]


def test_non_members_get_404_and_guests_no_api(world: Any, verified_client: Any) -> None:
    outsider = verified_client(world.outsider)
    assert outsider.get(f"/api/v1/rooms/{world.room.pk}/").status_code == 404
    assert outsider.get("/api/v1/rooms/999999/").status_code == 404
    guest = world.guest
    guest.must_change_password = False
    guest.save()
    assert verified_client(guest).get("/api/v1/rooms/").status_code in {403, 404}


def test_token_with_rooms_scope(world: Any, client: Any) -> None:
    _token, raw = identity_services.api_token_create(
        user=world.member, name="ops", scopes=["rooms:read"], days=1
    )
    response = client.get(f"/api/v1/rooms/{world.room.pk}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    _token, other = identity_services.api_token_create(
        user=world.member, name="dir", scopes=["directory:read"], days=1
    )
    response = client.get("/api/v1/rooms/", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 403
