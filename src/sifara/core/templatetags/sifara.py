"""Template helpers: localised numbers/dates and query-string editing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sifara.core import i18n
from sifara.core.models import Classification

register = template.Library()


@register.filter
def lnum(value: Any) -> str:
    try:
        return i18n.format_number(value if isinstance(value, int | float) else int(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def ldatetime(value: datetime | None, tz: str | None = None) -> str:
    return i18n.format_datetime(value, tz or None)


@register.filter
def ldate(value: date | datetime | None) -> str:
    return i18n.format_date(value)


@register.filter
def ltime(value: datetime | None, tz: str | None = None) -> str:
    return i18n.format_time(value, tz or None)


@register.simple_tag
def classification_badge(level: int) -> SafeString:
    label = Classification(level).label
    return format_html(
        '<span class="badge classification classification-{}">{}</span>', int(level), label
    )


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some keys replaced (for pagination links)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in kwargs.items():
        query[key] = str(value)
    return query.urlencode()
