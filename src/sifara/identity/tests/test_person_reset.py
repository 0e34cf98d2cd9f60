"""Administrators reset another person's password and two-factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifara.audit.models import AuditEvent
from sifara.core.errors import PermissionDeniedError
from sifara.identity import services
from sifara.identity.tests.helpers import confirmed_device, password_step

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return reverse("identity:person_reset", kwargs={"person_id": person.pk})


def test_url_name_matches_the_directory_form(admin_user) -> None:
    assert _url(admin_user) == f"/identity/people/{admin_user.pk}/reset/"


def test_admin_resets_password_and_two_factor(
    make_user, hq_unit, admin_user, verified_client
) -> None:
    person = make_user(roles=[("diplomat", hq_unit)], username="amal")
    person_client = verified_client(person)
    services.recovery_codes_generate(user=person)
    assert person_client.get(reverse("identity:token_list")).status_code == 200

    client = verified_client(admin_user)
    assert client.get(_url(person)).status_code == 200  # confirmation form
    response = client.post(_url(person), {"reset_password": "on", "reset_two_factor": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    temporary = html.split('data-testid="temporary-password">', 1)[1].split("</code>", 1)[0]
    assert len(temporary) >= 16
    person.refresh_from_db()
    assert person.check_password(temporary)
    assert person.must_change_password
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    for action in ("identity.password_reset", "identity.two_factor_reset"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor_id == admin_user.pk
        assert event.target_id == str(person.pk)
    assert temporary not in str(list(AuditEvent.objects.values_list("details", flat=True)))

    # The person's open session no longer passes.
    response = person_client.get(reverse("identity:token_list"))
    assert response.status_code == 302
    # Next sign-in: temporary password, then enrolment, then a forced password change.
    fresh = Client()
    response = password_step(fresh, "amal", temporary)
    assert response["Location"] == reverse("identity:otp")
    assert fresh.get(reverse("identity:otp"))["Location"] == reverse("identity:otp_enrol")


def test_reset_only_two_factor_keeps_password(
    make_user, hq_unit, admin_user, verified_client
) -> None:
    person = make_user(roles=[("diplomat", hq_unit)], username="amal")
    confirmed_device(person)
    client = verified_client(admin_user)
    response = client.post(_url(person), {"reset_two_factor": "on"})
    assert response.status_code == 200
    assert 'data-testid="temporary-password"' not in response.content.decode()
    person.refresh_from_db()
    assert not person.must_change_password
    assert not TOTPDevice.objects.filter(user=person).exists()


def test_nothing_chosen_is_a_form_error(make_user, hq_unit, admin_user, verified_client) -> None:
    person = make_user(roles=[("diplomat", hq_unit)], username="amal")
    response = verified_client(admin_user).post(_url(person), {})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="identity.").exists()


def test_admin_cannot_reset_self(admin_user, verified_client) -> None:
    client = verified_client(admin_user)
    response = client.post(_url(admin_user), {"reset_password": "on", "reset_two_factor": "on"})
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.must_change_password
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    with pytest.raises(PermissionDeniedError):
        services.person_reset_password(actor=admin_user, person=admin_user)
    with pytest.raises(PermissionDeniedError):
        services.person_reset_two_factor(actor=admin_user, person=admin_user)


def test_non_admin_gets_403(make_user, hq_unit, verified_client) -> None:
    person = make_user(roles=[("diplomat", hq_unit)], username="amal")
    other = make_user(roles=[("diplomat", hq_unit)], username="badr")
    confirmed_device(person)
    client = verified_client(other)
    assert client.get(_url(person)).status_code == 403
    response = client.post(_url(person), {"reset_password": "on", "reset_two_factor": "on"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.must_change_password
    assert TOTPDevice.objects.filter(user=person).exists()
    with pytest.raises(PermissionDeniedError):
        services.person_reset_password(actor=other, person=person)


def test_unknown_person_is_404(admin_user, verified_client) -> None:
    response = verified_client(admin_user).post(
        reverse("identity:person_reset", kwargs={"person_id": 999999}), {"reset_password": "on"}
    )
    assert response.status_code == 404


def test_reset_requires_a_verified_session(make_user, hq_unit, admin_user, client: Client) -> None:
    person = make_user(roles=[("diplomat", hq_unit)], username="amal")
    confirmed_device(admin_user)
    password_step(client, admin_user.username)
    response = client.post(_url(person), {"reset_password": "on"})
    assert response["Location"] == reverse("identity:otp")
    person.refresh_from_db()
    assert not person.must_change_password


def test_password_reset_revokes_the_persons_api_tokens(make_user, hq_unit, admin_user) -> None:
    person = make_user(roles=[("diplomat", hq_unit)], username="amal")
    token, raw = services.api_token_create(
        user=person, name="script", scopes=["directory:read"], days=30
    )
    services.person_reset_password(actor=admin_user, person=person)
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = Client().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    event = AuditEvent.objects.get(action="identity.password_reset")
    assert event.details["api_tokens_revoked"] == 1
