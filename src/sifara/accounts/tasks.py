"""Background work of the registry (thin: calls services)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sifara.accounts import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="6", minute="20"), retries=2, retry_delay=600)
def accounts_audit_reminders_daily() -> None:
    """Refresh risk scores (they age) and remind custodians of accounts whose
    security audit is overdue (once a day at most per account)."""
    refreshed = services.posture_scores_refresh()
    count = services.audit_reminders_send()
    logger.info(
        "risk scores refreshed for %d accounts; audit reminders sent for %d accounts",
        refreshed,
        count,
    )


# Huey discovers tasks in tasks.py modules only: register the review queue's too.
from sifara.accounts import review_tasks  # noqa: E402, F401
