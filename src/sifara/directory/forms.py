from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.core.forms import BootstrapMixin
from sifara.core.models import Classification
from sifara.directory.models import WEEKDAYS, Country, Role, Unit, UnitKind

LANGUAGE_CHOICES = [
    ("ar", "العربية"),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("zh", "中文"),
    ("de", "Deutsch"),
    ("pt", "Português"),
    ("tr", "Türkçe"),
    ("fa", "فارسی"),
    ("ur", "اردو"),
    ("ja", "日本語"),
]


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
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
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
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_primary = forms.BooleanField(label=_("Primary unit"), required=False)
