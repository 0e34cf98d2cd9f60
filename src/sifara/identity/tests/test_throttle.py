"""Lock-out after repeated failures, per account and per address; no enumeration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sifara.audit.models import AuditEvent
from sifara.identity.models import LoginThrottle
from sifara.identity.tests.helpers import (
    confirmed_device,
    error_text,
    otp_step,
    password_step,
    refused,
    totp_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def few_failures(settings):
    settings.SIFARA_LOGIN_MAX_FAILURES = 3
    settings.SIFARA_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    settings.SIFARA_LOGIN_LOCKOUT_MINUTES = 15
    return settings


def test_shared_office_address_tolerates_more_failures_than_an_account(make_user, settings) -> None:
    settings.SIFARA_LOGIN_MAX_FAILURES = 3
    settings.SIFARA_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    make_user(username="amal")
    office = Client(REMOTE_ADDR="192.0.2.10")
    for name in ["colleague1", "colleague2", "colleague3", "colleague4"]:
        password_step(office, name, "typo")
    # Four colleagues' typos from one embassy address lock nobody out...
    response = password_step(office, "amal")
    assert response["Location"] == reverse("identity:otp")
    # ...but an address that keeps guessing is locked at its own limit.
    prober = Client(REMOTE_ADDR="192.0.2.66")
    for index in range(6):
        password_step(prober, f"guess{index}", "guess")
    assert error_text(password_step(prober, "amal")) == refused()


def test_unknown_user_gets_exactly_the_wrong_password_message(make_user, client: Client) -> None:
    make_user(username="amal")
    wrong = password_step(client, "amal", "not the password")
    unknown = password_step(client, "nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert error_text(wrong) == error_text(unknown) == refused()
    reasons = sorted(
        e.details["reason"] for e in AuditEvent.objects.filter(action="auth.login_failed")
    )
    assert reasons == ["bad_password", "unknown_user"]
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert labels == {"amal", "nobody-here"}
    assert "not the password" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_lockout_refuses_even_the_right_password(make_user, client: Client, few_failures) -> None:
    user = make_user(username="amal")
    confirmed_device(user)
    for _ in range(3):
        response = password_step(client, "Amal", "wrong password")  # any letter case
        assert error_text(response) == refused()
    lockouts = AuditEvent.objects.filter(action="auth.lockout")
    assert {e.details["key"] for e in lockouts} == {"user:amal", "ip:127.0.0.1"}

    response = password_step(client, "amal")
    assert error_text(response) == refused()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", details__reason="locked").exists()

    # From another address the account is still locked.
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = password_step(other, "amal")
    assert error_text(response) == refused()
    assert "_auth_user_id" not in other.session

    # After the lock-out period the right password works again.
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    response = password_step(other, "amal")
    assert response["Location"] == reverse("identity:otp")


def test_failures_from_one_address_lock_the_address(make_user, few_failures) -> None:
    make_user(username="amal")
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for name in ["x1", "x2", "x3"]:
        password_step(attacker, name, "guess")
    response = password_step(attacker, "amal")
    assert error_text(response) == refused()
    # The account itself is not locked: its owner signs in from elsewhere.
    response = password_step(Client(REMOTE_ADDR="10.0.0.7"), "amal")
    assert response["Location"] == reverse("identity:otp")


def test_failed_codes_count_towards_lockout(make_user, client: Client, few_failures) -> None:
    user = make_user(username="amal")
    device = confirmed_device(user)
    password_step(client, "amal")
    for _ in range(3):
        response = otp_step(client, "000000" if totp_code(device) != "000000" else "111111")
        assert error_text(response, "otp-error")
    assert AuditEvent.objects.filter(action="auth.lockout", details__key="user:amal").exists()
    assert (
        AuditEvent.objects.filter(action="auth.login_failed", details__reason="bad_otp").count()
        == 3
    )
    device.throttle_reset()
    response = otp_step(client, totp_code(device))
    assert response.status_code == 200
    assert error_text(response, "otp-error") == refused()
    assert client.get("/")["Location"] == reverse("identity:otp")


def test_successful_login_resets_the_account_counter(
    make_user, client: Client, few_failures
) -> None:
    user = make_user(username="amal")
    device = confirmed_device(user)
    password_step(client, "amal", "wrong")
    password_step(client, "amal", "wrong")
    assert LoginThrottle.objects.get(key="user:amal").failures == 2
    password_step(client, "amal")
    otp_step(client, totp_code(device))
    assert not LoginThrottle.objects.filter(key="user:amal").exists()


def test_failures_outside_the_window_start_a_new_count(
    make_user, client: Client, few_failures
) -> None:
    make_user(username="amal")
    password_step(client, "amal", "wrong")
    password_step(client, "amal", "wrong")
    LoginThrottle.objects.update(window_started_at=timezone.now() - timedelta(minutes=16))
    password_step(client, "amal", "wrong")
    row = LoginThrottle.objects.get(key="user:amal")
    assert row.failures == 1 and row.locked_until is None
