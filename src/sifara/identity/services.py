"""Identity writes: sign-in with a mandatory second factor, lock-out,
password changes, administrator credential resets, API tokens, language.

Views, API views, tasks and the admin call these functions; none of them
touches the models directly. Secrets (passwords, OTP codes, recovery codes,
API token secrets) never reach logs or audit details.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import AuthenticationFailed

from sifara import audit
from sifara.core import policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.core.net import client_ip
from sifara.directory.models import User
from sifara.identity.middleware import SESSION_LOGIN_AT
from sifara.identity.models import ApiToken, LoginThrottle

#: Session keys owned by identity.
SESSION_LANGUAGE = "sifara_language"
SESSION_NEXT = "sifara_next"

RECOVERY_CODE_COUNT = 10
TOKEN_PREFIX = "sfr_"
_PREFIX_ALPHABET = string.ascii_letters + string.digits
_PREFIX_LENGTH = 8
_SECRET_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
# Unambiguous characters for passwords read out or typed by a person.
_TEMP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
_LAST_USED_RESOLUTION = timedelta(minutes=1)

#: The one message for every refused sign-in: wrong password, unknown
#: account, locked account or address, wrong code. No enumeration.
LOGIN_REFUSED = gettext_lazy(
    "Sign-in failed. Check your details and try again later if the problem persists."
)
OTP_REFUSED = gettext_lazy("The code was not accepted. Try again with a new code.")


class LoginRefusedError(ApplicationError):
    status_code = 400
    code = "login_refused"


# --- throttling ------------------------------------------------------------------


def throttle_user_key(username: str) -> str:
    return f"user:{username.strip().lower()[:150]}"


def throttle_ip_key(request: HttpRequest | None) -> str | None:
    address = client_ip(request)
    return f"ip:{address}" if address else None  # unusable address: account key only


def _throttle_keys(*, username: str, request: HttpRequest | None) -> list[str]:
    keys = [throttle_user_key(username)]
    ip_key = throttle_ip_key(request)
    if ip_key:
        keys.append(ip_key)
    return keys


def _lockout() -> timedelta:
    return timedelta(minutes=settings.SIFARA_LOGIN_LOCKOUT_MINUTES)


def throttle_locked_keys(*, keys: list[str]) -> list[str]:
    """The keys among ``keys`` that are locked now."""
    now = timezone.now()
    return list(
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).values_list(
            "key", flat=True
        )
    )


def throttle_register_failure(*, keys: list[str]) -> list[str]:
    """Count one failure against each key; return the keys this failure locked."""
    now = timezone.now()
    window = _lockout()
    newly_locked: list[str] = []
    with transaction.atomic():
        for key in keys:
            row, _created = LoginThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 0, "window_started_at": now}
            )
            if row.locked_until is not None and row.locked_until > now:
                continue  # already locked: the lock is not extended
            lock_expired = row.locked_until is not None and row.locked_until <= now
            if lock_expired or now - row.window_started_at > window:
                row.failures = 0
                row.window_started_at = now
                row.locked_until = None
            row.failures += 1
            # An office or embassy often shares one public address: its limit is
            # higher than an account's so a few colleagues' typos lock nobody out.
            limit = (
                settings.SIFARA_LOGIN_MAX_FAILURES_PER_ADDRESS
                if key.startswith("ip:")
                else settings.SIFARA_LOGIN_MAX_FAILURES
            )
            if row.failures >= limit:
                row.locked_until = now + window
                newly_locked.append(key)
            row.save()
    return newly_locked


def throttle_reset(*, key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def _login_failed(
    *,
    request: HttpRequest,
    username: str,
    reason: str,
    user: User | None = None,
    count: bool = True,
) -> None:
    """Audit a refused step, count it, audit any lock it causes."""
    label = username[:150]
    audit.record(
        actor=None,
        actor_label=label,
        action="auth.login_failed",
        target=user,
        details={"reason": reason},
        request=request,
    )
    if not count:
        return
    for key in throttle_register_failure(keys=_throttle_keys(username=username, request=request)):
        audit.record(
            actor=None,
            actor_label=label,
            action="auth.lockout",
            target=user if key.startswith("user:") else None,
            details={
                "key": key,
                "failures": (
                    settings.SIFARA_LOGIN_MAX_FAILURES_PER_ADDRESS
                    if key.startswith("ip:")
                    else settings.SIFARA_LOGIN_MAX_FAILURES
                ),
                "minutes": settings.SIFARA_LOGIN_LOCKOUT_MINUTES,
            },
            request=request,
        )


# --- sign-in -----------------------------------------------------------------------


def login_password(*, request: HttpRequest, username: str, password: str) -> User:
    """Step 1: check the password and open a session that is *not* verified yet.

    Every refusal raises :class:`LoginRefusedError` with the same message.
    """
    username = username.strip()[:150]
    keys = _throttle_keys(username=username, request=request)
    known = User.objects.filter(username=username).first() if username else None
    if throttle_locked_keys(keys=keys):
        _login_failed(request=request, username=username, reason="locked", user=known, count=False)
        raise LoginRefusedError(LOGIN_REFUSED)
    user = auth.authenticate(request, username=username, password=password) if username else None
    if user is None:
        if known is None:
            reason = "unknown_user"
        elif not known.is_active:
            reason = "inactive_user"
        else:
            reason = "bad_password"
        _login_failed(request=request, username=username, reason=reason, user=known)
        raise LoginRefusedError(LOGIN_REFUSED)
    assert isinstance(user, User)
    auth.login(request, user)  # cycles the session key; second factor still missing
    request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    request.session[SESSION_LANGUAGE] = user.preferred_language
    return user


def _login_complete(*, request: HttpRequest, user: User, method: str) -> None:
    # A new session key for the privilege change from "password" to "verified".
    request.session.cycle_key()
    request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    request.session[SESSION_LANGUAGE] = user.preferred_language
    throttle_reset(key=throttle_user_key(user.get_username()))
    audit.record(
        actor=user, action="auth.login", target=user, details={"method": method}, request=request
    )


def _normalise_code(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()[:32]


def login_verify_otp(*, request: HttpRequest, user: User, token: str) -> str:
    """Step 2: a TOTP code or a recovery code. Returns ``"totp"`` or ``"recovery_code"``."""
    username = user.get_username()
    keys = _throttle_keys(username=username, request=request)
    if throttle_locked_keys(keys=keys):
        _login_failed(request=request, username=username, reason="locked", user=user, count=False)
        raise LoginRefusedError(LOGIN_REFUSED)
    code = _normalise_code(token)
    matched: TOTPDevice | StaticDevice | None = None
    method = ""
    remaining = 0
    with transaction.atomic():
        if code.isdigit():
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(code):
                    matched, method = device, "totp"
                    break
        elif code:
            for static in StaticDevice.objects.select_for_update().filter(
                user=user, confirmed=True
            ):
                if static.verify_token(code):
                    matched, method = static, "recovery_code"
                    remaining = static.token_set.count()
                    break
    if matched is None:
        _login_failed(request=request, username=username, reason="bad_otp", user=user)
        raise LoginRefusedError(OTP_REFUSED)
    otp_login(request, matched)
    if method == "recovery_code":
        audit.record(
            actor=user,
            action="auth.recovery_code_used",
            target=user,
            details={"remaining": remaining},
            request=request,
        )
    _login_complete(request=request, user=user, method=method)
    return method


def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (the same one until confirmed)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise PermissionDeniedError(_("Two-factor authentication is already set up."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the user's recovery codes with :data:`RECOVERY_CODE_COUNT` new ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes: list[str] = []
        while len(codes) < RECOVERY_CODE_COUNT:
            candidate = StaticToken.random_token()
            if candidate not in codes:
                codes.append(candidate)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """The signed-in person replaces their own recovery codes (old ones stop working)."""
    with transaction.atomic():
        codes = recovery_codes_generate(user=user)
        audit.record(
            actor=user,
            action="auth.recovery_codes_regenerated",
            target=user,
            details={"count": len(codes)},
            request=request,
        )
    return codes


def otp_enrol_confirm(*, request: HttpRequest, user: User, token: str) -> list[str]:
    """Confirm the authenticator with a first code; sign in; return new recovery codes."""
    username = user.get_username()
    keys = _throttle_keys(username=username, request=request)
    if throttle_locked_keys(keys=keys):
        _login_failed(request=request, username=username, reason="locked", user=user, count=False)
        raise LoginRefusedError(LOGIN_REFUSED)
    code = _normalise_code(token)
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise PermissionDeniedError(_("Two-factor authentication is already set up."))
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        ok = device is not None and code.isdigit() and device.verify_token(code)
        if ok and device is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    if not ok or device is None:
        _login_failed(request=request, username=username, reason="bad_otp", user=user)
        raise LoginRefusedError(OTP_REFUSED)
    codes = recovery_codes_generate(user=user)
    audit.record(
        actor=user,
        action="auth.otp_enrolled",
        target=user,
        details={"recovery_codes": len(codes)},
        request=request,
    )
    otp_login(request, device)
    _login_complete(request=request, user=user, method="totp_enrolment")
    return codes


def logout(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        audit.record(actor=user, action="auth.logout", target=user, request=request)
    auth.logout(request)


# --- passwords ---------------------------------------------------------------------


def password_change(*, request: HttpRequest, user: User, new_password: str) -> None:
    """Set a new password (already validated by the form); keep this session."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "updated_at"])
    auth.update_session_auth_hash(request, user)
    audit.record(actor=user, action="auth.password_changed", target=user, request=request)


def temporary_password() -> str:
    """A one-time password shown once (administrator resets, invited room guests)."""
    groups = ["".join(secrets.choice(_TEMP_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _require_may_change_access(actor: User | AbstractBaseUser | Any, person: User) -> None:
    if not policy.may_reset_credentials(actor, person):
        raise PermissionDeniedError(
            _("You may not change the credentials of this person.")
            if actor.pk != person.pk
            else _("Another administrator must reset your own credentials.")
        )


def person_reset_password(
    *, actor: User | Any, person: User, request: HttpRequest | None = None
) -> str:
    """Issue a one-time password the person must change at next sign-in."""
    _require_may_change_access(actor, person)
    temporary = temporary_password()
    with transaction.atomic():
        person.set_password(temporary)
        person.must_change_password = True
        person.save(update_fields=["password", "must_change_password", "updated_at"])
        throttle_reset(key=throttle_user_key(person.get_username()))
        # A reset usually follows a suspected compromise: the person's API
        # tokens stop working too.
        revoked = ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="identity.password_reset",
            target=person,
            details={"must_change_password": True, "api_tokens_revoked": revoked},
            request=request,
        )
    return temporary


def person_reset_two_factor(
    *, actor: User | Any, person: User, request: HttpRequest | None = None
) -> None:
    """Remove the person's authenticators and recovery codes: next sign-in re-enrols."""
    _require_may_change_access(actor, person)
    with transaction.atomic():
        totp_count, _detail = TOTPDevice.objects.filter(user=person).delete()
        static_count, _detail = StaticDevice.objects.filter(user=person).delete()
        audit.record(
            actor=actor,
            action="identity.two_factor_reset",
            target=person,
            details={"devices_removed": bool(totp_count or static_count)},
            request=request,
        )


# --- language ----------------------------------------------------------------------


def language_set(*, request: HttpRequest, language: str, persist: bool = True) -> str:
    """Remember the language in the session and, when ``persist`` and signed in,
    on the account (the caller passes ``persist`` only for a verified session)."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language."))
    request.session[SESSION_LANGUAGE] = language
    user = request.user
    if (
        persist
        and user.is_authenticated
        and isinstance(user, User)
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language", "updated_at"])
    return language


# --- API tokens --------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def api_token_create(
    *, user: User, name: str, scopes: list[str], days: int, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return it with its full value, which is never stored or shown again."""
    if not policy.can(user, "api.tokens"):
        raise PermissionDeniedError(_("You may not create API tokens."))
    name = name.strip()
    if not name or len(name) > 100:
        raise ApplicationError(_("Give the token a name of at most 100 characters."))
    allowed = set(policy.allowed_scopes(user))
    chosen = sorted(set(scopes))
    if not chosen:
        raise ApplicationError(_("Choose at least one scope."))
    if not set(chosen) <= allowed:
        raise PermissionDeniedError(_("You may not grant a scope you do not hold."))
    max_days = settings.SIFARA_API_TOKEN_MAX_DAYS
    if not 1 <= days <= max_days:
        raise ApplicationError(
            _("The validity must be between 1 and %(max)d days.") % {"max": max_days}
        )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        while True:
            prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(_PREFIX_LENGTH))
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=_digest(secret),
            scopes=chosen,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(
            actor=user,
            action="api_token.created",
            target=token,
            details={"prefix": prefix, "scopes": chosen, "days": days},
            request=request,
        )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def api_token_revoke(
    *, actor: User | Any, token: ApiToken, request: HttpRequest | None = None
) -> ApiToken:
    """Revoke a token: by its owner, or by an administrator for another person."""
    if token.user_id != actor.pk and not policy.may_reset_credentials(actor, token.user):
        raise PermissionDeniedError(_("You may not revoke this token."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor=actor,
            action="api_token.revoked",
            target=token,
            details={"prefix": token.prefix},
            request=request,
        )
    return token


@dataclass(frozen=True)
class _ParsedToken:
    prefix: str
    secret: str


def _parse_token(raw: str) -> _ParsedToken | None:
    head = len(TOKEN_PREFIX)
    if len(raw) > 200 or not raw.startswith(TOKEN_PREFIX):
        return None
    prefix = raw[head : head + _PREFIX_LENGTH]
    separator = raw[head + _PREFIX_LENGTH : head + _PREFIX_LENGTH + 1]
    secret = raw[head + _PREFIX_LENGTH + 1 :]
    if (
        len(prefix) != _PREFIX_LENGTH
        or not all(c in _PREFIX_ALPHABET for c in prefix)
        or separator != "_"
        or len(secret) < 32
        or not set(secret) <= _SECRET_ALPHABET
    ):
        return None
    return _ParsedToken(prefix=prefix, secret=secret)


def _refuse(
    *, request: HttpRequest | None, reason: str, message: str, token: ApiToken | None = None
) -> AuthenticationFailed:
    audit.record(
        actor=None,
        actor_label=token.user.get_username() if token is not None else "",
        action="api_token.refused",
        target=token,
        details={"reason": reason, "path": request.path[:200] if request else ""},
        request=request,
    )
    return AuthenticationFailed(message, code=f"token_{reason}")


def api_token_authenticate(*, raw: str, request: HttpRequest | None) -> ApiToken:
    """Resolve ``sfr_<prefix>_<secret>`` to an active token, or raise ``AuthenticationFailed``."""
    parsed = _parse_token(raw)
    if parsed is None:
        raise _refuse(request=request, reason="malformed", message=_("Malformed API token."))
    token = ApiToken.objects.select_related("user").filter(prefix=parsed.prefix).first()
    # Compare a digest even for an unknown prefix, so timing says nothing.
    expected = token.digest if token is not None else "0" * 64
    if not hmac.compare_digest(expected, _digest(parsed.secret)) or token is None:
        raise _refuse(request=request, reason="unknown", message=_("Invalid API token."))
    now = timezone.now()
    if token.revoked_at is not None:
        raise _refuse(
            request=request,
            reason="revoked",
            message=_("This API token has been revoked."),
            token=token,
        )
    if token.expires_at <= now:
        raise _refuse(
            request=request, reason="expired", message=_("This API token has expired."), token=token
        )
    if not token.user.is_active:
        raise _refuse(
            request=request,
            reason="inactive_user",
            message=_("The account of this API token is disabled."),
            token=token,
        )
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- housekeeping ------------------------------------------------------------------


def identity_housekeeping() -> dict[str, int]:
    """Delete expired sessions and throttle rows that no longer count anything."""
    now = timezone.now()
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    stale = now - _lockout()
    throttles, _detail = (
        LoginThrottle.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(window_started_at__lt=stale)
        .delete()
    )
    return {"throttles": throttles}
