"""Web Push (VAPID) for cable notices: payloads carry only precedence,
reference number and sender. Disabled while no VAPID key is configured."""

from __future__ import annotations

import base64
import json
import logging
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

logger = logging.getLogger(__name__)


def _private_key() -> ec.EllipticCurvePrivateKey | None:
    raw = getattr(settings, "SIFARA_VAPID_PRIVATE_KEY", None)
    return _derive(bytes(raw)) if raw else None


@lru_cache(maxsize=4)
def _derive(raw: bytes) -> ec.EllipticCurvePrivateKey | None:
    try:
        return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError:
        logger.error("SIFARA_VAPID_PRIVATE_KEY is not a valid P-256 key; push disabled")
        return None


def vapid() -> Any:
    """A py_vapid ``Vapid`` for pywebpush, or ``None`` when push is disabled."""
    key = _private_key()
    if key is None:
        return None
    from py_vapid import Vapid  # type: ignore[import-untyped]

    return Vapid.from_raw(
        base64.urlsafe_b64encode(key.private_numbers().private_value.to_bytes(32, "big")).rstrip(
            b"="
        )
    )


def public_key_b64() -> str:
    """The application server key for ``pushManager.subscribe`` ("" if disabled)."""
    key = _private_key()
    if key is None:
        return ""
    raw = key.public_key().public_bytes(
        encoding=serialization.Encoding.X962, format=serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def send(subscription: Any, payload: dict[str, str], key: Any) -> tuple[bool, bool]:
    """Send one message. Returns (sent, subscription gone)."""
    from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]

    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=key,
            vapid_claims={"sub": settings.SIFARA_VAPID_SUBJECT},
            ttl=3600,
            timeout=10,
        )
    except WebPushException as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        logger.warning("push to subscription %s failed (status %s)", subscription.pk, status)
        return False, status in (404, 410)
    except Exception:
        logger.warning("push to subscription %s failed", subscription.pk)
        return False, False
    return True, False
