"""Periodic identity housekeeping (thin: the work is in services)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sifara.identity import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/30"), retries=2, retry_delay=60)
def identity_housekeeping() -> None:
    """Delete expired sessions and stale login-throttle rows (idempotent)."""
    result = services.identity_housekeeping()
    logger.info("identity housekeeping: %s stale throttle rows deleted", result["throttles"])
