"""Encryption at rest and signatures: edits made with plain SQL show as
altered or unreadable in the UI and the API, never silently wrong."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from sifara.audit.models import AuditEvent
from sifara.cables import content, selectors, services
from sifara.cables.models import Attachment, Cable, UnitKey
from sifara.cables.tests import factories as f
from sifara.core.models import Classification, DataKey

pytestmark = pytest.mark.django_db

SECRET_BODY = "Zebra-Quartz negotiating fallback 4471"


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _flip(blob: bytes, at: int = -1) -> bytes:
    data = bytearray(blob)
    data[at] ^= 0x01
    return bytes(data)


def _page(client, cable: Cable) -> str:
    response = client.get(reverse("cables:detail", args=[cable.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def confidential(world):
    return f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        classification=Classification.CONFIDENTIAL,
        body=SECRET_BODY,
    )


def test_intact_cable_verifies_and_shows_its_text(world, verified_client, confidential):
    page = _page(verified_client(world.dip_london), confidential)
    assert 'data-testid="integrity-intact"' in page
    assert SECRET_BODY in page


def test_edited_ciphertext_shows_unreadable_in_ui_and_api(world, verified_client, confidential):
    _sql(
        "UPDATE cables_cable SET body_sealed = %s, subject_sealed = %s WHERE id = %s",
        [
            _flip(bytes(confidential.body_sealed)),
            _flip(bytes(confidential.subject_sealed)),
            confidential.pk,
        ],
    )
    client = verified_client(world.dip_london)
    page = _page(client, confidential)
    assert 'data-testid="integrity-unreadable"' in page
    assert SECRET_BODY not in page
    api = client.get(f"/api/v1/cables/{confidential.pk}/").json()
    assert api["integrity"] == "unreadable" and api["subject"] is None and api["paragraphs"] == []
    # The inbox says so too.
    assert 'data-testid="unreadable"' in client.get(reverse("cables:inbox")).content.decode()


def test_edited_wrapped_key_shows_unreadable(world, verified_client, confidential):
    key = DataKey.objects.get(pk=confidential.data_key_id)
    _sql("UPDATE core_datakey SET wrapped = %s WHERE id = %s", [_flip(bytes(key.wrapped)), key.pk])
    assert 'data-testid="integrity-unreadable"' in _page(
        verified_client(world.dip_london), confidential
    )


def test_edited_plain_body_of_unclassified_cable_shows_altered(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london], body="Meet at ten.")
    _sql(
        "UPDATE cables_cable SET body_text = %s WHERE id = %s",
        ['[{"mark":0,"text":"Meet at eleven."}]', cable.pk],
    )
    client = verified_client(world.dip_london)
    page = _page(client, cable)
    assert 'data-testid="integrity-altered"' in page
    assert client.get(f"/api/v1/cables/{cable.pk}/").json()["integrity"] == "altered"


def test_edited_signature_shows_altered(world, verified_client, confidential):
    _sql(
        "UPDATE cables_cable SET signature = %s WHERE id = %s",
        [_flip(bytes(confidential.signature), 0), confidential.pk],
    )
    assert 'data-testid="integrity-altered"' in _page(
        verified_client(world.dip_london), confidential
    )


def test_edited_metadata_after_release_shows_altered(world, verified_client, confidential):
    _sql(
        "UPDATE cables_cable SET precedence = 3, tags = %s WHERE id = %s",
        ['["PREL"]', confidential.pk],
    )
    assert 'data-testid="integrity-altered"' in _page(
        verified_client(world.dip_london), confidential
    )


def test_swapped_unit_public_key_shows_altered(world, verified_client, confidential):
    """An attacker with the database re-signs with their own key: the
    ministry's certificate on the unit key no longer matches."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = Ed25519PrivateKey.generate()
    public = forged.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    opened = content.open_cable(Cable.objects.get(pk=confidential.pk))
    data = content.canonical(opened.cable, subject=opened.subject, paragraphs=opened.paragraphs)
    _sql(
        "UPDATE cables_unitkey SET public_key = %s WHERE id = %s",
        [public, confidential.signing_key_id],
    )
    _sql(
        "UPDATE cables_cable SET signature = %s WHERE id = %s", [forged.sign(data), confidential.pk]
    )
    assert 'data-testid="integrity-altered"' in _page(
        verified_client(world.dip_london), confidential
    )


def test_tampered_attachment_is_refused_not_served(world, verified_client):
    cable = f.draft(
        world.desk, world.hq, action=[world.london], classification=Classification.CONFIDENTIAL
    )
    attachment = services.attachment_add(
        actor=world.desk, cable_id=cable.pk, filename="note.txt", data=b"attachment secret 99"
    )
    cable = services.cable_release(actor=world.head, cable_id=cable.pk)
    client = verified_client(world.dip_london)
    url = reverse("cables:attachment_download", args=[cable.pk, attachment.pk])
    ok = client.get(url)
    assert ok.status_code == 200 and ok.content == b"attachment secret 99"
    assert AuditEvent.objects.filter(action="cable.downloaded").exists()
    stored = Attachment.objects.get(pk=attachment.pk)
    _sql(
        "UPDATE cables_attachment SET content = %s WHERE id = %s",
        [_flip(bytes(stored.content)), attachment.pk],
    )
    refused = client.get(url)
    assert refused.status_code == 409
    assert b"attachment secret 99" not in refused.content
    assert AuditEvent.objects.filter(action="cable.unreadable").exists()


def test_reading_is_audited_without_content(world, verified_client, confidential):
    _page(verified_client(world.dip_london), confidential)
    event = AuditEvent.objects.filter(action="cable.read").latest("seq")
    assert event.actor_id == world.dip_london.pk
    assert SECRET_BODY not in str(event.details) and "Instructions" not in event.target_label


def _all_stored_values() -> list[bytes]:
    values: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode("utf-8", "replace"))
    return values


@pytest.mark.django_db(transaction=True)
def test_database_holds_no_plaintext_of_a_confidential_cable(world):
    """Committed for real (search index included), then every stored value and,
    on SQLite, the database image itself are searched for the text."""
    draft = f.draft(
        world.desk,
        world.hq,
        action=[world.london],
        classification=Classification.CONFIDENTIAL,
        body=SECRET_BODY,
        subject="Kestrel-Obsidian subject line",
    )
    services.attachment_add(
        actor=world.desk, cable_id=draft.pk, filename="annex.txt", data=b"Zebra annex text"
    )
    cable = services.cable_release(actor=world.head, cable_id=draft.pk)
    from sifara.core import search as search_facade

    assert search_facade.search(kind="cable", query="", restrict_to=None).total == 1
    needles = [SECRET_BODY.encode(), b"Kestrel-Obsidian", b"Zebra", b"negotiating", b"kestrel"]
    for value in _all_stored_values():
        for needle in needles:
            assert needle not in value
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection.serialize()  # the whole database file, as bytes
        for needle in needles:
            assert needle not in raw
    # The addressee still reads it.
    opened = content.open_cable(
        selectors.cable_get_for_user(user=world.dip_london, cable_id=cable.pk)
    )
    assert opened.paragraphs[0]["text"] == SECRET_BODY


def test_unit_private_key_is_stored_encrypted(world, confidential):
    key = UnitKey.objects.get(unit=world.hq)
    assert len(bytes(key.sealed_seed)) > 32 and key.data_key_id
    assert content.unit_key_certified(key)
