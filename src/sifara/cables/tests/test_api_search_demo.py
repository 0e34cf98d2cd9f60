"""The API (tokens and scopes), search over the blind index, and the demo."""

from __future__ import annotations

import io

import pytest

from sifara.audit.models import AuditEvent
from sifara.cables import search, selectors
from sifara.cables.models import Cable, Precedence
from sifara.cables.tests import factories as f
from sifara.core.models import Classification

pytestmark = pytest.mark.django_db


def _token(user, scopes):
    from sifara.identity.services import api_token_create

    _token_row, value = api_token_create(user=user, name="t", scopes=scopes, days=30)
    return value


def test_api_lists_reads_and_acknowledges_with_scopes(world, client):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        precedence=Precedence.FLASH,
        classification=Classification.CONFIDENTIAL,
    )
    read = _token(world.dip_london, ["cables:read"])
    listing = client.get("/api/v1/cables/?precedence=3", HTTP_AUTHORIZATION=f"Bearer {read}")
    assert listing.status_code == 200
    assert [c["reference"] for c in listing.json()["results"]] == [cable.reference]
    detail = client.get(f"/api/v1/cables/{cable.pk}/", HTTP_AUTHORIZATION=f"Bearer {read}").json()
    assert detail["integrity"] == "intact" and detail["precedence"] == "FLASH"
    assert AuditEvent.objects.filter(action="cable.read", actor_id=world.dip_london.pk).exists()
    refused = client.post(
        f"/api/v1/cables/{cable.pk}/acknowledge/", HTTP_AUTHORIZATION=f"Bearer {read}"
    )
    assert refused.status_code == 403
    write = _token(world.dip_london, ["cables:read", "cables:write"])
    ack = client.post(
        f"/api/v1/cables/{cable.pk}/acknowledge/", HTTP_AUTHORIZATION=f"Bearer {write}"
    )
    assert ack.status_code == 200 and ack.json() == {"acknowledged_units": ["emb-london"]}


def test_api_release_refusals_use_the_uniform_error_body(world, client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    token = _token(world.head, ["cables:read", "cables:write"])
    again = client.post(f"/api/v1/cables/{cable.pk}/release/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_released"
    outsider = _token(world.dip_cairo, ["cables:read", "cables:write"])
    hidden = client.post(
        f"/api/v1/cables/{cable.pk}/release/", HTTP_AUTHORIZATION=f"Bearer {outsider}"
    )
    assert hidden.status_code == 404


def test_blind_index_holds_tokens_not_words(world):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        classification=Classification.CONFIDENTIAL,
        subject="Pelican harbour talks",
    )
    doc = search.document(cable.pk)
    assert doc is not None
    assert "pelican" not in doc.body.lower() and "harbour" not in doc.body.lower()
    assert search.token("pelican") in doc.body
    from sifara.core.text import index_terms

    assert index_terms(search.token("pelican")) == [
        search.token("pelican")
    ]  # survives normalisation
    secret = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        classification=Classification.SECRET,
        subject="Osprey secret talks",
    )
    secret_doc = search.document(secret.pk)
    assert secret_doc is not None and search.token("osprey") not in secret_doc.body
    assert search.token("prel") in secret_doc.body  # TAGS only
    assert search.document(f.draft(world.desk, world.hq, action=[world.london]).pk) is None


def test_search_finds_only_visible_cables_by_text_and_filters(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        london = f.released(
            world.desk,
            world.hq,
            world.head,
            action=[world.london],
            subject="Pelican harbour talks",
            body="الموانئ والملاحة",
            tags=["ECON", "GB"],
        )
        cairo = f.released(
            world.desk,
            world.hq,
            world.head,
            action=[world.cairo],
            subject="Pelican harbour talks",
            tags=["ECON", "EG"],
        )
    found = selectors.cable_search_for_user(user=world.dip_london, query="pelican")
    assert [c.pk for c in found.cables] == [london.pk] and found.total == 1
    arabic = selectors.cable_search_for_user(user=world.dip_london, query="والموانئ الملاحه")
    assert [c.pk for c in arabic.cables] == [london.pk]
    assert selectors.cable_search_for_user(user=world.dip_cairo, query="pelican").total == 1
    assert selectors.cable_search_for_user(user=world.outsider, query="pelican").total == 0
    assert selectors.cable_search_for_user(user=world.desk, query="pelican").total == 2
    by_country = selectors.cable_search_for_user(
        user=world.desk, query="pelican", filters=selectors.CableFilters(country="EG")
    )
    assert [c.pk for c in by_country.cables] == [cairo.pk]
    by_addressee = selectors.cable_search_for_user(
        user=world.desk, query="", filters=selectors.CableFilters(addressee_id=world.london.pk)
    )
    assert [c.pk for c in by_addressee.cables] == [london.pk]
    by_reference = selectors.cable_search_for_user(user=world.desk, query=london.reference)
    assert london.pk in [c.pk for c in by_reference.cables]


def test_demo_is_idempotent():
    from sifara.directory.demo import load_organisation, load_people
    from sifara.directory.services import countries_sync

    countries_sync()
    units = load_organisation()
    load_people(units)
    from sifara.cables.demo import load_demo

    out = io.StringIO()
    load_demo(out=out)
    count = Cable.objects.count()
    assert count >= 10
    assert (
        Cable.objects.filter(status="recalled").exists()
        and Cable.objects.filter(status="draft").exists()
    )
    assert {c.precedence for c in Cable.objects.all()} == {0, 1, 2, 3}
    assert {c.classification for c in Cable.objects.all()} == {0, 1, 2, 3}
    load_demo(out=io.StringIO())
    assert Cable.objects.count() == count
