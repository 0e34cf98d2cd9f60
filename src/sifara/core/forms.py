"""Form helpers: Bootstrap classes on every widget, so templates stay simple."""

from __future__ import annotations

from typing import Any

from django import forms

from sifara.core.errors import ApplicationError


class BootstrapMixin:
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def apply_application_error(
    form: forms.BaseForm, exc: ApplicationError, *, message_field: str | None = None
) -> None:
    """Show a service's :class:`ApplicationError` on ``form``: its ``details``
    per field (unknown fields as form-wide errors), else its message on
    ``message_field`` (or form-wide)."""
    for field, errors in exc.details.items():
        items = errors if isinstance(errors, list) else [errors]
        for error in items or [exc.message]:
            form.add_error(field if field in form.fields else None, str(error))
    if not form.errors:
        form.add_error(message_field if message_field in form.fields else None, str(exc.message))
