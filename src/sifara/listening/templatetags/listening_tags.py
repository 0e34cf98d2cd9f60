"""Template helpers of the sources pages."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sifara.core.templatetags.sifara import lnum

register = template.Library()

_STATES = {
    "ok": ("text-bg-success", "bi-check-circle"),
    "idle": ("text-bg-secondary", "bi-hourglass"),
    "backing_off": ("text-bg-warning", "bi-arrow-repeat"),
    "flagged": ("text-bg-danger", "bi-exclamation-octagon"),
    "inactive": ("text-bg-light border", "bi-pause-circle"),
}


@register.simple_tag
def source_state_badge(state: str) -> SafeString:
    labels = {
        "ok": _("Healthy"),
        "idle": _("No data yet"),
        "backing_off": _("Backing off"),
        "flagged": _("Failing"),
        "inactive": _("Paused"),
    }
    css, icon = _STATES.get(state, ("text-bg-secondary", "bi-question-circle"))
    return format_html(
        '<span class="badge {}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        css,
        icon,
        labels.get(state, state),
    )


@register.filter
def duration(value: timedelta | None) -> str:
    """A short, localised duration ("5 minutes", "3 hours", "2 days")."""
    if value is None:
        return "—"
    seconds = max(0, int(value.total_seconds()))
    if seconds < 120:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": lnum(seconds)}
    minutes = seconds // 60
    if minutes < 120:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": lnum(minutes)}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": lnum(hours)}
    days = hours // 24
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": lnum(days)}
