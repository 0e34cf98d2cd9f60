"""Fixtures of the operations rooms tests: a room with an owner, a ministry
member, a guest, and outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sifara.directory.models import Unit, User
from sifara.directory.tests.factories import UnitFactory
from sifara.rooms import services
from sifara.rooms.models import OperationsRoom
from sifara.rooms.tests.factories import hq_department, open_room, staff


@dataclass
class RoomWorld:
    unit: Unit
    room: OperationsRoom
    owner: User  # SECRET, head of the consular department
    member: User  # RESTRICTED, embassy diplomat
    guest: User  # UNCLASSIFIED outside expert
    outsider: User  # ministry staff, not a member
    other_room: OperationsRoom
    other_guest: User  # a guest of the other room


@pytest.fixture
def world(db: Any) -> RoomWorld:
    unit = hq_department()
    embassy = UnitFactory(
        code="emb-test",
        kind="embassy",
        name_en="Embassy in Nairobi",
        name_ar="السفارة في نيروبي",
        host_country_id="KE",
        city_en="Nairobi",
        city_ar="نيروبي",
        timezone="Africa/Nairobi",
    )
    owner = staff("owner.hq", unit=unit, role="head_of_mission", clearance=3)
    member = staff("member.emb", unit=embassy, role="diplomat", clearance=1)
    outsider = staff("outsider.hq", unit=unit, role="diplomat", clearance=3)
    room = open_room(owner=owner, unit=unit, ceiling=2)
    services.room_member_add(actor=owner, room=room, person=member)
    guest, _password = services.room_guest_invite(
        actor=owner,
        room=room,
        username="guest.expert",
        full_name_en="Dr Expert",
        full_name_ar="د. خبير",
        organisation="Logistics Institute",
        clearance=0,
    )
    other_owner = staff("other.hq", unit=unit, role="diplomat", clearance=2)
    other_room = open_room(owner=other_owner, unit=unit, ceiling=1, title="Summit")
    other_guest, _password = services.room_guest_invite(
        actor=other_owner,
        room=other_room,
        username="guest.other",
        full_name_en="Other Guest",
        full_name_ar="ضيف آخر",
        organisation="University",
        clearance=1,
    )
    return RoomWorld(
        unit=unit,
        room=room,
        owner=owner,
        member=member,
        guest=guest,
        outsider=outsider,
        other_room=other_room,
        other_guest=other_guest,
    )


@pytest.fixture(autouse=True)
def _english_messages(settings: Any) -> Iterator[None]:
    """Messages are asserted in English here (services and pages without a language
    cookie); the Arabic catalogue has its own tests (tests/test_translations.py)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
