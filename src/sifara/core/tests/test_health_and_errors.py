"""Health check, error pages (HTML and JSON), request limits and CSRF failures."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from sifara.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def html_lang(html: str) -> tuple[str, str]:
    """The ``lang`` and ``dir`` of the page's ``<html>`` element."""
    tag = re.search(r"<html\b[^>]*>", html)
    assert tag, "not a full page"
    lang = re.search(r'\blang="([^"]*)"', tag.group(0))
    direction = re.search(r'\bdir="([^"]*)"', tag.group(0))
    return (lang.group(1) if lang else "", direction.group(1) if direction else "")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def in_language(lang: str, message: str) -> str:
    with translation.override(lang):
        return translation.gettext(message)


def oversized_form() -> str:
    return "field=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)


# --- /healthz --------------------------------------------------------------------


def test_healthz_reports_database_and_queue(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_no_second_factor(verified_client: Any, make_user: Any) -> None:
    # A signed-in but unverified session must not be redirected to the OTP page.
    user = make_user(username="half-signed-in")
    client = Client()
    client.force_login(user)
    session = client.session
    from sifara.identity.middleware import SESSION_LOGIN_AT

    session[SESSION_LOGIN_AT] = __import__("time").time()
    session.save()
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_queue_is_down(client: Client, monkeypatch: Any) -> None:
    import sifara.huey

    def broken() -> int:
        raise ConnectionError("queue down")

    monkeypatch.setattr(sifara.huey, "queue_ping", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "queue": "unavailable"}
    assert "queue down" not in response.content.decode()


def test_healthz_is_get_only(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


# --- 404 -------------------------------------------------------------------------


def test_404_page_in_arabic_by_default(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == ("ar", "rtl")
    assert in_language("ar", "Page not found") in html
    assert "bootstrap.rtl.min.css" in html


def test_404_page_in_english_with_the_language_cookie(client: Client) -> None:
    response = english(client).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == ("en", "ltr")
    assert "Page not found" in html
    assert "bootstrap.rtl.min.css" not in html


def test_404_page_in_english_from_accept_language(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert html_lang(response.content.decode()) == ("en", "ltr")


def test_api_unknown_url_answers_json(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"]


# --- oversized requests ----------------------------------------------------------


def test_oversized_form_gets_400_page(make_user: Any) -> None:
    # CSRF checking reads the form body first, so the limit trips before any view.
    client = english(Client(enforce_csrf_checks=True))
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    response = client.post(
        "/identity/language/", oversized_form(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html_lang(html) == ("en", "ltr")
    assert "too large" in html and "Nothing was saved" in html


def test_oversized_form_gets_400_page_in_arabic(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    response = client.post(
        "/identity/language/", oversized_form(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html_lang(html) == ("ar", "rtl")
    assert in_language("ar", "Request too large") in html


def test_oversized_api_body_gets_400_json(verified_client: Any, admin_user: Any) -> None:
    client = verified_client(admin_user)
    payload = json.dumps(
        {"code": "x", "name_en": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    )
    response = client.post("/api/v1/units/", payload, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "request_too_large"
    assert body["error"]["message"]


def test_oversized_api_form_gets_400_json(verified_client: Any, admin_user: Any) -> None:
    client = verified_client(admin_user)
    response = client.post(
        "/api/v1/units/", oversized_form(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request_too_large"


# --- CSRF ------------------------------------------------------------------------


def test_forged_csrf_gets_translated_403_and_is_audited(client: Client) -> None:
    forged = english(Client(enforce_csrf_checks=True))
    forged.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    response = forged.post(
        "/identity/language/",
        {"language": "en", "csrfmiddlewaretoken": "b" * 32},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert html_lang(html) == ("en", "ltr")
    assert "Security check failed" in html
    event = AuditEvent.objects.get(action="security.csrf_failure")
    assert event.details["path"] == "/identity/language/"
    assert event.details["reason"]
    assert event.source_ip == "198.51.100.9"
    assert event.actor_id is None


def test_missing_csrf_cookie_in_arabic_is_audited(verified_client: Any, admin_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/identity/language/", {"language": "en"})
    assert response.status_code == 403
    html = response.content.decode()
    assert html_lang(html) == ("ar", "rtl")
    assert in_language("ar", "Security check failed") in html
    assert AuditEvent.objects.filter(action="security.csrf_failure").count() == 1


def test_csrf_failure_of_a_signed_in_user_names_the_actor(admin_user: Any) -> None:
    from conftest import login_verified

    client = login_verified(Client(enforce_csrf_checks=True), admin_user)
    response = client.post("/identity/language/", {"language": "en"})
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="security.csrf_failure")
    assert event.actor_id == admin_user.pk
    assert event.actor_label == admin_user.username


# --- 403 page --------------------------------------------------------------------


def test_permission_denied_page_is_translated(
    verified_client: Any, make_user: Any, mission: Any
) -> None:
    user = make_user(roles=[("diplomat", mission)], username="dip-403")
    response = english(verified_client(user)).get("/audit/")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
