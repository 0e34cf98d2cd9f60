"""Template filters of the archive pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from sifara.core import i18n

register = template.Library()


def year_label(value: Any) -> str:
    """A year in the active language's digits, without a thousands separator."""
    try:
        return i18n.format_date(date(int(value), 1, 1), "y")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def lyear(value: Any) -> str:
    return year_label(value)
