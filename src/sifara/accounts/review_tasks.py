"""Background work of the impersonation radar's review queue (thin: calls
:mod:`sifara.accounts.review_services`).

Huey discovers ``tasks`` modules only: ``sifara.accounts.tasks`` imports this
module so these tasks are registered.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sifara.accounts import review_services

logger = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=60)
def rescreen_pending_task() -> dict[str, int]:
    """Re-score every pending candidate against the current registry (queue it
    with ``transaction.on_commit`` after a bulk registry change). Idempotent;
    candidates deleted meanwhile are simply skipped."""
    counts = review_services.candidates_rescreen_pending()
    logger.info("radar: %(rescreened)d pending candidates re-screened, %(cleared)d cleared", counts)
    return counts


@db_periodic_task(crontab(minute="*/15"), retries=1, retry_delay=120)
def rescreen_pending_when_registry_changed() -> None:
    """Every quarter hour: when the registry changed since the last run,
    re-screen the pending queue (new official accounts, retired ones)."""
    counts = review_services.candidates_rescreen_if_registry_changed()
    if counts is not None:
        logger.info(
            "radar: registry changed; %(rescreened)d pending candidates re-screened, "
            "%(cleared)d cleared",
            counts,
        )
