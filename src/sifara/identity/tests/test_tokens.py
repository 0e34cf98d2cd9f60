"""API tokens: created once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sifara.audit.models import AuditEvent
from sifara.identity import services
from sifara.identity.models import ApiToken

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
TOKEN_RE = re.compile(r"sfr_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})")


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def diplomat(make_user, hq_unit):
    return make_user(roles=[("diplomat", hq_unit)], username="amal")


def test_create_token_on_the_page_shows_it_once_and_stores_a_hash(
    diplomat, verified_client
) -> None:
    client = verified_client(diplomat)
    url = reverse("identity:token_list")
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="directory:read"' in page.content.decode()
    assert 'value="directory:write"' not in page.content.decode()  # not the diplomat's to grant
    response = client.post(url, {"name": "report script", "scopes": ["directory:read"], "days": 30})
    assert response.status_code == 201
    html = response.content.decode()
    raw = html.split('data-testid="new-token">', 1)[1].split("</code>", 1)[0]
    match = TOKEN_RE.fullmatch(raw)
    assert match, raw
    prefix, secret = match.groups()
    token = ApiToken.objects.get(user=diplomat)
    assert token.prefix == prefix
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert token.scopes == ["directory:read"]
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    event = AuditEvent.objects.get(action="api_token.created")
    assert secret not in str(event.details) and event.actor_id == diplomat.pk
    # Shown once: the list no longer carries it.
    assert secret not in client.get(url).content.decode()

    api = Client()
    response = api.get(UNITS, **_bearer(raw))
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_form_refuses_foreign_scope_and_long_validity(
    diplomat, verified_client, settings
) -> None:
    client = verified_client(diplomat)
    url = reverse("identity:token_list")
    response = client.post(url, {"name": "x", "scopes": ["directory:write"], "days": 30})
    assert response.status_code == 400
    response = client.post(
        url,
        {"name": "x", "scopes": ["directory:read"], "days": settings.SIFARA_API_TOKEN_MAX_DAYS + 1},
    )
    assert response.status_code == 400
    response = client.post(url, {"name": "x", "scopes": ["directory:read"], "days": 0})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    with pytest.raises(services.PermissionDeniedError):
        services.api_token_create(user=diplomat, name="x", scopes=["audit:read"], days=5)


def test_expired_token_is_refused(diplomat) -> None:
    token, raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=1
    )
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - timedelta(days=2), expires_at=now - timedelta(seconds=1)
    )
    error = _assert_error(Client().get(UNITS, **_bearer(raw)), 401)
    assert error["code"] == "token_expired"
    assert AuditEvent.objects.get(action="api_token.refused").details["reason"] == "expired"


def test_revoked_token_is_refused(diplomat, verified_client) -> None:
    token, raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=5
    )
    assert Client().get(UNITS, **_bearer(raw)).status_code == 200
    client = verified_client(diplomat)
    response = client.post(reverse("identity:token_revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=diplomat).exists()
    error = _assert_error(Client().get(UNITS, **_bearer(raw)), 401)
    assert error["code"] == "token_revoked"
    page = client.get(reverse("identity:token_list")).content.decode()
    assert 'text-bg-secondary" data-testid="token-state"' in page  # shown as revoked


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Bearer sfr_short_x",
        "Bearer sfr_abcdefgh-" + "a" * 43,
        "Bearer a b",
        "Token sfr_",
    ],
)
def test_malformed_tokens_are_refused(diplomat, header: str) -> None:
    response = Client().get(UNITS, HTTP_AUTHORIZATION=header)
    _assert_error(response, 401)


def test_unknown_and_tampered_tokens_are_refused(diplomat) -> None:
    _token, raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=5
    )
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    error = _assert_error(Client().get(UNITS, **_bearer(tampered)), 401)
    assert error["code"] == "token_unknown"
    unknown = "sfr_ZZZZZZZZ_" + "a" * 43
    _assert_error(Client().get(UNITS, **_bearer(unknown)), 401)
    reasons = [e.details["reason"] for e in AuditEvent.objects.filter(action="api_token.refused")]
    assert reasons.count("unknown") == 2


def test_token_of_a_disabled_account_is_refused(diplomat) -> None:
    _token, raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=5
    )
    diplomat.is_active = False
    diplomat.save()
    _assert_error(Client().get(UNITS, **_bearer(raw)), 401)


def test_token_without_the_scope_gets_403(admin_user) -> None:
    _token, raw = services.api_token_create(
        user=admin_user, name="t", scopes=["audit:read"], days=5
    )
    error = _assert_error(Client().get(UNITS, **_bearer(raw)), 403)
    assert error["code"]


def test_token_cannot_be_revoked_by_another_user(
    diplomat, make_user, hq_unit, verified_client
) -> None:
    token, _raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=5
    )
    other = make_user(roles=[("diplomat", hq_unit)], username="badr")
    response = verified_client(other).post(
        reverse("identity:token_revoke", kwargs={"token_id": token.pk})
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_htmx_revoke_returns_the_row(diplomat, verified_client) -> None:
    token, _raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=5
    )
    response = verified_client(diplomat).post(
        reverse("identity:token_revoke", kwargs={"token_id": token.pk}), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<tr") and 'data-testid="token-state"' in html and "<html" not in html


def test_token_api_lists_and_revokes_own_tokens(
    diplomat, make_user, hq_unit, verified_client
) -> None:
    mine, _raw = services.api_token_create(
        user=diplomat, name="mine", scopes=["directory:read"], days=5
    )
    other = make_user(roles=[("diplomat", hq_unit)], username="badr")
    theirs, _ = services.api_token_create(
        user=other, name="theirs", scopes=["directory:read"], days=5
    )
    client = verified_client(diplomat)
    body = client.get("/api/v1/tokens/").json()
    assert [t["name"] for t in body["results"]] == ["mine"]
    assert "digest" not in body["results"][0]
    assert client.get(f"/api/v1/tokens/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/tokens/{theirs.pk}/").status_code == 404
    response = client.delete(f"/api/v1/tokens/{mine.pk}/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    # A token cannot manage tokens.
    _mine2, raw2 = services.api_token_create(
        user=diplomat, name="m2", scopes=["directory:read"], days=5
    )
    _assert_error(Client().get("/api/v1/tokens/", **_bearer(raw2)), 403)


def test_token_api_refuses_anonymous(db) -> None:
    _assert_error(Client().get("/api/v1/tokens/"), 401)


def test_last_used_is_updated_at_most_once_a_minute(diplomat) -> None:
    token, raw = services.api_token_create(
        user=diplomat, name="t", scopes=["directory:read"], days=5
    )
    services.api_token_authenticate(raw=raw, request=None)
    token.refresh_from_db()
    first = token.last_used_at
    services.api_token_authenticate(raw=raw, request=None)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    services.api_token_authenticate(raw=raw, request=None)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)
