"""Reminders before expiry and renewal-notice deadlines, with a controllable
clock: one reminder per agreement, deadline and lead time; recipients are the
treaties department and the responsible ministries' liaisons who may see the
agreement; classified titles never go into e-mails."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import override_settings

from sifara.archive import selectors, services
from sifara.archive.models import Reminder
from sifara.archive.tests.factories import AgreementFactory
from sifara.core.models import Classification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editor", "liaison")]

EXPIRY = date(2027, 6, 30)


@pytest.fixture
def agreement(legal_unit, trade_ministry):
    agreement = AgreementFactory(
        owner_unit=legal_unit,
        title_en="Trade agreement with Egypt",
        expires_on=EXPIRY,
        notice_days=180,
    )
    agreement.ministries.add(trade_ministry)
    return agreement


def _send(day, capture):
    with capture(execute=True):
        return services.reminders_send(today=day)


@override_settings(SIFARA_ARCHIVE_REMINDER_DAYS=[90, 30, 7])
def test_one_reminder_per_lead_time(agreement, django_capture_on_commit_callbacks):
    notice = EXPIRY - timedelta(days=180)
    assert _send(notice - timedelta(days=91), django_capture_on_commit_callbacks) == 0
    assert _send(notice - timedelta(days=90), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2  # the treaties department and the trade liaison
    assert {m.to[0] for m in mail.outbox} == {"legal@example.org", "liaison@example.org"}
    assert "Trade agreement with Egypt" in mail.outbox[0].body
    assert "renewal-notice deadline" in mail.outbox[0].body
    # The same day again, and the following days: nothing new.
    assert _send(notice - timedelta(days=90), django_capture_on_commit_callbacks) == 0
    assert _send(notice - timedelta(days=60), django_capture_on_commit_callbacks) == 0
    # A missed week: the most urgent lead time reached is sent once.
    assert _send(notice - timedelta(days=5), django_capture_on_commit_callbacks) == 1
    assert list(Reminder.objects.values_list("kind", "lead_days").order_by("id")) == [
        ("notice", 90),
        ("notice", 7),
    ]
    # Expiry reminders follow their own schedule.
    assert _send(EXPIRY - timedelta(days=30), django_capture_on_commit_callbacks) == 1
    assert Reminder.objects.filter(kind="expiry", lead_days=30).exists()
    assert _send(EXPIRY + timedelta(days=1), django_capture_on_commit_callbacks) == 0


@override_settings(SIFARA_ARCHIVE_REMINDER_DAYS=[30])
def test_classified_titles_stay_out_of_e_mails(agreement, django_capture_on_commit_callbacks):
    agreement.classification = Classification.CONFIDENTIAL
    agreement.notice_days = None
    agreement.save()
    assert _send(EXPIRY - timedelta(days=10), django_capture_on_commit_callbacks) == 1
    assert mail.outbox
    for message in mail.outbox:
        assert "Trade agreement" not in message.body and "Trade agreement" not in message.subject
        assert f"#{agreement.pk}" in message.body


def test_deadline_dashboard_counts(agreement, liaison, make_user, other_unit):
    today = EXPIRY - timedelta(days=200)
    soon = selectors.deadlines_for_user(user=liaison, days=30, today=today)
    assert [i.kind for i in soon] == ["notice"]  # notice deadline is 20 days away
    year = selectors.deadlines_for_user(user=liaison, days=365, today=today)
    assert [i.kind for i in year] == ["notice", "expiry"]
    outsider = make_user(roles=[("liaison", other_unit)], username="other-liaison", clearance=3)
    assert selectors.deadlines_for_user(user=outsider, days=365, today=today) == []


def test_deadline_page_lists_what_falls_due(en_client, editor, agreement):
    agreement.expires_on = date.today() + timedelta(days=40)
    agreement.notice_days = None
    agreement.save()
    page = en_client(editor).get("/archive/deadlines/?days=90")
    assert page.status_code == 200
    assert "Trade agreement with Egypt" in page.content.decode()
    assert (
        "Trade agreement with Egypt"
        not in en_client(editor).get("/archive/deadlines/?days=30").content.decode()
    )


def test_automatic_renewal_rolls_the_expiry_forward(agreement):
    agreement.auto_renewal = True
    agreement.renewal_period_years = 2
    agreement.save()
    assert services.renewals_roll(today=EXPIRY + timedelta(days=1)) == 1
    agreement.refresh_from_db()
    assert agreement.expires_on == date(2029, 6, 30) and agreement.status == "in_force"
    assert services.renewals_roll(today=EXPIRY + timedelta(days=1)) == 0


def test_the_reminder_task_runs(agreement, django_capture_on_commit_callbacks):
    from sifara.archive.tasks import archive_reminders_daily

    with django_capture_on_commit_callbacks(execute=True):
        archive_reminders_daily.call_local()


@override_settings(SIFARA_ARCHIVE_REMINDER_DAYS=[30])
def test_reminders_command_with_a_given_day(agreement, capsys, django_capture_on_commit_callbacks):
    from sifara.cli import main

    day = (EXPIRY - timedelta(days=20)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert main(["archive", "reminders", "--today", day]) == 0
    assert "1 reminders sent" in capsys.readouterr().out
    assert main(["archive", "reminders", "--today", "not-a-date"]) == 2
