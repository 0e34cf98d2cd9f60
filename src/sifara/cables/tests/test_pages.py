"""Pages around the journey: one-tap acknowledgement in the inbox, the duty
roster, Web Push subscriptions, search and sent lists."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sifara.cables.models import Delivery, DutyOfficer, Precedence, PushSubscription
from sifara.cables.tests import factories as f

pytestmark = pytest.mark.django_db


def test_one_tap_acknowledgement_from_the_inbox(world, verified_client):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        precedence=Precedence.NIACT_IMMEDIATE,
    )
    client = verified_client(world.dip_london)
    inbox = client.get(reverse("cables:inbox")).content.decode()
    assert 'data-testid="inbox-acknowledge"' in inbox
    response = client.post(
        reverse("cables:acknowledge", args=[cable.pk]), {"inline": "1"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-testid="inbox-acknowledged"' in response.content.decode()
    assert Delivery.objects.get(cable=cable).acknowledged_by == world.dip_london
    # Without JavaScript the same form redirects back to the inbox.
    again = client.post(
        reverse("cables:acknowledge", args=[cable.pk]), {"next": reverse("cables:inbox")}
    )
    assert again.status_code == 302 and again["Location"] == reverse("cables:inbox")
    # A read-only member sees the state but gets no button.
    reader = f.person("reader.london", unit=world.london, role="read_only", clearance=3)
    assert (
        'data-testid="inbox-acknowledge"'
        not in verified_client(reader).get(reverse("cables:inbox")).content.decode()
    )


def test_next_is_never_an_open_redirect(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    response = verified_client(world.dip_london).post(
        reverse("cables:acknowledge", args=[cable.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("cables:detail", args=[cable.pk])


def test_head_of_mission_sets_the_duty_roster(world, verified_client):
    client = verified_client(world.hom_london)
    page = client.get(reverse("cables:roster")).content.decode()
    assert world.dip_london.display_name in page
    response = client.post(
        reverse("cables:roster"),
        {"unit": world.london.pk, "officers": [world.dip_london.pk, world.hom_london.pk]},
    )
    assert response.status_code == 302
    assert list(
        DutyOfficer.objects.filter(unit=world.london).values_list("user_id", flat=True)
    ) == [world.dip_london.pk, world.hom_london.pk]
    # A diplomat cannot change it; someone outside the unit cannot even see it.
    denied = verified_client(world.dip_london).post(
        reverse("cables:roster"),
        {"unit": world.london.pk, "officers": [world.dip_london.pk]},
        follow=True,
    )
    assert DutyOfficer.objects.filter(unit=world.london).count() == 2
    assert denied.status_code == 200
    outsider = verified_client(world.dip_paris).post(
        reverse("cables:roster"), {"unit": world.london.pk, "officers": [world.dip_paris.pk]}
    )
    assert outsider.status_code == 404


def test_push_subscription_endpoints(world, verified_client):
    client = verified_client(world.dip_london)
    body = {"endpoint": "https://push.example/sub/1", "keys": {"p256dh": "BPk", "auth": "au"}}
    ok = client.post(
        reverse("cables:push_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["ok"]
    assert PushSubscription.objects.get(user=world.dip_london).endpoint == body["endpoint"]
    bad = client.post(
        reverse("cables:push_subscribe"),
        json.dumps({"endpoint": "http://plain.example/", "keys": {}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    junk = client.post(
        reverse("cables:push_subscribe"), "not json", content_type="application/json"
    )
    assert junk.status_code == 400
    client.post(
        reverse("cables:push_unsubscribe"),
        json.dumps({"endpoint": body["endpoint"]}),
        content_type="application/json",
    )
    assert not PushSubscription.objects.exists()


def test_sent_search_and_drafts_pages(world, verified_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cable = f.released(
            world.desk,
            world.hq,
            world.head,
            action=[world.london],
            subject="Falcon summit logistics",
            precedence=Precedence.FLASH,
        )
    draft = f.draft(world.desk, world.hq, action=[world.paris], subject="Draft about herons")
    client = verified_client(world.colleague)
    sent = client.get(reverse("cables:sent")).content.decode()
    assert cable.reference in sent and "0" in sent
    found = client.get(reverse("cables:search") + "?q=falcon").content.decode()
    assert cable.reference in found
    assert "herons" not in found  # drafts are not searched
    assert "Draft about herons" in client.get(reverse("cables:drafts")).content.decode()
    outsider = verified_client(world.dip_cairo).get(reverse("cables:search") + "?q=falcon")
    assert cable.reference not in outsider.content.decode()
    assert draft.pk


def test_release_authority_gives_a_named_person_access(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    client = verified_client(world.head)
    page = client.get(reverse("cables:detail", args=[cable.pk])).content.decode()
    assert 'data-testid="grant"' in page
    client.post(reverse("cables:grant", args=[cable.pk]), {"username": world.dip_cairo.username})
    assert (
        verified_client(world.dip_cairo).get(reverse("cables:detail", args=[cable.pk])).status_code
        == 200
    )
    # Someone without release authority cannot.
    denied = verified_client(world.desk).post(
        reverse("cables:grant", args=[cable.pk]), {"username": world.outsider.username}, follow=True
    )
    assert denied.status_code == 200
    assert (
        verified_client(world.outsider).get(reverse("cables:detail", args=[cable.pk])).status_code
        == 404
    )
