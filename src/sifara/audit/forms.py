"""The audit trail's filter form (GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifara.core.forms import BootstrapMixin


class EventFilterForm(BootstrapMixin, forms.Form):
    actor = forms.CharField(label=_("Actor (user name)"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Target type"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    query = forms.CharField(label=_("Target contains"), required=False, max_length=200)

    def __init__(
        self,
        *args: Any,
        actions: list[str] | None = None,
        target_types: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("All actions")), *((a, a) for a in actions or [])]
        type_field = self.fields["target_type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", _("All types")), *((t, t) for t in target_types or [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments; empty when the form is invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "actor": data.get("actor") or "",
            "action": data.get("action") or "",
            "target_type": data.get("target_type") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "query": data.get("query") or "",
        }
