"""Linked cables: each member sees a linked cable only if the cables module
lets them; others see a neutral placeholder, never the subject."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sifara.audit.models import AuditEvent
from sifara.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from sifara.core.models import Classification
from sifara.directory.models import Unit
from sifara.rooms import export, selectors, services

pytestmark = pytest.mark.django_db

cable_factories = pytest.importorskip("sifara.cables.tests.factories")


@pytest.fixture
def cables(world: Any) -> dict[str, Any]:
    embassy = Unit.objects.get(code="emb-test")
    elsewhere = cable_factories.mission("emb-elsewhere")
    secret = cable_factories.released(
        world.owner,
        world.unit,
        world.owner,
        action=[elsewhere],
        subject="Landing slot negotiated in confidence",
        classification=Classification.CONFIDENTIAL,
        tags=["CASC", "KE"],
    )
    shared = cable_factories.released(
        world.owner,
        world.unit,
        world.owner,
        action=[embassy],
        subject="Evacuation instructions to the embassy",
        classification=Classification.RESTRICTED,
        tags=["CASC", "KE"],
    )
    return {"secret": secret, "shared": shared}


def test_members_see_only_the_cables_they_may_read(
    world: Any, cables: dict[str, Any], verified_client: Any
) -> None:
    for cable in cables.values():
        services.cable_link(actor=world.owner, room=world.room, reference=cable.reference)
    owner_view = selectors.linked_cables_for_user(user=world.owner, room=world.room)
    assert [v.visible for v in owner_view] == [True, True]
    assert owner_view[0].subject == "Landing slot negotiated in confidence"
    member_view = selectors.linked_cables_for_user(user=world.member, room=world.room)
    assert [v.visible for v in member_view] == [False, True]
    page = verified_client(world.member).get(
        reverse("rooms:room_detail", kwargs={"room_id": world.room.pk})
    )
    html = page.content.decode()
    assert "Landing slot negotiated" not in html
    assert cables["secret"].reference not in html
    assert "Evacuation instructions to the embassy" in html
    assert 'data-testid="linked-cable-hidden"' in html
    log = export.situation_log_export(actor=world.member, room=world.room, fmt="html").decode()
    assert "Landing slot negotiated" not in log
    event = AuditEvent.objects.filter(action="rooms.cable_linked").latest("seq")
    assert "Landing" not in str(event.details) and "Evacuation" not in str(event.details)


def test_guest_reaching_a_cable_gets_404(
    world: Any, cables: dict[str, Any], verified_client: Any
) -> None:
    from sifara.cables.selectors import cable_get_for_user

    services.cable_link(actor=world.owner, room=world.room, reference=cables["shared"].reference)
    guest = world.guest
    guest.must_change_password = False
    guest.save()
    assert [v.visible for v in selectors.linked_cables_for_user(user=guest, room=world.room)] == [
        False
    ]
    with pytest.raises(NotFoundError):
        cable_get_for_user(user=guest, cable_id=cables["shared"].pk)
    client = verified_client(guest)
    response = client.get(reverse("cables:detail", kwargs={"cable_id": cables["shared"].pk}))
    assert response.status_code == 404
    page = client.get(reverse("rooms:room_detail", kwargs={"room_id": world.room.pk}))
    assert "Evacuation instructions" not in page.content.decode()


def test_only_visible_cables_can_be_linked(world: Any, cables: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError):
        services.cable_link(
            actor=world.member, room=world.room, reference=cables["secret"].reference
        )
    with pytest.raises(ApplicationError):
        services.cable_link(actor=world.owner, room=world.room, reference="NO-SUCH-REF")
    with pytest.raises(PermissionDeniedError):
        services.cable_link(
            actor=world.guest, room=world.room, reference=cables["shared"].reference
        )
    first = services.cable_link(
        actor=world.member, room=world.room, reference=cables["shared"].reference
    )
    again = services.cable_link(
        actor=world.owner, room=world.room, reference=cables["shared"].reference
    )
    assert first.pk == again.pk
