"""Template helpers of listening analysis."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sifara.core import i18n

register = template.Library()

_SENTIMENT = {
    "neg": ("text-bg-danger", "bi-emoji-frown"),
    "neu": ("text-bg-secondary", "bi-emoji-neutral"),
    "pos": ("text-bg-success", "bi-emoji-smile"),
}


@register.filter
def lang_name(code: str) -> str:
    return i18n.language_name(code) if code else _("Unknown")


@register.simple_tag
def sentiment_badge(label: str, score: float | None = None) -> SafeString:
    css, icon = _SENTIMENT.get(label or "neu", _SENTIMENT["neu"])
    names = {"neg": _("Negative"), "neu": _("Neutral"), "pos": _("Positive")}
    text = names.get(label or "neu", names["neu"])
    if score is not None:
        return format_html(
            '<span class="badge {} sentiment-badge"><i class="bi {}" aria-hidden="true"></i> {} '
            '<span class="opacity-75">{}</span></span>',
            css,
            icon,
            text,
            i18n.format_number(round(float(score), 2)),
        )
    return format_html(
        '<span class="badge {} sentiment-badge"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        css,
        icon,
        text,
    )


@register.filter
def signed(value: Any) -> str:
    """A sentiment score with its sign, localised (−0.42 / +0.10)."""
    if value is None or value == "":
        return "—"
    number = float(value)
    sign = "+" if number > 0 else ""
    return sign + i18n.format_number(round(number, 2))


@register.filter
def percent_of(value: Any, total: Any) -> int:
    try:
        return round(100 * float(value) / float(total)) if float(total) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def lpercent(value: Any) -> str:
    """A whole percentage (0..100) in the active language's format (12% / ١٢%)."""
    try:
        number = float(value) / 100
    except (TypeError, ValueError):
        return ""
    return i18n.format_percent(number)
