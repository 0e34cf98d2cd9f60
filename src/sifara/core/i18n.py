"""Localised numbers and dates for the active language (CLDR data via Babel).

Arabic uses CLDR's ``ar`` month names, separators and AM/PM markers; its digits
are Arabic-Indic (٠١٢٣…) or Latin as ``SIFARA_ARABIC_DIGITS`` says (``arab`` by
default). English uses ``en``. Times are shown in the zone asked for (a
mission's or the viewer's); they are stored in UTC.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import ParamSpec, TypeVar

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

P = ParamSpec("P")
R = TypeVar("R")

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def active_locale() -> str:
    return "ar" if (get_language() or "ar").startswith("ar") else "en"


def numbering_system() -> str:
    """``arab`` or ``latn``: the digits used for the active language."""
    if active_locale() == "ar" and settings.SIFARA_ARABIC_DIGITS == "arab":
        return "arab"
    return "latn"


def localize_digits(text: str) -> str:
    """``text`` with Arabic-Indic digits where the active language uses them."""
    return text.translate(_ARABIC_INDIC) if numbering_system() == "arab" else text


def format_number(value: int | float | None) -> str:
    """``١٬٢٣٤٫٥`` (Arabic separators with Arabic-Indic digits, as the charts'
    ``Intl.NumberFormat`` writes them) / ``1,234.5``."""
    if value is None:
        return ""
    return localize_digits(
        babel_numbers.format_decimal(
            value, locale=active_locale(), numbering_system=numbering_system()
        )
    )


def format_percent(value: float) -> str:
    """A share (0.12) as ``12%`` / ``١٢%`` in the active language."""
    return localize_digits(
        babel_numbers.format_percent(
            value, locale=active_locale(), numbering_system=numbering_system()
        )
    )


def _zone(tz: str | tzinfo | None) -> tzinfo:
    if tz is None or tz == "":
        return timezone.get_current_timezone()
    if isinstance(tz, str):
        return zoneinfo.ZoneInfo(tz)
    return tz


def in_headquarters_time(view: Callable[P, R]) -> Callable[P, R]:
    """Render ``view``'s times in headquarters time (``SIFARA_HQ_TIMEZONE``):
    the listening and analysis pages, whose charts, day buckets and date
    filters are in that zone, show the posts' times in it too. Date-time form
    fields read their input in it. Stored values stay UTC."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with timezone.override(settings.SIFARA_HQ_TIMEZONE):
            return view(*args, **kwargs)

    return wrapped


def format_datetime(value: datetime | None, tz: str | tzinfo | None = None) -> str:
    """``22 نوفمبر 2026 9:40 م`` / ``November 22, 2026 9:40 PM`` in zone ``tz``."""
    if value is None:
        return ""
    local = value.astimezone(_zone(tz))
    return f"{format_date(local.replace(tzinfo=None))} {format_time(value, tz)}"


def format_date(value: date | datetime | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return localize_digits(babel_dates.format_date(value, format=fmt, locale=active_locale()))


def format_time(value: datetime | None, tz: str | tzinfo | None = None) -> str:
    if value is None:
        return ""
    return localize_digits(
        babel_dates.format_time(value, format="short", tzinfo=_zone(tz), locale=active_locale())
    )


def utc_offset_label(tz: str, at: datetime | None = None) -> str:
    """``UTC+03:00`` style label for a zone at a moment."""
    moment = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(tz))
    offset = moment.utcoffset()
    total = int(offset.total_seconds()) if offset else 0
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def language_name(code: str) -> str:
    """The name of a language (ISO 639 code) in the active language."""
    try:
        name = Locale.parse(active_locale()).languages.get(code)
    except (ValueError, UnknownLocaleError):
        name = None
    return str(name or code)
