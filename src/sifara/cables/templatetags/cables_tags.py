"""Template helpers of the cables pages: precedence badges, dual local times."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache

from babel import Locale
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sifara.cables.handling import precedence_code
from sifara.cables.models import Precedence
from sifara.core import i18n

register = template.Library()


@register.simple_tag
def precedence_badge(level: int) -> SafeString:
    """The precedence as a coloured badge, with the fixed code for screen readers too."""
    return format_html(
        '<span class="badge precedence precedence-{}" title="{}">{}</span>',
        int(level),
        precedence_code(level),
        Precedence(level).label,
    )


@lru_cache(maxsize=64)
def _zone(tz: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tz)


@lru_cache(maxsize=4)
def _names(locale: str) -> tuple[dict[int, str], dict[str, str]]:
    data = Locale.parse(locale)
    months = {int(k): str(v) for k, v in data.months["format"]["wide"].items()}
    periods = {k: str(v) for k, v in data.day_periods["format"]["abbreviated"].items()}
    return months, periods


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def format_local(value: datetime, tz: str) -> str:
    """Date and time in ``tz`` with CLDR month names and AM/PM markers, as
    ``i18n.format_datetime`` writes them, without Babel's per-call pattern
    parsing (an inbox page shows 50 of these)."""
    locale = i18n.active_locale()
    months, periods = _names(locale)
    local = value.astimezone(_zone(tz))
    hour = local.hour % 12 or 12
    period = periods.get("am" if local.hour < 12 else "pm", "")
    if locale == "ar":
        text = f"{local.day} {months[local.month]} {local.year} {hour}:{local.minute:02d} {period}"
    else:
        text = f"{months[local.month]} {local.day}, {local.year} {hour}:{local.minute:02d} {period}"
    return text.translate(_ARABIC_INDIC) if i18n.numbering_system() == "arab" else text


def _offset(value: datetime, tz: str) -> str:
    offset = value.astimezone(_zone(tz)).utcoffset()
    total = int(offset.total_seconds()) if offset else 0
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@register.simple_tag
def local_time(value: datetime | None, tz: str) -> SafeString:
    """``22 November 2026 9:40 PM (Paris UTC+01:00)`` in the zone given, localised digits."""
    if value is None:
        return format_html("{}", "—")
    city = tz.rsplit("/", 1)[-1].replace("_", " ")
    return format_html(
        '<span class="local-time">{} <span class="tz ltr-value">{} {}</span></span>',
        format_local(value, tz),
        city,
        _offset(value, tz),
    )


@register.simple_tag
def short_time(value: datetime | None, tz: str, place: str = "") -> SafeString:
    """Compact ``23 Nov 06:45 · Tokyo`` for lists (month abbreviated, no year)."""
    if value is None:
        return format_html("{}", "—")
    locale = i18n.active_locale()
    local = value.astimezone(_zone(tz))
    months = _short_months(locale)
    hour = local.hour % 12 or 12
    _months, periods = _names(locale)
    period = periods.get("am" if local.hour < 12 else "pm", "")
    text = f"{local.day} {months[local.month]} {hour}:{local.minute:02d} {period}"
    if i18n.numbering_system() == "arab":
        text = text.translate(_ARABIC_INDIC)
    label = place or tz.rsplit("/", 1)[-1].replace("_", " ")
    return format_html(
        '<span class="local-time" title="{}">{} <span class="tz">· {}</span></span>',
        f"{tz} {_offset(value, tz)}",
        text,
        label,
    )


@lru_cache(maxsize=4)
def _short_months(locale: str) -> dict[int, str]:
    data = Locale.parse(locale)
    return {int(k): str(v) for k, v in data.months["format"]["abbreviated"].items()}


@register.filter
def mark_code(level: int) -> str:
    """Portion mark as written in cables: (U), (R), (C), (S) in English, the
    classification's name in Arabic."""
    from sifara.core.models import Classification

    if i18n.active_locale() == "ar":
        return f"({Classification(int(level)).label})"
    return {0: "(U)", 1: "(R)", 2: "(C)", 3: "(S)"}.get(int(level), "(?)")
