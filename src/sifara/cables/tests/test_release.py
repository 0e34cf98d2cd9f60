"""Drafting, clearing, releasing, replying, recalling — and refusals of bad input."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from sifara.audit.models import AuditEvent
from sifara.cables import content, selectors, services
from sifara.cables.models import Attachment, Cable, Clearance, Delivery, Precedence
from sifara.cables.tests import factories as f
from sifara.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from sifara.core.models import Classification
from sifara.directory.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Cable.objects.count(),
        Delivery.objects.count(),
        Attachment.objects.count(),
        Clearance.objects.count(),
    )


def test_draft_clear_release_delivers_one_row_per_unit(world):
    cable = f.draft(
        world.desk,
        world.hq,
        action=[world.london, world.paris],
        info=[world.cairo],
        classification=Classification.CONFIDENTIAL,
        precedence=Precedence.IMMEDIATE,
    )
    services.clearance_request(actor=world.desk, cable_id=cable.pk, clearers=[world.colleague])
    with pytest.raises(ApplicationError) as waiting:
        services.cable_release(actor=world.head, cable_id=cable.pk)
    assert waiting.value.code == "not_cleared"
    services.cable_clear(actor=world.colleague, cable_id=cable.pk)
    moment = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    cable = services.cable_release(actor=world.head, cable_id=cable.pk, now=moment)
    assert cable.reference == "HQ-2026-000001"
    assert Delivery.objects.filter(cable=cable, delivered_at=moment).count() == 3
    for unit in (world.london, world.paris, world.cairo):
        assert Delivery.objects.filter(cable=cable, unit=unit).count() == 1  # one row per unit
    assert (
        selectors.inbox_for_user(user=world.dip_paris, unit_id=world.paris.pk).get().cable == cable
    )
    assert AuditEvent.objects.filter(action="cable.released").count() == 1
    second = f.released(world.desk, world.hq, world.head, action=[world.london], now=moment)
    assert second.reference == "HQ-2026-000002"
    mission_ref = f.released(
        world.dip_london,
        world.london,
        world.hom_london,
        action=[world.hq],
        tags=["ECON", "GB"],
        now=moment,
    )
    assert mission_ref.reference == "EMB-LONDON-2026-000001"


def test_inbox_shows_sender_and_recipient_local_times(world, verified_client):
    moment = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    f.released(world.desk, world.hq, world.head, action=[world.cairo], now=moment)
    page = verified_client(world.dip_cairo).get(reverse("cables:inbox")).content.decode()
    assert "UTC+02:00" in page  # Cairo, the recipient
    assert "UTC+03:00" in page  # headquarters (Riyadh), the sender


def test_editing_a_draft_resets_clearances(world):
    cable = f.draft(world.desk, world.hq, action=[world.london])
    services.clearance_request(actor=world.desk, cable_id=cable.pk, clearers=[world.colleague])
    services.cable_clear(actor=world.colleague, cable_id=cable.pk)
    services.cable_draft_update(
        actor=world.desk,
        cable_id=cable.pk,
        fields=f.fields(action=[world.london], body="Changed text."),
    )
    assert Clearance.objects.get(cable=cable).status == "pending"


def test_reply_builds_a_thread_with_the_whole_exchange(world, verified_client):
    instruction = f.released(world.desk, world.hq, world.head, action=[world.london])
    report = services.cable_draft_create(
        actor=world.dip_london,
        drafting_unit=world.london,
        in_reply_to=instruction,
        fields=f.fields(
            action=[world.hq],
            subject="Report on instructions",
            references=[instruction],
            tags=["PREL", "GB"],
        ),
    )
    report = services.cable_release(actor=world.hom_london, cable_id=report.pk)
    thread = selectors.thread_for_user(user=world.desk, cable=instruction)
    assert [c.pk for c in thread] == [instruction.pk, report.pk]
    page = (
        verified_client(world.desk).get(reverse("cables:detail", args=[report.pk])).content.decode()
    )
    assert 'data-testid="thread"' in page and instruction.reference in page
    assert content.open_cable(Cable.objects.get(pk=report.pk)).integrity == content.INTACT


def test_reply_to_an_invisible_cable_is_refused_and_audited(world, verified_client):
    secret = f.released(world.desk, world.hq, world.head, action=[world.london])
    with pytest.raises(NotFoundError):
        services.cable_draft_create(
            actor=world.dip_cairo,
            drafting_unit=world.cairo,
            in_reply_to=secret,
            fields=f.fields(action=[world.hq]),
        )
    response = verified_client(world.dip_cairo).get(
        reverse("cables:create") + f"?reply_to={secret.pk}"
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="cable.reply_refused").count() == 2
    assert not Cable.objects.filter(drafting_unit=world.cairo).exists()


def test_second_release_is_refused_and_audited(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    before = _counts()
    with pytest.raises(ApplicationError) as again:
        services.cable_release(actor=world.head, cable_id=cable.pk)
    assert again.value.code == "already_released" and again.value.status_code == 409
    assert _counts() == before
    assert AuditEvent.objects.filter(
        action="cable.release_refused", details__reason="already_released"
    ).exists()
    response = verified_client(world.head).post(
        reverse("cables:release", args=[cable.pk]), follow=True
    )
    assert "already been released" in response.content.decode()


def test_release_without_authority_is_refused_and_audited(world, verified_client):
    cable = f.draft(world.desk, world.hq, action=[world.london])
    with pytest.raises(PermissionDeniedError):
        services.cable_release(actor=world.desk, cable_id=cable.pk)
    assert Cable.objects.get(pk=cable.pk).status == "draft"
    assert not Delivery.objects.filter(cable=cable, delivered_at__isnull=False).exists()
    assert AuditEvent.objects.filter(
        action="cable.release_refused", details__reason="no_release_authority"
    ).exists()
    # A release authority below the cable's classification is no authority.
    from sifara.cables.models import ReleaseAuthority

    ReleaseAuthority.objects.filter(user=world.head).update(
        max_classification=Classification.RESTRICTED
    )
    secret = f.draft(
        world.desk, world.hq, action=[world.london], classification=Classification.SECRET
    )
    response = verified_client(world.head).post(
        reverse("cables:release", args=[secret.pk]), follow=True
    )
    assert "release authority" in response.content.decode()


def test_unknown_and_unauthorised_addressees_are_refused(world, verified_client):
    partner = UnitFactory(code="pm-trade", kind="partner_ministry")
    closed = f.mission("emb-closed")
    closed.is_active = False
    closed.save()
    before = _counts()
    for units, field in (
        ([partner], "action_units"),
        ([closed], "action_units"),
        ([world.hq], "action_units"),
    ):
        with pytest.raises(ApplicationError) as refused:
            f.draft(world.desk, world.hq, action=units, classification=Classification.CONFIDENTIAL)
        assert field in refused.value.details
    assert _counts() == before
    assert AuditEvent.objects.filter(action="cable.addressee_refused").count() == 3
    # Through the form: an unknown unit id is a form error, nothing created.
    client = verified_client(world.desk)
    response = client.post(reverse("cables:create"), _form(world, action_units=["999999"]))
    assert response.status_code == 200
    assert "999999" in response.content.decode()  # "… is not one of the available choices"
    assert _counts() == before


def _form(world, **overrides):
    data = {
        "drafting_unit": str(world.hq.pk),
        "subject": "Form subject",
        "classification": "1",
        "precedence": "0",
        "tags": "PREL GB",
        "action_units": [str(world.london.pk)],
        "references": "",
        "submission_key": str(uuid.uuid4()),
        "p-TOTAL_FORMS": "2",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "60",
        "p-0-mark": "1",
        "p-0-text": "First paragraph.",
        "p-1-mark": "0",
        "p-1-text": "",
    }
    data.update(overrides)
    return data


def test_duplicate_submit_is_refused_with_a_clear_error(world, verified_client):
    client = verified_client(world.desk)
    data = _form(world)
    first = client.post(reverse("cables:create"), data)
    assert first.status_code == 302
    second = client.post(reverse("cables:create"), data)
    assert second.status_code == 200
    assert "already submitted" in second.content.decode()
    assert Cable.objects.filter(drafter=world.desk).count() == 1


def test_malicious_html_is_sanitised(world):
    cable = f.draft(
        world.desk,
        world.hq,
        action=[world.london],
        body=(
            "<b>Bold</b><script>alert(1)</script>"
            '<img src=x onerror="alert(2)"><a href="javascript:x">l</a>'
        ),
    )
    text = content.read_paragraphs(cable)[0]["text"]
    assert "<b>Bold</b>" in text
    for bad in ("<script", "onerror", "javascript:", "<img", "<a "):
        assert bad not in text


def test_paragraph_marks_and_clearance_are_enforced(world):
    with pytest.raises(ApplicationError) as above:
        services.cable_draft_create(
            actor=world.desk,
            drafting_unit=world.hq,
            fields=services.DraftFields(
                subject="s",
                paragraphs=[{"mark": 3, "text": "too high"}],
                classification=1,
                precedence=0,
                tags=["PREL"],
                captions=[],
                action_units=[world.london],
                info_units=[],
                references=[],
            ),
        )
    assert "body" in above.value.details
    with pytest.raises(ApplicationError) as clearance:
        f.draft(
            world.dip_london, world.london, action=[world.hq], classification=Classification.SECRET
        )
    assert "classification" in clearance.value.details
    with pytest.raises(ApplicationError) as tags:
        f.draft(world.desk, world.hq, action=[world.london], tags=["XXXX", "ZZ"])
    assert "tags" in tags.value.details


def test_attachment_type_and_size_limits(world, settings):
    cable = f.draft(world.desk, world.hq, action=[world.london])
    for name, data in (
        ("run.exe", b"MZ..."),
        ("page.html", b"<html>"),
        ("fake.pdf", b"not a pdf"),
        ("empty.txt", b""),
    ):
        with pytest.raises(ApplicationError):
            services.attachment_add(actor=world.desk, cable_id=cable.pk, filename=name, data=data)
    settings.SIFARA_CABLE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ApplicationError) as large:
        services.attachment_add(
            actor=world.desk, cable_id=cable.pk, filename="big.txt", data=b"a" * 2000
        )
    assert "larger" in str(large.value.message)
    assert Attachment.objects.count() == 0
    ok = services.attachment_add(
        actor=world.desk, cable_id=cable.pk, filename="../../etc/note.pdf", data=b"%PDF-1.7 ..."
    )
    assert ok.filename == "note.pdf" and ok.content_type == "application/pdf"


def test_attachments_are_signed_with_the_cable(world):
    cable = f.draft(
        world.desk, world.hq, action=[world.london], classification=Classification.CONFIDENTIAL
    )
    services.attachment_add(actor=world.desk, cable_id=cable.pk, filename="a.txt", data=b"annex")
    cable = services.cable_release(actor=world.head, cable_id=cable.pk)
    opened = content.open_cable(Cable.objects.get(pk=cable.pk))
    data = content.canonical(opened.cable, subject=opened.subject, paragraphs=opened.paragraphs)
    assert b'"sha256"' in data and opened.integrity == content.INTACT
    with pytest.raises(ApplicationError):
        services.attachment_add(actor=world.desk, cable_id=cable.pk, filename="b.txt", data=b"late")


def test_recall_is_audited_and_shown(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    with pytest.raises(PermissionDeniedError):
        services.cable_recall(actor=world.desk, cable_id=cable.pk)
    assert AuditEvent.objects.filter(action="cable.recall_refused").exists()
    services.cable_recall(actor=world.head, cable_id=cable.pk)
    page = (
        verified_client(world.dip_london)
        .get(reverse("cables:detail", args=[cable.pk]))
        .content.decode()
    )
    assert 'data-testid="recalled"' in page
    assert AuditEvent.objects.filter(action="cable.recalled").exists()
    with pytest.raises(ApplicationError):
        services.cable_acknowledge(actor=world.dip_london, cable_id=cable.pk)


def test_acknowledge_is_one_tap_with_htmx(world, verified_client):
    cable = f.released(
        world.desk, world.hq, world.head, action=[world.london], precedence=Precedence.FLASH
    )
    client = verified_client(world.dip_london)
    page = client.get(reverse("cables:detail", args=[cable.pk])).content.decode()
    assert 'data-testid="acknowledge"' in page
    response = client.post(reverse("cables:acknowledge", args=[cable.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Acknowledged" in response.content.decode()
    assert Delivery.objects.get(cable=cable).acknowledged_by == world.dip_london
    # Someone outside the addressee units cannot acknowledge (and cannot see it).
    other = verified_client(world.dip_cairo).post(reverse("cables:acknowledge", args=[cable.pk]))
    assert other.status_code == 404


def test_inbox_polling_partial_and_filters(world, verified_client):
    flash = f.released(
        world.desk,
        world.hq,
        world.head,
        action=[world.london],
        precedence=Precedence.FLASH,
        tags=["PREL", "EG"],
    )
    routine = f.released(
        world.desk, world.hq, world.head, action=[world.london], tags=["ECON", "GB"]
    )
    client = verified_client(world.dip_london)
    partial = client.get(reverse("cables:inbox"), HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="inbox-table"') and 'hx-trigger="every' in partial
    only_flash = client.get(reverse("cables:inbox") + "?precedence=3").content.decode()
    assert flash.reference in only_flash and routine.reference not in only_flash
    by_country = client.get(reverse("cables:inbox") + "?country=eg").content.decode()
    assert flash.reference in by_country and routine.reference not in by_country
    by_ack = client.get(reverse("cables:inbox") + "?ack=pending").content.decode()
    assert flash.reference in by_ack and routine.reference not in by_ack


def test_export_is_signed_json_and_audited(world, verified_client):
    cable = f.released(world.desk, world.hq, world.head, action=[world.london])
    response = verified_client(world.dip_london).get(reverse("cables:export", args=[cable.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["integrity"] == "intact" and body["canonical"]["reference"] == cable.reference
    assert AuditEvent.objects.filter(action="cable.exported").exists()
