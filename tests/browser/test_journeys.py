"""Main journeys in a real browser: sign-in with a recovery code, the Arabic
dashboard (RTL), the switch to English (LTR), the directory, the audit trail."""

from __future__ import annotations

import io
import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from sifara.directory.demo import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _recovery_code(username: str) -> str:
    token = StaticToken.objects.filter(device__user__username=username).order_by("id").first()
    assert token is not None
    return str(token.token)


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/identity/otp/.*"))
    page.fill("input[name=token]", _recovery_code(username))
    page.click("form[action$='/identity/otp/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_recovery_code_login_arabic_then_english(page, live_server, screenshot):
    load_demo(out=io.StringIO())
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    screenshot("01-login-ar")

    used = _recovery_code("hom.tokyo")
    _sign_in(page, live_server, "hom.tokyo")
    assert not StaticToken.objects.filter(token=used, device__user__username="hom.tokyo").exists()

    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    body = page.locator("main").inner_text()
    assert "السفارة في طوكيو" in body  # the user's unit
    clocks = page.locator("[data-testid=clock]")
    assert clocks.count() >= 2  # HQ and the mission
    assert "Asia/Tokyo" in clocks.nth(1).inner_text()
    screenshot("02-dashboard-ar")

    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Embassy in Tokyo" in page.locator("main").inner_text()
    screenshot("03-dashboard-en")

    page.goto(f"{live_server.url}/directory/?kind=mission")
    assert page.locator("html").get_attribute("dir") == "ltr"  # remembered
    assert page.locator("tbody tr").count() >= 25
    screenshot("04-directory-en")


def test_administrator_browses_people_and_audit_trail(page, live_server, screenshot):
    load_demo(out=io.StringIO())
    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/directory/people/")
    assert "السفير يوسف الأمين" in page.locator("main").inner_text()
    screenshot("05-people-ar")
    page.goto(f"{live_server.url}/audit/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "auth.login" in page.locator("main").inner_text()
    screenshot("06-audit-ar")


def test_wrong_password_shows_translated_error(page, live_server, screenshot):
    load_demo(out=io.StringIO())
    page.goto(f"{live_server.url}/identity/login/")
    page.fill("input[name=username]", "hom.tokyo")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    error = page.locator("[data-testid=login-error]")
    assert error.is_visible()
    assert re.search(r"[\u0600-\u06FF]", error.inner_text())  # Arabic message
    screenshot("07-login-error-ar")
