from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.core import i18n
from sifara.core.forms import BootstrapMixin
from sifara.core.models import Classification
from sifara.directory.models import WEEKDAYS, Country, Role, Unit, UnitKind

#: Languages a mission may work in (ISO 639-1), shown by name in the UI language.
WORKING_LANGUAGES = [
    "ar",
    "en",
    "fr",
    "es",
    "ru",
    "zh",
    "de",
    "pt",
    "it",
    "tr",
    "fa",
    "ur",
    "hi",
    "ja",
    "ko",
    "id",
    "ms",
    "sw",
    "am",
    "nl",
    "el",
    "he",
    "pl",
    "uk",
    "ro",
    "sv",
]


def timezone_choices() -> list[tuple[str, str]]:
    """IANA zones of the form Region/City (legacy aliases such as US/Eastern left out)."""
    regions = (
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    )
    zones = sorted(z for z in zoneinfo.available_timezones() if z.startswith(regions))
    return [("", "—"), *((z, z) for z in zones)]


class UnitFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), ("mission", _("All missions")), *UnitKind.choices],
    )
    # Only countries where the ministry is present (host or accreditation).
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.filter(
            Q(missions__isnull=False) | Q(accredited_missions__isnull=False)
        ).distinct(),
        empty_label=_("All countries"),
    )


class PersonFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )


class UnitForm(BootstrapMixin, forms.ModelForm[Unit]):
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        required=False,
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), required=False, choices=timezone_choices)
    weekend_days = forms.TypedMultipleChoiceField(
        label=_("Weekend days"),
        required=False,
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Unit
        fields = [
            "code",
            "kind",
            "name_ar",
            "name_en",
            "parent",
            "host_country",
            "city_ar",
            "city_en",
            "timezone",
            "organisation",
            "working_languages",
            "weekend_days",
            "accredited_countries",
            "starts_on",
            "ends_on",
            "is_active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "accredited_countries": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {"accredited_countries": _("Hold Ctrl (⌘ on a Mac) to choose several.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = self.fields["working_languages"]
        assert isinstance(languages, forms.MultipleChoiceField)
        named = sorted((i18n.language_name(c), c) for c in WORKING_LANGUAGES)
        languages.choices = [(code, name) for name, code in named]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in {
            k.value
            for k in UnitKind
            if k.value not in ("hq_department", "partner_ministry", "delegation")
        }:
            for field in ("host_country", "city_en", "timezone"):
                if not data.get(field):
                    self.add_error(field, _("Required for a mission."))
        return data


class PersonCreateForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[a-zA-Z0-9._-]+$",
        error_messages={
            "invalid": _("Use Latin letters, digits, dots, dashes and underscores only.")
        },
    )
    full_name_ar = forms.CharField(label=_("Full name (Arabic)"), max_length=200)
    full_name_en = forms.CharField(label=_("Full name (English)"), max_length=200)
    job_title_ar = forms.CharField(label=_("Job title (Arabic)"), max_length=200, required=False)
    job_title_en = forms.CharField(label=_("Job title (English)"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    clearance = forms.TypedChoiceField(
        label=_("Clearance"), choices=Classification.choices, coerce=int
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("ar", "العربية"), ("en", "English")],
    )


class AccessForm(BootstrapMixin, forms.Form):
    clearance = forms.TypedChoiceField(
        label=_("Clearance"), choices=Classification.choices, coerce=int
    )
    is_active = forms.BooleanField(label=_("Account active"), required=False)


class MembershipForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.filter(is_active=True),
        empty_label=_("Choose a unit"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *Role.choices])
    is_primary = forms.BooleanField(label=_("Primary unit"), required=False)
