"""Acknowledgement and escalation, driven by an injected clock (no sleeping)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings

from sifara.audit.models import AuditEvent
from sifara.cables import selectors, services
from sifara.cables.models import Delivery, DutyOfficer, Notice, Precedence, PushSubscription
from sifara.cables.tests import factories as f
from sifara.core.models import Classification

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 02:00 UTC: night in London


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def roster(world):
    night = f.person("night.london", unit=world.london, clearance=3, email="night@mfa.example")
    services.duty_roster_set(
        actor=world.hom_london, unit=world.london, users=[night, world.hom_london]
    )
    return night


def _flash(world, **kwargs):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        now=T0,
        action=[world.london],
        info=[world.paris],
        precedence=Precedence.FLASH,
        classification=Classification.CONFIDENTIAL,
        subject="Secret subject words",
        body="Secret body words",
        **kwargs,
    )
    services.deliveries_notify_released(cable_id=cable.pk, now=T0)
    return cable


def _notices(user, reason=None):
    qs = Notice.objects.filter(user=user)
    return qs.filter(reason=reason).count() if reason else qs.count()


def test_flash_requires_acknowledgement_only_from_action_addressees(world):
    cable = _flash(world)
    action = Delivery.objects.get(cable=cable, unit=world.london)
    info = Delivery.objects.get(cable=cable, unit=world.paris)
    assert action.requires_ack and not info.requires_ack
    assert action.due_at == _at(10)
    # Every reader of both units was told at once.
    assert _notices(world.dip_london, "delivered") == 1
    assert _notices(world.dip_paris, "delivered") == 1


def test_reminders_follow_the_short_interval_then_escalate_down_the_roster(world, roster):
    cable = _flash(world)
    services.cables_escalate(now=_at(1))
    assert _notices(world.dip_london) == 1  # not yet: reminders every 2 minutes
    services.cables_escalate(now=_at(2))
    assert _notices(world.dip_london, "renotify") == 1
    services.cables_escalate(now=_at(3))
    assert _notices(world.dip_london, "renotify") == 1
    for minute in (4, 6, 8):
        services.cables_escalate(now=_at(minute))
    assert _notices(world.dip_london, "renotify") == 4
    assert _notices(roster, "escalated") == 0  # so far only reminded as a reader of the unit
    delivery = Delivery.objects.get(cable=cable, unit=world.london)
    assert delivery.escalated_at is None
    board = selectors.delivery_board_for_user(user=world.desk, cable=cable, now=_at(9))
    assert {r.delivery.unit_id: r.state for r in board}[world.london.pk] == "awaiting"

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        report = services.cables_escalate(now=_at(10))
    assert report.escalated == 1
    delivery.refresh_from_db()
    assert delivery.escalated_at == _at(10) and delivery.escalation_level == 1
    assert Notice.objects.filter(user=roster, reason="escalated").count() == 1
    assert not Notice.objects.filter(user=world.hom_london, reason="escalated").exists()
    assert AuditEvent.objects.filter(action="cable.escalated").count() == 1
    board = selectors.delivery_board_for_user(user=world.desk, cable=cable, now=_at(10.5))
    assert {r.delivery.unit_id: r.state for r in board}[world.london.pk] == "overdue"

    services.cables_escalate(now=_at(12))
    assert Notice.objects.filter(user=world.hom_london, reason="escalated").count() == 1


def test_acknowledgement_stops_the_clock_and_hq_sees_who_and_when(world, roster, verified_client):
    cable = _flash(world)
    services.cable_acknowledge(actor=world.dip_london, cable_id=cable.pk, now=_at(3))
    before = Notice.objects.count()
    services.cables_escalate(now=_at(30))
    assert Notice.objects.count() == before
    rows = {
        r.delivery.unit_id: r
        for r in selectors.delivery_board_for_user(user=world.desk, cable=cable, now=_at(30))
    }
    london = rows[world.london.pk]
    assert london.state == "acknowledged"
    assert [(a.user, a.acknowledged_at) for a in london.acknowledgements] == [
        (world.dip_london, _at(3))
    ]
    # A second tap is harmless; a colleague's acknowledgement is recorded too.
    services.cable_acknowledge(actor=world.dip_london, cable_id=cable.pk, now=_at(4))
    services.cable_acknowledge(actor=world.hom_london, cable_id=cable.pk, now=_at(5))
    rows = {
        r.delivery.unit_id: r
        for r in selectors.delivery_board_for_user(user=world.desk, cable=cable)
    }
    assert len(rows[world.london.pk].acknowledgements) == 2
    assert Delivery.objects.get(cable=cable, unit=world.london).acknowledged_at == _at(3)
    assert AuditEvent.objects.filter(action="cable.acknowledged").count() == 2


def test_overdue_filter_and_sent_counts(world):
    cable = _flash(world)
    overdue = selectors.filter_cables(
        selectors.cable_list_for_user(user=world.desk),
        selectors.CableFilters(ack="overdue"),
        now=_at(11),
    )
    assert list(overdue) == [cable]
    pending = selectors.filter_cables(
        selectors.cable_list_for_user(user=world.desk),
        selectors.CableFilters(ack="overdue"),
        now=_at(9),
    )
    assert not pending.exists()
    sent = selectors.sent_for_user(user=world.desk, now=_at(11)).get(pk=cable.pk)
    assert (sent.ack_required, sent.ack_done, sent.ack_overdue) == (1, 0, 1)


def test_niact_wakes_the_duty_officer_at_once(world, roster):
    cable = f.released(
        world.desk,
        world.hq,
        world.head,
        now=T0,
        action=[world.london],
        precedence=Precedence.NIACT_IMMEDIATE,
    )
    services.deliveries_notify_released(cable_id=cable.pk, now=T0)
    assert Notice.objects.filter(user=roster, reason="delivered").exists()
    assert Delivery.objects.get(cable=cable, unit=world.london).due_at == _at(30)
    services.cables_escalate(now=_at(4))
    assert _notices(world.dip_london, "renotify") == 0  # every 5 minutes
    services.cables_escalate(now=_at(5))
    assert _notices(world.dip_london, "renotify") == 1


def test_routine_and_immediate_need_no_acknowledgement(world):
    for precedence in (Precedence.ROUTINE, Precedence.IMMEDIATE):
        cable = f.released(
            world.desk, world.hq, world.head, now=T0, action=[world.london], precedence=precedence
        )
        assert not Delivery.objects.get(cable=cable).requires_ack
    assert services.cables_escalate(now=_at(600)).notices == 0


def test_escalation_email_and_push_carry_only_precedence_reference_and_sender(
    world, roster, django_capture_on_commit_callbacks
):
    cable = _flash(world)
    PushSubscription.objects.create(
        user=roster, endpoint="https://push.example/abc", p256dh="k", auth="a"
    )
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.cables_escalate(now=_at(10))
    message = mail.outbox[-1]
    assert message.to == [roster.email]
    text = message.subject + message.body
    assert cable.reference in text and "FLASH" in text and world.hq.name_ar in text
    assert "Secret" not in text
    sent: list[dict[str, str]] = []

    def fake_sender(subscription, payload, key):  # an outside service: faked
        sent.append(json.loads(json.dumps(payload)))
        return True, False

    with override_settings(SIFARA_VAPID_PRIVATE_KEY=b"\x01" * 32):
        ids = list(Notice.objects.filter(user=roster).values_list("pk", flat=True))
        assert services.push_notices(notice_ids=ids, sender=fake_sender) == len(ids)
        assert services.push_notices(notice_ids=ids, sender=fake_sender) == 0  # idempotent
    assert sent and all(set(p) == {"precedence", "reference", "sender"} for p in sent)
    assert sent[0]["reference"] == cable.reference and sent[0]["precedence"] == "FLASH"
    assert all("Secret" not in json.dumps(p) for p in sent)


def test_push_is_disabled_without_a_vapid_key(world):
    cable = _flash(world)
    ids = list(Notice.objects.filter(delivery__cable=cable).values_list("pk", flat=True))
    with override_settings(SIFARA_VAPID_PRIVATE_KEY=None):
        assert services.push_notices(notice_ids=ids, sender=lambda *a: (True, False)) == 0


def test_gone_push_subscription_is_removed(world):
    cable = _flash(world)
    PushSubscription.objects.create(
        user=world.dip_london, endpoint="https://push.example/x", p256dh="k", auth="a"
    )
    ids = list(Notice.objects.filter(delivery__cable=cable).values_list("pk", flat=True))
    with override_settings(SIFARA_VAPID_PRIVATE_KEY=b"\x01" * 32):
        services.push_notices(notice_ids=ids, sender=lambda *a: (False, True))
    assert not PushSubscription.objects.filter(user=world.dip_london).exists()
    assert DutyOfficer.objects.count() == 0
