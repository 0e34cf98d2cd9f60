"""Forms of the registry pages. Validation of meaning (handles, duplicates,
images, custodians) lives in the services; forms check shapes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifara.accounts.models import (
    AccountKind,
    AccountStatus,
    OfficialAccount,
    Platform,
    SecurityPosture,
)
from sifara.core.forms import BootstrapMixin
from sifara.core.policy import MINISTRY_ROLES
from sifara.directory.models import Country, Unit, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_queryset() -> Any:
    return (
        User.objects.filter(is_active=True, memberships__role__in=MINISTRY_ROLES)
        .distinct()
        .order_by("username")
    )


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class RegistryFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.filter(official_accounts__isnull=False).distinct(),
        empty_label=_("All units"),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"),
        required=False,
        queryset=Platform.objects.all(),
        to_field_name="code",
        empty_label=_("All platforms"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *AccountStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *AccountKind.choices]
    )


class OfficialAccountForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Owning unit"),
        queryset=Unit.objects.filter(is_active=True).order_by("kind", "name_en"),
        empty_label=_("Choose a unit"),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"),
        queryset=Platform.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("Choose a platform"),
    )
    handle = forms.CharField(
        label=_("Handle or profile link"),
        max_length=500,
        help_text=_("For example @mfa_demo or https://x.com/mfa_demo — it is normalised."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AccountKind.choices)
    status = forms.ChoiceField(label=_("Documentation status"), choices=AccountStatus.choices)
    display_name_ar = forms.CharField(
        label=_("Display name (Arabic)"), max_length=200, required=False
    )
    display_name_en = forms.CharField(
        label=_("Display name (English)"), max_length=200, required=False
    )
    office_title_ar = forms.CharField(label=_("Office (Arabic)"), max_length=200, required=False)
    office_title_en = forms.CharField(label=_("Office (English)"), max_length=200, required=False)
    profile_url = forms.URLField(
        label=_("Profile URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty to use the platform's usual address."),
    )
    platform_account_id = forms.CharField(
        label=_("Platform account id"), max_length=100, required=False
    )
    platform_verified = forms.BooleanField(label=_("Platform verification badge"), required=False)
    platform_verified_on = forms.DateField(label=_("Badge since"), required=False, widget=DATE)
    account_created_on = forms.DateField(label=_("Account created on"), required=False, widget=DATE)
    website = forms.URLField(
        label=_("Website link"), max_length=500, required=False, assume_scheme="https"
    )
    bio = forms.CharField(
        label=_("Biography"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    custodians = StaffChoiceField(
        label=_("Custodians"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The staff responsible for the account. Hold Ctrl (⌘ on a Mac) for several."),
    )
    profile_image = forms.FileField(
        label=_("Profile image"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        custodians = self.fields["custodians"]
        assert isinstance(custodians, forms.ModelMultipleChoiceField)
        custodians.queryset = staff_queryset()

    @staticmethod
    def initial_for(account: OfficialAccount) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: getattr(account, name)
            for name in (
                "kind",
                "status",
                "display_name_ar",
                "display_name_en",
                "office_title_ar",
                "office_title_en",
                "profile_url",
                "platform_account_id",
                "platform_verified",
                "platform_verified_on",
                "account_created_on",
                "website",
                "bio",
            )
        }
        data["unit"] = account.unit_id
        data["platform"] = account.platform.code
        data["handle"] = account.handle
        data["custodians"] = [u.pk for u in account.custodians.all()]
        return data


class PostureForm(BootstrapMixin, forms.ModelForm[SecurityPosture]):
    class Meta:
        model = SecurityPosture
        fields = [
            "two_factor_enabled",
            "recovery_email_institutional",
            "recovery_phone_institutional",
            "login_alerts_enabled",
            "people_with_access",
            "last_password_rotation",
        ]
        widgets = {"last_password_rotation": DATE}


class AuditForm(BootstrapMixin, forms.Form):
    audited_on = forms.DateField(label=_("Audited on"), widget=DATE)
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlatformUsageForm(BootstrapMixin, forms.Form):
    platform = forms.ModelChoiceField(
        label=_("Platform"),
        queryset=Platform.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("Choose a platform"),
    )
    share_percent = forms.DecimalField(
        label=_("Share (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    source = forms.CharField(label=_("Source"), max_length=300)
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE)


class GuideCountryForm(BootstrapMixin, forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), empty_label=_("Choose a country")
    )


class PersonalAccountForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), empty_label=_("Choose a person")
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"),
        queryset=Platform.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("Choose a platform"),
    )
    handle = forms.CharField(label=_("Handle or profile link"), max_length=500)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = staff_queryset()
        person.label_from_instance = lambda obj: f"{obj.display_name} ({obj.username})"  # type: ignore[method-assign]
