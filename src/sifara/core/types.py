"""Typing helpers for views: requests that passed authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from sifara.directory.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What a ``@login_required`` view receives."""

    user: User
    htmx: HtmxDetails


def acting_user(request: Any) -> User:
    """The authenticated user of a DRF or Django request (after permission checks)."""
    return cast("User", request.user)
