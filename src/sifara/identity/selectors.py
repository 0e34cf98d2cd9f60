"""Identity reads: a person's own tokens and devices, people whose credentials
an administrator may reset."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifara.core import policy
from sifara.core.errors import NotFoundError
from sifara.directory.models import User
from sifara.identity.models import ApiToken


def api_token_list_for_user(*, user: User | Any) -> QuerySet[ApiToken]:
    """The caller's own tokens, newest first (active, expired and revoked)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def api_token_get_for_user(*, user: User | Any, token_id: int) -> ApiToken:
    """One of the caller's own tokens; someone else's answers as not found."""
    token = api_token_list_for_user(user=user).filter(pk=token_id).first()
    if token is None:
        raise NotFoundError(_("No such API token."))
    return token


def user_has_confirmed_totp(*, user: User | Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def recovery_codes_remaining(*, user: User | Any) -> int:
    device = StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


def person_get_for_credentials(*, actor: User | Any, person_id: int) -> User:
    """A person the actor can see (404 otherwise); the services check the right to reset."""
    person = User.objects.filter(pk=person_id).first()
    if person is None or not policy.may_view_person(actor, person):
        raise NotFoundError(_("No such person."))
    return person
