"""Forms of the operations rooms pages. Validation of substance lives in the
services; these only shape input."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifara.core.forms import BootstrapMixin
from sifara.core.models import Classification
from sifara.directory.models import Unit, UnitKind, User
from sifara.rooms.models import EntryKind, RoomKind, RoomRole


def _levels_up_to(ceiling: int) -> list[tuple[int, Any]]:
    return [(value, label) for value, label in Classification.choices if value <= ceiling]


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class RoomOpenForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of crisis"), choices=RoomKind.choices)
    ceiling = forms.TypedChoiceField(
        label=_("Classification ceiling"),
        coerce=int,
        choices=Classification.choices,
        help_text=_("No entry in the room may be classified above this level."),
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead_unit"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = Unit.objects.filter(
            kind=UnitKind.HQ_DEPARTMENT, is_active=True, memberships__user=user
        ).distinct()
        lead.empty_label = None  # the first of the user's HQ departments is preselected
        ceiling = self.fields["ceiling"]
        assert isinstance(ceiling, forms.TypedChoiceField)
        ceiling.choices = _levels_up_to(int(user.clearance))


class EntryForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (EntryKind.MESSAGE, EntryKind.MESSAGE.label),
            (EntryKind.DECISION, EntryKind.DECISION.label),
            (EntryKind.STATUS, EntryKind.STATUS.label),
        ],
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, choices=Classification.choices
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, ceiling: int, clearance: int, guest: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        level = self.fields["classification"]
        assert isinstance(level, forms.TypedChoiceField)
        # Offer the levels allowed; the service refuses anything else anyway.
        level.choices = _levels_up_to(min(ceiling, clearance))
        if guest:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [
                (EntryKind.MESSAGE, EntryKind.MESSAGE.label),
                (EntryKind.STATUS, EntryKind.STATUS.label),
            ]


class TaskForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        # Any active account: the service refuses owners outside the room with
        # a clear message (a member removed meanwhile, a forged form).
        owner.queryset = owners
        owner.empty_label = None

    def clean_due_at(self) -> Any:
        value = self.cleaned_data["due_at"]
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class MemberAddForm(BootstrapMixin, forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_("Room role"),
        choices=[(RoomRole.MEMBER, RoomRole.MEMBER.label), (RoomRole.OWNER, RoomRole.OWNER.label)],
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = candidates


class GuestInviteForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For example guest.surname. Letters, digits, dots, hyphens."),
    )
    full_name_en = forms.CharField(label=_("Full name (English)"), max_length=200)
    full_name_ar = forms.CharField(label=_("Full name (Arabic)"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    clearance = forms.TypedChoiceField(label=_("Clearance"), coerce=int, choices=[])
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=[("en", "English"), ("ar", "العربية")]
    )

    def __init__(self, *args: Any, ceiling: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clearance = self.fields["clearance"]
        assert isinstance(clearance, forms.TypedChoiceField)
        clearance.choices = _levels_up_to(ceiling)

    def clean_username(self) -> str:
        value = str(self.cleaned_data["username"]).strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,149}", value):
            raise forms.ValidationError(_("Letters, digits, dots and hyphens only."))
        return value


class CableLinkForm(BootstrapMixin, forms.Form):
    reference = forms.CharField(
        label=_("Cable reference"),
        max_length=60,
        help_text=_(
            "A released cable you may read. Members without need-to-know see only "
            "that a cable is linked."
        ),
    )
