"""Template helpers for the impersonation radar's review queue: the queue link
(shown only to reviewers, with the number awaiting review) and score badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sifara.accounts import review_selectors
from sifara.accounts.models import CandidateStatus
from sifara.core import i18n

register = template.Library()

_STATUS_CLASSES: dict[str, str] = {
    CandidateStatus.PENDING: "text-bg-warning",
    CandidateStatus.CONFIRMED: "text-bg-danger",
    CandidateStatus.DISMISSED: "text-bg-secondary",
}
_CASE_CLASSES: dict[str, str] = {
    "open": "text-bg-warning",
    "reported": "text-bg-primary",
    "removed": "text-bg-success",
    "closed": "text-bg-secondary",
}


@register.simple_tag(takes_context=True)
def review_queue_link(context: dict[str, Any]) -> dict[str, Any] | None:
    """``{% review_queue_link as review %}``: ``None`` for people who may not
    review; else ``{"pending": n}``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not review_selectors.may_review(user):
        return None
    counts = review_selectors.candidate_counts_for_user(user=user)
    return {"pending": counts.get(CandidateStatus.PENDING, 0)}


@register.simple_tag
def score_badge(score: float) -> SafeString:
    level = review_selectors.score_level(float(score))
    percent = review_selectors.score_percent(score)
    return format_html(
        '<span class="badge text-bg-{} radar-score" data-score="{}">{}%</span>',
        level,
        percent,
        i18n.format_number(percent),
    )


@register.simple_tag
def candidate_status_badge(status: str, label: str) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>', _STATUS_CLASSES.get(status, "text-bg-light"), label
    )


@register.simple_tag
def case_status_badge(status: str, label: str) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>', _CASE_CLASSES.get(status, "text-bg-light"), label
    )
