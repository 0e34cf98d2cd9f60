"""Session lifetime, language switching, password change."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sifara.audit.models import AuditEvent
from sifara.identity.middleware import SESSION_LOGIN_AT
from sifara.identity.tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def test_absolute_session_expiry_redirects_to_login(make_user, hq_unit, verified_client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    client = verified_client(user)
    assert client.get(reverse("identity:token_list")).status_code == 200
    session = client.session
    session[SESSION_LOGIN_AT] = (
        timezone.now().timestamp() - settings.SIFARA_SESSION_MAX_HOURS * 3600 - 60
    )
    session.save()
    response = client.get(reverse("identity:token_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login") + "?expired=1"
    page = client.get(response["Location"])
    assert 'data-testid="session-expired"' in page.content.decode()
    assert client.get(reverse("identity:token_list"))["Location"].startswith(
        reverse("identity:login")
    )


def test_login_page_without_expired_flag_has_no_notice(client: Client) -> None:
    assert (
        'data-testid="session-expired"'
        not in client.get(reverse("identity:login")).content.decode()
    )


def test_anonymous_language_switch_on_login_page(client: Client) -> None:
    login_url = reverse("identity:login")
    response = client.post(reverse("identity:language"), {"language": "en", "next": login_url})
    assert response.status_code == 302
    assert response["Location"] == login_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(login_url).content.decode()
    assert '<html lang="en" dir="ltr"' in html
    client.post(reverse("identity:language"), {"language": "ar", "next": login_url})
    assert '<html lang="ar" dir="rtl"' in client.get(login_url).content.decode()


def test_language_switch_persists_for_the_user(make_user, hq_unit, verified_client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal", preferred_language="ar")
    client = verified_client(user)
    tokens_url = reverse("identity:token_list")
    response = client.post(reverse("identity:language"), {"language": "en", "next": tokens_url})
    assert response["Location"] == tokens_url
    user.refresh_from_db()
    assert user.preferred_language == "en"
    html = client.get(tokens_url).content.decode()
    assert '<html lang="en" dir="ltr"' in html


def test_language_switch_ignores_foreign_next(client: Client) -> None:
    response = client.post(
        reverse("identity:language"), {"language": "en", "next": "https://evil.example/x"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_language_switch_rejects_unknown_language_and_get(client: Client) -> None:
    assert client.post(reverse("identity:language"), {"language": "fr"}).status_code == 400
    assert client.get(reverse("identity:language")).status_code == 405


def test_password_change(make_user, hq_unit, verified_client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal")
    client = verified_client(user)
    url = reverse("identity:password_change")
    response = client.post(
        url, {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
    )
    assert response.status_code == 200
    assert (
        "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
    )
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200  # too short, numeric, common: Django's validators
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    new = "Quiet-Cedar-Harbour-42"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # This session stays signed in; the change is audited without the password.
    assert client.get(reverse("identity:token_list")).status_code == 200
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert event.actor_id == user.pk and new not in str(event.details)


def test_forced_password_change(make_user, hq_unit, verified_client) -> None:
    user = make_user(roles=[("diplomat", hq_unit)], username="amal", must_change_password=True)
    client = verified_client(user)
    url = reverse("identity:password_change")
    assert client.get("/")["Location"] == url
    assert client.get(reverse("identity:token_list"))["Location"] == url
    page = client.get(url)
    assert 'data-testid="password-change-required"' in page.content.decode()
    new = "Quiet-Cedar-Harbour-42"
    client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("identity:token_list")).status_code == 200


def test_idle_session_expires_and_activity_extends_it(make_user, hq_unit, verified_client) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session

    from sifara.identity.middleware import SESSION_TOUCHED_AT

    user = make_user(roles=[("diplomat", hq_unit)])
    client = verified_client(user)
    assert client.get("/").status_code == 200
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    # Activity after the touch interval pushes the idle deadline forward.
    session = client.session
    session[SESSION_TOUCHED_AT] = (
        timezone.now().timestamp() - settings.SIFARA_SESSION_TOUCH_SECONDS - 1
    )
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=first_expiry - timedelta(minutes=5))
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > first_expiry - timedelta(minutes=5)
    # Idle past the deadline: the session is gone and the person must sign in again.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302 and reverse("identity:login") in response["Location"]


def test_expired_session_on_the_api_gets_json_401(make_user, hq_unit, verified_client) -> None:
    client = verified_client(make_user(roles=[("diplomat", hq_unit)]))
    session = client.session
    session[SESSION_LOGIN_AT] = timezone.now().timestamp() - (
        settings.SIFARA_SESSION_MAX_HOURS * 3600 + 5
    )
    session.save()
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
