"""Factories of the operations rooms module's tests."""

from __future__ import annotations

from typing import Any

from sifara.directory.models import Membership, Unit, User
from sifara.directory.tests.factories import UnitFactory, UserFactory
from sifara.rooms import services
from sifara.rooms.models import OperationsRoom


def hq_department(code: str = "hq-consular") -> Unit:
    unit: Unit = UnitFactory(
        code=code,
        kind="hq_department",
        name_en="Consular Affairs Department",
        name_ar="إدارة الشؤون القنصلية",
    )
    return unit


def staff(username: str, *, unit: Unit, role: str = "diplomat", clearance: int = 2) -> User:
    user: User = UserFactory(username=username, clearance=clearance)
    Membership.objects.get_or_create(user=user, unit=unit, role=role, defaults={"is_primary": True})
    return user


def open_room(*, owner: User, unit: Unit, ceiling: int = 2, **fields: Any) -> OperationsRoom:
    return services.room_open(
        actor=owner,
        title=fields.pop("title", "Evacuation of nationals"),
        kind=fields.pop("kind", "evacuation"),
        ceiling=ceiling,
        lead_unit=unit,
        **fields,
    )
