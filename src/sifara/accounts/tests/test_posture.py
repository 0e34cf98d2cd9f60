"""Security posture: the risk formula, its factors, and the overdue-audit reminder."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import override_settings

from sifara.accounts import risk, services
from sifara.accounts.models import Platform, SecurityPosture
from sifara.audit.models import AuditEvent
from sifara.core.errors import ApplicationError, PermissionDeniedError

TODAY = date(2026, 11, 22)


def posture(**overrides):
    values = {
        "two_factor_enabled": True,
        "recovery_email_institutional": True,
        "recovery_phone_institutional": True,
        "people_with_access": 2,
        "last_password_rotation": TODAY - timedelta(days=30),
        "login_alerts_enabled": True,
        "last_audit_on": TODAY - timedelta(days=30),
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def codes(factors):
    return [f.code for f in factors]


def test_strong_posture_scores_zero():
    assert risk.score(posture(), today=TODAY) == (0, [])


@pytest.mark.parametrize(
    ("overrides", "expected_score", "expected_codes"),
    [
        ({"two_factor_enabled": False}, 35, ["no_two_factor"]),
        ({"recovery_email_institutional": False}, 15, ["recovery_email"]),
        ({"recovery_phone_institutional": False}, 10, ["recovery_phone"]),
        ({"people_with_access": 3}, 0, []),
        ({"people_with_access": 4}, 5, ["many_people"]),
        ({"people_with_access": 40}, 15, ["many_people"]),
        ({"last_password_rotation": None}, 15, ["password_unknown"]),
        ({"last_password_rotation": TODAY - timedelta(days=181)}, 15, ["password_stale"]),
        ({"last_password_rotation": TODAY - timedelta(days=180)}, 0, []),
        ({"login_alerts_enabled": False}, 10, ["no_login_alerts"]),
        ({"last_audit_on": None}, 15, ["never_audited"]),
        ({"last_audit_on": TODAY - timedelta(days=181)}, 15, ["audit_overdue"]),
    ],
)
def test_each_factor(overrides, expected_score, expected_codes):
    score, factors = risk.score(posture(**overrides), today=TODAY)
    assert score == expected_score and codes(factors) == expected_codes
    assert all(str(f.label) for f in factors)


def test_score_is_capped_and_explained():
    weakest = posture(
        two_factor_enabled=False,
        recovery_email_institutional=False,
        recovery_phone_institutional=False,
        people_with_access=10,
        last_password_rotation=None,
        login_alerts_enabled=False,
        last_audit_on=None,
    )
    score, factors = risk.score(weakest, today=TODAY)
    assert score == 100
    assert sum(f.points for f in factors) == 115 and len(factors) == 7
    assert risk.level(score) == "high" and risk.level(30) == "medium" and risk.level(29) == "low"


@override_settings(SIFARA_ACCOUNT_AUDIT_DAYS=30)
def test_audit_period_comes_from_settings():
    assert codes(risk.score(posture(last_audit_on=TODAY - timedelta(days=31)), today=TODAY)[1]) == [
        "audit_overdue"
    ]


# --- services and reminders -----------------------------------------------------


@pytest.fixture
def officer(make_user, hq_unit):
    return make_user(
        roles=[("digital_officer", hq_unit)], username="officer", email="officer@mfa.example"
    )


@pytest.fixture
def account(officer, mission):
    account = services.official_account_create(
        actor=officer,
        unit=mission,
        platform=Platform.objects.get(code="x"),
        handle="demo_embassy_tokyo",
        status="documented",
        custodians=[officer],
    )
    return account


@pytest.mark.django_db
def test_posture_update_recomputes_and_audits(officer, account):
    updated = services.posture_update(
        actor=officer,
        account=account,
        two_factor_enabled=True,
        recovery_email_institutional=True,
        recovery_phone_institutional=True,
        login_alerts_enabled=True,
        people_with_access=5,
        last_password_rotation=date.today() - timedelta(days=3),
    )
    assert updated.risk_score == 10 + 15  # two extra people + never audited
    event = AuditEvent.objects.filter(action="accounts.posture_updated").latest("seq")
    assert event.details["risk"] == {"from": 100, "to": 25}
    with pytest.raises(ApplicationError):
        services.posture_update(actor=officer, account=account, risk_score=0)


@pytest.mark.django_db
def test_posture_and_audits_refused_to_diplomats(make_user, mission, account):
    diplomat = make_user(roles=[("diplomat", mission)])
    with pytest.raises(PermissionDeniedError):
        services.posture_update(actor=diplomat, account=account, two_factor_enabled=True)
    with pytest.raises(PermissionDeniedError):
        services.account_audit_record(actor=diplomat, account=account, audited_on=date.today())


@pytest.mark.django_db
def test_audit_record_updates_last_audit(officer, account):
    services.account_audit_record(
        actor=officer, account=account, audited_on=date.today() - timedelta(days=5), passed=False
    )
    services.account_audit_record(
        actor=officer, account=account, audited_on=date.today() - timedelta(days=50)
    )
    posture = SecurityPosture.objects.get(account=account)
    assert posture.last_audit_on == date.today() - timedelta(days=5)
    assert account.audits.count() == 2


@pytest.mark.django_db
def test_overdue_reminder_mails_custodians_once_a_day(
    officer, account, mission, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.audit_reminders_send(today=date.today())
    assert sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@mfa.example"]
    assert "demo_embassy_tokyo" in message.subject + message.body
    # nothing about the posture itself
    assert "two-factor" not in message.body.lower() and "risk" not in message.body.lower()
    assert AuditEvent.objects.filter(action="accounts.audit_reminder_sent").count() == 1
    # idempotent for the day
    assert services.audit_reminders_send(today=date.today()) == 0
    assert len(mail.outbox) == 1
    # an audited account is no longer due
    services.account_audit_record(actor=officer, account=account, audited_on=date.today())
    assert services.audit_reminders_send(today=date.today() + timedelta(days=1)) == 0
    # ... until the audit period has passed
    later = date.today() + timedelta(days=181)
    assert services.audit_reminders_send(today=later) == 1


@pytest.mark.django_db
def test_reminder_task_runs_the_service(officer, account, django_capture_on_commit_callbacks):
    from sifara.accounts import tasks

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.accounts_audit_reminders_daily.call_local()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_stored_scores_age_and_are_refreshed(officer, account):
    services.posture_update(
        actor=officer,
        account=account,
        two_factor_enabled=True,
        recovery_email_institutional=True,
        recovery_phone_institutional=True,
        login_alerts_enabled=True,
        last_password_rotation=date.today(),
    )
    services.account_audit_record(actor=officer, account=account, audited_on=date.today())
    assert SecurityPosture.objects.get(account=account).risk_score == 0
    later = date.today() + timedelta(days=200)
    assert services.posture_scores_refresh(today=later) == 1
    assert SecurityPosture.objects.get(account=account).risk_score == 30
