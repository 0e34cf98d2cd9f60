"""Identity forms: validation only; the writes are in :mod:`sifara.identity.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from sifara.core import policy


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "current-password"}
        ),
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center otp-input",
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg text-center otp-input",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "dir": "ltr",
            }
        ),
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (current password, AUTH_PASSWORD_VALIDATORS) with Bootstrap widgets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
            field.widget.attrs.pop("autofocus", None)
        self.fields["old_password"].widget.attrs["autofocus"] = True


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control"}
        ),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “reporting script”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        initial=90,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes_field = self.fields["scopes"]
        assert isinstance(scopes_field, forms.MultipleChoiceField)
        scopes_field.choices = [
            (s, f"{policy.token_scope_label(s)} ({s})") for s in policy.allowed_scopes(user)
        ]
        days_field = self.fields["days"]
        assert isinstance(days_field, forms.IntegerField)
        days_field.max_value = settings.SIFARA_API_TOKEN_MAX_DAYS
        days_field.widget.attrs["max"] = settings.SIFARA_API_TOKEN_MAX_DAYS
        days_field.validators.append(
            forms.IntegerField(max_value=settings.SIFARA_API_TOKEN_MAX_DAYS).validators[-1]
        )
        days_field.initial = min(90, settings.SIFARA_API_TOKEN_MAX_DAYS)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=[("ar", "العربية"), ("en", "English")])
    next = forms.CharField(required=False, max_length=2000)


class PersonResetForm(forms.Form):
    reset_password = forms.BooleanField(label=_("Issue a temporary password"), required=False)
    reset_two_factor = forms.BooleanField(
        label=_("Reset two-factor authentication"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("reset_password") and not data.get("reset_two_factor"):
            raise forms.ValidationError(_("Choose what to reset."))
        return data
