"""Reads of the audit trail: administrators only (``audit.view``)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from sifara.audit.models import AuditEvent
from sifara.audit.services import VerifyResult, verify
from sifara.core import policy

#: The filter keywords accepted by :func:`event_list_for_user` (and echoed into
#: the ``audit.exported`` event).
FILTER_NAMES = ("actor", "action", "target_type", "date_from", "date_to", "query")


def _require(user: Any, capability: str) -> None:
    if not policy.can(user, capability):
        raise PermissionDenied


def _day_start(day: date, tz: tzinfo) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def event_list_for_user(
    *,
    user: Any,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    query: str = "",
    up_to_seq: int | None = None,
    tz: tzinfo | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered. Raises ``PermissionDenied`` for non-administrators.

    Dates are whole days in ``tz`` (the current time zone by default), both ends
    included. ``up_to_seq`` pins a snapshot (an export does not include itself).
    """
    _require(user, "audit.view")
    zone = tz or timezone.get_current_timezone()
    qs = AuditEvent.objects.all()
    if actor.strip():
        qs = qs.filter(actor_label__iexact=actor.strip())
    if action.strip():
        qs = qs.filter(action=action.strip())
    if target_type.strip():
        qs = qs.filter(target_type=target_type.strip())
    if date_from is not None:
        qs = qs.filter(occurred_at__gte=_day_start(date_from, zone))
    if date_to is not None:
        qs = qs.filter(occurred_at__lt=_day_start(date_to + timedelta(days=1), zone))
    if query.strip():
        qs = qs.filter(target_label__icontains=query.strip())
    if up_to_seq is not None:
        qs = qs.filter(seq__lte=up_to_seq)
    return qs.order_by("-seq")


def event_actions_for_user(*, user: Any) -> list[str]:
    """The distinct actions recorded so far (for the filter's select)."""
    _require(user, "audit.view")
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def event_target_types_for_user(*, user: Any) -> list[str]:
    _require(user, "audit.view")
    return list(
        AuditEvent.objects.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )


def event_last_seq_for_user(*, user: Any) -> int:
    _require(user, "audit.view")
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return int(last or 0)


def chain_status_for_user(*, user: Any) -> VerifyResult:
    """Walk the whole chain (see :func:`sifara.audit.services.verify`)."""
    _require(user, "audit.view")
    return verify()


def details_compact(details: Any, *, limit: int = 160) -> str:
    """``key=value · key=value`` on one line, cut at ``limit`` characters."""
    if not details:
        return ""
    if isinstance(details, dict):
        parts = []
        for key in sorted(details):
            value = details[key]
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{key}={shown}")
        text = " · ".join(parts)
    else:
        text = json.dumps(details, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def details_json(details: Any) -> str:
    """Compact, stable JSON (for the CSV export and the full-text tooltip)."""
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
