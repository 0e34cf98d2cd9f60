"""Official accounts: the documented registry, security posture, the platform
guide per host country, and the impersonation radar's candidates and cases."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel
from sifara.directory.models import Country, Unit, localized


class Platform(BaseModel):
    """A social platform. The common ones are loaded by a migration; more can be
    added by administrators (configuration, not code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_ar = models.CharField(_("name (Arabic)"), max_length=80)
    #: Host names that serve profiles, e.g. ["x.com", "twitter.com", "mobile.twitter.com"].
    domains = models.JSONField(_("domains"), default=list)
    #: Profile URL for a handle, e.g. "https://x.com/{handle}".
    profile_url_template = models.CharField(_("profile URL template"), max_length=200)
    #: Where to report an impersonating account on this platform.
    report_url = models.URLField(_("impersonation report URL"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["name_en"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def profile_url(self, handle: str) -> str:
        return self.profile_url_template.format(handle=handle)


class AccountStatus(models.TextChoices):
    DOCUMENTED = "documented", _("Documented")
    PENDING = "pending", _("Pending documentation")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class AccountKind(models.TextChoices):
    INSTITUTIONAL = "institutional", _("Institutional account")
    OFFICE_HOLDER = "office_holder", _("Office-holder (official capacity)")


class OfficialAccount(BaseModel):
    """An account that speaks for the ministry, a mission or an office-holder."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="official_accounts",
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="accounts"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AccountKind.choices, default=AccountKind.INSTITUTIONAL
    )
    #: Canonical handle (lower case, no "@"), as produced by accounts.handles.
    handle = models.CharField(_("handle"), max_length=120)
    handle_display = models.CharField(_("handle as written"), max_length=120, blank=True)
    profile_url = models.URLField(_("profile URL"), max_length=500, blank=True)
    platform_account_id = models.CharField(_("platform account id"), max_length=100, blank=True)
    display_name_ar = models.CharField(_("display name (Arabic)"), max_length=200, blank=True)
    display_name_en = models.CharField(_("display name (English)"), max_length=200, blank=True)
    office_title_ar = models.CharField(_("office (Arabic)"), max_length=200, blank=True)
    office_title_en = models.CharField(_("office (English)"), max_length=200, blank=True)
    custodians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("custodians"),
        blank=True,
        related_name="custodian_of",
    )
    platform_verified = models.BooleanField(_("platform verification badge"), default=False)
    platform_verified_on = models.DateField(_("badge since"), null=True, blank=True)
    status = models.CharField(
        _("documentation status"),
        max_length=20,
        choices=AccountStatus.choices,
        default=AccountStatus.PENDING,
        db_index=True,
    )
    account_created_on = models.DateField(_("account created on"), null=True, blank=True)
    documented_on = models.DateField(_("documented on"), null=True, blank=True)
    profile_image = models.FileField(_("profile image"), upload_to="accounts/avatars/", blank=True)
    #: Perceptual hash (hex) of the profile image, for the radar.
    profile_image_phash = models.CharField(max_length=32, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    website = models.URLField(_("website link"), max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["unit__name_en", "platform__name_en", "handle"]
        verbose_name = _("official account")
        verbose_name_plural = _("official accounts")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["platform", "handle"], name="officialaccount_unique_handle"
            ),
            models.CheckConstraint(
                condition=~Q(handle=""), name="officialaccount_handle_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.platform.code})"

    @property
    def display_name(self) -> str:
        return localized(self, "display_name") or self.handle


class PersonalAccount(BaseModel):
    """An official's *personal* account: recorded apart, never mixed with official ones."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="personal_accounts",
    )
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT)
    handle = models.CharField(_("handle"), max_length=120)
    profile_url = models.URLField(_("profile URL"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("personal account")
        verbose_name_plural = _("personal accounts")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["platform", "handle"], name="personalaccount_unique_handle"
            )
        ]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.platform.code})"


class SecurityPosture(BaseModel):
    """How well an official account is protected. Seen only by digital officers
    and administrators; never published."""

    account = models.OneToOneField(
        OfficialAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="posture"
    )
    two_factor_enabled = models.BooleanField(_("two-factor enabled"), default=False)
    recovery_email_institutional = models.BooleanField(
        _("recovery e-mail is institutional"), default=False
    )
    recovery_phone_institutional = models.BooleanField(
        _("recovery phone is institutional"), default=False
    )
    people_with_access = models.PositiveSmallIntegerField(
        _("people with access"), default=1, validators=[MaxValueValidator(500)]
    )
    last_password_rotation = models.DateField(_("last password rotation"), null=True, blank=True)
    login_alerts_enabled = models.BooleanField(_("login alerts on"), default=False)
    last_audit_on = models.DateField(_("last audit"), null=True, blank=True)
    #: Day the last "audit overdue" reminder went out (one reminder per day at most).
    audit_reminder_sent_on = models.DateField(_("audit reminder sent on"), null=True, blank=True)
    #: 0 (safe) .. 100 (most at risk), recomputed by services on every change.
    risk_score = models.PositiveSmallIntegerField(
        _("risk score"), default=100, validators=[MaxValueValidator(100)], db_index=True
    )

    class Meta:
        verbose_name = _("security posture")
        verbose_name_plural = _("security postures")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(risk_score__lte=100), name="posture_risk_0_100")
        ]

    def __str__(self) -> str:
        return f"{self.account} risk {self.risk_score}"


class AccountAudit(BaseModel):
    """A recorded review of an account's security, with findings."""

    account = models.ForeignKey(
        OfficialAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="audits"
    )
    audited_on = models.DateField(_("audited on"))
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    findings = models.TextField(_("findings"), blank=True)
    passed = models.BooleanField(_("passed"), default=True)

    class Meta:
        ordering: ClassVar = ["-audited_on", "-id"]
        verbose_name = _("account audit")
        verbose_name_plural = _("account audits")

    def __str__(self) -> str:
        return f"{self.account} {self.audited_on}"


class PlatformUsage(BaseModel):
    """The platform guide: how much a platform is used in a country, and the source."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="platform_usage"
    )
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.CASCADE)
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(_("source"), max_length=300)
    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["country", "-share_percent"]
        verbose_name = _("platform usage")
        verbose_name_plural = _("platform guide")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["country", "platform"], name="platformusage_unique"),
            models.CheckConstraint(
                condition=Q(share_percent__gte=0, share_percent__lte=100),
                name="platformusage_share_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.platform.code} {self.share_percent}%"


class CandidateSource(models.TextChoices):
    MANUAL = "manual", _("Manual entry")
    CSV = "csv", _("CSV import")
    LISTENING = "listening", _("Listening")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed impersonator")
    DISMISSED = "dismissed", _("Dismissed")


class DismissReason(models.TextChoices):
    PARODY = "parody", _("Parody")
    FAN = "fan", _("Fan account")
    UNRELATED = "unrelated", _("Unrelated")


class Candidate(BaseModel):
    """An account that may impersonate an official one, scored by the radar."""

    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT)
    handle = models.CharField(_("handle"), max_length=120)
    display_name = models.CharField(_("display name"), max_length=300, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    url = models.URLField(_("profile URL"), max_length=500, blank=True)
    avatar_phash = models.CharField(max_length=32, blank=True)
    followers = models.PositiveIntegerField(_("followers"), null=True, blank=True)
    account_created_on = models.DateField(_("account created on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CandidateSource.choices)
    score = models.FloatField(
        _("score"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        db_index=True,
    )
    reasons = models.JSONField(_("reasons"), default=list)
    matched_account = models.ForeignKey(
        OfficialAccount,
        verbose_name=_("imitated account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="impersonators",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CandidateStatus.choices,
        default=CandidateStatus.PENDING,
        db_index=True,
    )
    dismiss_reason = models.CharField(
        _("dismissed as"), max_length=20, choices=DismissReason.choices, blank=True
    )
    #: Hash of what was screened; a dismissed candidate returns only if this changes.
    fingerprint = models.CharField(max_length=64)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering: ClassVar = ["-score", "-created_at"]
        verbose_name = _("impersonation candidate")
        verbose_name_plural = _("impersonation candidates")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["platform", "handle"], name="candidate_unique_handle"),
            models.CheckConstraint(
                condition=Q(score__gte=0.0, score__lte=1.0), name="candidate_score_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.platform.code})"


class TakedownStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REPORTED = "reported", _("Reported to the platform")
    REMOVED = "removed", _("Removed")
    CLOSED = "closed", _("Closed without removal")


class TakedownCase(BaseModel):
    """Following a confirmed impersonator until the platform removes it."""

    candidate = models.OneToOneField(
        Candidate, verbose_name=_("impersonator"), on_delete=models.PROTECT, related_name="takedown"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TakedownStatus.choices, default=TakedownStatus.OPEN
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    platform_reference = models.CharField(_("platform reference"), max_length=200, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("takedown case")
        verbose_name_plural = _("takedown cases")

    def __str__(self) -> str:
        return f"takedown {self.candidate}"


class TakedownEvidence(BaseModel):
    """A screenshot or document kept as evidence for a takedown case."""

    case = models.ForeignKey(
        TakedownCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="accounts/evidence/")
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering: ClassVar = ["created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.caption or self.file.name
