"""Identity pages: sign-in in two steps, enrolment, sign-out, language,
password change, API tokens, administrator credential reset."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from sifara.core import policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.directory.models import User
from sifara.identity import selectors, services
from sifara.identity.forms import (
    EnrolForm,
    LanguageForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    PasswordConfirmForm,
    PersonResetForm,
    TokenCreateForm,
)

View = Callable[..., HttpResponse]
_SameSite = Literal["Lax", "Strict", "None", False] | None


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _after_login(request: HttpRequest) -> HttpResponseRedirect:
    target = _safe_next(request, request.session.pop(services.SESSION_NEXT, None))
    response = HttpResponseRedirect(target or reverse(settings.LOGIN_REDIRECT_URL))
    _set_language_cookie(response, request.session.get(services.SESSION_LANGUAGE))
    return response


def _set_language_cookie(response: HttpResponse, language: str | None) -> None:
    if language not in dict(settings.LANGUAGES):
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(_SameSite, settings.LANGUAGE_COOKIE_SAMESITE),
    )


def _is_verified(user: object) -> bool:
    """django-otp's ``is_verified``, added to ``request.user`` by OTPMiddleware."""
    return bool(getattr(user, "is_verified", lambda: False)())


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def verified_required(*, allow_password_change: bool = False) -> Callable[[View], View]:
    """Identity pages are outside the middleware's guard (``/identity/``): each
    page that needs a full sign-in says so here."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not _is_verified(user):
                return redirect("identity:otp")
            if getattr(user, "must_change_password", False) and not allow_password_change:
                return redirect("identity:password_change")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- sign-in -----------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if _is_verified(request.user):
            return redirect(
                _safe_next(request, request.GET.get("next")) or settings.LOGIN_REDIRECT_URL
            )
        return redirect("identity:otp")
    error = ""
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            try:
                services.login_password(
                    request=request,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except services.LoginRefusedError as exc:
                error = str(exc.message)
            else:
                target = _safe_next(request, form.cleaned_data.get("next"))
                if target:
                    request.session[services.SESSION_NEXT] = target
                return redirect("identity:otp")
        else:
            error = str(services.LOGIN_REFUSED)
    else:
        form = LoginForm(initial={"next": _safe_next(request, request.GET.get("next")) or ""})
    context = {
        "form": form,
        "error": error,
        "expired": request.GET.get("expired") == "1",
    }
    return render(request, "identity/login.html", context)


@never_cache
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("identity:login")
    if _is_verified(request.user):
        return _after_login(request)
    user = _signed_in_user(request)
    if not selectors.user_has_confirmed_totp(user=user):
        return redirect("identity:otp_enrol")
    error = ""
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = services.login_verify_otp(
                request=request, user=user, token=form.cleaned_data["token"]
            )
        except services.LoginRefusedError as exc:
            error = str(exc.message)
            form = OtpForm()
        else:
            if method == "recovery_code":
                remaining = selectors.recovery_codes_remaining(user=user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code. %(count)d recovery codes remain; "
                        "ask an administrator for new ones when they run low."
                    )
                    % {"count": remaining},
                )
            return _after_login(request)
    elif request.method == "POST":
        error = str(services.OTP_REFUSED)
    return render(request, "identity/otp.html", {"form": form, "error": error})


def _qr_svg(config_url: str) -> str:
    qr = segno.make(config_url, error="m")
    svg: str = qr.svg_inline(
        scale=4,
        border=4,
        omitsize=True,
        dark="#0f2a44",
        light="#ffffff",
        title=_("QR code for your authenticator app"),
        svgclass="qr-svg",
        lineclass=None,
    )
    return svg


@never_cache
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def otp_enrol_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("identity:login")
    if _is_verified(request.user):
        return _after_login(request)
    user = _signed_in_user(request)
    if selectors.user_has_confirmed_totp(user=user):
        return redirect("identity:otp")
    error = ""
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.otp_enrol_confirm(
                request=request, user=user, token=form.cleaned_data["token"]
            )
        except services.LoginRefusedError as exc:
            error = str(exc.message)
            form = EnrolForm()
        else:
            next_url = _after_login(request)["Location"]
            response = render(
                request, "identity/recovery_codes.html", {"codes": codes, "next_url": next_url}
            )
            _set_language_cookie(response, request.session.get(services.SESSION_LANGUAGE))
            return response
    elif request.method == "POST":
        error = str(services.OTP_REFUSED)
    device = services.otp_enrol_start(user=user)
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    context = {
        "form": form,
        "error": error,
        "qr_svg": _qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "identity/otp_enrol.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    language = request.session.get(services.SESSION_LANGUAGE)
    services.logout(request=request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    _set_language_cookie(response, language)
    return response


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("Unknown language."))
    language = form.cleaned_data["language"]
    user = request.user
    verified = user.is_authenticated and _is_verified(user)
    services.language_set(request=request, language=language, persist=bool(verified))
    target = _safe_next(request, form.cleaned_data.get("next")) or (
        reverse(settings.LOGIN_REDIRECT_URL) if verified else reverse("identity:login")
    )
    response = HttpResponseRedirect(target)
    _set_language_cookie(response, language)
    return response


# --- password ------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@verified_required(allow_password_change=True)
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            request=request, user=user, new_password=form.cleaned_data["new_password1"]
        )
        messages.success(request, _("Your password has been changed."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "identity/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


# --- API tokens ----------------------------------------------------------------------


@never_cache
@verified_required()
@require_http_methods(["GET", "POST"])
def token_list_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if not policy.can(user, "api.tokens"):
        raise PermissionDeniedError(_("You may not use API tokens."))
    form = TokenCreateForm(request.POST or None, user=user)
    created: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            token, raw = services.api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                scopes=list(form.cleaned_data["scopes"]),
                days=form.cleaned_data["days"],
                request=request,
            )
            created = {"token": token, "raw": raw}
            form = TokenCreateForm(user=user)
            status = 201
        else:
            status = 400
    context = {
        "form": form,
        "tokens": selectors.api_token_list_for_user(user=user),
        "created": created,
        "max_days": settings.SIFARA_API_TOKEN_MAX_DAYS,
    }
    return render(request, "identity/token_list.html", context, status=status)


@require_POST
@verified_required()
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _signed_in_user(request)
    token = selectors.api_token_get_for_user(user=user, token_id=token_id)
    services.api_token_revoke(actor=user, token=token, request=request)
    if getattr(request, "htmx", False):
        return render(request, "identity/partials/token_row.html", {"token": token})
    messages.success(request, _("The token has been revoked."))
    return redirect("identity:token_list")


# --- administrator credential reset -------------------------------------------------


@never_cache
@verified_required()
@require_http_methods(["GET", "POST"])
def person_reset_view(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = _signed_in_user(request)
    if not policy.can(actor, "identity.manage_credentials"):
        raise PermissionDeniedError(_("You may not change the credentials of other people."))
    person = selectors.person_get_for_credentials(actor=actor, person_id=person_id)
    if not policy.may_reset_credentials(actor, person):
        raise PermissionDeniedError(_("Another administrator must reset your own credentials."))
    if request.method == "GET":
        form = PersonResetForm(initial={"reset_password": True})
        return render(request, "identity/person_reset.html", {"form": form, "person": person})
    form = PersonResetForm(request.POST)
    if not form.is_valid():
        return render(
            request, "identity/person_reset.html", {"form": form, "person": person}, status=400
        )
    temporary = ""
    if form.cleaned_data["reset_password"]:
        temporary = services.person_reset_password(actor=actor, person=person, request=request)
    if form.cleaned_data["reset_two_factor"]:
        services.person_reset_two_factor(actor=actor, person=person, request=request)
    context = {
        "person": person,
        "temporary_password": temporary,
        "two_factor_reset": bool(form.cleaned_data["reset_two_factor"]),
    }
    return render(request, "identity/person_reset_done.html", context)


# --- recovery codes ------------------------------------------------------------------


@never_cache
@verified_required()
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Replace one's own recovery codes after confirming the password."""
    user = _signed_in_user(request)
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("The password is not correct."))
        else:
            codes = services.recovery_codes_regenerate(user=user, request=request)
            return render(
                request,
                "identity/recovery_codes.html",
                {"codes": codes, "next_url": reverse("core:dashboard"), "regenerated": True},
            )
    return render(request, "identity/recovery_codes_regenerate.html", {"form": form})
