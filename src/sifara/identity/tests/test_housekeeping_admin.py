"""The periodic clean-up task and the read-only admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from sifara.identity import services
from sifara.identity.models import ApiToken, LoginThrottle
from sifara.identity.tasks import identity_housekeeping

pytestmark = pytest.mark.django_db


def test_housekeeping_deletes_expired_sessions_and_stale_throttles() -> None:
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(hours=1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + timedelta(hours=1))
    LoginThrottle.objects.create(
        key="user:stale", failures=2, window_started_at=now - timedelta(days=1)
    )
    LoginThrottle.objects.create(key="user:fresh", failures=2, window_started_at=now)
    LoginThrottle.objects.create(
        key="user:locked",
        failures=5,
        window_started_at=now - timedelta(days=1),
        locked_until=now + timedelta(minutes=5),
    )
    identity_housekeeping.call_local()
    assert set(Session.objects.values_list("session_key", flat=True)) == {"new"}
    assert set(LoginThrottle.objects.values_list("key", flat=True)) == {"user:fresh", "user:locked"}
    identity_housekeeping.call_local()  # idempotent


def test_admin_shows_tokens_read_only_without_digest(make_user, hq_unit, verified_client) -> None:
    staff = make_user(
        roles=[("administrator", hq_unit)], username="root", is_staff=True, is_superuser=True
    )
    owner = make_user(roles=[("diplomat", hq_unit)], username="amal")
    token, raw = services.api_token_create(user=owner, name="t", scopes=["directory:read"], days=5)
    client = verified_client(staff)
    listing = client.get("/admin/identity/apitoken/")
    assert listing.status_code == 200
    detail = client.get(f"/admin/identity/apitoken/{token.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert token.prefix in html
    assert token.digest not in html and raw.split("_", 2)[2] not in html
    assert client.get("/admin/identity/apitoken/add/").status_code == 403
    response = client.post(
        "/admin/identity/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.count() == 1
