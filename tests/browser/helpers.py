"""Steps shared by the browser journeys."""

from __future__ import annotations

import re
from typing import Any

from django_otp.plugins.otp_static.models import StaticToken

from sifara.directory.demo import DEMO_PASSWORD


def sign_in(page: Any, live_server: Any, username: str, *, landing: Any = None) -> None:
    """Sign a demo user in with the password and their first unused recovery code.

    ``landing`` is the URL (or compiled pattern) the sign-in ends on; the
    dashboard by default.
    """
    token = StaticToken.objects.filter(device__user__username=username).order_by("id").first()
    assert token is not None
    page.goto(f"{live_server.url}/identity/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/identity/otp/.*"))
    page.fill("input[name=token]", str(token.token))
    page.click("form[action$='/identity/otp/'] button[type=submit]")
    page.wait_for_url(landing if landing is not None else f"{live_server.url}/")
