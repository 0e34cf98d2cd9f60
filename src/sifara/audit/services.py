"""Writing to the audit trail and proving it intact."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from sifara.audit.models import AuditEvent, AuditHead
from sifara.core.net import client_ip

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
#: Stored as the seal when the head was found tampered with: it never matches an
#: HMAC, so the breach stays visible to ``verify()`` however many events follow.
BROKEN_SEAL = "!" * 64


def _canonical_ip(value: str | None) -> str | None:
    """One spelling per address, whatever the database hands back (PostgreSQL's
    ``inet`` and Django's IPv6 cleaning both rewrite some spellings)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return value


def _canonical(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    source_ip: str | None,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        "at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target": [target_type, target_id, target_label],
        "ip": _canonical_ip(source_ip),
        "details": details,
        "prev": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(
        _canonical(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            target_label=event.target_label,
            source_ip=event.source_ip,
            details=event.details,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


def _seal(seq: int, head_hash: str) -> str:
    key: bytes = settings.SIFARA_AUDIT_SEAL_KEY
    return hmac.new(key, f"{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def _jsonable(details: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so what we hash is exactly what the database keeps.
    return json.loads(json.dumps(details or {}, default=str, sort_keys=True))


def _bilingual_label(target: models.Model) -> str:
    """``Arabic · English`` (or one of them when they are the same), whatever
    the actor's UI language, so the trail reads and searches the same for all."""
    labels: list[str] = []
    for language in ("ar", "en"):
        with translation.override(language):
            label = str(target)
        if label not in labels:
            labels.append(label)
    return " · ".join(labels)[:200]


def record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. Joins the caller's transaction if there is one.

    ``details`` must never carry classified content: identifiers, field names,
    old/new *levels*, counts — not subjects or bodies.
    """
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor_label if actor_label is not None else (user.get_username() if user else "")
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None and target.pk is not None else ""
    target_label = _bilingual_label(target) if target is not None else ""
    clean = _jsonable(details)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        tampered = False
        if head is None:
            last = AuditEvent.objects.order_by("-seq").first()
            if last is None:
                head = AuditHead(pk=1, seq=0, hash=GENESIS, seal=_seal(0, GENESIS))
            else:
                # The sealed head was deleted: carry on from the last stored
                # event (so the application keeps working) but keep it broken.
                head = AuditHead(pk=1, seq=last.seq, hash=last.hash, seal=BROKEN_SEAL)
                tampered = True
        elif not hmac.compare_digest(head.seal, _seal(head.seq, head.hash)):
            # Never re-seal a head we did not seal: that would launder a
            # truncation or rewrite done directly in the database.
            tampered = True
        if tampered:
            logger.error("audit chain head seal is invalid; appending without re-sealing")
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor=user,
            actor_label=label[:150],
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label,
            source_ip=client_ip(request),
            details=clean,
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.seal = BROKEN_SEAL if tampered else _seal(head.seq, head.hash)
        head.save()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def verify(*, batch_size: int = 2000) -> VerifyResult:
    """Walk the chain from the first event; report the first broken link."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    last_hash = GENESIS
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                event.seq,
                event.pk,
                f"event #{expected_seq} is missing (next stored is #{event.seq})",
            )
        if event.prev_hash != expected_prev:
            return VerifyResult(
                False, checked, event.seq, event.pk, "link to the previous event is broken"
            )
        if event_hash(event) != event.hash:
            return VerifyResult(
                False, checked, event.seq, event.pk, "content does not match its hash"
            )
        expected_prev = last_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if checked:
            return VerifyResult(False, checked, None, None, "chain head seal is missing")
        return VerifyResult(True, 0)
    if not hmac.compare_digest(head.seal, _seal(head.seq, head.hash)):
        return VerifyResult(False, checked, head.seq, None, "chain head seal is invalid")
    if head.seq != last_seq or head.hash != last_hash:
        return VerifyResult(
            False,
            checked,
            last_seq + 1 if head.seq > last_seq else head.seq,
            None,
            f"sealed head is event #{head.seq} but the stored chain ends at #{last_seq}",
        )
    return VerifyResult(True, checked)
