"""The demo rooms load, print guest credentials and are idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest

from sifara.directory.demo import load_organisation, load_people
from sifara.directory.services import countries_sync
from sifara.rooms import selectors
from sifara.rooms.demo import load_demo
from sifara.rooms.models import OperationsRoom, RoomEntry

pytestmark = pytest.mark.django_db


def test_demo_rooms(db: Any) -> None:
    countries_sync()
    load_people(load_organisation())
    out = io.StringIO()
    load_demo(out=out)
    text = out.getvalue()
    assert "guest.logistics" in text and "recovery codes" in text
    rooms = OperationsRoom.objects.order_by("pk")
    assert [r.status for r in rooms] == ["open", "closed"]
    counts = (OperationsRoom.objects.count(), RoomEntry.objects.count())
    load_demo(out=io.StringIO())
    assert (OperationsRoom.objects.count(), RoomEntry.objects.count()) == counts
    from sifara.directory.models import User

    guest = User.objects.get(username="guest.logistics")
    assert selectors.user_is_room_guest_only(user=guest)
    assert [r.status for r in selectors.room_list_for_user(user=guest)] == ["open"]
