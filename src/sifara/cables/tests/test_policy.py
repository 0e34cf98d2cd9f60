"""Policy matrix for cables: who reads what (pages, API, selectors agree)."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from sifara.cables import selectors, services
from sifara.cables.models import Caption, Precedence
from sifara.cables.tests import factories as f
from sifara.core import policy
from sifara.core.models import Classification

pytestmark = pytest.mark.django_db


def _visible(user, cable) -> bool:
    return selectors.cable_list_for_user(user=user).filter(pk=cable.pk).exists()


def test_addressees_read_a_released_cable_and_other_missions_do_not(world, verified_client):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        info=[world.paris],
        classification=Classification.CONFIDENTIAL,
    )
    assert _visible(world.dip_london, cable)
    assert _visible(world.dip_paris, cable)
    # A mission reading another mission's traffic: 404, exactly like a missing cable.
    client = verified_client(world.dip_cairo)
    invisible = client.get(reverse("cables:detail", args=[cable.pk]))
    missing = client.get(reverse("cables:detail", args=[cable.pk + 1000]))
    assert invisible.status_code == missing.status_code == 404
    assert cable.reference not in client.get(reverse("cables:inbox")).content.decode()
    api = client.get(f"/api/v1/cables/{cable.pk}/")
    assert api.status_code == 404
    assert (
        api.json()["error"]["code"] == client.get("/api/v1/cables/999999/").json()["error"]["code"]
    )


def test_cleared_user_without_need_to_know_sees_nothing(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    assert world.outsider.clearance == Classification.SECRET
    assert not _visible(world.outsider, cable)
    assert (
        verified_client(world.outsider).get(reverse("cables:detail", args=[cable.pk])).status_code
        == 404
    )


def test_clearance_below_classification_hides_the_cable_even_from_addressees(world):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        classification=Classification.SECRET,
    )
    assert world.dip_london.clearance == Classification.CONFIDENTIAL
    assert not _visible(world.dip_london, cable)
    assert _visible(world.hom_london, cable)
    assert not selectors.inbox_for_user(user=world.dip_london, unit_id=world.london.pk).exists()


def test_user_with_no_roles_reaches_no_cable(world, verified_client):
    """An operations room's guest: cleared, even explicitly granted — still 404."""
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    from sifara.cables.models import CableGrant

    CableGrant.objects.create(cable=cable, user=world.guest, granted_by=world.head)
    assert not _visible(world.guest, cable)
    client = verified_client(world.guest)
    assert client.get(reverse("cables:detail", args=[cable.pk])).status_code == 404
    assert client.get(f"/api/v1/cables/{cable.pk}/").status_code in (403, 404)
    with pytest.raises(Exception):  # noqa: B017 - NotFoundError
        selectors.cable_get_for_user(user=world.guest, cable_id=cable.pk)


def test_drafts_are_not_visible_to_addressees(world):
    cable = f.draft(world.desk, world.hq, action=[world.london])
    assert _visible(world.colleague, cable)  # same drafting unit
    assert not _visible(world.hom_london, cable)


def test_addressee_only_caption_limits_addressee_units_to_their_heads(world):
    cable = f.released(
        world.desk, world.hq, world.head, action=[world.london], captions=[Caption.ADDRESSEE_ONLY]
    )
    assert _visible(world.hom_london, cable)
    assert not _visible(world.dip_london, cable)
    # The drafting unit's own traffic is not narrowed.
    assert _visible(world.desk, cable) and _visible(world.colleague, cable)


def test_action_only_caption_excludes_information_addressees(world):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        info=[world.paris],
        captions=[Caption.ACTION_ONLY],
    )
    assert _visible(world.dip_london, cable)
    assert not _visible(world.dip_paris, cable)


def test_ministry_only_caption_excludes_partner_liaisons(world):
    liaison = f.person("liaison", unit=world.london, role="liaison", clearance=3)
    plain = f.released(world.desk, world.hq, world.head, action=[world.london])
    limited = f.released(
        world.desk, world.hq, world.head, action=[world.london], captions=[Caption.MINISTRY_ONLY]
    )
    assert _visible(liaison, plain)
    assert not _visible(liaison, limited)


def test_explicit_grant_and_clearer_get_need_to_know(world):
    cable = f.draft(world.desk, world.hq, action=[world.london])
    assert not _visible(world.outsider, cable)
    services.clearance_request(actor=world.desk, cable_id=cable.pk, clearers=[world.outsider])
    assert _visible(world.outsider, cable)
    released = f.released(world.desk, world.hq, world.head, action=[world.london])
    services.cable_grant(actor=world.head, cable_id=released.pk, user=world.dip_cairo)
    assert _visible(world.dip_cairo, released)


def test_queryset_and_single_cable_rule_agree(world):
    """cable_visibility_q (lists) and may_see_cable (one record) decide alike."""
    users = [
        world.desk,
        world.head,
        world.colleague,
        world.hom_london,
        world.dip_london,
        world.dip_paris,
        world.dip_cairo,
        world.outsider,
        world.guest,
    ]
    cables = []
    for level, captions in itertools.product(
        (Classification.RESTRICTED, Classification.SECRET),
        ([], [Caption.ADDRESSEE_ONLY], [Caption.ACTION_ONLY], [Caption.MINISTRY_ONLY]),
    ):
        cables.append(
            f.released(
                world.desk,
                world.hq,
                world.head,
                action=[world.london],
                info=[world.paris],
                classification=level,
                captions=captions,
            )
        )
    cables.append(f.draft(world.desk, world.hq, action=[world.london]))
    for user, cable in itertools.product(users, cables):
        policy.forget(user)
        assert _visible(user, cable) == services.may_see(user, cable), (user.username, cable.pk)


def test_release_authority_rule(world):
    draft = f.draft(
        world.desk, world.hq, action=[world.london], classification=Classification.SECRET
    )
    assert not services.may_release(world.desk, draft)  # drafter without authority
    assert services.may_release(world.head, draft)  # explicit grant up to SECRET
    london = f.draft(
        world.dip_london,
        world.london,
        action=[world.hq],
        classification=Classification.CONFIDENTIAL,
        tags=["ECON", "GB"],
    )
    assert services.may_release(world.hom_london, london)  # head of mission
    assert not services.may_release(world.dip_london, london)
    assert not services.may_release(world.head, london)  # not a member of London
    assert Precedence.FLASH > Precedence.ROUTINE
