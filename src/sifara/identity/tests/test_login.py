"""Sign-in: password, then a mandatory second factor (TOTP or recovery code)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifara.audit.models import AuditEvent
from sifara.identity import services
from sifara.identity.middleware import SESSION_LOGIN_AT
from sifara.identity.tests.helpers import (
    PASSWORD,
    confirmed_device,
    error_text,
    full_login,
    otp_step,
    password_step,
    refused,
    totp_code,
)

pytestmark = pytest.mark.django_db


def test_login_page_is_arabic_rtl_by_default_and_shows_ministry_and_switch(client: Client) -> None:
    response = client.get(reverse("identity:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in html
    assert 'data-testid="ministry-name"' in html
    assert 'data-testid="auth-language-switch"' in html
    assert "style=" not in html  # CSP: no inline styles
    assert "<style" not in html


def test_password_alone_reaches_no_page(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    confirmed_device(user)
    response = password_step(client, "amal")
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:otp")
    for url in [
        "/",
        reverse("directory:unit_list"),
        reverse("identity:token_list"),
        reverse("identity:password_change"),
        "/admin/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("identity:otp"), url
    # The API refuses a session that has not passed the second factor.
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_full_login_with_totp(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal", preferred_language="en")
    device = confirmed_device(user)
    password_step(client, "amal")
    response = otp_step(client, totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.session[SESSION_LOGIN_AT] > 0
    assert client.session["sifara_language"] == "en"
    page = client.get(reverse("identity:token_list"))
    assert page.status_code == 200
    assert '<html lang="en" dir="ltr"' in page.content.decode()
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor_id == user.pk
    assert event.details == {"method": "totp"}


def test_login_returns_to_safe_next_only(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    device = confirmed_device(user)
    client.post(
        reverse("identity:login") + "?next=/directory/people/",
        {"username": "amal", "password": PASSWORD, "next": "/directory/people/"},
    )
    response = otp_step(client, totp_code(device))
    assert response["Location"] == "/directory/people/"

    other = Client()
    user2 = make_user(roles=[("diplomat", hq_unit)], username="badr")
    device2 = confirmed_device(user2)
    other.post(
        reverse("identity:login"),
        {"username": "badr", "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = otp_step(other, totp_code(device2))
    assert response["Location"] == reverse("core:dashboard")


def test_wrong_totp_is_refused_and_audited(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    device = confirmed_device(user)
    password_step(client, "amal")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = otp_step(client, wrong)
    assert response.status_code == 200
    assert error_text(response, "otp-error")
    assert client.get("/")["Location"] == reverse("identity:otp")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.details == {"reason": "bad_otp"}
    assert event.actor_label == "amal"
    assert wrong not in str(event.details)


def test_login_with_recovery_code_consumes_it(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    confirmed_device(user)
    codes = services.recovery_codes_generate(user=user)
    assert len(codes) == 10
    password_step(client, "amal")
    response = otp_step(client, codes[3].upper())  # case and spacing do not matter
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("identity:token_list")).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    used = AuditEvent.objects.get(action="auth.recovery_code_used")
    assert used.details == {"remaining": 9}
    assert codes[3] not in str(list(AuditEvent.objects.values_list("details", flat=True)))

    client.post(reverse("identity:logout"))
    second = Client()
    password_step(second, "amal")
    response = otp_step(second, codes[3])
    assert response.status_code == 200
    assert error_text(response, "otp-error")
    assert second.get("/")["Location"] == reverse("identity:otp")


def test_recovery_code_of_another_user_is_refused(make_user, hq_unit, client: Client) -> None:
    amal = make_user(roles=[("diplomat", hq_unit)], username="amal")
    badr = make_user(roles=[("diplomat", hq_unit)], username="badr")
    confirmed_device(amal)
    confirmed_device(badr)
    badr_codes = services.recovery_codes_generate(user=badr)
    password_step(client, "amal")
    response = otp_step(client, badr_codes[0])
    assert error_text(response, "otp-error")
    assert StaticToken.objects.filter(device__user=badr).count() == 10


def test_enrolment_flow(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    password_step(client, "amal")
    response = client.get(reverse("identity:otp"))
    assert response["Location"] == reverse("identity:otp_enrol")
    page = client.get(reverse("identity:otp_enrol"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'data-testid="otp-qr"' in html
    assert "style=" not in html and "<style" not in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    shown = html.split('data-testid="otp-secret">', 1)[1].split("</code>", 1)[0]
    assert shown.replace(" ", "") == secret
    # Reloading keeps the same key (the app already scanned it).
    client.get(reverse("identity:otp_enrol"))
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(reverse("identity:otp_enrol"), {"token": totp_code(device)})
    html = response.content.decode()
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    for code in stored:
        assert f"<code>{code}</code>" in html
    assert "data-print" in html
    # No language switch on this page: reloading it would lose the codes.
    assert 'data-testid="auth-language-switch"' not in html
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", actor=user).exists()
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()
    details = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert not any(code in details for code in stored)
    # Fully signed in now; the codes are never shown again.
    assert client.get(reverse("identity:token_list")).status_code == 200
    assert client.get(reverse("identity:otp_enrol"))["Location"] == reverse("core:dashboard")


def test_enrolment_with_wrong_code_is_refused(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    password_step(client, "amal")
    client.get(reverse("identity:otp_enrol"))
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("identity:otp_enrol"), {"token": wrong})
    assert error_text(response, "otp-error")
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"] == reverse("identity:otp")


def test_password_alone_cannot_enrol_a_second_device(make_user, hq_unit, client: Client) -> None:
    """Someone who knows the password must not add their own authenticator."""
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    confirmed_device(user)
    password_step(client, "amal")
    assert client.get(reverse("identity:otp_enrol"))["Location"] == reverse("identity:otp")
    response = client.post(reverse("identity:otp_enrol"), {"token": "123456"})
    assert response["Location"] == reverse("identity:otp")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_logout_is_post_only_and_audited(make_user, hq_unit, client: Client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    full_login(client, user, confirmed_device(user))
    assert client.get(reverse("identity:logout")).status_code == 405
    assert client.get(reverse("identity:token_list")).status_code == 200
    response = client.post(reverse("identity:logout"))
    assert response["Location"] == reverse("identity:login")
    assert client.get(reverse("identity:token_list")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_inactive_account_is_refused_with_the_generic_message(make_user, client: Client) -> None:
    make_user(username="gone", is_active=False)
    response = password_step(client, "gone")
    assert response.status_code == 200
    assert error_text(response) == refused()
    assert "_auth_user_id" not in client.session


def test_person_regenerates_own_recovery_codes(make_user, hq_unit, verified_client) -> None:
    from django_otp.plugins.otp_static.models import StaticToken

    from sifara.identity import services as identity_services
    from sifara.identity.tests.helpers import PASSWORD

    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    old = identity_services.recovery_codes_generate(user=user)
    client = verified_client(user)
    assert client.get(reverse("identity:recovery_codes")).status_code == 200
    wrong = client.post(reverse("identity:recovery_codes"), {"password": "not it"})
    assert wrong.status_code == 200 and "codes" not in (wrong.context or {})
    assert wrong.context["form"].errors["password"]
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(old)
    response = client.post(reverse("identity:recovery_codes"), {"password": PASSWORD})
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(new)
    assert AuditEvent.objects.filter(action="auth.recovery_codes_regenerated", actor=user).exists()
    assert not any(code in str(e.details) for e in AuditEvent.objects.all() for code in new)


def test_recovery_codes_page_needs_full_sign_in(client) -> None:
    response = client.get(reverse("identity:recovery_codes"))
    assert response.status_code == 302 and reverse("identity:login") in response["Location"]
