"""Fixtures of the cables tests: HQ desk, three embassies, people with roles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sifara.cables.models import ReleaseAuthority
from sifara.cables.tests import factories as f
from sifara.directory.models import Unit, User


@dataclass
class World:
    hq: Unit
    london: Unit
    paris: Unit
    cairo: Unit
    desk: User  # HQ desk officer (drafts)
    head: User  # HQ department head (release authority by grant, SECRET)
    colleague: User  # HQ colleague who clears
    hom_london: User  # head of mission in London
    dip_london: User  # diplomat in London (CONFIDENTIAL)
    dip_paris: User  # diplomat in Paris
    dip_cairo: User
    outsider: User  # cleared, in another HQ department: no need-to-know
    guest: User  # no roles at all (an operations room's guest)


@pytest.fixture
def world(db: Any) -> World:
    hq = f.hq("hq-europe")
    other = f.hq("hq-asia")
    london = f.mission("emb-london")
    paris = f.mission("emb-paris", zone="Europe/Paris", country="FR")
    cairo = f.mission("emb-cairo", zone="Africa/Cairo", country="EG")
    head = f.person("head", unit=hq, role="diplomat", clearance=3)
    ReleaseAuthority.objects.create(user=head, unit=hq, max_classification=3)
    return World(
        hq=hq,
        london=london,
        paris=paris,
        cairo=cairo,
        desk=f.person("desk", unit=hq, clearance=3, email="desk@mfa.example"),
        head=head,
        colleague=f.person("colleague", unit=hq, clearance=3),
        hom_london=f.person("hom.london", unit=london, role="head_of_mission", clearance=3),
        dip_london=f.person("dip.london", unit=london, clearance=2, email="dip.london@mfa.example"),
        dip_paris=f.person("dip.paris", unit=paris, clearance=3),
        dip_cairo=f.person("dip.cairo", unit=cairo, clearance=3),
        outsider=f.person("outsider", unit=other, clearance=3),
        guest=f.person("guest", clearance=3),
    )


@pytest.fixture(autouse=True)
def _english_messages(settings: Any) -> Iterator[None]:
    """Messages are asserted in English here (services and pages without a language
    cookie); the Arabic catalogue has its own tests (tests/test_translations.py)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
