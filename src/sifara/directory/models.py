"""The organisation: countries, units (HQ, missions, partner ministries,
delegations), people and the roles they hold in units."""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel, Classification


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not an IANA time zone."), params={"value": value})


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def localized(obj: object, field: str) -> str:
    """Return ``<field>_ar`` or ``<field>_en`` for the active language, with fallback."""
    lang = (get_language() or "ar")[:2]
    first, second = (
        (f"{field}_ar", f"{field}_en") if lang == "ar" else (f"{field}_en", f"{field}_ar")
    )
    return str(getattr(obj, first, "") or getattr(obj, second, "") or "")


class Country(models.Model):
    """An ISO 3166-1 country, loaded from pycountry by a data migration."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)

    class Meta:
        ordering: ClassVar = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class UnitKind(models.TextChoices):
    HQ_DEPARTMENT = "hq_department", _("HQ department")
    EMBASSY = "embassy", _("Embassy")
    CONSULATE_GENERAL = "consulate_general", _("Consulate-general")
    CONSULATE = "consulate", _("Consulate")
    PERMANENT_MISSION = "permanent_mission", _("Permanent mission")
    HONORARY_CONSULATE = "honorary_consulate", _("Honorary consulate")
    PARTNER_MINISTRY = "partner_ministry", _("Partner ministry")
    DELEGATION = "delegation", _("Delegation")


MISSION_KINDS = (
    UnitKind.EMBASSY,
    UnitKind.CONSULATE_GENERAL,
    UnitKind.CONSULATE,
    UnitKind.PERMANENT_MISSION,
    UnitKind.HONORARY_CONSULATE,
)


class Unit(BaseModel):
    """An organisational unit. Missions carry host country, city and time zone."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    host_country = models.ForeignKey(
        Country,
        verbose_name=_("host country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="missions",
    )
    city_en = models.CharField(_("city (English)"), max_length=120, blank=True)
    city_ar = models.CharField(_("city (Arabic)"), max_length=120, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    organisation = models.CharField(
        _("international organisation"),
        max_length=200,
        blank=True,
        help_text=_("For a permanent mission: the organisation it is accredited to."),
    )
    working_languages = models.JSONField(_("working languages"), default=list, blank=True)
    weekend_days = models.JSONField(_("weekend days"), default=list, blank=True)
    accredited_countries = models.ManyToManyField(
        Country,
        verbose_name=_("non-resident accreditation"),
        blank=True,
        related_name="accredited_missions",
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["kind", "name_en"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(kind__in=MISSION_KINDS)
                | (Q(host_country__isnull=False) & ~Q(timezone="") & ~Q(city_en="")),
                name="unit_mission_has_country_city_timezone",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="unit_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def city(self) -> str:
        return localized(self, "city")

    @property
    def is_mission(self) -> bool:
        return self.kind in MISSION_KINDS

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo | None:
        return zoneinfo.ZoneInfo(self.timezone) if self.timezone else None


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    HEAD_OF_MISSION = "head_of_mission", _("Head of mission")
    DIPLOMAT = "diplomat", _("Diplomat")
    DIGITAL_OFFICER = "digital_officer", _("Digital officer")
    CONSULAR_OFFICER = "consular_officer", _("Consular officer")
    ANALYST = "analyst", _("Analyst")
    LIAISON = "liaison", _("Partner-ministry liaison")
    READ_ONLY = "read_only", _("Read-only")


class SifaraUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """A person with an account: staff of the ministry or of a partner ministry."""

    full_name_en = models.CharField(_("full name (English)"), max_length=200, blank=True)
    full_name_ar = models.CharField(_("full name (Arabic)"), max_length=200, blank=True)
    job_title_en = models.CharField(_("job title (English)"), max_length=200, blank=True)
    job_title_ar = models.CharField(_("job title (Arabic)"), max_length=200, blank=True)
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("ar", "العربية"), ("en", "English")],
        default="ar",
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SifaraUserManager()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(clearance__gte=0, clearance__lte=3), name="user_clearance_range"
            ),
            models.CheckConstraint(
                condition=Q(preferred_language__in=["ar", "en"]), name="user_language_known"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "full_name") or self.username

    @property
    def job_title(self) -> str:
        return localized(self, "job_title")


class Membership(BaseModel):
    """A person holds a role in a unit. Roles are per unit (need-to-know)."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_primary = models.BooleanField(_("primary unit"), default=False)

    class Meta:
        ordering: ClassVar = ["unit__name_en", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_primary=True), name="membership_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit}"
