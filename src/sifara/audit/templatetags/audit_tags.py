"""Template helpers for the audit trail pages."""

from __future__ import annotations

from typing import Any

from django import template

from sifara.audit import selectors

register = template.Library()


@register.filter
def compact_details(details: Any) -> str:
    """``key=value · key=value`` on one line, shortened."""
    return selectors.details_compact(details)


@register.filter
def details_json(details: Any) -> str:
    return selectors.details_json(details)
