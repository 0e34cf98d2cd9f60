"""Forms of the archive pages. Forms check shapes; meaning (dates that
contradict each other, duplicate registration numbers, bad files) is checked
by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifara.archive.models import (
    Agreement,
    AgreementStatus,
    AgreementType,
    FileRole,
    PartyActionKind,
    RelationKind,
    Topic,
)
from sifara.archive.services import AGREEMENT_FIELDS
from sifara.core.forms import BootstrapMixin
from sifara.core.models import Classification
from sifara.directory.models import Country, Unit, UnitKind, User, localized

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANGUAGE_CHOICES = [
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
    ("zh", _("Chinese")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("tr", _("Turkish")),
]


class NamedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return localized(obj, "name")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.CharField(required=False, max_length=2)
    ministry = forms.CharField(required=False, max_length=60)
    topic = forms.CharField(required=False, max_length=40)
    type = forms.CharField(required=False, max_length=24)
    status = forms.CharField(required=False, max_length=24)
    year = forms.CharField(required=False, max_length=4)


class AgreementForm(BootstrapMixin, forms.ModelForm[Agreement]):
    countries = NamedChoiceField(
        label=_("Countries party to it"),
        queryset=Country.objects.order_by("name_en"),
        required=False,
        help_text=_("For a bilateral agreement: the other country."),
    )
    organisations = forms.CharField(
        label=_("International organisations party to it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: English name | Arabic name."),
    )
    ministries = NamedChoiceField(
        label=_("Responsible ministries"),
        queryset=Unit.objects.filter(kind=UnitKind.PARTNER_MINISTRY, is_active=True).order_by(
            "name_en"
        ),
        required=False,
    )
    topics = NamedChoiceField(
        label=_("Topics"), queryset=Topic.objects.filter(is_active=True), required=False
    )
    authentic_languages = forms.MultipleChoiceField(
        label=_("Authentic languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    granted_users = PersonChoiceField(
        label=_("Explicit access (classified records)"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text=_("People outside the owning unit and the ministries who need to know."),
    )

    class Meta:
        model = Agreement
        fields = [f for f in AGREEMENT_FIELDS if f != "authentic_languages"]
        widgets = {
            "signed_on": DATE,
            "ratified_on": DATE,
            "entry_into_force": DATE,
            "expires_on": DATE,
            "summary_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
            "summary_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
            "signatories": forms.Textarea(attrs={"rows": 2}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr"}),
            "place_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "place_en": forms.TextInput(attrs={"dir": "ltr"}),
            "un_registration": forms.TextInput(attrs={"dir": "ltr", "placeholder": "I:33521"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("countries", "ministries", "topics", "granted_users"):
            self.fields[name].widget.attrs["size"] = 8
        instance = self.instance
        if instance.pk:
            self.initial["countries"] = list(
                instance.parties.filter(country__isnull=False).values_list("country_id", flat=True)
            )
            self.initial["organisations"] = "\n".join(
                f"{p.organisation_en} | {p.organisation_ar}"
                for p in instance.parties.filter(country__isnull=True)
            )
            self.initial["ministries"] = list(instance.ministries.all())
            self.initial["topics"] = list(instance.topics.all())
            self.initial["granted_users"] = list(instance.granted_users.all())
            self.initial["authentic_languages"] = instance.authentic_languages

    def _post_clean(self) -> None:
        # The services validate the model (with clear messages); skip the
        # ModelForm's own instance validation.
        pass

    def organisation_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in (self.cleaned_data.get("organisations") or "").splitlines():
            if not line.strip():
                continue
            en, _sep, ar = line.partition("|")
            pairs.append((en.strip()[:200], ar.strip()[:200]))
        return pairs

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in AGREEMENT_FIELDS}
        for name in (
            "reference",
            "title_ar",
            "title_en",
            "summary_ar",
            "summary_en",
            "place_en",
            "place_ar",
            "signatories",
            "depositary",
            "un_registration",
        ):
            fields[name] = fields[name] or ""
        fields["authentic_languages"] = list(data.get("authentic_languages") or [])
        fields["is_multilateral"] = bool(data.get("is_multilateral"))
        fields["auto_renewal"] = bool(data.get("auto_renewal"))
        fields["classification"] = int(data.get("classification") or 0)
        return {
            **fields,
            "countries": list(data.get("countries") or []),
            "organisations": self.organisation_pairs(),
            "ministries": list(data.get("ministries") or []),
            "topics": list(data.get("topics") or []),
            "granted_users": list(data.get("granted_users") or []),
        }


class AttachForm(BootstrapMixin, forms.Form):
    upload = forms.FileField(
        label=_("File"), help_text=_("PDF (text or scan), DOCX, plain text or HTML.")
    )
    role = forms.ChoiceField(label=_("Document"), choices=FileRole.choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Detect")), *LANGUAGE_CHOICES], required=False
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"),
        choices=Classification.choices,
        coerce=int,
        initial=Classification.UNCLASSIFIED,
        help_text=_("Never lower than the agreement's."),
    )


class PartyActionForm(BootstrapMixin, forms.Form):
    party = forms.TypedChoiceField(label=_("Party"), coerce=int, choices=[])
    action = forms.ChoiceField(label=_("Action"), choices=PartyActionKind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, parties: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, p.name) for p in parties or []]


class RelationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("This agreement"), choices=RelationKind.choices)
    target = forms.IntegerField(
        label=_("Related agreement number"),
        min_value=1,
        help_text=_("The number shown as #… on its page."),
    )


class TopicForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)


class DeadlineForm(forms.Form):
    days = forms.TypedChoiceField(
        choices=[(30, "30"), (90, "90"), (365, "365")], coerce=int, required=False
    )


__all__ = [
    "AgreementForm",
    "AgreementStatus",
    "AgreementType",
    "AttachForm",
    "DeadlineForm",
    "PartyActionForm",
    "RelationForm",
    "SearchForm",
    "TopicForm",
]
