"""Chart specifications handed to ``static/analysis/charts.js`` through ``json_script``.

A spec is plain JSON: labels already localised on the server (Babel, HQ time),
figures as numbers, and a drill-down URL per point where a click should lead
to the posts behind it. The script turns a spec into ECharts options, mirrored
for right-to-left pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel import dates as babel_dates
from django.utils.translation import gettext as _

from sifara.analysis.selectors import Dashboard, Reaction, Spread, hq_zone
from sifara.core import i18n

COLORS = {
    "posts": "#1f4e79",
    "neg": "#c0392b",
    "neu": "#95a5a6",
    "pos": "#27ae60",
    "mean": "#b8860b",
    "accent": "#6c3483",
}


def bucket_label(moment: datetime, bucket: str) -> str:
    local = moment.astimezone(hq_zone())
    locale = i18n.active_locale()
    if bucket == "hour":
        return i18n.localize_digits(
            babel_dates.format_datetime(local, "d MMM HH:mm", locale=locale)
        )
    return i18n.localize_digits(babel_dates.format_date(local.date(), "d MMM", locale=locale))


def volume_chart(board: Dashboard, url_for_bucket: Callable[[datetime], str]) -> dict[str, Any]:
    labels = [bucket_label(row["start"], board.bucket) for row in board.series]
    return {
        "type": "series",
        "labels": labels,
        "urls": [url_for_bucket(row["start"]) for row in board.series],
        "axes": [_("Posts"), _("Mean sentiment")],
        "series": [
            {
                "name": _("Negative"),
                "kind": "bar",
                "stack": "s",
                "color": COLORS["neg"],
                "data": [row["neg"] for row in board.series],
            },
            {
                "name": _("Neutral"),
                "kind": "bar",
                "stack": "s",
                "color": COLORS["neu"],
                "data": [row["neu"] for row in board.series],
            },
            {
                "name": _("Positive"),
                "kind": "bar",
                "stack": "s",
                "color": COLORS["pos"],
                "data": [row["pos"] for row in board.series],
            },
            {
                "name": _("Mean sentiment"),
                "kind": "line",
                "axis": 1,
                "color": COLORS["mean"],
                "data": [row["mean"] for row in board.series],
            },
        ],
        "min1": -1,
        "max1": 1,
    }


def bars_chart(
    items: list[tuple[str, int, str]], *, color: str = COLORS["posts"]
) -> dict[str, Any]:
    """Horizontal bars: (label, value, drill-down URL), biggest first."""
    return {
        "type": "bars",
        "items": [{"label": label, "value": value, "url": url} for label, value, url in items],
        "color": color,
    }


def donut_chart(items: list[tuple[str, int, str, str]]) -> dict[str, Any]:
    """(label, value, colour, URL)."""
    return {
        "type": "donut",
        "items": [
            {"label": label, "value": value, "color": color, "url": url}
            for label, value, color, url in items
        ],
    }


def hours_after_labels(hours: int) -> list[str]:
    return [i18n.localize_digits(f"+{h}") for h in range(hours)]


def reaction_chart(reaction: Reaction) -> dict[str, Any]:
    return {
        "type": "series",
        "labels": hours_after_labels(reaction.hours),
        "xname": _("Hours after publication"),
        "axes": [_("Posts"), _("Mean sentiment")],
        "series": [
            {
                "name": _("Posts"),
                "kind": "bar",
                "color": COLORS["posts"],
                "data": reaction.volume,
            },
            {
                "name": _("Negative"),
                "kind": "bar",
                "color": COLORS["neg"],
                "data": reaction.negative,
                "overlap": True,
            },
            {
                "name": _("Mean sentiment"),
                "kind": "line",
                "axis": 1,
                "color": COLORS["mean"],
                "data": reaction.sentiment,
            },
        ],
        "min1": -1,
        "max1": 1,
        "markPeak": reaction.peak_hour,
    }


def comparison_chart(rows: list[tuple[str, list[int]]], hours: int) -> dict[str, Any]:
    palette = ["#1f4e79", "#b8860b", "#6c3483", "#16a085", "#c0392b", "#7f8c8d"]
    return {
        "type": "series",
        "labels": hours_after_labels(hours),
        "xname": _("Hours after publication"),
        "axes": [_("Posts")],
        "series": [
            {
                "name": title,
                "kind": "line",
                "color": palette[index % len(palette)],
                "data": (volume + [0] * hours)[:hours],
            }
            for index, (title, volume) in enumerate(rows)
        ],
    }


def spread_chart(spread: Spread) -> dict[str, Any]:
    return {
        "type": "series",
        "labels": [bucket_label(day, "day") for day in spread.days],
        "axes": [_("Posts per day"), _("Total")],
        "series": [
            {
                "name": _("Posts per day"),
                "kind": "bar",
                "color": COLORS["neg"],
                "data": spread.posts,
            },
            {
                "name": _("Total"),
                "kind": "line",
                "axis": 1,
                "color": COLORS["posts"],
                "data": spread.cumulative,
            },
        ],
    }


def timeline_chart(points: list[tuple[datetime, int]]) -> dict[str, Any]:
    locale = i18n.active_locale()
    return {
        "type": "series",
        "labels": [
            i18n.localize_digits(
                babel_dates.format_time(m.astimezone(hq_zone()), "HH:mm", locale=locale)
            )
            for m, _n in points
        ],
        "axes": [_("Posts")],
        "series": [
            {
                "name": _("Posts"),
                "kind": "bar",
                "color": COLORS["accent"],
                "data": [n for _m, n in points],
            }
        ],
    }
