"""Background work of the cables module (thin: calls services)."""

from __future__ import annotations

import logging
from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sifara.cables import services

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=10)
def cable_released_task(cable_id: int, released_at: str) -> None:
    """First notices for a released cable (idempotent: units already notified are skipped)."""
    count = services.deliveries_notify_released(
        cable_id=cable_id, now=datetime.fromisoformat(released_at)
    )
    logger.info("cable %s: %d notices", cable_id, count)


@db_task(retries=2, retry_delay=30)
def push_notices_task(notice_ids: list[int]) -> None:
    """Web Push for notices (content-free payloads); already pushed ones are skipped."""
    services.push_notices(notice_ids=notice_ids)


@db_periodic_task(crontab(minute="*"), retries=1, retry_delay=20)
def cables_escalate_every_minute() -> None:
    """Reminders and duty-roster escalation for unacknowledged FLASH / NIACT cables."""
    report = services.cables_escalate()
    if report.notices:
        logger.info(
            "cables: %d reminders, %d escalations, %d notices",
            report.reminded,
            report.escalated,
            report.notices,
        )
