"""Every main page, as an administrator, in Arabic and in English: the right
direction, no browser console errors (CSP violations included), and a
screenshot of each for review."""

from __future__ import annotations

import io

import pytest

from sifara.directory.demo import load_demo
from sifara.directory.models import Unit, User

from .test_journeys import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tour_of_pages_in_both_languages(page, live_server, screenshot):
    load_demo(out=io.StringIO())
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, live_server, "admin")
    tokyo = Unit.objects.get(code="emb-tokyo")
    ambassador = User.objects.get(username="hom.tokyo")
    pages = {
        "dashboard": "/",
        "units": "/directory/",
        "unit": f"/directory/units/{tokyo.pk}/",
        "unit-edit": f"/directory/units/{tokyo.pk}/edit/",
        "people": "/directory/people/",
        "person": f"/directory/people/{ambassador.pk}/",
        "person-new": "/directory/people/new/",
        "tokens": "/identity/tokens/",
        "password": "/identity/password/",
        "audit": "/audit/",
        "not-found": "/no/such/page/",
    }
    for language, direction in (("ar", "rtl"), ("en", "ltr")):
        if page.locator("html").get_attribute("lang") != language:
            page.click("[data-testid=language-switch]")
            page.wait_for_load_state()
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == (404 if name == "not-found" else 200), (name, language)
            assert page.locator("html").get_attribute("dir") == direction, (name, language)
            screenshot(f"tour-{language}-{name}")
    # favicon requests are the browser's own; anything else is ours to fix
    ours = [e for e in errors if "favicon" not in e and "404" not in e]
    assert not ours, ours
