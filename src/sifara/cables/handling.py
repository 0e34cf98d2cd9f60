"""The handling clock: what each precedence demands (decision 0014).

| precedence | handle within | acknowledgement | reminder every | escalation |
|---|---|---|---|---|
| FLASH | 10 minutes | required (action addressees) | 2 minutes | roster |
| NIACT IMMEDIATE | 30 minutes | required; wakes the first duty officer | 5 minutes | roster |
| IMMEDIATE | 4 hours | optional | — | — |
| ROUTINE | 24 hours | optional | — | — |

Times are computed from an injected ``now`` (services and the periodic task
take ``now=``), so tests drive the clock without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sifara.cables.models import Precedence


@dataclass(frozen=True)
class Handling:
    handle_within: timedelta
    requires_ack: bool
    renotify_every: timedelta | None
    wake_duty_officer: bool
    code: str


HANDLING: dict[int, Handling] = {
    Precedence.FLASH: Handling(timedelta(minutes=10), True, timedelta(minutes=2), False, "FLASH"),
    Precedence.NIACT_IMMEDIATE: Handling(
        timedelta(minutes=30), True, timedelta(minutes=5), True, "NIACT IMMEDIATE"
    ),
    Precedence.IMMEDIATE: Handling(timedelta(hours=4), False, None, False, "IMMEDIATE"),
    Precedence.ROUTINE: Handling(timedelta(hours=24), False, None, False, "ROUTINE"),
}


def handling(precedence: int) -> Handling:
    return HANDLING[Precedence(precedence)]


def due_at(precedence: int, released_at: datetime) -> datetime:
    return released_at + handling(precedence).handle_within


def precedence_code(precedence: int) -> str:
    """The fixed, untranslated code shown in notifications (``FLASH``)."""
    return handling(precedence).code


def current(now: datetime | None) -> datetime:
    """The injected time, or the real one."""
    return now if now is not None else timezone.now()
