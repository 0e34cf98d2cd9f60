"""Periodic proof that the audit trail is intact (thin: calls services)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sifara.audit import services

logger = logging.getLogger(__name__)

VERIFY_FAILED = "audit.verify_failed"


def audit_verify_and_report() -> services.VerifyResult:
    """Verify the chain; on failure log an ERROR and record one
    ``audit.verify_failed`` event per distinct breach (idempotent)."""
    result = services.verify()
    if result.ok:
        logger.info("audit chain verified: %d events", result.checked)
        return result
    # Only positions and the verifier's reason: never an event's content.
    logger.error(
        "AUDIT TRAIL BROKEN at event #%s (row id %s): %s; %d events verified before it",
        result.broken_seq,
        result.broken_id,
        result.reason,
        result.checked,
    )
    details = {
        "broken_seq": result.broken_seq,
        "broken_id": result.broken_id,
        "reason": result.reason,
        "checked": result.checked,
    }
    from sifara.audit.models import AuditEvent

    last = AuditEvent.objects.filter(action=VERIFY_FAILED).order_by("-seq").first()
    already = last is not None and all(
        last.details.get(key) == details[key] for key in ("broken_seq", "broken_id", "reason")
    )
    if not already:
        services.record(actor=None, action=VERIFY_FAILED, details=details, actor_label="system")
    return result


@db_periodic_task(crontab(minute="7"), retries=2, retry_delay=300)
def audit_verify_hourly() -> None:
    audit_verify_and_report()
