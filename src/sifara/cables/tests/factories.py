"""Test helpers of the cables module: units, people and cables in a few calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sifara.cables import services
from sifara.cables.models import Cable, Precedence
from sifara.core.models import Classification
from sifara.directory.models import Membership, Unit, User
from sifara.directory.tests.factories import UnitFactory, UserFactory


def mission(code: str, *, zone: str = "Europe/London", country: str = "GB") -> Unit:
    return UnitFactory(
        code=code,
        kind="embassy",
        name_en=f"Embassy {code}",
        name_ar=f"سفارة {code}",
        host_country_id=country,
        city_en="City",
        city_ar="مدينة",
        timezone=zone,
    )


def hq(code: str = "hq-europe") -> Unit:
    return UnitFactory(
        code=code, kind="hq_department", name_en=f"HQ {code}", name_ar=f"الديوان {code}"
    )


def person(
    username: str,
    *,
    unit: Unit | None = None,
    role: str = "diplomat",
    clearance: int = 3,
    **fields: Any,
) -> User:
    user = UserFactory(username=username, clearance=clearance, **fields)
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role, is_primary=True)
    return user


def member(user: User, unit: Unit, role: str = "diplomat") -> User:
    Membership.objects.create(user=user, unit=unit, role=role, is_primary=False)
    from sifara.core import policy

    policy.forget(user)
    return user


def fields(
    *,
    action: list[Unit],
    info: list[Unit] | None = None,
    subject: str = "Instructions for the session",
    body: str = "Please convey our position.",
    classification: int = Classification.UNCLASSIFIED,
    precedence: int = Precedence.ROUTINE,
    tags: list[str] | None = None,
    captions: list[str] | None = None,
    references: list[Cable] | None = None,
) -> services.DraftFields:
    return services.DraftFields(
        subject=subject,
        paragraphs=[{"mark": classification, "text": body}],
        classification=classification,
        precedence=precedence,
        tags=tags or ["PREL", "GB"],
        captions=captions or [],
        action_units=action,
        info_units=info or [],
        references=references or [],
    )


def draft(drafter: User, unit: Unit, **kwargs: Any) -> Cable:
    reply_to = kwargs.pop("in_reply_to", None)
    return services.cable_draft_create(
        actor=drafter, drafting_unit=unit, fields=fields(**kwargs), in_reply_to=reply_to
    )


def released(
    drafter: User, unit: Unit, releaser: User, *, now: datetime | None = None, **kwargs: Any
) -> Cable:
    cable = draft(drafter, unit, **kwargs)
    return services.cable_release(actor=releaser, cable_id=cable.pk, now=now)
