"""Template helpers for the registry: a unit's accounts and platform-guide
coverage (for the directory's unit page), and risk badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sifara.accounts import risk, selectors
from sifara.accounts.models import AccountStatus
from sifara.core import i18n

register = template.Library()

_STATUS_CLASSES: dict[str, str] = {
    AccountStatus.DOCUMENTED: "text-bg-success",
    AccountStatus.PENDING: "text-bg-warning",
    AccountStatus.SUSPENDED: "text-bg-danger",
    AccountStatus.RETIRED: "text-bg-secondary",
}
_RISK_CLASSES = {"high": "text-bg-danger", "medium": "text-bg-warning", "low": "text-bg-success"}


@register.simple_tag(takes_context=True)
def unit_official_accounts(context: dict[str, Any], unit: Any) -> selectors.UnitCoverage | None:
    """``{% unit_official_accounts unit as coverage %}``: the unit's accounts and
    which of its host country's main platforms it covers (for the viewer)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or unit is None:
        return None
    return selectors.unit_coverage_for_user(user=user, unit=unit)


@register.simple_tag
def account_status_badge(status: str, label: str) -> SafeString:
    css = _STATUS_CLASSES.get(status, "text-bg-light")
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.simple_tag
def risk_badge(score: int) -> SafeString:
    css = _RISK_CLASSES[risk.level(int(score))]
    return format_html(
        '<span class="badge {}" data-risk="{}">{}</span>',
        css,
        int(score),
        i18n.format_number(int(score)),
    )


@register.filter
def share(value: Any) -> str:
    """A share in percent, localised: ``35.5`` -> ``35.5`` / ``٣٥٫٥``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return i18n.format_number(int(number) if number.is_integer() else round(number, 2))
