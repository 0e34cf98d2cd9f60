"""Writes to the official-accounts registry. Every write is checked against
policy and audited in the same transaction; side effects (e-mails) wait for
the commit."""

from __future__ import annotations

import functools
import io
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sifara import audit
from sifara.accounts import risk
from sifara.accounts.handles import CanonicalHandle, HandleError, canonicalise
from sifara.accounts.models import (
    AccountAudit,
    AccountKind,
    AccountStatus,
    OfficialAccount,
    PersonalAccount,
    Platform,
    PlatformUsage,
    SecurityPosture,
)
from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.directory.models import Country, User

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}

#: Fields of an official account set through create/update (besides handle and platform).
ACCOUNT_FIELDS = (
    "unit",
    "kind",
    "profile_url",
    "platform_account_id",
    "display_name_ar",
    "display_name_en",
    "office_title_ar",
    "office_title_en",
    "platform_verified",
    "platform_verified_on",
    "account_created_on",
    "bio",
    "website",
)
POSTURE_FIELDS = (
    "two_factor_enabled",
    "recovery_email_institutional",
    "recovery_phone_institutional",
    "people_with_access",
    "last_password_rotation",
    "login_alerts_enabled",
)


def _today() -> date:
    return timezone.localdate()


def _validated_save(obj: Any, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError(
            _("Please correct the highlighted fields."), details=exc.message_dict
        ) from exc
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ApplicationError(_("This record conflicts with an existing one.")) from exc


# --- Handles -------------------------------------------------------------------


def platform_domains() -> dict[str, str]:
    """Host name -> platform code for every configured platform."""
    return {
        domain.lower(): code
        for code, domains in Platform.objects.values_list("code", "domains")
        for domain in (domains or [])
    }


@dataclass(frozen=True)
class ResolvedHandle:
    handle: str
    handle_display: str
    profile_url: str
    by_id: bool


def _profile_url(platform: Platform, canonical: CanonicalHandle, text: str) -> str:
    if platform.code == "mastodon" and "@" in canonical.handle:
        user, instance = canonical.handle.split("@", 1)
        return f"https://{instance}/@{user}"
    if canonical.by_id and "/" in text:
        url = text.strip()
        return url if url.startswith(("http://", "https://")) else "https://" + url
    try:
        return platform.profile_url(canonical.handle)[:500]
    except (KeyError, IndexError, ValueError):
        return ""


def handle_resolve(*, platform: Platform, text: str) -> ResolvedHandle:
    """Canonicalise a pasted handle or profile link for ``platform``.

    A link to another platform is refused with a clear message.
    """
    canonical = canonicalise(text, platform=platform.code, domains=platform_domains())
    if canonical.platform is not None and canonical.platform != platform.code:
        other = Platform.objects.filter(code=canonical.platform).first()
        raise HandleError(
            _("This is a %(other)s address, but the platform chosen is %(chosen)s.")
            % {"other": other.name if other else canonical.platform, "chosen": platform.name},
            details={"handle": [_("The link does not match the platform.")]},
        )
    raw = str(text).strip()
    display = raw.lstrip("@") if "/" not in raw else canonical.handle
    return ResolvedHandle(
        handle=canonical.handle,
        handle_display=display[:120],
        profile_url=_profile_url(platform, canonical, raw)[:500],
        by_id=canonical.by_id,
    )


def _duplicate_error(platform: Platform, handle: str) -> ApplicationError:
    return ApplicationError(
        _("@%(handle)s on %(platform)s is already in the registry.")
        % {"handle": handle, "platform": platform.name},
        code="duplicate_account",
        details={"handle": [_("Already registered.")]},
    )


# --- Images ---------------------------------------------------------------------


@dataclass(frozen=True)
class InspectedImage:
    extension: str
    phash: str


def image_inspect(*, data: bytes) -> InspectedImage:
    """Check that ``data`` really is an image (PNG, JPEG, GIF or WebP, at most
    2 MB) and compute its perceptual hash. Raises :class:`ApplicationError`."""
    import imagehash
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ApplicationError(_("The image file is empty."), details={"profile_image": []})
    if len(data) > MAX_IMAGE_BYTES:
        raise ApplicationError(
            _("The image is larger than 2 MB."),
            details={"profile_image": [_("The image is larger than 2 MB.")]},
        )
    not_image = ApplicationError(
        _("This file is not an image (PNG, JPEG, GIF or WebP)."),
        code="not_an_image",
        details={"profile_image": [_("This file is not an image (PNG, JPEG, GIF or WebP).")]},
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise not_image
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            phash = str(imagehash.phash(image))
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_image from None
    except Exception:  # Pillow raises assorted errors on hostile files
        logger.warning("image rejected after an unexpected decoder error", exc_info=True)
        raise not_image from None
    if fmt not in IMAGE_FORMATS:
        raise not_image
    return InspectedImage(extension=IMAGE_FORMATS[fmt], phash=phash)


def _store_image(account: OfficialAccount, data: bytes) -> None:
    inspected = image_inspect(data=data)
    name = f"{account.pk}-{uuid.uuid4().hex[:12]}.{inspected.extension}"
    account.profile_image.save(name, ContentFile(data), save=False)
    account.profile_image_phash = inspected.phash
    account.save(update_fields=["profile_image", "profile_image_phash", "updated_at"])


# --- Official accounts ----------------------------------------------------------


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


def _set_custodians(account: OfficialAccount, custodians: list[User]) -> None:
    refused = [u.get_username() for u in custodians if not policy.may_be_custodian(u)]
    if refused:
        raise ApplicationError(
            _("Only active ministry staff can be custodians: %(names)s")
            % {"names": ", ".join(refused)},
            details={"custodians": [_("Only active ministry staff can be custodians.")]},
        )
    account.custodians.set(custodians)


def _apply_status(account: OfficialAccount, status: str) -> None:
    if status not in AccountStatus.values:
        raise ApplicationError(
            _("Unknown documentation status."), details={"status": [_("Unknown status.")]}
        )
    account.status = status
    if status == AccountStatus.DOCUMENTED and account.documented_on is None:
        account.documented_on = _today()


def _posture_refresh(posture: SecurityPosture) -> None:
    posture.risk_score, _factors = risk.score(posture, today=_today())


def account_create_unchecked(
    *,
    actor: User | None,
    actor_label: str | None = None,
    platform: Platform,
    handle: str,
    status: str = AccountStatus.PENDING,
    custodians: list[User] | None = None,
    profile_image: bytes | None = None,
    **fields: Any,
) -> OfficialAccount:
    """Create an account without a permission check: for the command-line
    importer run by the server's operator. Pages and the API call
    :func:`official_account_create`."""
    _check_fields(fields)
    resolved = handle_resolve(platform=platform, text=handle)
    if profile_image is not None:
        image_inspect(data=profile_image)  # refuse before anything is written
    fields.setdefault("kind", AccountKind.INSTITUTIONAL)
    if not fields.get("profile_url"):
        fields["profile_url"] = resolved.profile_url
    with transaction.atomic():
        if OfficialAccount.objects.filter(platform=platform, handle=resolved.handle).exists():
            raise _duplicate_error(platform, resolved.handle)
        account = OfficialAccount(
            platform=platform,
            handle=resolved.handle,
            handle_display=resolved.handle_display,
            **fields,
        )
        _apply_status(account, status)
        try:
            _validated_save(account, exclude=["profile_image"])
        except ApplicationError as exc:
            if OfficialAccount.objects.filter(platform=platform, handle=resolved.handle).exists():
                raise _duplicate_error(platform, resolved.handle) from exc
            raise
        if custodians:
            _set_custodians(account, custodians)
        posture = SecurityPosture(account=account)
        _posture_refresh(posture)
        posture.save()
        if profile_image is not None:
            _store_image(account, profile_image)
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action="accounts.account_created",
            target=account,
            details={
                "platform": platform.code,
                "handle": account.handle,
                "unit": account.unit.code,
                "status": account.status,
            },
        )
    return account


def official_account_create(
    *,
    actor: User,
    platform: Platform,
    handle: str,
    status: str = AccountStatus.PENDING,
    custodians: list[User] | None = None,
    profile_image: bytes | None = None,
    **fields: Any,
) -> OfficialAccount:
    """Record an official account. ``handle`` may be any usual form (``@name``,
    a profile link); the platform chosen is the hint for bare handles."""
    policy.require(actor, "accounts.edit")
    return account_create_unchecked(
        actor=actor,
        platform=platform,
        handle=handle,
        status=status,
        custodians=custodians,
        profile_image=profile_image,
        **fields,
    )


def official_account_update(
    *,
    actor: User | None,
    account: OfficialAccount,
    platform: Platform | None = None,
    handle: str | None = None,
    status: str | None = None,
    custodians: list[User] | None = None,
    actor_label: str | None = None,
    check_permission: bool = True,
    **fields: Any,
) -> OfficialAccount:
    if check_permission:
        policy.require(actor, "accounts.edit")
    _check_fields(fields)
    new_platform = platform or account.platform
    resolved = None
    if handle is not None or platform is not None:
        resolved = handle_resolve(
            platform=new_platform,
            text=handle if handle is not None else account.handle,
        )
    with transaction.atomic():
        account = OfficialAccount.objects.select_for_update().get(pk=account.pk)
        stored_url = account.profile_url
        changed = sorted(k for k, v in fields.items() if getattr(account, k) != v)
        for key, value in fields.items():
            setattr(account, key, value)
        if resolved is not None and (
            resolved.handle != account.handle or new_platform.pk != account.platform_id
        ):
            clash = OfficialAccount.objects.filter(
                platform=new_platform, handle=resolved.handle
            ).exclude(pk=account.pk)
            if clash.exists():
                raise _duplicate_error(new_platform, resolved.handle)
            try:
                old_url = account.platform.profile_url(account.handle)
            except (KeyError, IndexError, ValueError):
                old_url = ""
            account.platform = new_platform
            account.handle = resolved.handle
            account.handle_display = resolved.handle_display
            # A profile URL left as it was (or empty) follows the new handle.
            if fields.get("profile_url", "") in ("", stored_url) and stored_url in ("", old_url):
                account.profile_url = resolved.profile_url
            changed += ["handle", "platform"]
        old_status = account.status
        if status is not None and status != account.status:
            _apply_status(account, status)
            changed.append("status")
        _validated_save(account, exclude=["profile_image"])
        if custodians is not None and {u.pk for u in custodians} != set(
            account.custodians.values_list("pk", flat=True)
        ):
            _set_custodians(account, custodians)
            changed.append("custodians")
        details: dict[str, Any] = {"fields": sorted(set(changed))}
        if "status" in changed:
            details["status"] = {"from": old_status, "to": account.status}
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action="accounts.account_updated",
            target=account,
            details=details,
        )
    return account


def official_account_set_status(
    *, actor: User, account: OfficialAccount, status: str
) -> OfficialAccount:
    """Documented / pending / suspended / retired (documented_on set when first documented)."""
    return official_account_update(actor=actor, account=account, status=status)


def official_account_set_custodians(
    *, actor: User, account: OfficialAccount, custodians: list[User]
) -> OfficialAccount:
    return official_account_update(actor=actor, account=account, custodians=custodians)


def official_account_set_profile_image(
    *, actor: User | None, account: OfficialAccount, data: bytes, check_permission: bool = True
) -> OfficialAccount:
    """Store a profile image after checking it is really an image (≤ 2 MB) and
    compute its perceptual hash (used by the radar)."""
    if check_permission:
        policy.require(actor, "accounts.edit")
    image_inspect(data=data)
    with transaction.atomic():
        _store_image(account, data)
        audit.record(
            actor=actor,
            action="accounts.profile_image_set",
            target=account,
            details={"phash": account.profile_image_phash},
        )
    return account


# --- Personal accounts ----------------------------------------------------------


def personal_account_create(
    *,
    actor: User,
    person: User,
    platform: Platform,
    handle: str,
    notes: str = "",
) -> PersonalAccount:
    """An official's *personal* account: kept apart from the official registry."""
    policy.require(actor, "accounts.edit")
    resolved = handle_resolve(platform=platform, text=handle)
    with transaction.atomic():
        if PersonalAccount.objects.filter(platform=platform, handle=resolved.handle).exists():
            raise _duplicate_error(platform, resolved.handle)
        account = PersonalAccount(
            person=person,
            platform=platform,
            handle=resolved.handle,
            profile_url=resolved.profile_url,
            notes=notes,
        )
        _validated_save(account)
        audit.record(
            actor=actor,
            action="accounts.personal_account_created",
            target=account,
            details={"platform": platform.code, "handle": account.handle, "person": person.pk},
        )
    return account


def personal_account_delete(*, actor: User, account: PersonalAccount) -> None:
    policy.require(actor, "accounts.edit")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="accounts.personal_account_deleted",
            target=account,
            details={"platform": account.platform.code, "handle": account.handle},
        )
        account.delete()


# --- Security posture and audits ------------------------------------------------


def _posture_for(account: OfficialAccount) -> SecurityPosture:
    posture, _created = SecurityPosture.objects.select_for_update().get_or_create(account=account)
    return posture


def posture_update(*, actor: User, account: OfficialAccount, **fields: Any) -> SecurityPosture:
    """Change an account's security posture and recompute its risk score."""
    policy.require(actor, "accounts.view_posture")
    policy.require(actor, "accounts.edit")
    unknown = set(fields) - set(POSTURE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    rotation = fields.get("last_password_rotation")
    if rotation is not None and rotation > _today():
        raise ApplicationError(
            _("A date in the future is not possible here."),
            details={"last_password_rotation": [_("This date is in the future.")]},
        )
    with transaction.atomic():
        posture = _posture_for(account)
        old_score = posture.risk_score
        changed = sorted(k for k, v in fields.items() if getattr(posture, k) != v)
        for key, value in fields.items():
            setattr(posture, key, value)
        _posture_refresh(posture)
        _validated_save(posture)
        audit.record(
            actor=actor,
            action="accounts.posture_updated",
            target=account,
            details={"fields": changed, "risk": {"from": old_score, "to": posture.risk_score}},
        )
    return posture


def account_audit_record(
    *,
    actor: User,
    account: OfficialAccount,
    audited_on: date,
    findings: str = "",
    passed: bool = True,
) -> AccountAudit:
    """Record a security audit with its findings; updates the posture's last audit."""
    policy.require(actor, "accounts.view_posture")
    if audited_on > _today():
        raise ApplicationError(
            _("A date in the future is not possible here."),
            details={"audited_on": [_("This date is in the future.")]},
        )
    with transaction.atomic():
        record = AccountAudit(
            account=account,
            audited_on=audited_on,
            auditor=actor,
            findings=findings.strip(),
            passed=passed,
        )
        _validated_save(record)
        posture = _posture_for(account)
        if posture.last_audit_on is None or audited_on > posture.last_audit_on:
            posture.last_audit_on = audited_on
        _posture_refresh(posture)
        posture.save()
        audit.record(
            actor=actor,
            action="accounts.audit_recorded",
            target=account,
            details={"audit": record.pk, "audited_on": audited_on, "passed": passed},
        )
    return record


# --- Platform guide -------------------------------------------------------------


def platform_usage_set(
    *,
    actor: User,
    country: Country,
    platform: Platform,
    share_percent: Decimal | float | int | str,
    source: str,
    as_of: date | None = None,
) -> PlatformUsage:
    """Set how much ``platform`` is used in ``country`` (0-100 %, with its source)."""
    policy.require(actor, "accounts.platform_guide")
    source = (source or "").strip()
    if not source:
        raise ApplicationError(
            _("Say where the figure comes from."), details={"source": [_("A source is required.")]}
        )
    try:
        share = Decimal(str(share_percent)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(
            _("The share must be a number between 0 and 100."),
            details={"share_percent": [_("Enter a number between 0 and 100.")]},
        ) from exc
    if not share.is_finite() or share < 0 or share > 100:
        raise ApplicationError(
            _("The share must be a number between 0 and 100."),
            details={"share_percent": [_("Enter a number between 0 and 100.")]},
        )
    with transaction.atomic():
        usage, created = PlatformUsage.objects.update_or_create(
            country=country,
            platform=platform,
            defaults={"share_percent": share, "source": source[:300], "as_of": as_of},
        )
        audit.record(
            actor=actor,
            action="accounts.platform_usage_set",
            target=usage,
            details={
                "country": country.code,
                "platform": platform.code,
                "share": str(share),
                "created": created,
            },
        )
    return usage


def platform_usage_remove(*, actor: User, usage: PlatformUsage) -> None:
    policy.require(actor, "accounts.platform_guide")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="accounts.platform_usage_removed",
            target=usage,
            details={"country": usage.country_id, "platform": usage.platform.code},
        )
        usage.delete()


# --- Overdue audit reminders ----------------------------------------------------


def posture_scores_refresh(*, today: date | None = None) -> int:
    """Recompute stored risk scores (they age: passwords and audits get old).
    Returns how many changed."""
    today = today or _today()
    changed = 0
    for posture in SecurityPosture.objects.all().iterator():
        score, _factors = risk.score(posture, today=today)
        if score != posture.risk_score:
            SecurityPosture.objects.filter(pk=posture.pk).update(risk_score=score)
            changed += 1
    return changed


def audit_reminders_send(*, today: date | None = None) -> int:
    """E-mail the custodians of every account whose last audit is older than
    ``SIFARA_ACCOUNT_AUDIT_DAYS`` (or that was never audited). At most one
    reminder per account per day. The e-mail names the handle only: no
    posture details. Returns the number of accounts reminded."""
    today = today or _today()
    cutoff = today - timedelta(days=risk.audit_period_days())
    due = (
        SecurityPosture.objects.select_related("account__platform")
        .filter(account__status__in=[AccountStatus.DOCUMENTED, AccountStatus.PENDING])
        .filter(Q(last_audit_on__isnull=True) | Q(last_audit_on__lt=cutoff))
        .exclude(audit_reminder_sent_on=today)
        .order_by("account_id")
    )
    reminded = 0
    for posture in due:
        account = posture.account
        recipients = [
            (u.email, u.preferred_language)
            for u in account.custodians.filter(is_active=True).exclude(email="")
        ]
        if not recipients:
            continue
        with transaction.atomic():
            locked = SecurityPosture.objects.select_for_update().get(pk=posture.pk)
            if locked.audit_reminder_sent_on == today:
                continue
            locked.audit_reminder_sent_on = today
            locked.save(update_fields=["audit_reminder_sent_on", "updated_at"])
            audit.record(
                actor=None,
                actor_label="system",
                action="accounts.audit_reminder_sent",
                target=account,
                details={"recipients": len(recipients), "on": today},
            )
            handle, platform_name = account.handle, account.platform.name_en
            platform_name_ar = account.platform.name_ar
            transaction.on_commit(
                functools.partial(
                    _send_reminders, recipients, handle, platform_name, platform_name_ar
                )
            )
        reminded += 1
    return reminded


def _send_reminders(recipients: list[tuple[str, str]], handle: str, en: str, ar: str) -> None:
    for email, language in recipients:
        with translation.override(language or settings.LANGUAGE_CODE):
            platform = ar if (language or "ar") == "ar" else en
            subject = _("Security audit overdue: @%(handle)s") % {"handle": handle}
            body = _(
                "The security audit of the official account @%(handle)s (%(platform)s) is "
                "overdue. Please audit the account and record the audit in Sifara."
            ) % {"handle": handle, "platform": platform}
        try:
            send_mail(subject, body, None, [email], fail_silently=False)
        except Exception:
            logger.exception("audit reminder e-mail could not be sent")
