"""Helpers for the identity tests: real sign-in through the pages."""

from __future__ import annotations

import html
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"


def totp_code(device: TOTPDevice) -> str:
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:0{device.digits}d}"


def confirmed_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        reverse("identity:login"), {"username": username, "password": password}, **extra
    )


def otp_step(client: Client, token: str, **extra: Any) -> Any:
    return client.post(reverse("identity:otp"), {"token": token}, **extra)


def full_login(client: Client, user: Any, device: TOTPDevice) -> None:
    response = password_step(client, user.username)
    assert response.status_code == 302 and response["Location"] == reverse("identity:otp")
    response = otp_step(client, totp_code(device))
    assert response.status_code == 302, response.content.decode()[:2000]


def error_text(response: Any, testid: str = "login-error") -> str:
    """The text of the alert marked ``data-testid=<testid>``, or ''."""
    page = response.content.decode()
    marker = f'data-testid="{testid}">'
    if marker not in page:
        return ""
    return html.unescape(page.split(marker, 1)[1].split("</div>", 1)[0].strip())


def refused(language: str = "ar") -> str:
    """The one sign-in refusal message as a page in ``language`` shows it."""
    from sifara.identity.services import LOGIN_REFUSED

    with translation.override(language):
        return str(LOGIN_REFUSED)
