"""Language per user, mandatory second factor, session lifetime, forced password change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sifara.core.api import error_body

SESSION_LOGIN_AT = "sifara_login_at"
SESSION_TOUCHED_AT = "sifara_touched_at"

# Paths reachable before the second factor is verified.
_OPEN_PREFIXES = ("/identity/", "/static/", "/healthz", "/api/", "/favicon.ico")


class UserLanguageMiddleware:
    """Make a signed-in user's saved language win over the cookie.

    Runs before LocaleMiddleware: it writes the user's preference into the
    language cookie of the request so LocaleMiddleware activates it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.session.get("sifara_language") if hasattr(request, "session") else None
        if lang in dict(settings.LANGUAGES):
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)


class SessionPolicyMiddleware:
    """Staff must pass two-factor; sessions end after an absolute lifetime;
    a password set by an administrator must be changed first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            # Idle expiry: the cookie and the stored session live
            # SESSION_COOKIE_AGE seconds from the last save. Saving at most once
            # a minute keeps them alive while the person works without a
            # database write on every request.
            touched = float(request.session.get(SESSION_TOUCHED_AT, 0))
            if now - touched >= settings.SIFARA_SESSION_TOUCH_SECONDS:
                request.session[SESSION_TOUCHED_AT] = now
            login_at = request.session.get(SESSION_LOGIN_AT)
            max_age = timedelta(hours=settings.SIFARA_SESSION_MAX_HOURS)
            if login_at is None or now - float(login_at) > max_age.total_seconds():
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        error_body("session_expired", str(_("Your session has ended."))),
                        status=401,
                    )
                translation.activate(translation.get_language() or settings.LANGUAGE_CODE)
                return redirect(f"{reverse('identity:login')}?expired=1")
            if not request.path.startswith(_OPEN_PREFIXES):
                if not getattr(user, "is_verified", lambda: False)():
                    return redirect("identity:otp")
                if getattr(user, "must_change_password", False):
                    return redirect("identity:password_change")
        return self.get_response(request)
