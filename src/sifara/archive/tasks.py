"""Background work of the archive (thin: calls services; ids only; idempotent)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sifara.archive import services

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=60)
def archive_extract_file(file_id: int) -> None:
    """Extract (or OCR) one attached file's text, then re-index its agreement."""
    services.file_extract(file_id=file_id)


@db_periodic_task(crontab(hour="5", minute="40"), retries=2, retry_delay=600)
def archive_reminders_daily() -> None:
    """Roll automatic renewals, then remind of expiries and renewal-notice deadlines."""
    rolled = services.renewals_roll()
    sent = services.reminders_send()
    logger.info("archive: %d agreements renewed or expired; %d reminders sent", rolled, sent)
