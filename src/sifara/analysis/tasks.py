"""Background work of listening analysis (thin: calls services)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sifara.analysis import services
from sifara.analysis.models import Claim, Statement

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def analysis_alert_email(alert_id: int) -> None:
    """E-mail an alert to its unit (once; a missing alert is ignored)."""
    services.alert_email_send(alert_id=alert_id)


@db_task(retries=2, retry_delay=60)
def analysis_statement_collect(statement_id: int) -> None:
    """Find the stored posts reacting to a statement (idempotent)."""
    statement = Statement.objects.filter(pk=statement_id).first()
    if statement is not None:
        services.statement_collect(statement=statement)


@db_task(retries=2, retry_delay=60)
def analysis_claim_link(claim_id: int) -> None:
    """Link the stored posts spreading a claim (idempotent)."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is not None:
        services.claim_link_auto(claim=claim)


@db_periodic_task(crontab(minute=f"*/{settings.SIFARA_ALERTS_EVERY_MINUTES}"), retries=1)
def analysis_alerts_periodic() -> None:
    """Evaluate the alert rules even when no batch arrives (new impersonation
    candidates, quiet sources)."""
    raised = services.alerts_evaluate()
    if raised:
        logger.info("listening alerts raised: %d", len(raised))


@db_task(retries=2, retry_delay=30)
def analysis_batch(post_ids: list[int], now_iso: str = "") -> None:
    """The post-batch analysis (statements, claims, alert rules); idempotent."""
    now = datetime.fromisoformat(now_iso) if now_iso else None
    services.batch_analyse(post_ids=post_ids, now=now)
