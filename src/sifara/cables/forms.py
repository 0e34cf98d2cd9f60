"""Forms of the cables pages (thin: services validate and decide)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sifara.cables.models import AddresseeKind, Caption, Precedence
from sifara.cables.selectors import ACK_STATES, CableFilters
from sifara.cables.tags import parse_tags
from sifara.core.forms import BootstrapMixin
from sifara.core.models import Classification
from sifara.directory.models import Unit


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OneUnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class CableForm(BootstrapMixin, forms.Form):
    drafting_unit = OneUnitField(queryset=Unit.objects.none(), label=_("Drafting unit"))
    subject = forms.CharField(label=_("Subject"), max_length=300)
    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Classification.choices, coerce=int
    )
    precedence = forms.TypedChoiceField(
        label=_("Precedence"), choices=Precedence.choices, coerce=int
    )
    captions = forms.MultipleChoiceField(
        label=_("Captions"),
        choices=Caption.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("TAGS"),
        max_length=200,
        help_text=_("Subject codes and country codes, e.g. PREL ECON EG."),
    )
    action_units = UnitChoiceField(
        queryset=Unit.objects.none(), label=_("Action addressees"), required=False
    )
    info_units = UnitChoiceField(
        queryset=Unit.objects.none(), label=_("Information addressees"), required=False
    )
    references = forms.CharField(
        label=_("References"),
        max_length=500,
        required=False,
        help_text=_("Reference numbers of earlier cables, e.g. HQ-2026-000123."),
    )
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, units: QuerySet[Unit], addressees: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        drafting = self.fields["drafting_unit"]
        assert isinstance(drafting, forms.ModelChoiceField)
        drafting.queryset = units
        grouped = _grouped_units(addressees)
        for name in ("action_units", "info_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = addressees
            field.widget.choices = grouped
            field.widget.attrs["size"] = "10"
        for name in ("tags", "references"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})
        if not self.is_bound and not self.initial.get("submission_key"):
            self.initial["submission_key"] = uuid.uuid4()

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data.get("tags") or "")

    def clean_references(self) -> list[str]:
        return parse_tags(self.cleaned_data.get("references") or "")


def _grouped_units(units: QuerySet[Unit]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Addressees grouped by kind (headquarters, missions, delegations, partner
    ministries), each group sorted by name in the active language."""
    from sifara.directory.models import MISSION_KINDS, UnitKind

    groups: dict[str, list[tuple[int, str]]] = {}
    labels = {
        "hq": str(_("Headquarters")),
        "missions": str(_("Missions")),
        UnitKind.DELEGATION.value: str(_("Delegations")),
        UnitKind.PARTNER_MINISTRY.value: str(_("Partner ministries")),
    }
    for unit in units:
        if unit.kind == UnitKind.HQ_DEPARTMENT:
            key = "hq"
        elif unit.kind in MISSION_KINDS:
            key = "missions"
        else:
            key = unit.kind
        groups.setdefault(key, []).append((unit.pk, unit.name))
    return [
        (labels.get(key, key), sorted(groups[key], key=lambda item: item[1]))
        for key in ("hq", "missions", UnitKind.DELEGATION.value, UnitKind.PARTNER_MINISTRY.value)
        if key in groups
    ]


class ParagraphForm(BootstrapMixin, forms.Form):
    mark = forms.TypedChoiceField(
        label=_("Portion mark"), choices=Classification.choices, coerce=int
    )
    text = forms.CharField(
        label=_("Paragraph"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


ParagraphFormSet = forms.formset_factory(ParagraphForm, extra=0, max_num=60, absolute_max=60)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File"))


class ClearersForm(BootstrapMixin, forms.Form):
    clearers = PeopleField(queryset=Unit.objects.none(), label=_("Colleagues"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clearers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = people


ACK_CHOICES = [
    ("", _("Any")),
    ("pending", _("Awaiting acknowledgement")),
    ("overdue", _("Overdue")),
    ("acknowledged", _("Acknowledged")),
]


class FilterForm(BootstrapMixin, forms.Form):
    """Inbox, sent and search filters (all optional)."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    tag = forms.CharField(label=_("TAG"), required=False, max_length=8)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    precedence = forms.TypedChoiceField(
        label=_("Precedence"),
        choices=[("", _("Any")), *Precedence.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"),
        choices=[("", _("Any")), *Classification.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    sender = OneUnitField(
        queryset=Unit.objects.none(), label=_("Sender"), required=False, empty_label=_("Any")
    )
    addressee = OneUnitField(
        queryset=Unit.objects.none(), label=_("Addressee"), required=False, empty_label=_("Any")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ack = forms.ChoiceField(label=_("Acknowledgement"), choices=ACK_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("Addressed as"),
        choices=[("", _("Any")), *AddresseeKind.choices],
        required=False,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sender", "addressee"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units if units is not None else Unit.objects.filter(is_active=True)

    def filters(self) -> CableFilters:
        if not self.is_valid():
            return CableFilters()
        data = self.cleaned_data
        ack = data.get("ack") or ""
        return CableFilters(
            tag=(data.get("tag") or "").strip().upper(),
            country=(data.get("country") or "").strip().upper(),
            precedence=data.get("precedence"),
            classification=data.get("classification"),
            sender_id=data["sender"].pk if data.get("sender") else None,
            addressee_id=data["addressee"].pk if data.get("addressee") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            ack=ack if ack in ACK_STATES else "",
            kind=data.get("kind") or "",
        )
