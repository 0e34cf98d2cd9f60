"""Forms of the review queue and takedown cases (validation of shapes only;
the rules live in :mod:`sifara.accounts.review_services`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifara.accounts.models import (
    CandidateStatus,
    DismissReason,
    Platform,
    TakedownStatus,
)
from sifara.core.forms import BootstrapMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _platform_queryset() -> Any:
    return Platform.objects.filter(is_active=True).order_by("name_en")


class PlatformChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class QueueFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *CandidateStatus.choices],
    )
    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [  # type: ignore[attr-defined]
            ("", _("All platforms")),
            *((p.code, p.name) for p in _platform_queryset()),
        ]


class CandidateEntryForm(BootstrapMixin, forms.Form):
    platform = PlatformChoiceField(
        label=_("Platform"), queryset=Platform.objects.none(), empty_label=None
    )
    handle = forms.CharField(
        label=_("Account name or profile link"),
        max_length=500,
        help_text=_("For example @account, or the full address of the profile."),
    )
    display_name = forms.CharField(label=_("Display name"), required=False, max_length=300)
    bio = forms.CharField(
        label=_("Biography"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.CharField(
        label=_("Link shown on the profile"),
        required=False,
        max_length=500,
        help_text=_("The website the account links to, if any."),
    )
    avatar = forms.FileField(
        label=_("Profile picture"),
        required=False,
        help_text=_("Optional. Compared with the official accounts' pictures."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    followers = forms.IntegerField(label=_("Followers"), required=False, min_value=0)
    created = forms.DateField(label=_("Account created on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = _platform_queryset()  # type: ignore[attr-defined]
        self.fields["handle"].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})
        self.fields["url"].widget.attrs.update({"dir": "ltr", "placeholder": "https://"})


class ConfirmForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DismissForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Dismiss as"),
        choices=DismissReason.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Review note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TakedownForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TakedownStatus.choices)
    reported_on = forms.DateField(label=_("Reported on"), required=False, widget=DateInput())
    platform_reference = forms.CharField(
        label=_("Platform reference"),
        required=False,
        max_length=200,
        help_text=_("The ticket or case number the platform gave."),
    )
    removed_on = forms.DateField(label=_("Removed on"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Screenshot or document"),
        help_text=_("PNG, JPEG, WebP or PDF, up to 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,application/pdf"}
        ),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)
    captured_at = forms.DateTimeField(
        label=_("Captured at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=DateTimeInput(),
    )
