"""Audit trail: ``from sifara import audit; audit.record(actor=, action=, target=, details=)``."""

from __future__ import annotations

from typing import Any


def record(**kwargs: Any) -> Any:
    """Append one audit event (see :func:`sifara.audit.services.record`)."""
    from sifara.audit.services import record as _record

    return _record(**kwargs)
